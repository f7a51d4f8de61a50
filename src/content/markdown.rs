//! Markdown body → sections of [`Block`]s, with Pandoc-style citations (`[@key; @other]`).

use pulldown_cmark::{Alignment, BlockQuoteKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, SourceText};
use crate::model::{Align, Block, CalloutKind, Image, Inline, Section};

/// Deepest nesting of lists, quotes and emphasis accepted; deeper input is refused rather
/// than risking a stack overflow in a renderer.
pub const MAX_NESTING: usize = 48;

/// Deepest nesting of lists and quotes, counted as the author writes them (a list inside a
/// quote is two). Every renderer takes this depth: Typst's show rules stop at about 15 quotes.
pub const MAX_BLOCK_NESTING: usize = 8;

/// Most links, emphasised spans, citations and other inline markup in one handout. Real
/// handouts have a few hundred; typesetting time grows faster than linearly with them.
pub const MAX_INLINE_MARKUP: usize = 5_000;

/// A citation key as it was written, with its byte offset in the source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitationUse {
    pub key: String,
    pub offset: usize,
}

pub struct Body {
    pub sections: Vec<Section>,
    pub citations: Vec<CitationUse>,
}

/// Parses the body that starts at byte `start` of `source`.
pub fn parse_body(source: &SourceText, start: usize, errors: &mut Vec<Diagnostic>) -> Body {
    let body = &source.text[start..];
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM;
    let mut builder = Builder {
        source,
        start,
        errors,
        citations: Vec::new(),
        frames: Vec::new(),
        sections: Vec::new(),
        text: TextRun::default(),
        html_comment: false,
        section_links: Vec::new(),
        inline_markup: 0,
        block_depth: 0,
        notes: std::collections::BTreeMap::new(),
        note_uses: Vec::new(),
        section_sms: None,
    };
    builder.frames.push(Frame::new(FrameKind::Root, start));
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        if !builder.event(event, start + range.start) {
            break;
        }
    }
    builder.finish()
}

#[derive(Debug)]
enum FrameKind {
    Root,
    Paragraph,
    Heading {
        level: u8,
        id: Option<String>,
    },
    List(Option<u64>),
    Item,
    Quote(Option<BlockQuoteKind>),
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    TableHead,
    TableRow(Vec<Vec<Inline>>),
    TableCell,
    Emphasis,
    Strong,
    Strikethrough,
    Link(String),
    Image {
        src: String,
        title: String,
    },
    CodeBlock,
    /// A ```` ```sms ```` block: the section's own text message, not printed.
    SmsText,
    /// `[^label]: text`, kept aside and put where it is referenced.
    FootnoteDefinition(String),
    /// Constructs that have no place in a handout (footnotes, definition lists, ...):
    /// their content is kept as plain blocks.
    Other,
}

struct Frame {
    kind: FrameKind,
    offset: usize,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    items: Vec<Vec<Block>>,
    code: String,
}

impl Frame {
    fn new(kind: FrameKind, offset: usize) -> Self {
        Frame { kind, offset, blocks: Vec::new(), inlines: Vec::new(), items: Vec::new(), code: String::new() }
    }
}

/// Consecutive text events, merged so that citations split across events are found, with
/// the source offset of each piece.
#[derive(Default)]
struct TextRun {
    text: String,
    /// (position in `text`, source offset) for each piece.
    pieces: Vec<(usize, usize)>,
}

impl TextRun {
    fn source_offset(&self, position: usize) -> usize {
        let index = self.pieces.partition_point(|&(at, _)| at <= position).saturating_sub(1);
        self.pieces.get(index).map_or(0, |&(at, offset)| offset + (position - at))
    }
}

