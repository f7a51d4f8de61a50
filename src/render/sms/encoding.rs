//! GSM 03.38 / 3GPP TS 23.038 encoding and segment counting, as carriers count.
//!
//! One message holds 140 octets: 160 GSM-7 septets or 70 UCS-2 (UTF-16) code units. A
//! concatenated message loses 6 octets per part to the user data header: 153 septets or 67
//! units per part. An extension character (an escape + a septet) and a grapheme cluster (an
//! emoji, a letter with its accents; see `graphemes`) are never split across parts. This
//! matches Twilio's open-source segment calculator, which the tests use as the oracle.

use super::options::Encoding as SmsEncoding;

/// GSM 03.38 basic character set (the escape 0x1B left out).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: two septets each (escape + code).
const EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// Septets a character takes in GSM-7, or `None` when GSM-7 cannot carry it.
pub fn septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// The two encodings a text message can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Encoding {
    #[serde(rename = "GSM-7")]
    Gsm7,
    #[serde(rename = "UCS-2")]
    Ucs2,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
        }
    }

    /// Units that fit in a single message, and per part of a concatenated one.
    pub fn limits(self) -> (usize, usize) {
        match self {
            Encoding::Gsm7 => (160, 153),
            Encoding::Ucs2 => (70, 67),
        }
    }
}

/// A message as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Encoded {
    pub text: String,
    pub encoding: Encoding,
    /// Unicode characters, as a person counts them.
    pub characters: usize,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub segments: usize,
    /// The text of each part as it will be sent.
    pub parts: Vec<String>,
}

/// A character that GSM-7 cannot carry: it forces the message to UCS-2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unencodable {
    pub character: char,
    /// 1-based position in characters.
    pub position: usize,
}

impl std::fmt::Display for Unencodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "'{}' (U+{:04X}) at character {}", self.character, self.character as u32, self.position)
    }
}

/// The characters of `text` that GSM-7 cannot carry.
pub fn unencodable(text: &str) -> Vec<Unencodable> {
    text.chars()
        .enumerate()
        .filter(|(_, c)| septets(*c).is_none())
        .map(|(i, character)| Unencodable { character, position: i + 1 })
        .collect()
}

/// Encodes `text` as it stands: GSM-7 when every character fits, else UCS-2 (or as forced).
pub fn encode(text: &str, encoding: Encoding) -> Encoded {
    let units_of = |unit: &str| match encoding {
        Encoding::Gsm7 => unit.chars().map(|c| septets(c).unwrap_or(1)).sum(),
        Encoding::Ucs2 => unit.encode_utf16().count(),
    };
    // Unsplittable units: characters in GSM-7, grapheme clusters (as the reference calculator
    // finds them) in UCS-2.
    let pieces: Vec<&str> = match encoding {
        Encoding::Gsm7 => text.char_indices().map(|(i, c)| &text[i..i + c.len_utf8()]).collect(),
        Encoding::Ucs2 => super::graphemes::split(text),
    };
    let units: usize = pieces.iter().map(|p| units_of(p)).sum();
    let (single, per_part) = encoding.limits();
    let parts = if units <= single {
        vec![text.to_string()]
    } else {
        let mut parts = vec![String::new()];
        let mut used = 0;
        for piece in pieces {
            let size = units_of(piece);
            if used + size > per_part {
                parts.push(String::new());
                used = 0;
            }
            parts.last_mut().expect("never empty").push_str(piece);
            used += size;
        }
        parts
    };
    Encoded { text: text.to_string(), encoding, characters: text.chars().count(), units, segments: parts.len(), parts }
}

/// Substitutions that change how text looks but not what it says: curly quotes, dashes,
/// ellipses, unusual spaces and bullets. Applied outside web addresses only.
pub fn safe_replacements(text: &str) -> String {
    map_outside_urls(text, |c, out| match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '\u{0060}' => out.push('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => out.push('"'),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => out.push('-'),
        '\u{2026}' => out.push_str("..."),
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\t' => out.push(' '),
        '\u{200B}' | '\u{FEFF}' => {}
        '\u{2022}' | '\u{2023}' | '\u{2043}' | '\u{25E6}' | '\u{2219}' => out.push('-'),
        other => out.push(other),
    })
}

/// Also replaces accented letters GSM-7 lacks by their base letter (á → a). Returns the
/// characters that still cannot be carried (e.g. Arabic letters).
pub fn transliterate(text: &str) -> Result<String, Vec<Unencodable>> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let replaced = safe_replacements(text);
    let result = map_outside_urls(&replaced, |c, out| {
        if septets(c).is_some() {
            out.push(c);
        } else {
            let base: String = c.to_string().nfd().filter(|d| !is_combining_mark(*d)).collect();
            if !base.is_empty() && base.chars().all(|b| septets(b).is_some()) {
                out.push_str(&base);
            } else {
                out.push(c);
            }
        }
    });
    let left = unencodable(&result);
    if left.is_empty() { Ok(result) } else { Err(left) }
}

