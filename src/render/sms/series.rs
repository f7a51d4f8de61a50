//! A series of text messages sent over days: each message hand-written (a section's
//! ```` ```sms ```` block, or `text` in the profile) or composed from a section's first
//! sentences, counted like any message, and held to the rules carriers and US law apply to
//! health texts. Every broken rule is an error at the message, naming the rule.

use serde::Serialize;

use super::encoding::{Encoded, encode_for};
use super::options::{Options, Planned, PlannedText, Purpose};
use super::{Body, Message, Parts, carries_number, compose, isolate, sender_of, written};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{Block, Direction, Handout, Origin};
use crate::select::Selection;

/// A series as it will be sent, and the replies to HELP and STOP.
#[derive(Debug, Clone)]
pub struct Series {
    pub messages: Vec<Message>,
    pub replies: Replies,
}

/// The replies a number sends to the HELP and STOP keywords (CTIA's messaging principles ask
/// for both; the carriers check them when a program is registered).
#[derive(Debug, Clone, Serialize)]
pub struct Replies {
    pub help: Encoded,
    pub stop: Encoded,
}

/// The words that stop messages at every US carrier (CTIA), one of which each opt-out carries.
const STOP_WORDS: &[&str] = &["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"];

/// The latest hour a health-care message may be sent at (it goes out before 21:00), and the
/// earliest.
const HOURS: std::ops::RangeInclusive<u8> = 8..=20;

/// The profile's series for the selected handout, or every problem with it.
pub fn series(selection: &Selection, options: &Options) -> Result<Series, Vec<Diagnostic>> {
    let handout = selection.handout;
    let profile = &selection.profile.name;
    let mut errors = Vec::new();
    let mut messages = Vec::new();
    let mut places = Vec::new();
    for (i, planned) in options.series.iter().enumerate() {
        match message(handout, options, planned, i == 0) {
            Ok((mut message, place)) => {
                message.day = Some(planned.day);
                message.hour = Some(planned.hour);
                messages.push(message);
                places.push((i, place));
            }
            Err(d) => errors.push(d),
        }
    }
    let replies = replies(handout, options, selection);
    // The rules hold the messages that could be made, numbered as written, so that one
    // message over budget does not hide what else is wrong.
    errors.extend(rules(handout, options, &messages, &places, messages.len() == options.series.len()));
    match replies {
        Ok(replies) if errors.is_empty() => Ok(Series { messages, replies }),
        Ok(_) => Err(errors.into_iter().map(|d| d.profile(profile)).collect()),
        Err(found) => Err(errors.into_iter().chain(found).map(|d| d.profile(profile)).collect()),
    }
}

/// One message of the series and the place it is reported at.
fn message(
    handout: &Handout,
    options: &Options,
    planned: &Planned,
    first: bool,
) -> Result<(Message, Origin), Diagnostic> {
    // Every message of a health-care series names the sender and carries the opt-out; in any
    // other series the first one does.
    let parts = Parts {
        sender: first || options.purpose == Purpose::Healthcare,
        opt_out: first || options.purpose == Purpose::Healthcare,
    };
    match &planned.content {
        PlannedText::Text(text) => written(handout, text, &planned.origin, options)
            .map(|m| (Message::unscheduled(m, None), planned.origin.clone())),
        PlannedText::Section(id) => {
            let Some(section) = handout.section(id) else {
                let ids: Vec<&str> = handout.sections.iter().map(|s| s.id.as_str()).collect();
                let near =
                    did_you_mean(id, ids.iter().copied()).map(|n| format!("did you mean `{n}`? ")).unwrap_or_default();
                return Err(Diagnostic::error(
                    &planned.origin.path,
                    "sms",
                    format!("the series names section `{id}`, which {} does not have", handout.meta.slug),
                )
                .at((planned.origin.line, planned.origin.column))
                .hint(format!("{near}this handout's sections are: {}", ids.join(", "))));
            };
            match &section.sms {
                Some(own) => {
                    let at = Origin { path: handout.path.clone(), line: own.line, column: own.column };
                    written(handout, &own.text, &at, options).map(|m| (Message::unscheduled(m, None), at))
                }
                None => {
                    let body = Body { text: first_sentences(&section.blocks), at: (section.line, 1), from: id.clone() };
                    let at = Origin { path: handout.path.clone(), line: section.line, column: 1 };
                    compose(handout, options, &body, parts).map(|m| (m, at))
                }
            }
        }
    }
}

