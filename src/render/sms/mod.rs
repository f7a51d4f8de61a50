//! Text messages: hand-written ones checked against the budget, one composed from the
//! summary and the help line, shortened to fit, or a series sent over days ([`series`]).
//! Written as `.txt` (for people), `.json` (with the figures), `.csv` (the schedule, for bulk
//! upload) and, for a series, a RapidPro campaign ([`rapidpro`]).

pub mod encoding;
mod grapheme_table;
mod graphemes;
mod options;
mod rapidpro;
pub mod series;

pub use options::{DATE_FIELD, Encoding as SmsEncoding, KEYS, OptOut, Options, Planned, PlannedText, Purpose};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::{Direction, Handout};
use crate::output::Artifact;
use crate::render::RenderContext;
use crate::select::Selection;
use encoding::{Encoded, encode_for};

/// Renders a selected profile's messages into `.txt`, `.json` and `.csv`, and a series also
/// into its RapidPro campaign, with the translations' messages as its other languages.
pub fn render(context: &RenderContext, options: &Options) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let selection = context.selection;
    let handout = selection.handout;
    let name = &selection.profile.name;
    let (messages, replies) = outgoing(selection, options)?;
    let mut files = vec![
        Artifact {
            file_name: format!("{name}.txt"),
            bytes: text_file(&messages, replies.as_ref(), options).into_bytes(),
        },
        Artifact {
            file_name: format!("{name}.json"),
            bytes: json_file(handout, name, &messages, replies.as_ref(), options).into_bytes(),
        },
        Artifact { file_name: format!("{name}.csv"), bytes: csv_file(handout, &messages).into_bytes() },
    ];
    if options.is_series() {
        // A translation whose series has errors reports them itself; the campaign is made of
        // the languages whose messages are sound.
        let translations: Vec<(&Handout, Vec<Message>)> = context
            .translations
            .iter()
            .filter_map(|(selection, options)| match options {
                crate::render::FormatOptions::Sms(o) if o.is_series() => {
                    series::series(selection, o).ok().map(|s| (selection.handout, s.messages))
                }
                _ => None,
            })
            .collect();
        let campaign = rapidpro::campaign(handout, name, options, &messages, &translations).map_err(|d| vec![d])?;
        files.push(Artifact { file_name: format!("{name}.rapidpro.json"), bytes: campaign.into_bytes() });
    }
    Ok(files)
}

/// The profile's messages as they will be sent and, for a series, the HELP and STOP replies.
pub fn outgoing(
    selection: &Selection,
    options: &Options,
) -> Result<(Vec<Message>, Option<series::Replies>), Vec<Diagnostic>> {
    if options.is_series() {
        let own = series::series(selection, options)?;
        Ok((own.messages, Some(own.replies)))
    } else {
        Ok((messages(selection, options)?, None))
    }
}

/// A message as it will be sent, when (in a series), and how a composed one was made to fit.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// Days after the contact's date, and the hour, for a message of a series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hour: Option<u8>,
    #[serde(flatten)]
    pub encoded: Encoded,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub composed: Option<Composition>,
}

impl Message {
    fn unscheduled(encoded: Encoded, composed: Option<Composition>) -> Message {
        Message { day: None, hour: None, encoded, composed }
    }

    /// "day 2, 10:00" for a message of a series.
    pub fn when(&self) -> Option<String> {
        Some(format!("day {}, {:02}:00", self.day?, self.hour?))
    }
}

/// How a composed message was made from the summary or a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Composition {
    /// What it was composed from: "summary", or a section's id.
    pub from: String,
    /// Sentences kept, of all of them.
    pub sentences: usize,
    pub of: usize,
    /// Whether accents were dropped so that the message fits GSM-7.
    pub accents_removed: bool,
}

impl Composition {
    /// What the `.txt` file says of it.
    fn describe(&self) -> String {
        let whose = if self.from == "summary" { "the summary".to_string() } else { format!("section `{}`", self.from) };
        let kept = match self.sentences {
            n if n == self.of && self.from == "summary" => "the whole summary".to_string(),
            n if n == self.of => format!("all of {whose}"),
            1 => format!("the first of {whose}'s {} sentences", self.of),
            n => format!("the first {n} of {whose}'s {} sentences", self.of),
        };
        let accents = if self.accents_removed { ", accents removed to fit GSM-7" } else { "" };
        format!("composed from {kept}{accents}")
    }
}

