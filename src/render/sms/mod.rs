//! Text messages: hand-written ones checked against the budget, or one composed from the
//! summary and the help line, shortened to fit. Written as `.txt` (for people), `.json` (with
//! the figures) and `.csv` (for bulk upload).

pub mod encoding;
mod grapheme_table;
mod graphemes;
mod options;

pub use options::{Encoding as SmsEncoding, KEYS, OptOut, Options};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::{Direction, Handout};
use crate::output::Artifact;
use crate::render::RenderContext;
use crate::select::Selection;
use encoding::{Encoded, encode_for};

/// Renders a selected profile's messages into `.txt`, `.json` and `.csv`.
pub fn render(context: &RenderContext, options: &Options) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let selection = context.selection;
    let messages = messages(selection, options)?;
    let handout = selection.handout;
    let name = &selection.profile.name;
    Ok(vec![
        Artifact { file_name: format!("{name}.txt"), bytes: text_file(&messages).into_bytes() },
        Artifact { file_name: format!("{name}.json"), bytes: json_file(handout, name, &messages).into_bytes() },
        Artifact { file_name: format!("{name}.csv"), bytes: csv_file(handout, &messages).into_bytes() },
    ])
}

/// A message as it will be sent, and how a composed one was made to fit.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    #[serde(flatten)]
    pub encoded: Encoded,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub composed: Option<Composition>,
}

/// How a composed message was made from the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Composition {
    /// Sentences of the summary kept, of all of them.
    pub sentences: usize,
    pub of: usize,
    /// Whether accents were dropped so that the message fits GSM-7.
    pub accents_removed: bool,
}

impl Composition {
    /// What the `.txt` file says of it.
    fn describe(&self) -> String {
        let kept = match self.sentences {
            n if n == self.of => "the whole summary".to_string(),
            1 => format!("the first of the summary's {} sentences", self.of),
            n => format!("the first {n} of the summary's {} sentences", self.of),
        };
        let accents = if self.accents_removed { ", accents removed to fit GSM-7" } else { "" };
        format!("composed from {kept}{accents}")
    }
}

/// The profile's messages, encoded; every message over budget is an error.
pub fn messages(selection: &Selection, options: &Options) -> Result<Vec<Message>, Vec<Diagnostic>> {
    let handout = selection.handout;
    let budget = options.segments as usize;
    let profile = &selection.profile.name;
    if handout.messages.is_empty() {
        return compose(handout, options).map(|m| vec![m]).map_err(|d| vec![d.profile(profile)]);
    }
    let mut errors = Vec::new();
    let mut encoded = Vec::new();
    let phone = handout.meta.contact.phone.as_deref().unwrap_or_default();
    if !handout.messages.iter().any(|m| carries_number(&m.text, phone)) {
        let first = &handout.messages[0];
        errors.push(
            Diagnostic::error(&handout.path, "sms", format!("no text message carries the help line {phone}"))
                .at((first.origin.line, first.origin.column))
                .hint("every output must carry the help line: add the phone number to at least one message")
                .profile(profile),
        );
    }
    let rtl = handout.meta.direction == Direction::Rtl;
    for message in &handout.messages {
        let at = (message.origin.line, message.origin.column);
        match encode_for(&isolate(&message.text, rtl), options.encoding) {
            Err(bad) => errors.push(
                Diagnostic::error(
                    &handout.path,
                    "sms",
                    format!("this message cannot be sent as GSM-7: {}", list(&bad)),
                )
                .at(at)
                .hint("use `encoding = \"auto\"` or \"ucs2\" in the profile, or rewrite those characters")
                .profile(profile),
            ),
            Ok(m) if m.segments > budget => {
                let forced = encoding::unencodable(&m.text);
                let why =
                    if forced.is_empty() { String::new() } else { format!("; UCS-2 is forced by {}", list(&forced)) };
                let (single, part) = m.encoding.limits();
                let limit = if budget == 1 {
                    format!("{single} units in one segment")
                } else {
                    format!("{} units in {budget} segments of {part}", part * budget)
                };
                errors.push(
                    Diagnostic::error(
                        &handout.path,
                        "sms",
                        format!("text message is {} segments, over the budget of {budget}: {} {} units (limit {limit}){why}", m.segments, m.encoding.name(), m.units),
                    )
                    .at(at)
                    .hint("shorten the message, or raise `segments` in the profile")
                    .profile(profile),
                );
            }
            Ok(m) => encoded.push(Message { encoded: m, composed: None }),
        }
    }
    if errors.is_empty() { Ok(encoded) } else { Err(errors) }
}

/// Whether `text` carries the phone number `phone`, however it is written: "(800) 662-4357"
/// carries "1-800-662-4357", and Eastern Arabic digits count as digits.
pub fn carries_number(text: &str, phone: &str) -> bool {
    let (written, wanted) = (crate::text::digits(text), crate::text::digits(phone));
    if wanted.is_empty() {
        return true;
    }
    // A national number without its country code (the last ten digits) counts too.
    let national = if wanted.len() > 10 { &wanted[wanted.len() - 10..] } else { &wanted[..] };
    written.contains(&wanted) || written.contains(national)
}

