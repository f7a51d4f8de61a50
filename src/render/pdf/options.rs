//! The keys of a PDF profile.

use serde::Serialize;

use crate::keys::Keys;

/// The keys only PDF profiles take.
pub const KEYS: &[&str] =
    &["paper", "layout", "columns", "large-print", "hyphenate", "accessible", "bleed", "crop-marks"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Options {
    pub paper: Paper,
    pub layout: Layout,
    pub columns: u8,
    pub large_print: bool,
    /// Off by default: plain-language guides (CMS Toolkit, part 7) advise against breaking
    /// words at line ends for readers with low literacy.
    pub hyphenate: bool,
    pub accessible: bool,
    /// Bleed in millimetres.
    pub bleed: f64,
    pub crop_marks: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paper: Paper::Letter,
            layout: Layout::Page,
            columns: 1,
            large_print: false,
            hyphenate: false,
            accessible: true,
            bleed: 0.0,
            crop_marks: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    Letter,
    A4,
    A5,
    Legal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    Page,
    Trifold,
}

impl Options {
    pub fn read(keys: &Keys) -> Options {
        let defaults = Options::default();
        let paper = keys.choice("paper", &["letter", "a4", "a5", "legal"]).map(|p| match p.value {
            "a4" => Paper::A4,
            "a5" => Paper::A5,
            "legal" => Paper::Legal,
            _ => Paper::Letter,
        });
        let layout = keys
            .choice("layout", &["page", "trifold"])
            .map(|l| if l.value == "trifold" { Layout::Trifold } else { Layout::Page });
        let columns = keys.integer("columns", 1..=3, "use 1 or 2 (3 columns are too narrow to read on portrait paper)");
        let large_print = keys.boolean("large-print");
        let options = Options {
            paper: paper.unwrap_or(defaults.paper),
            layout: layout.unwrap_or(defaults.layout),
            columns: columns.as_ref().map_or(defaults.columns, |c| c.value as u8),
            large_print: large_print.as_ref().is_some_and(|l| l.value),
            hyphenate: keys.boolean("hyphenate").is_some_and(|h| h.value),
            accessible: keys.boolean("accessible").is_none_or(|a| a.value),
            bleed: keys
                .number("bleed", 0.0..=25.0, "print shops ask for 3 mm (1/8 inch); use a value from 0 to 25")
                .map_or(0.0, |b| b.value),
            crop_marks: keys.boolean("crop-marks").is_some_and(|c| c.value),
        };
        if let Some((problem, hint)) = super::geometry::unreadable_measure(&options) {
            let offset = columns.map(|c| c.offset).or(large_print.map(|l| l.offset)).unwrap_or(keys.offset_of("paper"));
            keys.report(keys.error(offset, "profile", problem).hint(hint));
        }
        options
    }
}

impl crate::render::Options for Options {
    fn files(&self, profile: &str) -> Vec<String> {
        vec![format!("{profile}.pdf")]
    }
}
