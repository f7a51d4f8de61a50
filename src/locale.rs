//! Interface strings ("References", "Page 1 of 2", ...) per language, decided once in the
//! model so that every format says the same thing.

use serde::Deserialize;

use crate::model::{CalloutKind, Date};

/// Locales built into the binary, by primary language subtag.
const BUILT_IN: &[(&str, &str)] =
    &[("en", include_str!("../assets/locales/en.toml")), ("es", include_str!("../assets/locales/es.toml"))];

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
    pub month_year: String,
    pub months: Vec<String>,
}

impl Strings {
    /// The strings for `lang` (e.g. `es-MX` uses `es`), English when there are none.
    pub fn for_lang(lang: &str) -> Strings {
        let primary = lang.split(['-', '_']).next().unwrap_or("en").to_ascii_lowercase();
        let text = BUILT_IN.iter().find(|(tag, _)| *tag == primary).map_or(BUILT_IN[0].1, |(_, text)| text);
        toml::from_str(text).expect("built-in locale files are valid (tested)")
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

    /// "Page 1 of 2".
    pub fn page_of(&self, page: impl std::fmt::Display, total: impl std::fmt::Display) -> String {
        self.page_of.replace("{page}", &page.to_string()).replace("{total}", &total.to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_locale_parses_with_twelve_months() {
        for (tag, _) in BUILT_IN {
            let strings = Strings::for_lang(tag);
            assert_eq!(strings.months.len(), 12, "{tag}");
        }
    }

    #[test]
    fn dates_per_locale() {
        let date = Date { year: 2026, month: 11, day: 1 };
        assert_eq!(Strings::for_lang("en").reviewed_on(date), "Reviewed November 2026");
        assert_eq!(Strings::for_lang("es-MX").reviewed_on(date), "Revisado: noviembre de 2026");
        assert_eq!(Strings::for_lang("xx").page_of(1, 2), "Page 1 of 2");
    }
}
