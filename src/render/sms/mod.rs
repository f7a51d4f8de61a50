//! Text messages: hand-written ones checked against the budget, or one composed from the
//! summary and the help line, shortened to fit. Written as `.txt` (for people), `.json` (with
//! the figures) and `.csv` (for bulk upload).

pub mod encoding;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::{Format, FormatOptions, Handout, SmsOptions};
use crate::output::Artifact;
use crate::render::{RenderContext, Renderer};
use crate::select::Selection;
use encoding::{Encoded, encode_for};

pub struct SmsRenderer;

impl Renderer for SmsRenderer {
    fn format(&self) -> Format {
        Format::Sms
    }

    fn render(&self, context: &RenderContext) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let selection = context.selection;
        let messages = messages(selection)?;
        let handout = selection.handout;
        let name = &selection.profile.name;
        Ok(vec![
            Artifact { file_name: format!("{name}.txt"), bytes: text_file(&messages).into_bytes() },
            Artifact { file_name: format!("{name}.json"), bytes: json_file(handout, name, &messages).into_bytes() },
            Artifact { file_name: format!("{name}.csv"), bytes: csv_file(handout, &messages).into_bytes() },
        ])
    }
}

fn options(selection: &Selection) -> SmsOptions {
    match &selection.profile.options {
        FormatOptions::Sms(options) => options.clone(),
        _ => SmsOptions::default(),
    }
}

/// The profile's messages, encoded; every message over budget is an error.
pub fn messages(selection: &Selection) -> Result<Vec<Encoded>, Vec<Diagnostic>> {
    let handout = selection.handout;
    let options = options(selection);
    let budget = options.segments as usize;
    let profile = &selection.profile.name;
    if handout.sms.is_empty() {
        return compose(handout, &options).map(|m| vec![m]).map_err(|d| vec![d.profile(profile)]);
    }
    let mut errors = Vec::new();
    let mut encoded = Vec::new();
    let digits = |text: &str| text.chars().filter(char::is_ascii_digit).collect::<String>();
    let phone = handout.meta.contact.phone.as_deref().map(digits).unwrap_or_default();
    if !handout.sms.iter().any(|m| digits(&m.text).contains(&phone)) {
        let first = &handout.sms[0];
        errors.push(
            Diagnostic::error(
                &handout.path,
                "sms",
                format!(
                    "no text message carries the help line {}",
                    handout.meta.contact.phone.as_deref().unwrap_or("")
                ),
            )
            .at((first.line, first.column))
            .hint("every output must carry the help line: add the phone number to at least one message")
            .profile(profile),
        );
    }
    for message in &handout.sms {
        let at = (message.line, message.column);
        match encode_for(&message.text, options.encoding) {
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
            Ok(m) => encoded.push(m),
        }
    }
    if errors.is_empty() { Ok(encoded) } else { Err(errors) }
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

/// One message from the summary and the parts that must appear (help line, URL, opt-out),
/// which are counted first; the summary is shortened at a sentence, then a word boundary.
pub fn compose(handout: &Handout, options: &SmsOptions) -> Result<Encoded, Diagnostic> {
    let contact = &handout.meta.contact;
    let phone = contact.phone.as_deref().unwrap_or_default();
    let call = &handout.strings.call;
    let tails: Vec<String> = {
        let url = options.include_url.then(|| contact.url.clone()).flatten();
        let opt_out = options.opt_out.clone();
        let end = |help: String| {
            [Some(help), url.clone(), opt_out.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ")
        };
        let mut tails = Vec::new();
        if let Some(name) = contact.name.as_deref().filter(|n| !n.is_empty()) {
            // "Name: number." reads right in every language ("Call Name" does not).
            tails.push(end(format!("{name}: {phone}.")));
        }
        tails.push(end(format!("{call} {phone}.")));
        tails
    };
    let budget = options.segments as usize;
    let summary = handout.meta.summary.split_whitespace().collect::<Vec<_>>().join(" ");
    // The whole summary with a shorter help line beats a shorter summary.
    for body in shortenings(&summary) {
        for tail in &tails {
            let text = if body.is_empty() { tail.clone() } else { format!("{body} {tail}") };
            match encode_for(&text, options.encoding) {
                Ok(m) if m.segments <= budget => return Ok(m),
                Ok(_) => continue,
                Err(bad) => {
                    return Err(Diagnostic::error(
                        &handout.path,
                        "sms",
                        format!("the composed text message cannot be sent as GSM-7: {}", list(&bad)),
                    )
                    .hint("use `encoding = \"auto\"` or \"ucs2\" in the sms profile for this language"));
                }
            }
        }
    }
    let tail = tails.last().expect("at least one tail");
    let m = encode_for(tail, options.encoding)
        .map_err(|_| Diagnostic::error(&handout.path, "sms", "the help line cannot be encoded"))?;
    Err(Diagnostic::error(
        &handout.path,
        "sms",
        format!(
            "the help line alone (\"{tail}\") takes {} {} segments, over the budget of {budget}",
            m.segments,
            m.encoding.name()
        ),
    )
    .hint("raise `segments` in the sms profile, or shorten the opt-out text"))
}

/// The summary, then shorter and shorter versions of it: whole sentences first, then cut at
/// a word with "...", down to nothing.
fn shortenings(summary: &str) -> Vec<String> {
    let mut out = vec![summary.to_string()];
    let sentence_ends: Vec<usize> = summary
        .match_indices(['.', '!', '?'])
        .map(|(i, s)| i + s.len())
        .filter(|&e| e == summary.len() || summary[e..].starts_with(' '))
        .collect();
    for &end in sentence_ends.iter().rev() {
        if end < summary.len() {
            out.push(summary[..end].to_string());
        }
    }
    let first_sentence = sentence_ends.first().copied().unwrap_or(summary.len());
    let words: Vec<(usize, &str)> = summary[..first_sentence].match_indices(' ').map(|(i, _)| (i, "")).collect();
    for &(at, _) in words.iter().rev() {
        let cut = summary[..at].trim_end_matches([',', ';', ':', '-', ' ']);
        if !cut.is_empty() {
            out.push(format!("{cut}..."));
        }
    }
    out.push(String::new());
    out
}

fn text_file(messages: &[Encoded]) -> String {
    let mut out = String::new();
    for (i, m) in messages.iter().enumerate() {
        let plural = if m.segments == 1 { "" } else { "s" };
        out.push_str(&format!(
            "# Message {} of {}: {}, {} characters, {} units, {} segment{plural}\n{}\n\n",
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
    messages: &'a [Encoded],
}

fn json_file(handout: &Handout, profile: &str, messages: &[Encoded]) -> String {
    let file = JsonFile { handout: &handout.meta.slug, lang: &handout.meta.lang, profile, messages };
    serde_json::to_string_pretty(&file).expect("messages serialize") + "\n"
}

fn csv_file(handout: &Handout, messages: &[Encoded]) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
    };
    let mut out = String::from("handout,lang,message,encoding,segments\r\n");
    for m in messages {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            field(&handout.meta.slug),
            field(&handout.meta.lang),
            field(&m.text),
            m.encoding.name(),
            m.segments
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortenings_go_sentence_then_word() {
        let s = shortenings("One two three. Four five.");
        assert_eq!(s[0], "One two three. Four five.");
        assert_eq!(s[1], "One two three.");
        assert_eq!(s[2], "One two...");
        assert_eq!(s[3], "One...");
        assert_eq!(s.last().unwrap(), "");
    }
}