/// The section's opening prose: its paragraphs and list items, in order, as plain text (a
/// message takes its first sentences).
fn first_sentences(blocks: &[Block]) -> String {
    let mut text = String::new();
    for block in blocks {
        match block {
            Block::Paragraph { content } => text.push_str(&crate::model::plain_text(content)),
            Block::List { items, .. } => {
                for item in items {
                    for block in item {
                        if let Block::Paragraph { content } = block {
                            text.push(' ');
                            text.push_str(&crate::model::plain_text(content));
                        }
                    }
                }
            }
            _ => continue,
        }
        text.push(' ');
        if text.len() > 1200 {
            break;
        }
    }
    text.trim().to_string()
}

/// Whether `text` names the sender, in any case.
fn names(text: &str, sender: &str) -> bool {
    text.to_lowercase().contains(&sender.to_lowercase())
}

/// Whether `text` says how to stop: one of the carriers' stop words, in capitals, as a word of
/// its own.
fn says_how_to_stop(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|word| STOP_WORDS.contains(&word))
}

/// The rules a series is held to, each broken one an error at its message.
/// `places` holds each message's number in the series and where it is written; `complete`
/// says whether every message could be made (else no rule about the whole series is judged).
fn rules(
    handout: &Handout,
    options: &Options,
    messages: &[Message],
    places: &[(usize, Origin)],
    complete: bool,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if messages.is_empty() {
        return found;
    }
    let number = |i: usize| places[i].0 + 1;
    let at = |i: usize, message: String, hint: &str| {
        let place = &places[i].1;
        Diagnostic::error(&place.path, "sms", message).at((place.line, place.column)).hint(hint.to_string())
    };
    let sender = sender_of(handout, options);
    let Some(sender) = sender else {
        found.push(
            Diagnostic::error(&places[0].1.path, "sms", "the series does not say who sends it")
                .at((places[0].1.line, places[0].1.column))
                .hint("set `organisation` in handout.toml, or `sender = \"...\"` (the short name messages carry) in the profile"),
        );
        return found;
    };
    let healthcare = options.purpose == Purpose::Healthcare;
    for i in 1..messages.len() {
        let (before, this) = (&messages[i - 1], &messages[i]);
        if (this.day, this.hour) < (before.day, before.hour) {
            found.push(at(
                i,
                format!("message {} is sent before message {}", number(i), number(i - 1)),
                "write the series in the order it is sent",
            ));
        }
    }
    let phone = handout.meta.contact.phone.as_deref().unwrap_or_default();
    if complete && !messages.iter().any(|m| carries_number(&m.encoded.text, phone)) {
        found.push(at(
            0,
            format!("no message of the series carries the help line {phone}"),
            "every output carries the help line: put the number in a message (the first is best)",
        ));
    }
    for (i, message) in messages.iter().enumerate() {
        let text = &message.encoded.text;
        let which = if healthcare { "each message of a health-care series" } else { "the first message of a series" };
        let first = places[i].0 == 0;
        if (first || healthcare) && !names(text, sender) {
            found.push(at(i, format!("{which} names its sender, “{sender}”, and this one does not"), "CTIA's messaging principles ask that a program say who it is; start the message with the sender's name"));
        }
        if (first || healthcare) && !says_how_to_stop(text) {
            found.push(at(
                i,
                format!("{which} says how to stop the messages (reply STOP), and this one does not"),
                "end it with the opt-out in the handout's language, e.g. “Reply STOP to opt out.”",
            ));
        }
        if healthcare && !HOURS.contains(&message.hour.unwrap_or(0)) {
            let zone = options.time_zone.as_deref().unwrap_or("the recipients' time zone");
            found.push(at(
                i,
                format!("sent at {:02}:00, outside 8:00–21:00 in {zone}", message.hour.unwrap_or(0)),
                "health-care messages go out between 8:00 and 21:00 in the recipient's time zone: set `hour` from 8 to 20",
            ));
        }
    }
    if healthcare {
        found.extend(frequency(messages, &number, &at));
    }
    found
}

