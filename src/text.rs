//! Finding, in running text, what every format must keep whole and in its own order: phone
//! numbers (and other digit groups such as dates), web addresses, and — inside right-to-left
//! text — runs of Latin script. The Unicode bidirectional algorithm would otherwise show
//! "1-800-662-4357" after an Arabic word as "4357-662-800-1".

/// What a run of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Plain,
    /// Digits joined by `-`, `.`, `/`, brackets or single spaces, e.g. a phone number or a date.
    Number,
    /// A web or e-mail address.
    Address,
    /// Latin-script words inside right-to-left text.
    Latin,
}

/// A character no output can carry: control characters other than tab and line breaks (an
/// escape pasted from a terminal, a stray U+0001) are not allowed in XML, print as empty boxes
/// and can drive a terminal; noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF, …) are not text.
pub fn unprintable(c: char) -> bool {
    let code = u32::from(c);
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

/// Why [`unprintable`] refuses `c`, for a message.
pub fn unprintable_message(c: char) -> String {
    let kind = if c.is_control() { "a control character" } else { "a noncharacter" };
    format!(
        "the invisible character U+{:04X} ({kind}) cannot be printed or put in an e-book or a web page",
        u32::from(c)
    )
}

/// What to do about an unprintable character.
pub const UNPRINTABLE_HINT: &str =
    "delete it (it often comes in with text pasted from another program, and many editors do not show it)";

/// A name safe as a file or folder name on every system: lower-case letters, digits, `-`,
/// `.` and `_`, not starting with `.` or `-`.
pub fn is_slug(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with(['.', '-'])
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' || c == '_')
}

/// A decimal digit in Western or Eastern Arabic form.
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('\u{660}'..='\u{669}').contains(&c) || ('\u{6f0}'..='\u{6f9}').contains(&c)
}

/// The digit's value, whichever form it is written in.
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '\u{660}'..='\u{669}' => Some(c as u32 - 0x660),
        '\u{6f0}'..='\u{6f9}' => Some(c as u32 - 0x6f0),
        _ => None,
    }
}

/// The digits of a text, as ASCII digits: "(800) ٦٦٢-4357" → "8006624357".
pub fn digits(text: &str) -> String {
    text.chars().filter_map(digit_value).filter_map(|d| char::from_digit(d, 10)).collect()
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (('\u{c0}'..='\u{24f}').contains(&c) && c.is_alphabetic() && c != '\u{d7}' && c != '\u{f7}')
}

/// Splits `text` into runs; Latin runs are only looked for in right-to-left text.
pub fn runs(text: &str, rtl: bool) -> Vec<(&str, RunKind)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while i < chars.len() {
        let at = chars[i].0;
        let found = address_end(text, at)
            .map(|end| (end, RunKind::Address))
            .or_else(|| number_end(&chars, i).map(|end| (byte_at(&chars, end, text.len()), RunKind::Number)))
            .or_else(|| {
                if rtl { latin_end(&chars, i) } else { None }
                    .map(|end| (byte_at(&chars, end, text.len()), RunKind::Latin))
            });
        match found {
            Some((end, kind)) => {
                if plain_start < at {
                    out.push((&text[plain_start..at], RunKind::Plain));
                }
                out.push((&text[at..end], kind));
                plain_start = end;
                while i < chars.len() && chars[i].0 < end {
                    i += 1;
                }
            }
            None => i += 1,
        }
    }
    if plain_start < text.len() {
        out.push((&text[plain_start..], RunKind::Plain));
    }
    out
}

