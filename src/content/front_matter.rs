//! The TOML front matter, read key by key into values that remember where they are written.
//! Nothing is judged here but types and names; `validate` judges the values.

use crate::keys::{At, Keys};
use crate::model::Date;

/// The front matter as written.
#[derive(Debug, Default)]
pub struct FrontMatter {
    pub title: Option<At<String>>,
    pub subtitle: Option<At<String>>,
    pub summary: Option<At<String>>,
    pub lang: Option<At<String>>,
    pub slug: Option<At<String>>,
    pub translation_of: Option<At<String>>,
    pub authors: Vec<At<String>>,
    pub reviewed: Option<At<Date>>,
    pub next_review: Option<At<Date>>,
    pub keywords: Vec<At<String>>,
    /// The handout's `[contact]` over the project's.
    pub contact: crate::model::Contact,
    /// Bibliography files, relative to the handout: one, or a list.
    pub bibliography: Vec<At<String>>,
    pub sources: Vec<InlineSource>,
    pub citation_style: Option<At<String>>,
    pub sms: Vec<At<String>>,
    /// The handout's `[plain-language]` over the project's.
    pub plain: crate::model::PlainLanguage,
}

/// An inline `[[sources]]` table.
#[derive(Debug, Default)]
pub struct InlineSource {
    /// Where the table starts.
    pub offset: usize,
    pub id: Option<At<String>>,
    pub kind: Option<At<&'static str>>,
    pub title: Option<At<String>>,
    pub authors: Vec<At<String>>,
    pub journal: Option<At<String>>,
    pub year: Option<At<i64>>,
    pub volume: Option<At<String>>,
    pub issue: Option<At<String>>,
    pub pages: Option<At<String>>,
    pub doi: Option<At<String>>,
    pub pmid: Option<At<String>>,
    pub url: Option<At<String>>,
    pub publisher: Option<At<String>>,
    pub accessed: Option<At<Date>>,
}

/// The types of inline sources.
pub const SOURCE_KINDS: &[&str] = &["article", "book", "chapter", "report", "webpage", "misc"];

/// Reads every key of the front matter; `contact` comes over the project's.
pub fn read(
    keys: &Keys,
    project_contact: &crate::model::Contact,
    project_plain: &crate::model::PlainLanguage,
) -> FrontMatter {
    let front = FrontMatter {
        title: keys.required_string("title"),
        subtitle: keys.string("subtitle"),
        summary: keys.required_string("summary"),
        lang: keys.string("lang"),
        slug: keys.string("slug"),
        translation_of: keys.string("translation-of"),
        authors: keys.strings("authors", true),
        reviewed: keys.date("reviewed"),
        next_review: keys.date("next-review"),
        keywords: keys.strings("keywords", false),
        contact: match keys.table("contact") {
            Some(table) => crate::settings::read_contact(&table, project_contact.clone()),
            None => project_contact.clone(),
        },
        bibliography: keys.strings("bibliography", true),
        sources: keys.tables("sources").iter().map(read_source).collect(),
        citation_style: keys.string("citation-style"),
        sms: keys.strings("sms", false),
        plain: match keys.table("plain-language") {
            Some(table) => crate::settings::read_plain(&table, project_plain.clone()),
            None => project_plain.clone(),
        },
    };
    // Read with the handout's sections, by `profile`.
    let _ = keys.value("outputs");
    keys.finish();
    front
}

fn read_source(keys: &Keys) -> InlineSource {
    // A value authors write either way: `volume = 29` or `volume = "29"`.
    let text_or_number = |key: &'static str| match keys.value(key) {
        Some((toml::de::DeValue::Integer(n), offset)) => Some(At { value: n.as_str().to_string(), offset }),
        Some(_) => keys.string(key),
        None => None,
    };
    let source = InlineSource {
        offset: keys.offset,
        id: keys.required_string("id"),
        kind: keys.choice("type", SOURCE_KINDS),
        title: keys.required_string("title"),
        authors: keys.strings("authors", true),
        journal: keys.string("journal"),
        year: keys.integer("year", 1000..=2200, "write the year as a number, e.g. `year = 2024`"),
        volume: text_or_number("volume"),
        issue: text_or_number("issue"),
        pages: text_or_number("pages"),
        doi: keys.string("doi"),
        pmid: text_or_number("pmid"),
        url: keys.string("url"),
        publisher: keys.string("publisher"),
        accessed: keys.date("accessed"),
    };
    keys.finish();
    source
}