/// At most one message a day and three in any seven days (the TCPA exemption's frequency).
fn frequency(
    messages: &[Message],
    number: &dyn Fn(usize) -> usize,
    at: &dyn Fn(usize, String, &str) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let days: Vec<u32> = messages.iter().map(|m| m.day.unwrap_or(0)).collect();
    for (i, &day) in days.iter().enumerate() {
        if let Some(j) = days[..i].iter().position(|&d| d == day) {
            found.push(at(
                i,
                format!("a second message on day {day} (message {} is sent that day too)", number(j)),
                "health-care messages are sent at most once a day: move it to another day",
            ));
            continue;
        }
        let mut week: Vec<u32> = days.iter().copied().filter(|&d| d <= day && d + 7 > day).collect();
        week.sort_unstable();
        week.dedup();
        if week.len() > 3 {
            let listed: Vec<String> = week.iter().map(u32::to_string).collect();
            found.push(at(
                i,
                format!("a fourth message within seven days (days {})", listed.join(", ")),
                "health-care messages are sent at most three times a week: spread them out",
            ));
        }
    }
    found
}

/// The HELP and STOP replies in the handout's language, the profile's own or the built-in
/// ones, with the sender and the help line filled in; each must fit one segment (health care)
/// or the budget and say what CTIA asks of it.
fn replies(handout: &Handout, options: &Options, selection: &Selection) -> Result<Replies, Vec<Diagnostic>> {
    let lang = handout.meta.lang.as_str();
    let primary = handout.meta.lang.primary();
    let strings = &handout.strings;
    let english = crate::locale::for_lang("en");
    let place = options.replies_at.clone().unwrap_or_else(|| selection.profile.origin.clone());
    let error = |message: String, hint: String| {
        Diagnostic::error(&place.path, "sms", message).at((place.line, place.column)).hint(hint)
    };
    let sender = sender_of(handout, options).unwrap_or_default();
    let phone = handout.meta.contact.phone.as_deref().unwrap_or_default();
    let budget = if options.purpose == Purpose::Healthcare { 1 } else { options.segments as usize };
    let rtl = handout.meta.direction == Direction::Rtl;
    let mut found = Vec::new();
    let mut reply = |keyword: &str, own: &super::options::Texts, built_in: &str, english_text: &str| {
        let text = match own.get(lang).or_else(|| own.get(&primary)) {
            Some(text) => text.clone(),
            None if primary != "en" && built_in == english_text => {
                found.push(error(
                    format!("there is no {} (`{primary}`) reply to {keyword}", crate::locale::language_name(&primary)),
                    format!("add `sms-{}-reply = \"...\"` to assets/locales/{primary}.toml, or `{}-reply = {{ {primary} = \"...\" }}` to the profile", keyword.to_lowercase(), keyword.to_lowercase()),
                ));
                return None;
            }
            None => built_in.to_string(),
        };
        let text = text.replace("{sender}", sender).replace("{phone}", phone);
        let encoded = match encode_for(&isolate(&text, rtl), options.encoding) {
            Ok(e) => e,
            Err(bad) => {
                found.push(error(
                    format!("the reply to {keyword} cannot be sent as GSM-7: {}", super::list(&bad)),
                    "use `encoding = \"auto\"` in the profile".into(),
                ));
                return None;
            }
        };
        let mut missing = Vec::new();
        if !names(&text, sender) {
            missing.push("the sender");
        }
        if keyword == "HELP" && !carries_number(&text, phone) {
            missing.push("the help line");
        }
        if keyword == "HELP" && !says_how_to_stop(&text) {
            missing.push("how to stop (STOP)");
        }
        if !missing.is_empty() {
            found.push(error(format!("the reply to {keyword} does not give {}", missing.join(" or ")), "CTIA asks that the HELP reply name the program, give a number for help and say how to stop, and the STOP reply name the program; `{sender}` and `{phone}` are filled in".into()));
        }
        if encoded.segments > budget {
            found.push(error(
                format!(
                    "the reply to {keyword} is {} segments, over {budget}: {} {} units",
                    encoded.segments,
                    encoded.encoding.name(),
                    encoded.units
                ),
                format!("shorten `{}-reply` (or the sender's name)", keyword.to_lowercase()),
            ));
        }
        Some(encoded)
    };
    let help = reply("HELP", &options.help_reply, &strings.sms_help_reply, &english.sms_help_reply);
    let stop = reply("STOP", &options.stop_reply, &strings.sms_stop_reply, &english.sms_stop_reply);
    match (help, stop) {
        (Some(help), Some(stop)) if found.is_empty() => Ok(Replies { help, stop }),
        _ => Err(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_whole_words_in_capitals() {
        assert!(says_how_to_stop("Reply STOP to opt out."));
        assert!(says_how_to_stop("Responda STOP para cancelar."));
        assert!(!says_how_to_stop("Do not stop taking your medicine."));
        assert!(!says_how_to_stop("STOPPED"));
    }
}
