//! Interface strings ("References", "Page 1 of 2", ...) per language, decided once in the
//! model so that every format says the same thing.
//!
//! Layers, last wins: the built-in English strings, the built-in strings of the handout's
//! language, and the project's `assets/locales/<lang>.toml` (which may hold only some keys).
//! A key no layer but English has falls back to English, and `check` warns about it.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::{CalloutKind, Date};

/// Locales built into the binary, by primary language subtag.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../assets/locales/en.toml")),
    ("es", include_str!("../assets/locales/es.toml")),
    ("fr", include_str!("../assets/locales/fr.toml")),
    ("vi", include_str!("../assets/locales/vi.toml")),
    ("zh", include_str!("../assets/locales/zh.toml")),
    ("ko", include_str!("../assets/locales/ko.toml")),
    ("tl", include_str!("../assets/locales/tl.toml")),
    ("ru", include_str!("../assets/locales/ru.toml")),
    ("ar", include_str!("../assets/locales/ar.toml")),
];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Strings {
    pub references: String,
    pub contents: String,
    pub introduction: String,
    pub page_of: String,
    pub reviewed: String,
    pub next_review: String,
    pub need_help: String,
    pub call: String,
    pub visit: String,
    pub qr_caption: String,
    pub back_to_text: String,
    pub note: String,
    pub tip: String,
    pub important: String,
    pub warning: String,
    pub caution: String,
    /// How links to a reference and to a note are announced: "Reference {n}", "Note {n}".
    pub reference_n: String,
    pub footnote_n: String,
    /// The heading of the notes (from `[^1]` footnotes).
    pub notes: String,
    /// The label of a tri-fold's lined space for notes.
    pub your_notes: String,
    /// The label of an EPUB's landmarks navigation.
    pub landmarks: String,
    /// Appended to composed text messages: how to stop them, and how to get help.
    pub sms_opt_out: String,
    pub sms_help: String,
    /// The replies to the HELP and STOP keywords (`{sender}`, `{phone}`).
    pub sms_help_reply: String,
    pub sms_stop_reply: String,
    /// Opening and closing quotation marks, then the inner pair: “ ” ‘ ’ in English.
    pub quotes: Vec<String>,
    pub month_year: String,
    pub months: Vec<String>,
}

/// A project's own locale files: language → its keys, as written.
pub type ProjectLocales = BTreeMap<String, toml::Table>;

/// The keys every locale has (those of the English file).
pub fn keys() -> Vec<String> {
    built_in("en").expect("English is built in").keys().cloned().collect()
}

fn built_in(primary: &str) -> Option<toml::Table> {
    BUILT_IN
        .iter()
        .find(|(tag, _)| *tag == primary)
        .map(|(_, text)| toml::from_str(text).expect("built-in locale files are valid (tested)"))
}

impl Strings {
    /// The strings for `lang` (e.g. `es-MX` uses `es`), with the keys that fell back to English.
    pub fn resolve(lang: &str, project: &ProjectLocales) -> (Strings, Vec<String>) {
        let primary = lang.split(['-', '_']).next().unwrap_or("en").to_ascii_lowercase();
        let mut table = built_in("en").expect("English is built in");
        let mut found: Vec<String> = Vec::new();
        let own_layers = [built_in(&primary), project.get(&primary).cloned(), project.get(lang).cloned()];
        for layer in own_layers.into_iter().flatten() {
            for (key, value) in layer {
                found.push(key.clone());
                table.insert(key, value);
            }
        }
        let missing =
            if primary == "en" { Vec::new() } else { keys().into_iter().filter(|k| !found.contains(k)).collect() };
        let strings = toml::Value::Table(table).try_into().unwrap_or_else(|_| Strings::for_lang("en"));
        (strings, missing)
    }

    /// The built-in strings for `lang`, English when there are none.
    pub fn for_lang(lang: &str) -> Strings {
        Strings::resolve(lang, &ProjectLocales::new()).0
    }

    /// "November 2026", "noviembre de 2026".
    pub fn month_year(&self, date: Date) -> String {
        let month = self.months.get(usize::from(date.month).saturating_sub(1)).map_or("", String::as_str);
        self.month_year.replace("{month}", month).replace("{year}", &date.year.to_string())
    }

    /// "Reviewed November 2026".
    pub fn reviewed_on(&self, date: Date) -> String {
        self.reviewed.replace("{date}", &self.month_year(date))
    }

    /// The label of a call-out box.
    pub fn callout(&self, kind: CalloutKind) -> &str {
        match kind {
            CalloutKind::Note => &self.note,
            CalloutKind::Tip => &self.tip,
            CalloutKind::Important => &self.important,
            CalloutKind::Warning => &self.warning,
            CalloutKind::Caution => &self.caution,
        }
    }
}

/// The English name of a language, for messages; the tag itself when it is not known.
pub fn language_name(primary: &str) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("en", "English"),
        ("es", "Spanish"),
        ("fr", "French"),
        ("vi", "Vietnamese"),
        ("zh", "Chinese"),
        ("ko", "Korean"),
        ("tl", "Tagalog"),
        ("ru", "Russian"),
        ("ar", "Arabic"),
        ("de", "German"),
        ("pt", "Portuguese"),
        ("ht", "Haitian Creole"),
        ("so", "Somali"),
        ("fa", "Persian"),
        ("hi", "Hindi"),
        ("ur", "Urdu"),
        ("bn", "Bengali"),
        ("pl", "Polish"),
        ("it", "Italian"),
        ("ja", "Japanese"),
        ("uk", "Ukrainian"),
        ("am", "Amharic"),
        ("ne", "Nepali"),
        ("my", "Burmese"),
        ("sw", "Swahili"),
    ];
    NAMES.iter().find(|(tag, _)| *tag == primary).map_or_else(|| format!("`{primary}`"), |(_, name)| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_locale_is_complete_with_twelve_months() {
        let expected = keys();
        for (tag, text) in BUILT_IN {
            let table: toml::Table = toml::from_str(text).unwrap();
            let found: Vec<String> = table.keys().cloned().collect();
            assert_eq!(found, expected, "{tag}");
            let (strings, missing) = Strings::resolve(tag, &ProjectLocales::new());
            assert!(missing.is_empty(), "{tag}: {missing:?}");
            assert_eq!(strings.months.len(), 12, "{tag}");
        }
    }

    #[test]
    fn dates_per_locale() {
        let date = Date { year: 2026, month: 11, day: 1 };
        assert_eq!(Strings::for_lang("en").reviewed_on(date), "Reviewed November 2026");
        assert_eq!(Strings::for_lang("es-MX").reviewed_on(date), "Revisado: noviembre de 2026");
        assert_eq!(Strings::for_lang("zh").reviewed_on(date), "审核日期：2026年11月");
        assert_eq!(Strings::for_lang("ru").reviewed_on(date), "Проверено: ноябрь 2026 г.");
    }

    #[test]
    fn project_strings_override_and_missing_ones_fall_back() {
        let mut project = ProjectLocales::new();
        project.insert("es".into(), toml::from_str("references = \"Fuentes\"").unwrap());
        project.insert("de".into(), toml::from_str("references = \"Quellen\"").unwrap());
        let (es, missing) = Strings::resolve("es", &project);
        assert_eq!((es.references.as_str(), missing.len()), ("Fuentes", 0));
        let (de, missing) = Strings::resolve("de-AT", &project);
        assert_eq!(de.references, "Quellen");
        assert_eq!(de.contents, "Contents");
        assert!(missing.contains(&"contents".to_string()) && !missing.contains(&"references".to_string()));
    }
}
