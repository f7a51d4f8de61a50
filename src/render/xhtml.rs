//! Model blocks → well-formed XHTML, for the EPUB's content documents and the web page.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

use crate::model::{Align, Block, Image, Inline, Section};
use crate::select::{Selection, anchor_safe};
use crate::text::RunKind;

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Characters XML 1.0 forbids (control characters other than tab and newlines).
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// What the markup is for: an EPUB's documents (several files, `epub:type`), or one web page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Epub,
    Html,
}

/// The documents share this state while they are written.
pub struct Writer<'a> {
    pub selection: &'a Selection<'a>,
    pub flavour: Flavour,
    /// The file being written, for back links.
    pub file: String,
    /// Every place each key is cited: key → (file, anchor), in reading order.
    pub citations: BTreeMap<String, Vec<(String, String)>>,
    /// Images to add to the book: source path → file name inside the book.
    pub images: BTreeMap<PathBuf, String>,
    /// The current file's subheadings (`###`), for the table of contents: (id, title).
    pub subheadings: Vec<(String, String)>,
    /// Right-to-left text isolates its numbers, addresses and Latin names.
    rtl: bool,
    cited: usize,
    /// Images that could not be read, for the renderer to report.
    pub problems: Vec<String>,
    /// Notes (`[^label]`) so far, and those of the current file not yet written out.
    noted: usize,
    notes: Vec<String>,
}

impl<'a> Writer<'a> {
    pub fn new(selection: &'a Selection<'a>, flavour: Flavour) -> Self {
        Writer {
            selection,
            flavour,
            file: String::new(),
            citations: BTreeMap::new(),
            images: BTreeMap::new(),
            subheadings: Vec::new(),
            rtl: selection.handout.meta.direction == crate::model::Direction::Rtl,
            cited: 0,
            problems: Vec::new(),
            noted: 0,
            notes: Vec::new(),
        }
    }

    /// Starts a new content document.
    pub fn start_file(&mut self, file: &str) {
        self.file = file.to_string();
        self.subheadings.clear();
    }

    /// Text, with phone numbers and dates kept on one line, and in right-to-left text, numbers,
    /// addresses and Latin-script names isolated so that they show in their own order.
    pub fn text(&self, text: &str, out: &mut String) {
        for (piece, kind) in crate::text::runs(text, self.rtl) {
            let piece = escape(piece);
            match (kind, self.rtl) {
                (RunKind::Plain, _) => out.push_str(&piece),
                (RunKind::Number, false) => {
                    let _ = write!(out, "<span class=\"nowrap\">{piece}</span>");
                }
                (RunKind::Number, true) => {
                    let _ = write!(out, "<bdi dir=\"ltr\" class=\"nowrap\">{piece}</bdi>");
                }
                (RunKind::Address, false) => out.push_str(&piece),
                (RunKind::Address, true) => {
                    let _ = write!(out, "<bdi dir=\"ltr\">{piece}</bdi>");
                }
                (RunKind::Latin, _) => {
                    let _ = write!(out, "<bdi dir=\"ltr\" lang=\"en\" xml:lang=\"en\">{piece}</bdi>");
                }
            }
        }
    }

    pub fn blocks(&mut self, blocks: &[Block], out: &mut String) {
        for block in blocks {
            self.block(block, out);
        }
    }