/// The profile's messages, encoded; every message over budget is an error.
pub fn messages(selection: &Selection, options: &Options) -> Result<Vec<Message>, Vec<Diagnostic>> {
    let handout = selection.handout;
    let profile = &selection.profile.name;
    if handout.messages.is_empty() {
        return compose(handout, options, &Body::summary(handout), Parts::ALL)
            .map(|m| vec![m])
            .map_err(|d| vec![d.profile(profile)]);
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
    for message in &handout.messages {
        match written(handout, &message.text, &message.origin, options) {
            Ok(m) => encoded.push(Message::unscheduled(m, None)),
            Err(d) => errors.push(d.profile(profile)),
        }
    }
    if errors.is_empty() { Ok(encoded) } else { Err(errors) }
}

/// A message the author wrote (at `origin`), encoded, or why it cannot be sent within the
/// profile's budget.
pub fn written(
    handout: &Handout,
    text: &str,
    origin: &crate::model::Origin,
    options: &Options,
) -> Result<Encoded, Diagnostic> {
    let budget = options.segments as usize;
    let rtl = handout.meta.direction == Direction::Rtl;
    let at = (origin.line, origin.column);
    match encode_for(&isolate(text, rtl), options.encoding) {
        Err(bad) => {
            Err(Diagnostic::error(&origin.path, "sms", format!("this message cannot be sent as GSM-7: {}", list(&bad)))
                .at(at)
                .hint("use `encoding = \"auto\"` or \"ucs2\" in the profile, or rewrite those characters"))
        }
        Ok(m) if m.segments > budget => {
            let forced = encoding::unencodable(&m.text);
            let why = if forced.is_empty() { String::new() } else { format!("; UCS-2 is forced by {}", list(&forced)) };
            let (single, part) = m.encoding.limits();
            let limit = if budget == 1 {
                format!("{single} units in one segment")
            } else {
                format!("{} units in {budget} segments of {part}", part * budget)
            };
            let units = format!("{} {} units (limit {limit}){why}", m.encoding.name(), m.units);
            let (message, hint) = if options.purpose == Purpose::Healthcare {
                (
                    format!(
                        "a health-care message fits one segment of 160 GSM-7 characters (the TCPA exemption, FCC 2015); this one is {} segments: {units}",
                        m.segments
                    ),
                    "shorten it; one character GSM-7 lacks (an emoji, some accents) makes a segment 70 units: `encoding = \"gsm7\"` drops accents",
                )
            } else {
                (
                    format!("text message is {} segments, over the budget of {budget}: {units}", m.segments),
                    "shorten the message, or raise `segments` in the profile",
                )
            };
            Err(Diagnostic::error(&origin.path, "sms", message).at(at).hint(hint))
        }
        Ok(m) => Ok(m),
    }
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

/// The text a message is composed from, where it is written, and how messages about it
/// name it.
pub struct Body {
    pub text: String,
    pub at: (usize, usize),
    /// "summary", or the section's id.
    pub from: String,
}

impl Body {
    pub fn summary(handout: &Handout) -> Body {
        Body { text: handout.meta.summary.clone(), at: summary_place(handout), from: "summary".into() }
    }

    fn name(&self) -> String {
        if self.from == "summary" { "the summary".into() } else { format!("section `{}`", self.from) }
    }
}

/// Which of the sender's name and the way to stop a composed message carries (it always
/// carries the help line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub sender: bool,
    pub opt_out: bool,
}

impl Parts {
    pub const ALL: Parts = Parts { sender: true, opt_out: true };
}

/// The name messages are sent under: the profile's `sender`, else the organisation.
pub fn sender_of<'a>(handout: &'a Handout, options: &'a Options) -> Option<&'a str> {
    options.sender.as_deref().or(handout.brand.organisation.as_deref()).filter(|s| !s.trim().is_empty())
}

/// How to stop the messages in the handout's language (`None` when the profile turns it off),
/// or an error when the language has no text for it.
pub fn opt_out_text(handout: &Handout, options: &Options) -> Result<Option<String>, Diagnostic> {
    let lang = handout.meta.lang.as_str();
    let primary = handout.meta.lang.primary();
    let own = match &options.opt_out {
        OptOut::Texts(texts) => texts.get(lang).or_else(|| texts.get(&primary)).cloned(),
        _ => None,
    };
    match (&options.opt_out, own) {
        (OptOut::Off, _) => Ok(None),
        (_, Some(text)) => Ok(Some(text)),
        // A language with no text of its own would get the English one: never in a message.
        _ if primary != "en" && handout.strings.sms_opt_out == crate::locale::for_lang("en").sms_opt_out => {
            Err(Diagnostic::error(
                &handout.path,
                "sms",
                format!("there is no {} (`{primary}`) text that says how to stop the messages", crate::locale::language_name(&primary)),
            )
            .at(summary_place(handout))
            .hint(format!("add `sms-opt-out = \"...\"` to assets/locales/{primary}.toml, or `[opt-out]` with `{primary} = \"...\"` to handout.toml")))
        }
        _ => Ok(Some(handout.strings.sms_opt_out.clone())),
    }
}

/// One message: the sender, `body` in whole sentences, the help line, the address when the
/// profile asks, and how to stop the messages, in the handout's language (`parts` says whether
/// the sender and the way to stop are wanted). The most of `body` that fits the budget is kept:
/// whole first, in GSM-7 without accents rather than shortened in UCS-2, and never cut inside
/// a sentence.
pub fn compose(handout: &Handout, options: &Options, body: &Body, parts: Parts) -> Result<Message, Diagnostic> {
    let rtl = handout.meta.direction == Direction::Rtl;
    let contact = &handout.meta.contact;
    let phone = contact.phone.as_deref().unwrap_or_default();
    let sender = sender_of(handout, options).filter(|_| parts.sender).map(|o| format!("{o}: ")).unwrap_or_default();
    let opt_out = if parts.opt_out { opt_out_text(handout, options)? } else { None };
    let url = options.include_url.then(|| contact.url.clone()).flatten();
    // "Name: number." reads right in every language ("Call Name" does not); "Call number." is
    // shorter.
    let mut helps = Vec::new();
    if let Some(name) = contact.name.as_deref().filter(|n| !n.is_empty()) {
        helps.push(format!("{name}: {phone}."));
    }
    helps.push(format!("{} {phone}.", handout.strings.call));
    let text = body.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentences = sentence_ends(&text);
    let budget = options.segments as usize;
    let fits = |m: &Encoded| m.segments <= budget;
    for kept in (1..=sentences.len()).rev() {
        let kept_text = &text[..sentences[kept - 1]];
        for help in &helps {
            let pieces = [Some(format!("{sender}{kept_text}")), Some(help.clone()), url.clone(), opt_out.clone()];
            let message = isolate(&pieces.into_iter().flatten().collect::<Vec<_>>().join(" "), rtl);
            let composition = |accents_removed| Composition {
                from: body.from.clone(),
                sentences: kept,
                of: sentences.len(),
                accents_removed,
            };
            match encode_for(&message, options.encoding) {
                Ok(m) if fits(&m) => return Ok(Message::unscheduled(m, Some(composition(false)))),
                Ok(m) if options.encoding == SmsEncoding::Auto && m.encoding == encoding::Encoding::Ucs2 => {
                    if let Ok(plain) = encode_for(&message, SmsEncoding::Gsm7)
                        && fits(&plain)
                    {
                        return Ok(Message::unscheduled(plain, Some(composition(true))));
                    }
                }
                Ok(_) => {}
                Err(bad) => {
                    return Err(Diagnostic::error(
                        &handout.path,
                        "sms",
                        format!("the composed text message cannot be sent as GSM-7: {}", list(&bad)),
                    )
                    .at(body.at)
                    .hint("use `encoding = \"auto\"` or \"ucs2\" in the sms profile for this language"));
                }
            }
        }
    }
    let first = &text[..sentences.first().copied().unwrap_or(text.len())];
    let with = match (parts.sender && !sender.is_empty(), parts.opt_out && opt_out.is_some()) {
        (true, true) => "with the sender, the help line and how to stop the messages",
        (true, false) => "with the sender and the help line",
        (false, true) => "with the help line and how to stop the messages",
        (false, false) => "with the help line",
    };
    let hint = if body.from == "summary" {
        "shorten the summary's first sentence, raise `segments` in the sms profile, or write the messages yourself with `sms = [\"...\"]`"
    } else {
        "write the message yourself in a ```sms block in the section, or shorten its first sentence"
    };
    Err(Diagnostic::error(
        &handout.path,
        "sms",
        format!(
            "{}'s first sentence (“{first}”) {with} does not fit {budget} segment{}",
            body.name(),
            if budget == 1 { "" } else { "s" }
        ),
    )
    .at(body.at)
    .hint(hint))
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

/// For people: each message after a `#` line with its figures (and, in a series, when it is
/// sent), then the replies to HELP and STOP.
fn text_file(messages: &[Message], replies: Option<&series::Replies>, options: &Options) -> String {
    let mut out = String::new();
    if let (Some(zone), true) = (&options.time_zone, options.is_series()) {
        // The author wrote the accents: say where they went.
        let gsm7 = if options.encoding == SmsEncoding::Gsm7 {
            "; accents removed to fit GSM-7 (`encoding = \"gsm7\"`)"
        } else {
            ""
        };
        out.push_str(&format!("# Series of {} messages; hours in {zone}{gsm7}\n\n", messages.len()));
    }
    let figures = |m: &Encoded| {
        let plural = if m.segments == 1 { "" } else { "s" };
        format!("{}, {} characters, {} units, {} segment{plural}", m.encoding.name(), m.characters, m.units, m.segments)
    };
    for (i, message) in messages.iter().enumerate() {
        let composed = message.composed.as_ref().map(|c| format!("; {}", c.describe())).unwrap_or_default();
        let when = message.when().map(|w| format!(" ({w})")).unwrap_or_default();
        out.push_str(&format!(
            "# Message {} of {}{when}: {}{composed}\n{}\n\n",
            i + 1,
            messages.len(),
            figures(&message.encoded),
            message.encoded.text
        ));
    }
    if let Some(replies) = replies {
        for (keyword, reply) in [("HELP", &replies.help), ("STOP", &replies.stop)] {
            out.push_str(&format!("# Reply to {keyword}: {}\n{}\n\n", figures(reply), reply.text));
        }
    }
    out
}

#[derive(Serialize)]
struct JsonFile<'a> {
    handout: &'a str,
    lang: &'a str,
    profile: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    purpose: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_zone: Option<&'a str>,
    messages: &'a [Message],
    #[serde(skip_serializing_if = "Option::is_none")]
    replies: Option<&'a series::Replies>,
}

fn json_file(
    handout: &Handout,
    profile: &str,
    messages: &[Message],
    replies: Option<&series::Replies>,
    options: &Options,
) -> String {
    let file = JsonFile {
        handout: &handout.meta.slug,
        lang: handout.meta.lang.as_str(),
        profile,
        purpose: options.is_series().then_some(match options.purpose {
            Purpose::Healthcare => "healthcare",
            Purpose::General => "general",
        }),
        time_zone: options.time_zone.as_deref(),
        messages,
        replies,
    };
    serde_json::to_string_pretty(&file).expect("messages serialize") + "\n"
}

/// The schedule for bulk upload (RFC 4180): each message with its number, day and hour (empty
/// outside a series). A cell that a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`.
fn csv_file(handout: &Handout, messages: &[Message]) -> String {
    let mut out = String::from("handout,lang,message,day,hour,encoding,segments,text\r\n");
    for (i, message) in messages.iter().enumerate() {
        let m = &message.encoded;
        let number = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\r\n",
            csv_field(&handout.meta.slug),
            csv_field(handout.meta.lang.as_str()),
            i + 1,
            number(message.day),
            number(message.hour.map(u32::from)),
            m.encoding.name(),
            m.segments,
            csv_field(&m.text),
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
