//! The keys of a text-message profile.

use std::collections::BTreeMap;

use crate::keys::Keys;

/// The keys only SMS profiles take.
pub const KEYS: &[&str] = &["segments", "encoding", "include-url", "opt-out"];

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The most segments one message may take.
    pub segments: u32,
    pub encoding: Encoding,
    /// Whether composed messages carry the help line's web address.
    pub include_url: bool,
    /// How composed messages say how to stop them.
    pub opt_out: OptOut,
}

impl Default for Options {
    fn default() -> Self {
        Options { segments: 1, encoding: Encoding::Auto, include_url: false, opt_out: OptOut::Default }
    }
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
    Texts(BTreeMap<String, String>),
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
        Options {
            segments: segments.map_or(defaults.segments, |s| s.value as u32),
            encoding: encoding.unwrap_or(defaults.encoding),
            include_url: keys.boolean("include-url").is_some_and(|i| i.value),
            opt_out: read_opt_out(keys),
        }
    }
}

/// `opt-out = true`, `false`, or the texts per language (`[outputs.sms.opt-out]`, `es = "…"`).
fn read_opt_out(keys: &Keys) -> OptOut {
    let Some((value, offset)) = keys.value("opt-out") else { return OptOut::Default };
    match value {
        toml::de::DeValue::Boolean(true) => OptOut::Default,
        toml::de::DeValue::Boolean(false) => OptOut::Off,
        toml::de::DeValue::Table(table) => {
            let mut texts = BTreeMap::new();
            for (lang, text) in table.iter() {
                match text.get_ref().as_str() {
                    Some(text) => {
                        texts.insert(lang.get_ref().to_string(), text.to_string());
                    }
                    None => keys.report(keys.error(
                        offset,
                        "profile",
                        format!("`opt-out.{}` must be a text", lang.get_ref()),
                    )),
                }
            }
            OptOut::Texts(texts)
        }
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
    fn files(&self, profile: &str) -> Vec<String> {
        ["txt", "json", "csv"].iter().map(|ext| format!("{profile}.{ext}")).collect()
    }
}
