//! The TOML front matter as written, before validation.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use crate::settings::{ContactTable, ProfileTable};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FrontMatter {
    pub title: Spanned<String>,
    pub subtitle: Option<String>,
    pub summary: Spanned<String>,
    pub lang: Option<Spanned<String>>,
    pub slug: Option<Spanned<String>>,
    pub translation_of: Option<Spanned<String>>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub reviewed: Option<Spanned<Datetime>>,
    pub next_review: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub contact: Option<ContactTable>,
    pub bibliography: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Spanned<SourceTable>>,
    pub citation_style: Option<Spanned<String>>,
    #[serde(default)]
    pub sms: Vec<Spanned<String>>,
    pub outputs: Option<IndexMap<String, Spanned<ProfileTable>>>,
}

/// An inline `[[sources]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SourceTable {
    pub id: Spanned<String>,
    #[serde(rename = "type")]
    pub kind: Option<Spanned<String>>,
    pub title: String,
    #[serde(default)]
    pub authors: Vec<String>,
    pub journal: Option<String>,
    pub year: Option<i64>,
    pub volume: Option<TextOrNumber>,
    pub issue: Option<TextOrNumber>,
    pub pages: Option<TextOrNumber>,
    pub doi: Option<String>,
    pub pmid: Option<TextOrNumber>,
    pub url: Option<String>,
    pub publisher: Option<String>,
    /// When a web page was read (TOML date), for web sources.
    pub accessed: Option<Datetime>,
}

/// A value authors write either way: `volume = 29` or `volume = "29"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TextOrNumber {
    Number(i64),
    Text(String),
}

impl TextOrNumber {
    pub fn text(&self) -> String {
        match self {
            TextOrNumber::Number(n) => n.to_string(),
            TextOrNumber::Text(t) => t.clone(),
        }
    }
}
