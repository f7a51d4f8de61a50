//! The keys of a text-message profile.

use std::collections::BTreeMap;

use crate::keys::Keys;
use crate::model::Origin;

/// The keys only SMS profiles take.
pub const KEYS: &[&str] = &[
    "segments",
    "encoding",
    "include-url",
    "opt-out",
    "series",
    "purpose",
    "time-zone",
    "sender",
    "help-reply",
    "stop-reply",
    "date-field",
];

/// Texts by language tag (`{ es = "…" }`), as a profile words them itself.
pub type Texts = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The most segments one message may take.
    pub segments: u32,
    pub encoding: Encoding,
    /// Whether composed messages carry the help line's web address.
    pub include_url: bool,
    /// How composed messages say how to stop them.
    pub opt_out: OptOut,
    /// The messages of a series, in the order written; empty for a profile of single messages.
    pub series: Vec<Planned>,
    pub purpose: Purpose,
    /// The recipients' time zone (IANA), which the send hours are in.
    pub time_zone: Option<String>,
    /// The name messages are sent under; the organisation's by default.
    pub sender: Option<String>,
    /// The replies to HELP and STOP, worded by the profile (else the language's built-in ones).
    pub help_reply: Texts,
    pub stop_reply: Texts,
    /// The contact field a campaign's days count from (RapidPro's `relative_to`).
    pub date_field: String,
    /// Where the profile sets what the replies are checked against, for messages about them.
    pub replies_at: Option<Origin>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            segments: 1,
            encoding: Encoding::Auto,
            include_url: false,
            opt_out: OptOut::Default,
            series: Vec::new(),
            purpose: Purpose::General,
            time_zone: None,
            sender: None,
            help_reply: Texts::new(),
            stop_reply: Texts::new(),
            date_field: DATE_FIELD.into(),
            replies_at: None,
        }
    }
}

/// The date field campaigns count from unless a profile names another.
pub const DATE_FIELD: &str = "enrolled_on";

/// One message of a series: when it is sent and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// Days after the contact's date (day 0 is that day).
    pub day: u32,
    /// The hour it is sent, 0–23, in the recipients' time zone.
    pub hour: u8,
    pub content: PlannedText,
    /// Where the entry is written.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlannedText {
    /// The section's ```` ```sms ```` block, or its first sentences.
    Section(String),
    /// Written in the profile.
    Text(String),
}

/// What the messages are for: `healthcare` holds a series to the rules of the TCPA exemption
/// for health-care messages (FCC, 2015).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    General,
    Healthcare,
}

/// How messages are encoded: `auto` (GSM-7 when the text allows, else UCS-2), `gsm7` (accents
/// dropped, other characters refused) or `ucs2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Auto,
    Gsm7,
    Ucs2,
}

/// The end of a composed message that says how to stop them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptOut {
    Off,
    /// The interface string `sms-opt-out` of the handout's language.
    Default,
    /// The profile's own texts, by language tag; other languages get the default.
    Texts(Texts),
}