/// The end of a web address starting at `at` (at a word's start), without the punctuation or
/// closing quote that ends the sentence around it.
fn address_end(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let before = text[..at].chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '.' || c == '@') {
        return None;
    }
    let lower: String = rest.chars().take(8).collect::<String>().to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.")) {
        return None;
    }
    let mut end = rest.find(|c: char| c.is_whitespace() || "\"“”‘’«»<>".contains(c)).unwrap_or(rest.len());
    // A closing bracket belongs to the address only when it opened one.
    while end > 0 {
        let last = rest[..end].chars().next_back()?;
        let opens = rest[..end].matches('(').count();
        let closes = rest[..end].matches(')').count();
        if ".,;:!?'".contains(last) || (last == ')' && closes > opens) {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    (end > "www.".len()).then_some(at + end)
}

/// The end (a character index) of a number group starting at index `i` that holds at least one separator
/// ("1-800-662-4357", "(800) 662-4357", "2026-11-01"); plain numbers are left alone.
fn number_end(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let c = chars[i].1;
    let next_is_digit = |k: usize| chars.get(k).is_some_and(|(_, c)| is_digit(*c));
    let starts = is_digit(c) || (matches!(c, '+' | '(') && next_is_digit(i + 1));
    if !starts || (i > 0 && (is_digit(chars[i - 1].1) || chars[i - 1].1.is_alphabetic())) {
        return None;
    }
    let mut end = i + 1;
    let mut separators = 0;
    let mut open = c == '(';
    while end < chars.len() {
        let c = chars[end].1;
        if is_digit(c) {
            end += 1;
        } else if c == ')' && open {
            open = false;
            separators += 1;
            end += 1;
        } else if matches!(c, '-' | '.' | '/' | ' ' | '\u{a0}' | '(')
            && (next_is_digit(end + 1) || (c == ' ' && chars.get(end + 1).is_some_and(|(_, n)| *n == '(')))
        {
            open |= c == '(';
            separators += 1;
            end += 1;
        } else {
            break;
        }
    }
    let digits = chars[i..end].iter().filter(|(_, c)| is_digit(*c)).count();
    let last_is_digit = is_digit(chars[end - 1].1) || chars[end - 1].1 == ')';
    (separators > 0 && digits >= 3 && last_is_digit && !open).then_some(end)
}

/// The byte offset of the character at index `i` (the text's length past its end).
fn byte_at(chars: &[(usize, char)], i: usize, len: usize) -> usize {
    chars.get(i).map_or(len, |(at, _)| *at)
}

/// The end (a character index) of a run of Latin words (with the spaces and `-'.&` between them).
fn latin_end(chars: &[(usize, char)], i: usize) -> Option<usize> {
    if !is_latin_letter(chars[i].1) || (i > 0 && chars[i - 1].1.is_alphanumeric()) {
        return None;
    }
    let mut end = i + 1;
    let mut last_letter = i;
    while end < chars.len() {
        let c = chars[end].1;
        if is_latin_letter(c) || c.is_ascii_digit() {
            last_letter = end;
            end += 1;
        } else if matches!(c, ' ' | '-' | '\'' | '’' | '.' | '&')
            && chars.get(end + 1).is_some_and(|(_, n)| is_latin_letter(*n) || *n == ' ' || *n == '&')
        {
            end += 1;
        } else {
            break;
        }
    }
    Some(last_letter + 1)
}

/// Straight quotes made typographic as a language writes them, across the pieces of one
/// paragraph in order: `"…"` becomes the language's outer pair, `'…'` its inner pair, and an
/// apostrophe (it's, the '90s) becomes ’. Each paragraph, heading or cell starts a new one.
pub struct SmartQuotes<'q> {
    /// Opening and closing outer quotes, then the inner pair.
    quotes: &'q [String],
    previous: Option<char>,
    /// The quotes open now: `true` for an outer (double) one.
    open: Vec<bool>,
}

impl<'q> SmartQuotes<'q> {
    pub fn new(quotes: &'q [String]) -> Self {
        SmartQuotes { quotes, previous: None, open: Vec::new() }
    }