struct Builder<'a> {
    source: &'a SourceText,
    start: usize,
    errors: &'a mut Vec<Diagnostic>,
    citations: Vec<CitationUse>,
    frames: Vec<Frame>,
    sections: Vec<Section>,
    text: TextRun,
    html_comment: bool,
    /// `#id` links, checked against the section ids at the end.
    section_links: Vec<(String, usize)>,
    /// Inline markup elements so far, against [`MAX_INLINE_MARKUP`].
    inline_markup: usize,
    /// Lists and quotes open around the current event.
    block_depth: usize,
    /// Footnote definitions: label → (text, offset).
    notes: std::collections::BTreeMap<String, (Vec<Block>, usize)>,
    /// Footnote references: label and offset.
    note_uses: Vec<(String, usize)>,
    /// The ```` ```sms ```` block of the section being read.
    section_sms: Option<crate::model::SectionText>,
}

impl Builder<'_> {
    /// Handles one event; false stops parsing (after a fatal problem).
    fn event(&mut self, event: Event<'_>, offset: usize) -> bool {
        match event {
            Event::Text(text) => {
                if matches!(self.top().kind, FrameKind::CodeBlock | FrameKind::SmsText) {
                    self.top().code.push_str(&text);
                } else {
                    self.push_text(&text, offset);
                }
            }
            Event::SoftBreak => self.push_text(" ", offset),
            _ => {
                self.flush_text();
                return self.structural(event, offset);
            }
        }
        true
    }

    fn structural(&mut self, event: Event<'_>, offset: usize) -> bool {
        match event {
            Event::Start(tag) => {
                if matches!(
                    tag,
                    Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
                ) {
                    self.inline_markup += 1;
                    if self.inline_markup > MAX_INLINE_MARKUP {
                        self.errors.push(
                            self.source
                                .error_at(
                                    offset,
                                    "markdown",
                                    format!("the handout has more than {MAX_INLINE_MARKUP} links and emphasised spans"),
                                )
                                .hint("a patient handout needs far fewer; is this the right file?"),
                        );
                        return false;
                    }
                }
                if matches!(tag, Tag::List(_) | Tag::BlockQuote(_)) {
                    self.block_depth += 1;
                    if self.block_depth > MAX_BLOCK_NESTING {
                        let message = format!("lists and quotes are nested more than {MAX_BLOCK_NESTING} deep");
                        let hint = "flatten the structure; a handout rarely needs more than two levels";
                        self.errors.push(self.source.error_at(offset, "markdown", message).hint(hint));
                        return false;
                    }
                }
                if self.frames.len() > MAX_NESTING {
                    self.errors.push(
                        self.source
                            .error_at(
                                offset,
                                "markdown",
                                format!("emphasis and links are nested more than {MAX_NESTING} deep"),
                            )
                            .hint("flatten the structure; a handout rarely needs more than two levels"),
                    );
                    return false;
                }
                self.start_tag(tag, offset);
            }
            Event::End(end) => {
                if matches!(end, TagEnd::List(_) | TagEnd::BlockQuote(_)) {
                    self.block_depth = self.block_depth.saturating_sub(1);
                }
                self.end_tag(end)
            }
            Event::Code(code) => self.top().inlines.push(Inline::Code { text: code.to_string() }),
            Event::HardBreak => self.top().inlines.push(Inline::LineBreak),
            Event::Rule => {
                self.flush_inlines();
                self.top().blocks.push(Block::Rule);
            }
            Event::Html(html) | Event::InlineHtml(html) => self.html(&html, offset),
            Event::FootnoteReference(label) => {
                self.note_uses.push((label.to_string(), offset));
                self.top().inlines.push(Inline::Footnote { label: label.to_string(), content: Vec::new() });
            }
            Event::TaskListMarker(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {}
            Event::Text(_) | Event::SoftBreak => unreachable!("handled in event()"),
        }
        true
    }

    fn html(&mut self, html: &str, offset: usize) {
        let trimmed = html.trim();
        if self.html_comment || trimmed.starts_with("<!--") {
            // Comments are for authors; they never reach an output.
            self.html_comment = !trimmed.ends_with("-->");
            return;
        }
        if trimmed.is_empty() {
            return;
        }
        self.errors.push(
            self.source
                .error_at(
                    offset,
                    "markdown",
                    format!("raw HTML `{}` is not supported", trimmed.chars().take(30).collect::<String>()),
                )
                .hint("write it in Markdown, or escape the `<` as `\\<` to print it as text"),
        );
    }

    fn top(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("the root frame is never popped")
    }

    fn push_text(&mut self, text: &str, offset: usize) {
        self.text.pieces.push((self.text.text.len(), offset));
        self.text.text.push_str(text);
    }

    /// Turns the pending text into inlines, splitting out citations.
    fn flush_text(&mut self) {
        if self.text.text.is_empty() {
            return;
        }
        let run = std::mem::take(&mut self.text);
        // A note reference Markdown did not take as one (its note is missing) would print as
        // typed.
        for (at, _) in run.text.match_indices("[^") {
            let label: String = run.text[at + 2..].chars().take_while(|c| !c.is_whitespace() && *c != ']').collect();
            if !label.is_empty() && run.text[at + 2 + label.len()..].starts_with(']') {
                self.note_uses.push((label, run.source_offset(at)));
            }
        }
        let mut inlines = Vec::new();
        let mut rest = 0;
        for (at, end, keys) in find_citations(&run.text) {
            match keys {
                Ok(keys) => {
                    // The space before a marker is the renderer's to set (a no-break space), so
                    // that `citations = "none"` leaves no stray space before the full stop.
                    let before = run.text[rest..at].trim_end_matches([' ', '\u{a0}']);
                    if !before.is_empty() {
                        inlines.push(Inline::Text { text: before.to_string() });
                    }
                    for (key, key_at) in &keys {
                        self.citations.push(CitationUse { key: key.clone(), offset: run.source_offset(*key_at) });
                    }
                    inlines.push(Inline::Citation { keys: keys.into_iter().map(|(k, _)| k).collect() });
                    rest = end;
                }
                Err(problem) => self.errors.push(
                    self.source
                        .error_at(
                            run.source_offset(at),
                            "citation",
                            format!("malformed citation `{}`: {problem}", &run.text[at..end]),
                        )
                        .hint("write citations as `[@key]` or `[@key1; @key2]`, with keys from the bibliography"),
                ),
            }
        }
        if rest < run.text.len() {
            inlines.push(Inline::Text { text: run.text[rest..].to_string() });
        }
        self.top().inlines.extend(inlines);
    }

    /// Wraps loose inlines (tight list items) into a paragraph before a block starts.
    fn flush_inlines(&mut self) {
        let top = self.top();
        if !top.inlines.is_empty()
            && !matches!(top.kind, FrameKind::Paragraph | FrameKind::Heading { .. } | FrameKind::TableCell)
        {
            let content = std::mem::take(&mut top.inlines);
            top.blocks.push(paragraph(content));
        }
    }

    fn start_tag(&mut self, tag: Tag<'_>, offset: usize) {
        let kind = match tag {
            Tag::Paragraph => FrameKind::Paragraph,
            Tag::Heading { level, id, .. } => {
                if level == HeadingLevel::H1 {
                    self.errors.push(
                        self.source
                            .error_at(offset, "markdown", "a `#` heading in the body")
                            .hint("the title comes from `title` in the front matter; start sections with `##`"),
                    );
                }
                FrameKind::Heading { level: level as u8, id: id.map(|id| id.to_string()) }
            }
            Tag::BlockQuote(kind) => FrameKind::Quote(kind),
            Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(info))
                if info.split_whitespace().next() == Some("sms") =>
            {
                FrameKind::SmsText
            }
            Tag::CodeBlock(_) => FrameKind::CodeBlock,
            Tag::List(start) => FrameKind::List(start),
            Tag::Item => FrameKind::Item,
            Tag::Table(align) => FrameKind::Table {
                align: align.into_iter().map(to_align).collect(),
                head: Vec::new(),
                rows: Vec::new(),
            },
            Tag::TableHead => FrameKind::TableHead,
            Tag::TableRow => FrameKind::TableRow(Vec::new()),
            Tag::TableCell => FrameKind::TableCell,
            Tag::Emphasis => FrameKind::Emphasis,
            Tag::Strong => FrameKind::Strong,
            Tag::Strikethrough => FrameKind::Strikethrough,
            Tag::Link { link_type, dest_url, .. } => {
                let url = if link_type == pulldown_cmark::LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                self.check_link(&url, offset);
                FrameKind::Link(url)
            }
            Tag::Image { dest_url, title, .. } => {
                FrameKind::Image { src: dest_url.to_string(), title: title.to_string() }
            }
            Tag::HtmlBlock => return,
            Tag::FootnoteDefinition(label) => FrameKind::FootnoteDefinition(label.to_string()),
            _ => FrameKind::Other,
        };
        let is_block = matches!(
            kind,
            FrameKind::Paragraph
                | FrameKind::Heading { .. }
                | FrameKind::Quote(_)
                | FrameKind::CodeBlock
                | FrameKind::SmsText
                | FrameKind::List(_)
                | FrameKind::Table { .. }
        );
        if is_block {
            self.flush_inlines();
        }
        self.frames.push(Frame::new(kind, offset));
    }

    fn end_tag(&mut self, end: TagEnd) {
        if end == TagEnd::HtmlBlock {
            return;
        }
        let frame = self.frames.pop().expect("every end has its start");
        let offset = frame.offset;
        let parent = self.top();
        match frame.kind {
            FrameKind::Root => unreachable!("the root frame has no end tag"),
            FrameKind::Paragraph => {
                let block = paragraph(frame.inlines);
                parent.blocks.push(block);
            }
            FrameKind::Heading { level, id } => {
                if level <= 2 && self.frames.len() == 1 {
                    self.start_section(frame.inlines, id, offset);
                } else {
                    self.top().blocks.push(Block::Heading { level: level.max(3), content: frame.inlines });
                }
            }
            FrameKind::Quote(kind) => {
                let blocks = frame.blocks;
                parent.blocks.push(match kind {
                    None => Block::Quote { blocks },
                    Some(kind) => Block::Callout { kind: to_callout(kind), blocks },
                });
            }
            FrameKind::CodeBlock => parent.blocks.push(Block::Code { text: frame.code }),
            FrameKind::SmsText => self.section_text(frame.code, offset),
            FrameKind::List(start) => parent.blocks.push(Block::List { start, items: frame.items }),
            FrameKind::Item => {
                let mut blocks = frame.blocks;
                if !frame.inlines.is_empty() {
                    blocks.push(paragraph(frame.inlines));
                }
                parent.items.push(blocks);
            }
            FrameKind::Table { align, head, rows } => {
                let width = align.len();
                let fit = |mut row: Vec<Vec<Inline>>| {
                    row.resize(width, Vec::new());
                    row
                };
                parent.blocks.push(Block::Table { align, head: fit(head), rows: rows.into_iter().map(fit).collect() });
            }
            FrameKind::TableHead => {
                if let FrameKind::Table { head, .. } = &mut parent.kind {
                    *head = frame_cells(frame.blocks);
                }
            }
            FrameKind::TableRow(cells) => {
                if let FrameKind::Table { rows, .. } = &mut parent.kind {
                    rows.push(cells);
                }
            }
            FrameKind::TableCell => match &mut parent.kind {
                FrameKind::TableRow(cells) => cells.push(frame.inlines),
                // Header cells come straight inside the head: collect them as one-cell paragraphs.
                _ => parent.blocks.push(Block::Paragraph { content: frame.inlines }),
            },
            FrameKind::Emphasis => parent.inlines.push(Inline::Emphasis { content: frame.inlines }),
            FrameKind::Strong => parent.inlines.push(Inline::Strong { content: frame.inlines }),
            FrameKind::Strikethrough => parent.inlines.push(Inline::Strikethrough { content: frame.inlines }),
            FrameKind::Link(url) => parent.inlines.push(Inline::Link { url, content: frame.inlines }),
            FrameKind::Image { src, title } => {
                let alt = crate::model::plain_text(&frame.inlines).trim().to_string();
                if let Some(image) = self.image(src, title, alt, offset) {
                    self.top().inlines.push(Inline::Image { image });
                }
            }
            FrameKind::FootnoteDefinition(label) => {
                let mut blocks = frame.blocks;
                if !frame.inlines.is_empty() {
                    blocks.push(paragraph(frame.inlines));
                }
                if self.notes.contains_key(&label) {
                    self.errors.push(
                        self.source
                            .error_at(frame.offset, "markdown", format!("note `[^{label}]` is defined twice"))
                            .hint("give the second one another label"),
                    );
                }
                self.notes.insert(label, (blocks, frame.offset));
            }
            FrameKind::Other => {
                let mut blocks = frame.blocks;
                if !frame.inlines.is_empty() {
                    blocks.push(paragraph(frame.inlines));
                }
                parent.blocks.extend(blocks);
            }
        }
    }

    /// Links go to the web, an e-mail address, a phone number, or a section (`#id`, checked
    /// once all sections are known).
    fn check_link(&mut self, url: &str, offset: usize) {
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        let ok = match scheme.as_deref() {
            Some("http" | "https" | "mailto" | "tel") => true,
            Some(_) => false,
            None => url.starts_with('#'),
        };
        if !ok {
            self.errors.push(
                self.source
                    .error_at(offset, "link", format!("link target `{url}` cannot be followed from a handout"))
                    .hint("link to a web address (https://...), an e-mail (mailto:...), a phone (tel:...) or a section (#section-id)"),
            );
        } else if let Some(id) = url.strip_prefix('#') {
            self.section_links.push((id.to_string(), offset));
        }
    }

    fn image(&mut self, src: String, title: String, alt: String, offset: usize) -> Option<Image> {
        if alt.is_empty() {
            self.errors.push(self.source.error_at(offset, "image", format!("image `{src}` has no alt text")).hint(
                "describe the picture for people who cannot see it: `![A nurse taking a blood pressure](nurse.png)`",
            ));
        }
        if src.contains("://") {
            self.errors.push(
                self.source
                    .error_at(offset, "image", format!("image `{src}` is a web address"))
                    .hint("download the picture into the project (e.g. `assets/`) and use its relative path"),
            );
            return None;
        }
        // At the path as written, which is what a problem with the file is about. The file is
        // found later (`resolve`): parsing reads nothing.
        let at = self.source.line_col(offset + self.source.text[offset..].find(&src).unwrap_or(0));
        Some(Image { path: std::path::PathBuf::new(), src, alt, title: (!title.is_empty()).then_some(title), at })
    }

    fn start_section(&mut self, heading: Vec<Inline>, explicit_id: Option<String>, offset: usize) {
        self.close_section();
        let title = crate::model::plain_text(&heading);
        let id = explicit_id.unwrap_or_else(|| slugify(&title));
        let id = if id.is_empty() { format!("section-{}", self.sections.len() + 1) } else { id };
        if id == Section::INTRO {
            self.errors.push(
                self.source
                    .error_at(
                        offset,
                        "section",
                        "section id `intro` is the introduction's (the text before the first `##`)",
                    )
                    .hint("give this section another id with `{#other-id}` at the end of the heading"),
            );
        } else if let Some(first) = self.sections.iter().find(|s| s.id == id) {
            let this = self.source.line_col(offset).0;
            self.errors.push(
                self.source
                    .error_at(
                        offset,
                        "section",
                        format!("section id `{id}` is used twice: at line {} and here", first.line),
                    )
                    .hint(format!(
                        "give the heading at line {this} its own id with `{{#other-id}}` at the end, e.g. `{{#{id}-2}}`"
                    )),
            );
        }
        let line = self.source.line_col(offset).0;
        self.sections.push(Section { id, heading: Some(heading), blocks: Vec::new(), line, sms: None });
    }

    /// A ```` ```sms ```` block: the current section's text message, its lines joined (a blank
    /// line starts a new line of the message). One a section, standing in the section itself.
    fn section_text(&mut self, code: String, offset: usize) {
        let (line, column) = self.source.line_col(offset);
        let text = code
            .split("\n\n")
            .map(|part| part.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let problem = if self.frames.len() > 1 {
            Some((
                "a ```sms block inside a list, quote or table".to_string(),
                "put it on its own in the section it summarises, not indented",
            ))
        } else if text.is_empty() {
            Some((
                "the ```sms block is empty".to_string(),
                "write the text message between the ```sms and ``` lines, or remove the block",
            ))
        } else {
            self.section_sms.as_ref().map(|first| {
                (
                    format!("a second ```sms block in this section (the first is at line {})", first.line),
                    "a section has one text message; a series takes one message from each section it names",
                )
            })
        };
        match problem {
            Some((message, hint)) => self.errors.push(self.source.error_at(offset, "markdown", message).hint(hint)),
            None => self.section_sms = Some(crate::model::SectionText { text, line, column }),
        }
    }

    /// Moves the blocks gathered so far into the current section (or the introduction).
    fn close_section(&mut self) {
        let root = &mut self.frames[0];
        let blocks = std::mem::take(&mut root.blocks);
        let offset = std::mem::replace(&mut root.offset, usize::MAX);
        let sms = self.section_sms.take();
        match self.sections.last_mut() {
            Some(section) => {
                section.blocks.extend(blocks);
                if sms.is_some() {
                    section.sms = sms;
                }
            }
            None if !blocks.is_empty() || sms.is_some() => {
                let offset = offset.min(self.source.text.len());
                let line = sms
                    .as_ref()
                    .map_or_else(|| self.source.line_col(offset).0, |t| t.line.min(self.source.line_col(offset).0));
                self.sections.push(Section { id: Section::INTRO.to_string(), heading: None, blocks, line, sms });
            }
            None => {}
        }
    }

    fn finish(mut self) -> Body {
        self.flush_text();
        // Close what an early stop left open, innermost first.
        while self.frames.len() > 1 {
            let frame = self.frames.pop().expect("len > 1");
            let root = self.top();
            root.blocks.extend(frame.blocks);
        }
        self.flush_inlines();
        if self.sections.is_empty() {
            // Keep the introduction's first line at the body start.
            self.frames[0].offset = self.frames[0].offset.min(self.start);
        }
        self.close_section();
        for (id, offset) in std::mem::take(&mut self.section_links) {
            if !self.sections.iter().any(|s| s.id == id) {
                let ids: Vec<&str> = self.sections.iter().map(|s| s.id.as_str()).collect();
                let hint = match crate::diagnostic::did_you_mean(&id, ids.iter().copied()) {
                    Some(near) => format!("did you mean `#{near}`?"),
                    None => format!("this handout's sections are: {}", ids.join(", ")),
                };
                self.errors.push(
                    self.source
                        .error_at(offset, "link", format!("link to `#{id}`, a section this handout does not have"))
                        .hint(hint),
                );
            }
        }
        self.place_notes();
        Body { sections: self.sections, citations: self.citations }
    }

    /// Puts each note's text where it is referenced; a reference without a note is an error,
    /// a note never referenced a warning. (Not `model::walk_mut`: it would follow a note that
    /// refers to itself into its own text, without end; here notes inside notes stay empty.)
    fn place_notes(&mut self) {
        fn fill(inlines: &mut [Inline], notes: &std::collections::BTreeMap<String, (Vec<Block>, usize)>) {
            for inline in inlines {
                match inline {
                    Inline::Footnote { label, content } => {
                        if let Some((blocks, _)) = notes.get(label) {
                            *content = blocks.clone();
                        }
                    }
                    Inline::Emphasis { content }
                    | Inline::Strong { content }
                    | Inline::Strikethrough { content }
                    | Inline::Link { content, .. } => fill(content, notes),
                    _ => {}
                }
            }
        }
        fn walk(blocks: &mut [Block], notes: &std::collections::BTreeMap<String, (Vec<Block>, usize)>) {
            for block in blocks {
                match block {
                    Block::Paragraph { content } | Block::Heading { content, .. } => fill(content, notes),
                    Block::List { items, .. } => items.iter_mut().for_each(|item| walk(item, notes)),
                    Block::Quote { blocks } | Block::Callout { blocks, .. } => walk(blocks, notes),
                    Block::Table { head, rows, .. } => {
                        head.iter_mut().chain(rows.iter_mut().flatten()).for_each(|cell| fill(cell, notes))
                    }
                    Block::Figure { .. } | Block::Code { .. } | Block::Rule => {}
                }
            }
        }
        for section in &mut self.sections {
            walk(&mut section.blocks, &self.notes);
            if let Some(heading) = &mut section.heading {
                fill(heading, &self.notes);
            }
        }
        for (label, offset) in &self.note_uses {
            if !self.notes.contains_key(label) {
                let labels: Vec<&str> = self.notes.keys().map(String::as_str).collect();
                let hint = match crate::diagnostic::did_you_mean(label, labels.iter().copied()) {
                    Some(near) => format!("did you mean `[^{near}]`?"),
                    None => format!("write the note on a line of its own: `[^{label}]: the note's text`"),
                };
                self.errors.push(
                    self.source.error_at(*offset, "markdown", format!("note `[^{label}]` has no text")).hint(hint),
                );
            }
        }
        for (label, (_, offset)) in &self.notes {
            if !self.note_uses.iter().any(|(used, _)| used == label) {
                self.errors.push(
                    self.source
                        .warning_at(*offset, "markdown", format!("note `[^{label}]` is never referenced"))
                        .hint(format!("put `[^{label}]` in the text where the note belongs, or remove the note")),
                );
            }
        }
    }
}