/// In right-to-left text, numbers and addresses isolated left to right (U+2066 … U+2069), so
/// that a phone shows them in their own order.
fn isolate(text: &str, rtl: bool) -> String {
    if !rtl {
        return text.to_string();
    }
    crate::text::runs(text, false)
        .into_iter()
        .map(|(piece, kind)| match kind {
            crate::text::RunKind::Number | crate::text::RunKind::Address => format!("\u{2066}{piece}\u{2069}"),
            _ => piece.to_string(),
        })
        .collect()
}

/// The first few distinct characters, each once, and how many more there are.
pub fn list(chars: &[encoding::Unencodable]) -> String {
    let mut distinct: Vec<&encoding::Unencodable> = Vec::new();
    for c in chars {
        if !distinct.iter().any(|d| d.character == c.character) {
            distinct.push(c);
        }
    }
    let shown: Vec<String> = distinct.iter().take(5).map(ToString::to_string).collect();
    let more = if distinct.len() > 5 { format!(" and {} more", distinct.len() - 5) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

/// One message: the sender, the summary in whole sentences, the help line, the address when the
/// profile asks, and how to stop the messages, in the handout's language. The most of the
/// summary that fits the budget is kept: whole first, in GSM-7 without accents rather than
/// shortened in UCS-2, and never cut inside a sentence.
pub fn compose(handout: &Handout, options: &Options) -> Result<Message, Diagnostic> {
    let rtl = handout.meta.direction == Direction::Rtl;
    let contact = &handout.meta.contact;
    let strings = &handout.strings;
    let phone = contact.phone.as_deref().unwrap_or_default();
    let sender = handout.brand.organisation.as_deref().map(|o| format!("{o}: ")).unwrap_or_default();
    let lang = handout.meta.lang.as_str();
    let primary = handout.meta.lang.primary();
    let own = match &options.opt_out {
        OptOut::Texts(texts) => texts.get(lang).or_else(|| texts.get(&primary)).cloned(),
        _ => None,
    };
    let opt_out = match (&options.opt_out, own) {
        (OptOut::Off, _) => None,
        (_, Some(text)) => Some(text),
        // A language with no text of its own would get the English one: never in a message.
        _ if primary != "en" && strings.sms_opt_out == crate::locale::for_lang("en").sms_opt_out => {
            return Err(Diagnostic::error(
                &handout.path,
                "sms",
                format!("there is no {} (`{primary}`) text that says how to stop the messages", crate::locale::language_name(&primary)),
            )
            .at(summary_place(handout))
            .hint(format!("add `sms-opt-out = \"...\"` to assets/locales/{primary}.toml, or `[opt-out]` with `{primary} = \"...\"` to handout.toml")));
        }
        _ => Some(strings.sms_opt_out.clone()),
    };
    let url = options.include_url.then(|| contact.url.clone()).flatten();
    // "Name: number." reads right in every language ("Call Name" does not); "Call number." is
    // shorter.
    let mut helps = Vec::new();
    if let Some(name) = contact.name.as_deref().filter(|n| !n.is_empty()) {
        helps.push(format!("{name}: {phone}."));
    }
    helps.push(format!("{} {phone}.", strings.call));
    let summary = handout.meta.summary.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentences = sentence_ends(&summary);
    let budget = options.segments as usize;
    let fits = |m: &Encoded| m.segments <= budget;
    for kept in (1..=sentences.len()).rev() {
        let body = &summary[..sentences[kept - 1]];
        for help in &helps {
            let parts = [Some(format!("{sender}{body}")), Some(help.clone()), url.clone(), opt_out.clone()];
            let text = isolate(&parts.into_iter().flatten().collect::<Vec<_>>().join(" "), rtl);
            let composition = |accents_removed| Composition { sentences: kept, of: sentences.len(), accents_removed };
            match encode_for(&text, options.encoding) {
                Ok(m) if fits(&m) => return Ok(Message { encoded: m, composed: Some(composition(false)) }),
                Ok(m) if options.encoding == SmsEncoding::Auto && m.encoding == encoding::Encoding::Ucs2 => {
                    if let Ok(plain) = encode_for(&text, SmsEncoding::Gsm7)
                        && fits(&plain)
                    {
                        return Ok(Message { encoded: plain, composed: Some(composition(true)) });
                    }
                }
                Ok(_) => {}
                Err(bad) => {
                    return Err(Diagnostic::error(
                        &handout.path,
                        "sms",
                        format!("the composed text message cannot be sent as GSM-7: {}", list(&bad)),
                    )
                    .at(summary_place(handout))
                    .hint("use `encoding = \"auto\"` or \"ucs2\" in the sms profile for this language"));
                }
            }
        }
    }
    let first = &summary[..sentences.first().copied().unwrap_or(summary.len())];
    Err(Diagnostic::error(
        &handout.path,
        "sms",
        format!(
            "the summary's first sentence (“{first}”) with the sender, the help line and how to stop the messages does not fit {budget} segment{}",
            if budget == 1 { "" } else { "s" }
        ),
    )
    .at(summary_place(handout))
    .hint("shorten the summary's first sentence, raise `segments` in the sms profile, or write the messages yourself with `sms = [\"...\"]`"))
}

/// Where the summary is written, for messages about the composed text.
fn summary_place(handout: &Handout) -> (usize, usize) {
    crate::files::place_in_file(&handout.path, |text| text.find("\nsummary").map(|i| i + 1))
}

/// Words written with a full stop that does not end a sentence.
const ABBREVIATIONS: &[&str] =
    &["dr", "mr", "mrs", "ms", "st", "vs", "etc", "jr", "sr", "prof", "no", "sra", "sr", "dra", "approx"];

/// The byte offsets where the summary's sentences end (after `.`, `!` or `?` and any closing
/// quote or bracket, before a space or the end).
fn sentence_ends(summary: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let chars: Vec<(usize, char)> = summary.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | '。' | '؟' | '！' | '？') {
            continue;
        }
        let mut end = i + 1;
        while chars.get(end).is_some_and(|(_, c)| matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | '.' | '!' | '?'))
        {
            end += 1;
        }
        let boundary = chars.get(end).is_none_or(|(_, c)| c.is_whitespace());
        let byte = chars.get(end).map_or(summary.len(), |(b, _)| *b);
        // Not after an abbreviation or an initial ("Dr. Lee", "J. Doe"), nor before a word in
        // lower case.
        let word = summary[..at].rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("");
        let abbreviation =
            c == '.' && (word.chars().count() == 1 || ABBREVIATIONS.contains(&word.to_lowercase().as_str()));
        let next_word = summary[byte..].trim_start().chars().next();
        let continues = next_word.is_some_and(char::is_lowercase);
        if boundary && !abbreviation && !continues && !ends.contains(&byte) && at > 0 {
            ends.push(byte);
        }
    }
    if ends.last() != Some(&summary.len()) {
        ends.push(summary.len());
    }
    ends
}

