//! The handout as plain data: what `content` parses a file into and every later stage reads.
//!
//! This is the ground floor: it imports nothing from the rest of the crate, and nothing here
//! knows how a PDF, an EPUB, a web page or a text message is made. Decisions that must agree
//! across formats (section ids, interface strings, typographic quotes) are made before any
//! format is rendered.

use std::path::PathBuf;

use serde::Serialize;

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
    /// Short messages the author wrote (front matter `sms`), for text-message outputs.
    pub messages: Vec<ShortMessage>,
    /// Interface strings in the handout's language.
    pub strings: Strings,
    /// How `check` reviews its language (the project's `[plain-language]` under the handout's).
    pub plain: PlainLanguage,
}

/// `[plain-language]`: the plain-language review's limits and the rules turned off.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainLanguage {
    pub enabled: bool,
    /// A sentence longer than this many words is marked.
    pub sentence_words: usize,
    /// A paragraph with more sentences, or more words, than these is marked.
    pub paragraph_sentences: usize,
    pub paragraph_words: usize,
    /// Rules turned off by name (see [`PlainLanguage::RULES`]).
    pub off: Vec<String>,
}

impl PlainLanguage {
    /// The rules, by the names settings use.
    pub const RULES: &[&str] = &[
        "complex-words",
        "passive-voice",
        "long-sentences",
        "long-paragraphs",
        "acronyms",
        "numbers",
        "speak-to-reader",
        "headings",
        "call-to-action",
    ];

    pub fn on(&self, rule: &str) -> bool {
        self.enabled && !self.off.iter().any(|r| r == rule)
    }
}

impl Default for PlainLanguage {
    fn default() -> Self {
        PlainLanguage {
            enabled: true,
            sentence_words: 20,
            paragraph_sentences: 5,
            paragraph_words: 100,
            off: Vec::new(),
        }
    }
}