/// Header cells arrive as one-cell paragraphs in the head frame.
fn frame_cells(blocks: Vec<Block>) -> Vec<Vec<Inline>> {
    blocks
        .into_iter()
        .map(|block| match block {
            Block::Paragraph { content } => content,
            _ => Vec::new(),
        })
        .collect()
}

/// A paragraph, or a figure when the paragraph holds one image and nothing else.
fn paragraph(content: Vec<Inline>) -> Block {
    let mut meaningful = content.iter().filter(|i| !matches!(i, Inline::Text { text } if text.trim().is_empty()));
    if let (Some(Inline::Image { image }), None) = (meaningful.next(), meaningful.next()) {
        return Block::Figure { image: image.clone() };
    }
    Block::Paragraph { content }
}

fn to_align(align: Alignment) -> Align {
    match align {
        Alignment::None => Align::None,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

fn to_callout(kind: BlockQuoteKind) -> CalloutKind {
    match kind {
        BlockQuoteKind::Note => CalloutKind::Note,
        BlockQuoteKind::Tip => CalloutKind::Tip,
        BlockQuoteKind::Important => CalloutKind::Important,
        BlockQuoteKind::Warning => CalloutKind::Warning,
        BlockQuoteKind::Caution => CalloutKind::Caution,
    }
}

/// A heading's id: lower case letters and digits (of any script) joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

type KeysAt = Vec<(String, usize)>;

/// Finds `[@key; @key]` groups: (start, end, keys with their positions or a problem).
fn find_citations(text: &str) -> Vec<(usize, usize, Result<KeysAt, String>)> {
    let mut found = Vec::new();
    let mut search = 0;
    while let Some(rel) = text[search..].find("[@") {
        let at = search + rel;
        let Some(close_rel) = text[at..].find(']') else {
            break;
        };
        let end = at + close_rel + 1;
        found.push((at, end, parse_keys(&text[at + 1..end - 1], at + 1)));
        search = end;
    }
    found
}

fn parse_keys(inner: &str, base: usize) -> Result<KeysAt, String> {
    let mut keys = Vec::new();
    let mut position = 0;
    for part in inner.split(';') {
        let leading = part.len() - part.trim_start().len();
        let item = part.trim();
        // `[-@key]` (Pandoc's "suppress author") is an ordinary citation in numeric styles.
        let Some(key) = item.trim_start_matches('-').strip_prefix('@') else {
            return Err(format!("`{item}` does not start with `@`"));
        };
        if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || "_-:.#$%&+?<>~/".contains(c)) {
            return Err(format!("`@{key}` is not a citation key (letters, digits and `_-:.` only, no spaces)"));
        }
        let dashes = item.len() - item.trim_start_matches('-').len();
        keys.push((key.to_string(), base + position + leading + dashes));
        position += part.len() + 1;
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> (Body, Vec<Diagnostic>) {
        let source = SourceText::new("t.md", body.to_string());
        let mut errors = Vec::new();
        let parsed = parse_body(&source, 0, &mut errors);
        (parsed, errors)
    }

    #[test]
    fn intro_and_sections_with_ids() {
        let (body, errors) =
            parse("Hello.\n\n## What it is\n\nText.\n\n### Deeper\n\nMore.\n\n## Get help {#help}\n\nCall.\n");
        assert!(errors.is_empty(), "{errors:?}");
        let ids: Vec<_> = body.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["intro", "what-it-is", "help"]);
        assert_eq!(body.sections[1].line, 3);
        assert_eq!(body.sections[1].blocks.len(), 3);
        assert!(matches!(body.sections[1].blocks[1], Block::Heading { level: 3, .. }));
    }

    #[test]
    fn citations_with_positions() {
        let (body, errors) = parse("Numbness is common [@kerig2016; @tull2004].\n\nSee [@a].\n");
        assert!(errors.is_empty(), "{errors:?}");
        let keys: Vec<_> = body.citations.iter().map(|c| (c.key.as_str(), c.offset)).collect();
        assert_eq!(keys, [("kerig2016", 20), ("tull2004", 32), ("a", 50)]);
        let Block::Paragraph { content } = &body.sections[0].blocks[0] else { panic!() };
        assert_eq!(content[1], Inline::Citation { keys: vec!["kerig2016".into(), "tull2004".into()] });
    }

    #[test]
    fn malformed_citation_is_an_error_at_its_place() {
        let (_, errors) = parse("Line one.\n\nBad [@kerig 2016] here.\n");
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column), (3, 5));
    }

    #[test]
    fn callouts_tables_lists_and_figures() {
        let (body, errors) = parse(
            "> [!IMPORTANT]\n> Call 988.\n\n| A | B |\n|---|--:|\n| 1 | 2 |\n| 3 |\n\n- one\n- two\n  1. inner\n\n![A chart](chart.png)\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let blocks = &body.sections[0].blocks;
        assert!(matches!(&blocks[0], Block::Callout { kind: CalloutKind::Important, .. }));
        let Block::Table { align, head, rows } = &blocks[1] else { panic!("{:?}", blocks[1]) };
        assert_eq!(align, &[Align::None, Align::Right]);
        assert_eq!(crate::model::plain_text(&head[1]), "B");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].len(), 2, "short rows are padded");
        let Block::List { items, .. } = &blocks[2] else { panic!() };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[1][1], Block::List { start: Some(1), .. }));
        assert!(matches!(&blocks[3], Block::Figure { image } if image.alt == "A chart"));
    }

    #[test]
    fn refuses_h1_html_missing_alt_and_deep_nesting() {
        let (_, errors) = parse("# Title\n\n<div>x</div>\n\n<!-- a comment -->\n\n![](x.png)\n");
        let lines: Vec<_> = errors.iter().map(|e| (e.line, e.code)).collect();
        assert_eq!(lines, [(1, "markdown"), (3, "markdown"), (7, "image")]);
        let deep = "> ".repeat(5000) + "x\n";
        let (_, errors) = parse(&deep);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("nested"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Get help now!"), "get-help-now");
        assert_eq!(slugify("¿Qué es?"), "qué-es");
    }
}