    fn block(&mut self, block: &Block, out: &mut String) {
        match block {
            Block::Paragraph { content } => {
                out.push_str("<p>");
                self.inlines(content, out);
                out.push_str("</p>\n");
            }
            Block::Heading { level, content } => {
                // In a book, `###` is the first level below a section's own <h1>, and is listed
                // under it in the table of contents; on the page, sections are <h2>.
                let h = match self.flavour {
                    Flavour::Epub => (level - 1).min(6),
                    Flavour::Html => (*level).min(6),
                };
                let id = format!("sub-{}", self.subheadings.len() + 1);
                if *level == 3 {
                    let _ = write!(out, "<h{h} id=\"{id}\">");
                    self.subheadings.push((id, crate::model::plain_text(content)));
                } else {
                    let _ = write!(out, "<h{h}>");
                }
                self.inlines(content, out);
                let _ = writeln!(out, "</h{h}>");
            }
            Block::List { start, items } => {
                match start {
                    Some(1) => out.push_str("<ol>\n"),
                    Some(n) => {
                        let _ = writeln!(out, "<ol start=\"{n}\">");
                    }
                    None => out.push_str("<ul>\n"),
                }
                for item in items {
                    out.push_str("<li>");
                    // A one-paragraph item is written without <p>, as readers expect of tight lists.
                    match item.as_slice() {
                        [Block::Paragraph { content }] => self.inlines(content, out),
                        blocks => self.blocks(blocks, out),
                    }
                    out.push_str("</li>\n");
                }
                out.push_str(if start.is_some() { "</ol>\n" } else { "</ul>\n" });
            }
            Block::Quote { blocks } => {
                out.push_str("<blockquote>\n");
                self.blocks(blocks, out);
                out.push_str("</blockquote>\n");
            }
            Block::Callout { kind, blocks } => {
                let label = self.selection.handout.strings.callout(*kind);
                let class = format!("{kind:?}").to_lowercase();
                let _ = writeln!(
                    out,
                    "<aside class=\"callout callout-{class}\" aria-label=\"{}\">\n<p class=\"callout-title\">{}</p>",
                    escape(label),
                    escape(label)
                );
                self.blocks(blocks, out);
                out.push_str("</aside>\n");
            }
            Block::Table { align, head, rows } => {
                let class = |i: usize| match align.get(i) {
                    Some(Align::Center) => " class=\"align-center\"",
                    Some(Align::Right) => " class=\"align-right\"",
                    _ => "",
                };
                out.push_str("<table>\n<thead>\n<tr>");
                for (i, cell) in head.iter().enumerate() {
                    let _ = write!(out, "<th scope=\"col\"{}>", class(i));
                    self.inlines(cell, out);
                    out.push_str("</th>");
                }
                out.push_str("</tr>\n</thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for (i, cell) in row.iter().enumerate() {
                        let _ = write!(out, "<td{}>", class(i));
                        self.inlines(cell, out);
                        out.push_str("</td>");
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Figure { image } => {
                out.push_str("<figure>");
                self.image(image, out);
                if let Some(title) = &image.title {
                    let _ = write!(out, "<figcaption>{}</figcaption>", escape(title));
                }
                out.push_str("</figure>\n");
            }
            Block::Code { text } => {
                let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(text));
            }
            Block::Rule => out.push_str(&format!("{}\n", self.void("<hr"))),
        }
    }

    pub fn inlines(&mut self, inlines: &[Inline], out: &mut String) {
        for inline in inlines {
            match inline {
                Inline::Text { text } => self.text(text, out),
                Inline::Emphasis { content } => self.wrapped("em", content, out),
                Inline::Strong { content } => self.wrapped("strong", content, out),
                Inline::Strikethrough { content } => self.wrapped("del", content, out),
                Inline::Code { text } => {
                    let _ = write!(out, "<code>{}</code>", escape(text));
                }
                Inline::Link { url, content } => match url.strip_prefix('#') {
                    // A link to a section goes to it, when the profile has the section.
                    Some(id) => match self.selection.sections.iter().find(|s| s.id == id) {
                        Some(section) => {
                            let target = match self.flavour {
                                Flavour::Epub => section_file(&section.id, self.has_intro()),
                                Flavour::Html => format!("#sec-{}", anchor_safe(&section.id)),
                            };
                            let _ = write!(out, "<a href=\"{target}\">");
                            self.inlines(content, out);
                            out.push_str("</a>");
                        }
                        None => self.inlines(content, out),
                    },
                    None => {
                        let _ = write!(out, "<a href=\"{}\">", escape(url));
                        self.inlines(content, out);
                        out.push_str("</a>");
                    }
                },
                Inline::Citation { keys } => self.citation(keys, out),
                Inline::Image { image } => self.image(image, out),
                Inline::Footnote { content, .. } => self.note(content, out),
                Inline::LineBreak => out.push_str(&self.void("<br")),
            }
        }
    }

    fn has_intro(&self) -> bool {
        self.selection.sections.iter().any(|s| s.id == Section::INTRO)
    }

    fn wrapped(&mut self, tag: &str, content: &[Inline], out: &mut String) {
        let _ = write!(out, "<{tag}>");
        self.inlines(content, out);
        let _ = write!(out, "</{tag}>");
    }

    /// A marker whose numbers are note references. Each place a key is cited gets an anchor
    /// its endnote links back to, also for keys hidden inside a range (`2` in `[1–3]`).
    fn citation(&mut self, keys: &[String], out: &mut String) {
        let Some(marker) = self.selection.marker(keys) else { return };
        self.cited += 1;
        let anchor = format!("cite-{}", self.cited);
        let _ = write!(out, "\u{a0}<span class=\"cite\" id=\"{anchor}\">");
        for key in &marker.keys {
            self.citations.entry(key.clone()).or_default().push((self.file.clone(), anchor.clone()));
        }
        for piece in &marker.pieces {
            match &piece.target {
                None => out.push_str(&escape(&piece.text)),
                Some(key) => {
                    let file = if self.flavour == Flavour::Epub { "references.xhtml" } else { "" };
                    let _ = write!(
                        out,
                        "<a href=\"{file}#ref-{}\"{} role=\"doc-noteref\">{}</a>",
                        anchor_safe(key),
                        self.epub_type("noteref"),
                        escape(&piece.text)
                    );
                }
            }
        }
        out.push_str("</span>");
    }

    /// A note reference, numbered through the book; the note is written at the end of its
    /// document (see [`Writer::take_notes`]).
    fn note(&mut self, content: &[Block], out: &mut String) {
        self.noted += 1;
        let n = self.noted;
        let back = escape(&self.selection.handout.strings.back_to_text);
        let _ = write!(
            out,
            "<a class=\"noteref\" id=\"noteref-{n}\" href=\"#note-{n}\"{} role=\"doc-noteref\">{n}</a>",
            self.epub_type("noteref")
        );
        let mut note = format!(
            "<aside class=\"footnote\" id=\"note-{n}\"{} role=\"doc-footnote\">\n<p class=\"note-number\"><a href=\"#noteref-{n}\" role=\"doc-backlink\" aria-label=\"{back}\">{n}.</a></p>\n",
            self.epub_type("footnote")
        );
        self.blocks(content, &mut note);
        note.push_str("</aside>\n");
        self.notes.push(note);
    }

    /// The notes referenced in the current document, to close it with.
    pub fn take_notes(&mut self) -> String {
        std::mem::take(&mut self.notes).concat()
    }

    /// ` epub:type="…"` in a book; nothing on a web page, where the attribute does not exist.
    /// The end of a void element that starts with `open` (`<br`): `/>` in XHTML, `>` in HTML,
    /// where the slash means nothing.
    pub fn void(&self, open: &str) -> String {
        match self.flavour {
            Flavour::Epub => format!("{open}/>"),
            Flavour::Html => format!("{open}>"),
        }
    }

    pub fn epub_type(&self, kind: &str) -> String {
        match self.flavour {
            Flavour::Epub => format!(" epub:type=\"{kind}\""),
            Flavour::Html => String::new(),
        }
    }

    fn image(&mut self, image: &Image, out: &mut String) {
        if self.flavour == Flavour::Html {
            // The page carries its images, so that it is one file to upload.
            let source = match crate::render::html::data_uri(&image.path) {
                Ok(uri) => uri,
                Err(why) => {
                    self.problems.push(why);
                    String::new()
                }
            };
            let _ = write!(out, "<img src=\"{}\" alt=\"{}\"{}", escape(&source), escape(&image.alt), self.void(""));
            return;
        }
        let next = self.images.len() + 1;
        let ext = book_image_extension(&image.path);
        let name =
            self.images.entry(image.path.clone()).or_insert_with(|| format!("images/image-{next}.{ext}")).clone();
        let _ = write!(out, "<img src=\"{}\" alt=\"{}\"{}", escape(&name), escape(&image.alt), self.void(""));
    }
}

impl Writer<'_> {
    /// The title block of the first document: title, subtitle, organisation (unless a
    /// masthead shows it), help line, review date.
    pub fn title_block(&self, byline: bool) -> String {
        let handout = self.selection.handout;
        let meta = &handout.meta;
        let strings = &handout.strings;
        let mut out = format!("<h1 id=\"h-title\">{}</h1>\n", escape(&meta.title));
        if let Some(subtitle) = &meta.subtitle {
            let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(subtitle));
        }
        if let Some(org) = handout.brand.organisation.as_ref().filter(|_| byline) {
            let _ = writeln!(out, "<p class=\"byline\">{}</p>", escape(org));
        }
        out.push_str(&self.helpline());
        if let Some(date) = meta.reviewed {
            let _ = writeln!(out, "<p class=\"reviewed\">{}</p>", escape(&strings.reviewed_on(date)));
        }
        out
    }

    /// The help line box, with a `tel:` link.
    pub fn helpline(&self) -> String {
        let handout = self.selection.handout;
        let contact = &handout.meta.contact;
        let strings = &handout.strings;
        let mut out = format!(
            "<aside class=\"helpline\" aria-labelledby=\"helpline-title\">\n<h2 class=\"helpline-title\" id=\"helpline-title\">{}</h2>\n<p>",
            escape(&strings.need_help)
        );
        if let Some(name) = &contact.name {
            self.text(name, &mut out);
            out.push_str(&self.void("<br"));
        }
        if let Some(phone) = &contact.phone {
            let tel: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
            let _ = write!(
                out,
                "{} <a class=\"phone nowrap\" dir=\"ltr\" href=\"tel:{}\">{}</a>",
                escape(&strings.call),
                escape(&tel),
                escape(phone)
            );
        }
        out.push_str("</p>\n");
        if let Some(hours) = &contact.hours {
            out.push_str("<p>");
            self.text(hours, &mut out);
            out.push_str("</p>\n");
        }
        if let Some(url) = &contact.url {
            let _ = writeln!(
                out,
                "<p>{} <a dir=\"ltr\" href=\"{}\">{}</a></p>",
                escape(&strings.visit),
                escape(url),
                escape(url)
            );
        }
        out.push_str("</aside>\n");
        out
    }

    /// The endnotes document: each entry with its label, its text, and a link back to every place
    /// it is cited.
    pub fn references(&self) -> String {
        let selection = self.selection;
        let strings = &selection.handout.strings;
        // The references are the book's own document, a section of the page.
        let (h, id) = if self.flavour == Flavour::Epub { ("h1", "") } else { ("h2", " id=\"references\"") };
        let mut out = format!(
            "<section{id}{} role=\"doc-endnotes\" aria-labelledby=\"h-references\">\n<{h} id=\"h-references\">{}</{h}>\n<ol class=\"references\">\n",
            self.epub_type("endnotes"),
            escape(&strings.references)
        );
        for reference in &selection.references {
            // DPUB-ARIA deprecated `doc-endnote`: the list item keeps its own role.
            let _ = write!(out, "<li id=\"{}\"{}><p>", reference.anchor(), self.epub_type("endnote"));
            if !reference.label.is_empty() {
                let _ = write!(out, "<span class=\"ref-label\">{}</span> ", escape(&reference.label));
            }
            for run in &reference.runs {
                let mut text = String::new();
                self.text(&run.text, &mut text);
                if run.italic {
                    text = format!("<i>{text}</i>");
                }
                if run.bold {
                    text = format!("<b>{text}</b>");
                }
                if run.superscript {
                    text = format!("<sup>{text}</sup>");
                }
                match &run.link {
                    Some(url) => {
                        let _ = write!(out, "<a href=\"{}\">{text}</a>", escape(url));
                    }
                    None => out.push_str(&text),
                }
            }
            let places = self.citations.get(&reference.key).map(Vec::as_slice).unwrap_or_default();
            for (i, (file, anchor)) in places.iter().enumerate() {
                let file = if self.flavour == Flavour::Epub { file.as_str() } else { "" };
                let (shown, label) = if places.len() == 1 {
                    ("↩".to_string(), strings.back_to_text.clone())
                } else {
                    (format!("↩{}", i + 1), format!("{} {}", strings.back_to_text, i + 1))
                };
                let _ = write!(
                    out,
                    " <a class=\"backlink\" href=\"{file}#{anchor}\" role=\"doc-backlink\" aria-label=\"{0}\">{shown}</a>",
                    escape(&label)
                );
            }
            out.push_str("</p></li>\n");
        }
        out.push_str("</ol>\n</section>\n");
        out
    }
}

