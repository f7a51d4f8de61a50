//! The handout as renderer-agnostic data: what `content` parses into and every renderer reads.
//!
//! Nothing here knows about PDF, EPUB or SMS. Decisions that must agree across formats
//! (section ids, the effective profiles, interface strings) are made before a renderer runs.

use std::path::PathBuf;

use serde::Serialize;

use crate::cite::Source;
use crate::locale::Strings;

/// One parsed and validated handout.
#[derive(Debug, Clone)]
pub struct Handout {
    /// The Markdown file, as given on the command line (for messages).
    pub path: PathBuf,
    pub meta: Meta,
    pub brand: Brand,
    pub sections: Vec<Section>,
    /// Every source the handout defines, in definition order.
    pub sources: Vec<Source>,
    /// The citation style every format uses.
    pub citation_style: CitationStyle,
    /// Hand-written text messages, in order.
    pub sms: Vec<HandwrittenSms>,
    pub profiles: Vec<Profile>,
    /// Interface strings in the handout's language.
    pub strings: Strings,
}

impl Handout {
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub subtitle: Option<String>,
    pub summary: String,
    /// BCP 47 language tag, e.g. `en`, `es-MX`, `ar`.
    pub lang: String,
    pub direction: Direction,
    pub slug: String,
    pub translation_of: Option<String>,
    pub authors: Vec<String>,
    pub reviewed: Option<Date>,
    pub next_review: Option<Date>,
    pub keywords: Vec<String>,
    pub contact: Contact,
}

/// Writing direction of the handout's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    /// Right-to-left for the scripts that need it, from the language's primary subtag.
    pub fn of_lang(lang: &str) -> Direction {
        let primary = lang.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "ar" | "fa" | "he" | "ur" | "ps" | "sd" | "ug" | "yi" | "dv" | "ckb" => Direction::Rtl,
            _ => Direction::Ltr,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// A calendar date (front matter `reviewed`, `next-review`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Days since 1970-01-01 (proleptic Gregorian), for timestamps.
    pub fn days_since_epoch(self) -> i64 {
        let (y, m, d) = (i64::from(self.year), i64::from(self.month), i64::from(self.day));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date of a Unix timestamp (UTC).
    pub fn from_unix(seconds: i64) -> Date {
        let z = seconds.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A text message the author wrote in the front matter's `sms` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandwrittenSms {
    pub text: String,
    /// Where it is written, for messages about it.
    pub line: usize,
    pub column: usize,
}

/// The help line every output carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub url: Option<String>,
    pub hours: Option<String>,
}

/// The organisation's identity, from `handout.toml`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Brand {
    pub organisation: Option<String>,
    /// The logo file, resolved inside the project root.
    pub logo: Option<PathBuf>,
    /// `#rrggbb`.
    pub color: String,
}

/// A part of the handout: the introduction (before the first `##`) or one `##` section.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: String,
    /// `None` for the introduction, which has no heading of its own.
    pub heading: Option<Vec<Inline>>,
    pub blocks: Vec<Block>,
    /// Line of the heading (or of the first block of the introduction).
    pub line: usize,
}

impl Section {
    pub const INTRO: &'static str = "intro";