impl Options {
    pub fn read(keys: &Keys) -> Options {
        let defaults = Options::default();
        let segments = keys.integer("segments", 1..=10, "a text message budget is 1 to 10 segments");
        let encoding = keys.choice("encoding", &["auto", "gsm7", "ucs2"]).map(|e| match e.value {
            "gsm7" => Encoding::Gsm7,
            "ucs2" => Encoding::Ucs2,
            _ => Encoding::Auto,
        });
        let purpose = keys.choice("purpose", &["general", "healthcare"]);
        let healthcare = purpose.as_ref().is_some_and(|p| p.value == "healthcare");
        if let Some(segments) = segments.as_ref().filter(|s| healthcare && s.value > 1) {
            keys.report(
                keys.error(segments.offset, "profile", "health-care messages fit one segment each")
                    .hint("the TCPA exemption for health-care messages asks for 160 characters or less: remove `segments` or set it to 1"),
            );
        }
        let time_zone = keys.string("time-zone").and_then(|zone| read_time_zone(keys, zone));
        if let (true, None, Some(purpose)) = (healthcare, &time_zone, &purpose) {
            keys.report(
                keys.error(purpose.offset, "profile", "health-care messages are sent between 8:00 and 21:00 in the recipients' time zone, and the profile does not say which")
                    .hint("add `time-zone = \"America/New_York\"` (the IANA name of the recipients' zone); the series' hours are in it"),
            );
        }
        let replies_at = ["help-reply", "stop-reply", "sender"]
            .iter()
            .find(|k| keys.value(k).is_some())
            .map(|k| origin(keys, keys.offset_of(k)));
        Options {
            segments: segments.map_or(defaults.segments, |s| s.value as u32),
            encoding: encoding.unwrap_or(defaults.encoding),
            include_url: keys.boolean("include-url").is_some_and(|i| i.value),
            opt_out: read_opt_out(keys),
            series: read_series(keys),
            purpose: if healthcare { Purpose::Healthcare } else { Purpose::General },
            time_zone,
            sender: keys.string("sender").map(|s| s.value),
            help_reply: read_texts(keys, "help-reply"),
            stop_reply: read_texts(keys, "stop-reply"),
            date_field: keys.string("date-field").and_then(|f| read_date_field(keys, f)).unwrap_or(defaults.date_field),
            replies_at,
        }
    }

    pub fn is_series(&self) -> bool {
        !self.series.is_empty()
    }
}

fn origin(keys: &Keys, offset: usize) -> Origin {
    let (line, column) = keys.source().line_col(offset);
    Origin { path: keys.source().path.clone(), line, column }
}

/// `series = [{ day = 0, hour = 10, section = "intro" }, …]` or `[[outputs.NAME.series]]`.
fn read_series(keys: &Keys) -> Vec<Planned> {
    let mut planned = Vec::new();
    for entry in keys.tables("series") {
        let day = entry.integer("day", 0..=366, "a series counts days from the contact's date: 0 (that day) to 366");
        let hour = entry.integer("hour", 0..=23, "the hour it is sent, 0 to 23 (10 is ten in the morning)");
        let section = entry.string("section");
        let text = entry.string("text");
        let content = match (section, text) {
            (Some(section), None) => Some(PlannedText::Section(section.value)),
            (None, Some(text)) if !text.value.trim().is_empty() => Some(PlannedText::Text(text.value)),
            (None, Some(text)) => {
                entry.report(entry.error(text.offset, "profile", "this message's `text` is empty"));
                None
            }
            (Some(section), Some(_)) => {
                entry.report(
                    entry.error(section.offset, "profile", "a message of the series has both `section` and `text`")
                        .hint("keep one: `section` takes the section's ```sms block (or its first sentences), `text` is the message itself"),
                );
                None
            }
            (None, None) => {
                entry.report(
                    entry
                        .error(entry.offset, "profile", "a message of the series says neither `section` nor `text`")
                        .hint("add `section = \"id\"` (the section it summarises) or `text = \"...\"`"),
                );
                None
            }
        };
        for (key, value) in [("day", day.is_none()), ("hour", hour.is_none())] {
            if value && entry.value(key).is_none() {
                entry.report(
                    entry.error(entry.offset, "profile", format!("a message of the series has no `{key}`")).hint(
                        "each message says when it is sent: `day = 2` (days after the contact's date) and `hour = 10`",
                    ),
                );
            }
        }
        entry.finish();
        if let (Some(day), Some(hour), Some(content)) = (day, hour, content) {
            planned.push(Planned {
                day: day.value as u32,
                hour: hour.value as u8,
                content,
                origin: origin(keys, entry.offset),
            });
        }
    }
    if let Some(empty) = keys.value("series").filter(|(v, _)| matches!(v, toml::de::DeValue::Array(a) if a.is_empty()))
    {
        keys.report(
            keys.error(empty.1, "profile", "`series` has no messages")
                .hint("add them, or remove `series` for a single message"),
        );
    }
    planned
}