    /// The quotation marks in use.
    pub fn marks(&self) -> &'q [String] {
        self.quotes
    }

    /// Something other than text came before what follows (code, a citation): it counts as a
    /// word character.
    pub fn word(&mut self) {
        self.previous = Some('x');
    }

    /// A line break or space came before what follows.
    pub fn space(&mut self) {
        self.previous = Some(' ');
    }

    /// `text` with its quotes made typographic, in place; text without straight quotes (most of
    /// it) is only looked at.
    pub fn apply_in_place(&mut self, text: &mut String) {
        if text.contains(['"', '\'']) {
            *text = self.apply(text);
        } else if let Some(last) = text.chars().last() {
            self.previous = Some(last);
        }
    }

    pub fn apply(&mut self, text: &str) -> String {
        let mark = |i: usize, fallback: &'static str| self.quotes.get(i).map_or(fallback, String::as_str).to_string();
        let (open_outer, close_outer, open_inner, close_inner) =
            (mark(0, "“"), mark(1, "”"), mark(2, "‘"), mark(3, "’"));
        let mut out = String::with_capacity(text.len() + 8);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            let opening_context = self.previous.is_none_or(|p| p.is_whitespace() || "([{‘“«—–-/".contains(p));
            match c {
                '"' if opening_context => {
                    self.open.push(true);
                    out.push_str(&open_outer);
                }
                '"' => {
                    if self.open.last() == Some(&true) {
                        self.open.pop();
                    }
                    out.push_str(&close_outer);
                }
                '\'' if opening_context && next.is_some_and(|n| n.is_alphabetic()) => {
                    self.open.push(false);
                    out.push_str(&open_inner);
                }
                '\'' if self.open.last() == Some(&false)
                    && !(self.previous.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphabetic)) =>
                {
                    self.open.pop();
                    out.push_str(&close_inner);
                }
                '\'' => out.push('’'),
                c => out.push(c),
            }
            self.previous = Some(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, rtl: bool) -> Vec<(&str, RunKind)> {
        runs(text, rtl).into_iter().filter(|(_, k)| *k != RunKind::Plain).collect()
    }

    #[test]
    fn phone_numbers_and_dates_are_number_runs() {
        assert_eq!(kinds("Call 1-800-662-4357 now.", false), [("1-800-662-4357", RunKind::Number)]);
        assert_eq!(kinds("Call (800) 662-4357.", false), [("(800) 662-4357", RunKind::Number)]);
        assert_eq!(
            kinds("On 2026-11-01, or +1 555 0100", false),
            [("2026-11-01", RunKind::Number), ("+1 555 0100", RunKind::Number)]
        );
        assert_eq!(kinds("Sleep 7 to 9 hours, 24 hours a day.", false), []);
        assert_eq!(kinds("رقم ١-٨٠٠-٦٦٢-٤٣٥٧ الآن", true), [("١-٨٠٠-٦٦٢-٤٣٥٧", RunKind::Number)]);
        assert_eq!(digits("(800) ٦٦٢-4357"), "8006624357");
    }

    #[test]
    fn addresses_end_before_closing_punctuation_and_quotes() {
        assert_eq!(kinds("See “https://x.org/help”.", false), [("https://x.org/help", RunKind::Address)]);
        assert_eq!(kinds("Visit HTTPS://X.ORG/a-b.", false), [("HTTPS://X.ORG/a-b", RunKind::Address)]);
        assert_eq!(
            kinds("(see https://en.wikipedia.org/wiki/A_(b)) and www.cdc.gov.", false),
            [("https://en.wikipedia.org/wiki/A_(b)", RunKind::Address), ("www.cdc.gov", RunKind::Address)]
        );
    }

    fn smart(text: &str, quotes: &[&str]) -> String {
        let quotes: Vec<String> = quotes.iter().map(|q| q.to_string()).collect();
        SmartQuotes::new(&quotes).apply(text)
    }

    #[test]
    fn straight_quotes_become_the_language_s_own() {
        let en = ["“", "”", "‘", "’"];
        assert_eq!(
            smart(r#"You feel "foggy" and it's 'odd' in the '90s."#, &en),
            "You feel “foggy” and it’s ‘odd’ in the ’90s."
        );
        assert_eq!(
            smart(r#""Say 'no,' then stop," she said. The patients' notes."#, &en),
            "“Say ‘no,’ then stop,” she said. The patients’ notes."
        );
        let fr = ["«\u{202f}", "\u{202f}»", "“", "”"];
        assert_eq!(smart(r#"Il dit "non" aujourd'hui."#, &fr), "Il dit «\u{202f}non\u{202f}» aujourd’hui.");
    }

    #[test]
    fn latin_names_inside_arabic() {
        let found = kinds("اتصل بـ American Diabetes Association على 1-800-342-2383.", true);
        assert_eq!(found, [("American Diabetes Association", RunKind::Latin), ("1-800-342-2383", RunKind::Number)]);
        assert_eq!(kinds("American Diabetes Association", false), []);
    }
}