/// Maps characters with `f`, except inside web addresses, which are never rewritten.
fn map_outside_urls(text: &str, f: impl Fn(char, &mut String)) -> String {
    let mut out = String::with_capacity(text.len());
    for (piece, kind) in crate::text::runs(text, false) {
        match kind {
            crate::text::RunKind::Address => out.push_str(piece),
            _ => piece.chars().for_each(|c| f(c, &mut out)),
        }
    }
    out
}

/// Encodes `text` as a profile asks: `auto` uses GSM-7 when the text fits it after safe
/// replacements (and keeps the author's text in UCS-2 otherwise), `gsm7` also
/// transliterates and fails on what it cannot, `ucs2` always uses UCS-2.
pub fn encode_for(text: &str, mode: SmsEncoding) -> Result<Encoded, Vec<Unencodable>> {
    match mode {
        SmsEncoding::Auto => {
            let replaced = safe_replacements(text);
            Ok(if unencodable(&replaced).is_empty() {
                encode(&replaced, Encoding::Gsm7)
            } else {
                encode(text, Encoding::Ucs2)
            })
        }
        SmsEncoding::Gsm7 => transliterate(text).map(|t| encode(&t, Encoding::Gsm7)),
        SmsEncoding::Ucs2 => Ok(encode(text, Encoding::Ucs2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(text: &str) -> Encoded {
        encode_for(text, SmsEncoding::Auto).unwrap()
    }

    #[test]
    fn tables_have_their_standard_sizes() {
        assert_eq!(BASIC.chars().count(), 127);
        assert_eq!(EXTENSION.chars().count(), 10);
    }

    #[test]
    fn gsm7_at_160_and_161_septets() {
        let m = auto(&"a".repeat(160));
        assert_eq!((m.encoding, m.units, m.segments), (Encoding::Gsm7, 160, 1));
        let m = auto(&"a".repeat(161));
        assert_eq!((m.units, m.segments), (161, 2));
        assert_eq!(m.parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [153, 8]);
    }

    #[test]
    fn escape_pair_never_straddles_parts() {
        // 152 septets then '€' (2 septets) would straddle the 153 boundary: it moves whole.
        let text = "a".repeat(152) + "€" + &"b".repeat(10);
        let m = auto(&text);
        assert_eq!((m.units, m.segments), (164, 2));
        assert_eq!(m.parts[0].chars().count(), 152);
        assert!(m.parts[1].starts_with('€'));
        // 151 + '[' = 153 septets: fits the first part exactly.
        let m = auto(&("a".repeat(151) + "[" + &"b".repeat(10)));
        assert_eq!(m.parts[0].chars().last(), Some('['));
    }

    #[test]
    fn one_curly_apostrophe_and_its_safe_replacement() {
        let text = "a".repeat(140) + "It\u{2019}s fine!";
        assert_eq!(text.chars().count(), 150);
        let forced = encode_for(&text, SmsEncoding::Ucs2).unwrap();
        assert_eq!((forced.encoding, forced.units, forced.segments), (Encoding::Ucs2, 150, 3));
        let m = auto(&text);
        assert_eq!((m.encoding, m.units, m.segments), (Encoding::Gsm7, 150, 1));
        assert!(m.text.contains("It's"));
    }

    #[test]
    fn emoji_at_the_67_and_70_boundaries() {
        let m = auto(&("a".repeat(68) + "😀"));
        assert_eq!((m.encoding, m.units, m.segments), (Encoding::Ucs2, 70, 1));
        let m = auto(&("a".repeat(66) + "😀" + "bc"));
        assert_eq!((m.units, m.segments), (70, 1));
        let m = auto(&("a".repeat(66) + "😀" + "bcd"));
        assert_eq!((m.units, m.segments), (71, 2));
        assert_eq!(m.parts[0].chars().count(), 66, "the surrogate pair moves to part 2 whole");
    }

    #[test]
    fn spanish_keeps_accents_in_auto_and_drops_them_in_gsm7() {
        let text = "Llame al 1-800-662-4357. Ayuda gratuita, confidencial, todo el día.";
        assert_eq!(auto(text).encoding, Encoding::Ucs2);
        let m = encode_for(text, SmsEncoding::Gsm7).unwrap();
        assert_eq!(m.encoding, Encoding::Gsm7);
        assert!(m.text.ends_with("todo el dia."));
        // ñ and é are in the GSM-7 table and stay.
        assert_eq!(encode_for("niño café", SmsEncoding::Gsm7).unwrap().text, "niño café");
    }

    #[test]
    fn arabic_cannot_be_gsm7() {
        let err = encode_for("اتصل 1-800-662-4357", SmsEncoding::Gsm7).unwrap_err();
        assert_eq!(err.len(), 4);
        assert_eq!(err[0].to_string(), "'ا' (U+0627) at character 1");
    }

    #[test]
    fn urls_and_digits_are_never_altered() {
        let text = "Call 1\u{2011}800 or see https://x.org/a\u{2013}b \u{2013} ok";
        assert_eq!(safe_replacements(text), "Call 1-800 or see https://x.org/a\u{2013}b - ok");
    }
}