fn text_file(messages: &[Message]) -> String {
    let mut out = String::new();
    for (i, message) in messages.iter().enumerate() {
        let m = &message.encoded;
        let plural = if m.segments == 1 { "" } else { "s" };
        let composed = message.composed.map(|c| format!("; {}", c.describe())).unwrap_or_default();
        out.push_str(&format!(
            "# Message {} of {}: {}, {} characters, {} units, {} segment{plural}{composed}\n{}\n\n",
            i + 1,
            messages.len(),
            m.encoding.name(),
            m.characters,
            m.units,
            m.segments,
            m.text
        ));
    }
    out
}

#[derive(Serialize)]
struct JsonFile<'a> {
    handout: &'a str,
    lang: &'a str,
    profile: &'a str,
    messages: &'a [Message],
}

fn json_file(handout: &Handout, profile: &str, messages: &[Message]) -> String {
    let file = JsonFile { handout: &handout.meta.slug, lang: handout.meta.lang.as_str(), profile, messages };
    serde_json::to_string_pretty(&file).expect("messages serialize") + "\n"
}

/// The CSV for bulk upload (RFC 4180). A cell that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`.
fn csv_file(handout: &Handout, messages: &[Message]) -> String {
    let mut out = String::from("handout,lang,message,encoding,segments\r\n");
    for m in messages.iter().map(|m| &m.encoded) {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            csv_field(&handout.meta.slug),
            csv_field(handout.meta.lang.as_str()),
            csv_field(&m.text),
            m.encoding.name(),
            m.segments
        ));
    }
    out
}

pub fn csv_field(text: &str) -> String {
    let safe = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if safe.contains([',', '"', '\n', '\r']) { format!("\"{}\"", safe.replace('"', "\"\"")) } else { safe }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_after_their_closing_quotes() {
        let s = "One two. “Three!” Four? Five";
        let ends: Vec<&str> = sentence_ends(s).into_iter().map(|e| &s[..e]).collect();
        assert_eq!(ends, ["One two.", "One two. “Three!”", "One two. “Three!” Four?", s]);
        assert_eq!(sentence_ends("Ask Dr. Lee. Call J. Doe today."), [12, 31]);
    }

    #[test]
    fn numbers_are_found_however_they_are_written() {
        assert!(carries_number("Call (800) 662-4357 now", "1-800-662-4357"));
        assert!(carries_number("اتصل ١-٨٠٠-٦٦٢-٤٣٥٧", "1-800-662-4357"));
        assert!(!carries_number("Call 1-800-662-4000", "1-800-662-4357"));
    }

    #[test]
    fn csv_cells_never_run_as_formulas() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-5 mg"), "'-5 mg");
        assert_eq!(csv_field("Call 988"), "Call 988");
    }
}