impl Handout {
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// A section's title as a reader sees it ("Introduction" for the text before the first
    /// heading).
    pub fn section_title(&self, section: &Section) -> String {
        if section.heading.is_some() { section.title() } else { self.strings.introduction.clone() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub subtitle: Option<String>,
    pub summary: String,
    pub lang: Lang,
    pub direction: Direction,
    pub slug: String,
    pub translation_of: Option<String>,
    pub authors: Vec<String>,
    pub reviewed: Option<Date>,
    pub next_review: Option<Date>,
    pub keywords: Vec<String>,
    pub contact: Contact,
}

/// A BCP 47 language tag as written (`en`, `es-MX`, `zh-Hans`), and its parts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Lang(pub String);

impl Lang {
    /// The language itself, lower case: `es` for `es-MX`.
    pub fn primary(&self) -> String {
        self.0.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase()
    }

    /// The two-letter region, upper case: `MX` for `es-MX`.
    pub fn region(&self) -> Option<String> {
        self.0.split(['-', '_']).skip(1).find(|p| p.len() == 2).map(str::to_ascii_uppercase)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Writing direction of the handout's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    /// Right-to-left for the scripts that need it.
    pub fn of(lang: &Lang) -> Direction {
        match lang.primary().as_str() {
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

    /// The same day a year later (28 February for 29 February).
    pub fn a_year_later(self) -> Date {
        let leap = |y: i32| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let day = if self.month == 2 && self.day == 29 && !leap(self.year + 1) { 28 } else { self.day };
        Date { year: self.year + 1, day, ..self }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The build's clock: the same input always gives the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// `SOURCE_DATE_EPOCH` when it is set.
    pub fixed: Option<i64>,
    /// Now, for checks such as "next-review has passed".
    pub now: i64,
}

impl Clock {
    /// The time written into a handout's outputs: the fixed time, else the handout's review
    /// date, else 2000-01-01.
    pub fn stamp(&self, reviewed: Option<Date>) -> i64 {
        self.fixed.or_else(|| reviewed.map(|d| d.days_since_epoch() * 86_400)).unwrap_or(946_684_800)
    }

    pub fn today(&self) -> Date {
        Date::from_unix(self.fixed.unwrap_or(self.now))
    }
}

/// Where something was written: a file and a 1-based line and column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

/// A short message the author wrote in the front matter's `sms` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortMessage {
    pub text: String,
    pub origin: Origin,
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

/// A source a handout may cite, as written; `cite` formats it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub key: String,
    /// Where it is defined (bibliography file or front matter).
    pub origin: Origin,
    pub doi: Option<String>,
    pub pmid: Option<String>,
    pub url: Option<String>,
    pub record: SourceRecord,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum SourceRecord {
    /// An entry of a BibTeX/BibLaTeX file: the file's text, shared by its sources, is
    /// parsed once per formatting.
    #[serde(skip)]
    Bibtex(std::sync::Arc<String>),
    /// An inline `[[sources]]` table.
    Fields(Box<SourceFields>),
}

/// The fields of an inline source.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SourceFields {
    /// `article`, `book`, `chapter`, `report`, `webpage` or `misc`.
    pub kind: String,
    pub title: String,
    /// "Family, Given" for people; a name without a comma is an organisation.
    pub authors: Vec<String>,
    pub journal: Option<String>,
    pub year: Option<i32>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub publisher: Option<String>,
    /// When a web page was read.
    pub accessed: Option<Date>,
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

/// Which sections an output has, whether it prints citations, and where it was defined: the
/// keys every output profile shares. What a format does with its own keys is the format's.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub name: String,
    /// The `[outputs.NAME]` table (or, for a built-in profile, the handout).
    pub origin: Origin,
    pub sections: SectionChoice,
    pub exclude: Vec<String>,
    /// Whether the citations appendix (and the citation markers) appear.
    pub citations: bool,
}

impl Profile {
    /// Whether the profile prints the section `id`.
    pub fn includes(&self, id: &str) -> bool {
        let chosen = match &self.sections {
            SectionChoice::All => true,
            SectionChoice::List(ids) => ids.iter().any(|i| i == id),
        };
        chosen && !self.exclude.iter().any(|e| e == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionChoice {
    All,
    List(Vec<String>),
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
    /// The section's own text message (a ```` ```sms ```` block in it), for a series.
    pub sms: Option<SectionText>,
}

/// A text the author wrote for one output, where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionText {
    pub text: String,
    pub line: usize,
    pub column: usize,
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

/// What [`walk`] visits, in reading order.
pub enum Node<'a> {
    Block(&'a Block),
    /// The start of a run of inlines that reads on its own: a paragraph, a heading, a table
    /// cell.
    Run,
    Inline(&'a Inline),
}

/// Visits every block and inline below `blocks` in reading order: lists, quotes, call-outs,
/// tables, emphasis, links, and a note's text where it is referenced.
pub fn walk<'a>(blocks: &'a [Block], visit: &mut dyn FnMut(Node<'a>)) {
    for block in blocks {
        visit(Node::Block(block));
        match block {
            Block::Paragraph { content } | Block::Heading { content, .. } => {
                visit(Node::Run);
                walk_inlines(content, visit);
            }
            Block::List { items, .. } => items.iter().for_each(|item| walk(item, visit)),
            Block::Quote { blocks } | Block::Callout { blocks, .. } => walk(blocks, visit),
            Block::Table { head, rows, .. } => {
                for cell in head.iter().chain(rows.iter().flatten()) {
                    visit(Node::Run);
                    walk_inlines(cell, visit);
                }
            }
            Block::Figure { .. } | Block::Code { .. } | Block::Rule => {}
        }
    }
}

/// Visits every inline below `inlines` (see [`walk`]).
pub fn walk_inlines<'a>(inlines: &'a [Inline], visit: &mut dyn FnMut(Node<'a>)) {
    for inline in inlines {
        visit(Node::Inline(inline));
        match inline {
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Link { content, .. } => walk_inlines(content, visit),
            Inline::Footnote { content, .. } => walk(content, visit),
            _ => {}
        }
    }
}

/// What [`walk_mut`] visits; a change made to a node is seen when its children are visited.
pub enum NodeMut<'a> {
    Block(&'a mut Block),
    Run,
    Inline(&'a mut Inline),
}

/// [`walk`], with each node open to change.
pub fn walk_mut(blocks: &mut [Block], visit: &mut dyn FnMut(NodeMut)) {
    for block in blocks {
        visit(NodeMut::Block(block));
        match block {
            Block::Paragraph { content } | Block::Heading { content, .. } => {
                visit(NodeMut::Run);
                walk_inlines_mut(content, visit);
            }
            Block::List { items, .. } => items.iter_mut().for_each(|item| walk_mut(item, visit)),
            Block::Quote { blocks } | Block::Callout { blocks, .. } => walk_mut(blocks, visit),
            Block::Table { head, rows, .. } => {
                for cell in head.iter_mut().chain(rows.iter_mut().flatten()) {
                    visit(NodeMut::Run);
                    walk_inlines_mut(cell, visit);
                }
            }
            Block::Figure { .. } | Block::Code { .. } | Block::Rule => {}
        }
    }
}

/// [`walk_inlines`], with each node open to change.
pub fn walk_inlines_mut(inlines: &mut [Inline], visit: &mut dyn FnMut(NodeMut)) {
    for inline in inlines {
        visit(NodeMut::Inline(inline));
        match inline {
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Link { content, .. } => walk_inlines_mut(content, visit),
            Inline::Footnote { content, .. } => walk_mut(content, visit),
            _ => {}
        }
    }
}

/// Every image in `blocks`, in reading order.
pub fn images_in(blocks: &[Block]) -> Vec<&Image> {
    let mut found = Vec::new();
    walk(blocks, &mut |node| match node {
        Node::Block(Block::Figure { image }) | Node::Inline(Inline::Image { image }) => found.push(image),
        _ => {}
    });
    found
}

/// Every citation group in `blocks`, in reading order.
pub fn citations_in(blocks: &[Block]) -> Vec<&Vec<String>> {
    let mut found = Vec::new();
    walk(blocks, &mut |node| {
        if let Node::Inline(Inline::Citation { keys }) = node {
            found.push(keys);
        }
    });
    found
}

/// The text of inlines without markup (citations, images and notes dropped).
pub fn plain_text(inlines: &[Inline]) -> String {
    fn push(inlines: &[Inline], out: &mut String) {
        for inline in inlines {
            match inline {
                Inline::Text { text } | Inline::Code { text } => out.push_str(text),
                Inline::Emphasis { content }
                | Inline::Strong { content }
                | Inline::Strikethrough { content }
                | Inline::Link { content, .. } => push(content, out),
                Inline::LineBreak => out.push(' '),
                Inline::Citation { .. } | Inline::Image { .. } | Inline::Footnote { .. } => {}
            }
        }
    }
    let mut out = String::new();
    push(inlines, &mut out);
    out
}

/// Interface strings ("References", "Page 1 of 2", ...) in one language; `locale` decides
/// them once so that every format says the same thing.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, Serialize)]
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

impl Strings {
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
        assert_eq!(Date { year: 2028, month: 2, day: 29 }.a_year_later(), Date { year: 2029, month: 2, day: 28 });
    }

    #[test]
    fn languages_and_directions() {
        let lang = |tag: &str| Lang(tag.to_string());
        assert_eq!(Direction::of(&lang("ar")), Direction::Rtl);
        assert_eq!(Direction::of(&lang("he-IL")), Direction::Rtl);
        assert_eq!(Direction::of(&lang("es-MX")), Direction::Ltr);
        assert_eq!((lang("es-mx").primary(), lang("es-mx").region()), ("es".to_string(), Some("MX".to_string())));
        assert_eq!(lang("zh-Hans").region(), None);
    }

    #[test]
    fn the_walker_enters_notes_and_plain_text_leaves_them_out() {
        let text = |t: &str| Inline::Text { text: t.into() };
        let note =
            Inline::Footnote { label: "n".into(), content: vec![Block::Paragraph { content: vec![text("note")] }] };
        let inlines = vec![text("a "), Inline::Emphasis { content: vec![text("b")] }, note, text(" c")];
        assert_eq!(plain_text(&inlines), "a b c");
        let blocks = vec![Block::Paragraph { content: inlines }];
        let mut texts = Vec::new();
        walk(&blocks, &mut |node| {
            if let Node::Inline(Inline::Text { text }) = node {
                texts.push(text.as_str());
            }
        });
        assert_eq!(texts, ["a ", "b", "note", " c"]);
    }
}