/// Files the book itself names; a section with one of these ids gets another file name.
const RESERVED: &[&str] = &["cover", "title", "nav", "toc", "references", "stylesheet"];

/// The content document of a section: the first document holds the introduction (or, without
/// one, the title page). Different ids always get different files.
pub fn section_file(id: &str, has_intro: bool) -> String {
    if id == Section::INTRO {
        return if has_intro { "intro.xhtml".into() } else { "title.xhtml".into() };
    }
    let safe = anchor_safe(id);
    if safe != id {
        // `a.b` and `a:b` are both `a-b` when made safe: the original id's hash keeps them apart.
        let hash = id.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
        format!("section-{safe}-{hash:08x}.xhtml")
    } else if RESERVED.contains(&id) || id.starts_with("section-") {
        // `section-` names are the renamed ones': an id of that form is renamed too, so that
        // `cover` and `section-cover` get different files.
        format!("section-{id}.xhtml")
    } else {
        format!("{id}.xhtml")
    }
}

/// The extension an image has inside the book: PNG, JPEG, GIF and SVG are kept, anything else
/// is converted to PNG (EPUB readers need no more).
pub fn book_image_extension(path: &std::path::Path) -> &'static str {
    match crate::images::sniffed_extension(path) {
        "webp" => "png",
        kept => kept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_controls() {
        assert_eq!(escape("<a href=\"x\">&'\u{1}"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn different_section_ids_get_different_files() {
        let ids = ["a.b", "a:b", "a-b", "cover", "section-cover", "references", "section-references", "x"];
        let files: std::collections::BTreeSet<String> = ids.iter().map(|id| section_file(id, true)).collect();
        assert_eq!(files.len(), ids.len(), "{files:?}");
        assert!(files.iter().all(|f| !["cover.xhtml", "nav.xhtml", "intro.xhtml"].contains(&f.as_str())), "{files:?}");
    }
}