/// An IANA time zone name, checked against the database built into the binary.
fn read_time_zone(keys: &Keys, zone: crate::keys::At<String>) -> Option<String> {
    let database = jiff::tz::TimeZoneDatabase::bundled();
    if database.get(&zone.value).is_ok() {
        return Some(zone.value);
    }
    let names: Vec<String> = database.available().map(|n| n.as_str().to_string()).collect();
    let near = crate::diagnostic::did_you_mean(&zone.value, names.iter().map(String::as_str))
        .map(|n| format!("did you mean \"{n}\"? "))
        .unwrap_or_default();
    keys.report(
        keys.error(zone.offset, "profile", format!("`{}` is not a time zone", zone.value))
            .hint(format!("{near}use the IANA name of the recipients' zone, e.g. \"America/New_York\", \"America/Chicago\", \"America/Los_Angeles\"")),
    );
    None
}

/// A contact field key as RapidPro takes one: lower-case letters, digits and `_`, at most 36,
/// starting with a letter, not one of its reserved words.
fn read_date_field(keys: &Keys, field: crate::keys::At<String>) -> Option<String> {
    let key = &field.value;
    let valid = key.len() <= 36
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !["has", "is", "fields", "urns", "created_on", "last_seen_on"].contains(&key.as_str());
    if valid {
        return Some(field.value);
    }
    keys.report(
        keys.error(field.offset, "profile", format!("`date-field = \"{key}\"` is not a contact field key"))
            .hint("use lower-case letters, digits and _ (at most 36, starting with a letter), e.g. \"enrolled_on\""),
    );
    None
}

/// Texts per language: `help-reply = { en = "...", es = "..." }`.
fn read_texts(keys: &Keys, key: &'static str) -> Texts {
    let Some((value, offset)) = keys.value(key) else { return Texts::new() };
    let toml::de::DeValue::Table(table) = value else {
        keys.report(keys.error(offset, "profile", format!("`{key}` should give its text per language")).hint(format!(
            "write `{key} = {{ en = \"...\", es = \"...\" }}`; `{{sender}}` and `{{phone}}` are filled in"
        )));
        return Texts::new();
    };
    let mut texts = Texts::new();
    for (lang, text) in table.iter() {
        match text.get_ref().as_str() {
            Some(text) => {
                texts.insert(lang.get_ref().to_string(), text.to_string());
            }
            None => keys.report(keys.error(offset, "profile", format!("`{key}.{}` must be a text", lang.get_ref()))),
        }
    }
    texts
}

/// `opt-out = true`, `false`, or the texts per language (`[outputs.sms.opt-out]`, `es = "…"`).
fn read_opt_out(keys: &Keys) -> OptOut {
    let Some((value, offset)) = keys.value("opt-out") else { return OptOut::Default };
    match value {
        toml::de::DeValue::Boolean(true) => OptOut::Default,
        toml::de::DeValue::Boolean(false) => OptOut::Off,
        toml::de::DeValue::Table(_) => OptOut::Texts(read_texts(keys, "opt-out")),
        other => {
            let written = other.as_str().map_or_else(String::new, |t| format!(" = \"{t}\""));
            keys.report(
                keys.error(offset, "profile", format!("`opt-out{written}` does not say which language it is in"))
                    .hint("composed messages say how to stop them in each handout's language by themselves; to word it your way, give it per language: `opt-out = { es = \"...\" }`; `opt-out = false` turns it off"),
            );
            OptOut::Default
        }
    }
}

impl crate::render::Options for Options {
    /// A series also writes its RapidPro campaign (translations write theirs into the
    /// original's).
    fn files(&self, profile: &str) -> Vec<String> {
        let mut files: Vec<String> = ["txt", "json", "csv"].iter().map(|ext| format!("{profile}.{ext}")).collect();
        if self.is_series() {
            files.push(format!("{profile}.rapidpro.json"));
        }
        files
    }
}