    /// The heading as plain text (empty for the introduction).
    pub fn title(&self) -> String {
        self.heading.as_deref().map(plain_text).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Block {
    Paragraph {
        content: Vec<Inline>,
    },
    /// A `###` or deeper heading inside a section; `level` is 3..=6.
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Quote {
        blocks: Vec<Block>,
    },
    /// A GFM alert (`> [!IMPORTANT]`), a call-out box in every format.
    Callout {
        kind: CalloutKind,
        blocks: Vec<Block>,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    /// An image standing alone in its paragraph.
    Figure {
        image: Image,
    },
    Code {
        text: String,
    },
    Rule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CalloutKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Image {
    /// Resolved path inside the project root.
    pub path: PathBuf,
    /// The path as written by the author.
    pub src: String,
    pub alt: String,
    pub title: Option<String>,
    /// Line and column of the image in the handout, for problems found when it is decoded.
    #[serde(skip)]
    pub at: (usize, usize),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Inline {
    Text {
        text: String,
    },
    Emphasis {
        content: Vec<Inline>,
    },
    Strong {
        content: Vec<Inline>,
    },
    Strikethrough {
        content: Vec<Inline>,
    },
    Code {
        text: String,
    },
    Link {
        url: String,
        content: Vec<Inline>,
    },
    /// `[@a; @b]`: the keys, in the order written.
    Citation {
        keys: Vec<String>,
    },
    Image {
        image: Image,
    },
    /// A note (`[^label]`), with its text where it is referenced.
    Footnote {
        label: String,
        content: Vec<Block>,
    },
    LineBreak,
}

/// Every image in `blocks`, in reading order.
pub fn images_in(blocks: &[Block]) -> Vec<&Image> {
    fn inlines<'a>(list: &'a [Inline], found: &mut Vec<&'a Image>) {
        for inline in list {
            match inline {
                Inline::Image { image } => found.push(image),
                Inline::Emphasis { content }
                | Inline::Strong { content }
                | Inline::Strikethrough { content }
                | Inline::Link { content, .. } => inlines(content, found),
                Inline::Footnote { content, .. } => walk(content, found),
                _ => {}
            }
        }
    }
    fn walk<'a>(blocks: &'a [Block], found: &mut Vec<&'a Image>) {
        for block in blocks {
            match block {
                Block::Figure { image } => found.push(image),
                Block::Paragraph { content } | Block::Heading { content, .. } => inlines(content, found),
                Block::List { items, .. } => items.iter().for_each(|item| walk(item, found)),
                Block::Quote { blocks } | Block::Callout { blocks, .. } => walk(blocks, found),
                Block::Table { head, rows, .. } => {
                    head.iter().chain(rows.iter().flatten()).for_each(|c| inlines(c, found))
                }
                Block::Code { .. } | Block::Rule => {}
            }
        }
    }
    let mut found = Vec::new();
    walk(blocks, &mut found);
    found
}

/// The text of inlines without markup (citations and images dropped).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain_text(inlines, &mut out);
    out
}

fn push_plain_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } | Inline::Code { text } => out.push_str(text),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Link { content, .. } => push_plain_text(content, out),
            Inline::LineBreak => out.push(' '),
            Inline::Citation { .. } | Inline::Image { .. } | Inline::Footnote { .. } => {}
        }
    }
}

/// How a citation style is chosen: a bundled name or a `.csl` file in the project.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum CitationStyle {
    Vancouver,
    Ama,
    Apa,
    /// A CSL file, resolved inside the project root.
    File(PathBuf),
}

/// The output formats `handout` renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Epub,
    Sms,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Epub => "epub",
            Format::Sms => "sms",
        }
    }
}

/// Where something was written: a file and a 1-based line and column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

/// A named output: which format, which sections in which order, and format options.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub name: String,
    /// The `[outputs.NAME]` table (or, for a built-in profile, the handout).
    pub origin: Origin,
    pub sections: SectionChoice,
    pub exclude: Vec<String>,
    /// Whether the citations appendix (and the citation markers) appear.
    pub citations: bool,
    pub options: FormatOptions,
}

impl Profile {
    pub fn format(&self) -> Format {
        match self.options {
            FormatOptions::Pdf(_) => Format::Pdf,
            FormatOptions::Epub(_) => Format::Epub,
            FormatOptions::Sms(_) => Format::Sms,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionChoice {
    All,
    List(Vec<String>),
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "format", rename_all = "lowercase")]
pub enum FormatOptions {
    Pdf(PdfOptions),
    Epub(EpubOptions),
    Sms(SmsOptions),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PdfOptions {
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

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    Letter,
    A4,
    A5,
    Legal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    Page,
    Trifold,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EpubOptions {
    /// A cover image resolved inside the project; `None` generates one.
    pub cover: Option<PathBuf>,
    pub embed_fonts: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmsOptions {
    /// The most segments one message may take.
    pub segments: u32,
    pub encoding: SmsEncoding,
    /// Whether composed messages carry `contact.url`.
    pub include_url: bool,
    /// How composed messages say how to stop them.
    pub opt_out: OptOut,
}

impl Default for SmsOptions {
    fn default() -> Self {
        SmsOptions { segments: 1, encoding: SmsEncoding::Auto, include_url: false, opt_out: OptOut::Default }
    }
}

/// The end of a composed message that says how to stop them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum OptOut {
    Off,
    /// The interface string `sms-opt-out` of the handout's language.
    Default,
    /// The project's own texts, by language tag; other languages get the default.
    Texts(std::collections::BTreeMap<String, String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsEncoding {
    Auto,
    Gsm7,
    Ucs2,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_unix_days() {
        for (date, days) in [
            (Date { year: 1970, month: 1, day: 1 }, 0),
            (Date { year: 2000, month: 2, day: 29 }, 11_016),
            (Date { year: 2026, month: 11, day: 1 }, 20_758),
        ] {
            assert_eq!(date.days_since_epoch(), days);
            assert_eq!(Date::from_unix(days * 86_400 + 3_600), date);
        }
    }

    #[test]
    fn rtl_languages() {
        assert_eq!(Direction::of_lang("ar"), Direction::Rtl);
        assert_eq!(Direction::of_lang("he-IL"), Direction::Rtl);
        assert_eq!(Direction::of_lang("es-MX"), Direction::Ltr);
    }
}
