//! EPUB 3 booklets for e-readers and phones, built with `epub-builder` and repacked into a
//! reproducible zip (fixed entry times and order) that passes EPUBCheck with no warnings.

mod cover;
mod xhtml;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{Cursor, Read, Write};

use epub_builder::{EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, ZipLibrary};

use crate::diagnostic::Diagnostic;
use crate::model::{Format, FormatOptions, Section};
use crate::output::Artifact;
use crate::render::{RenderContext, Renderer};
use crate::select::Selection;
use xhtml::{Writer, escape};

pub struct EpubRenderer;

impl Renderer for EpubRenderer {
    fn format(&self) -> Format {
        Format::Epub
    }

    fn render(&self, context: &RenderContext) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let selection = context.selection;
        let fail = |message: String| {
            vec![Diagnostic::error(&selection.handout.path, "epub", message).profile(&selection.profile.name)]
        };
        let bytes = build(context).map_err(|e| fail(format!("could not write the EPUB: {e}")))?;
        Ok(vec![Artifact { file_name: format!("{}.epub", selection.profile.name), bytes }])
    }
}

/// A content document of the book.
struct Document {
    file: String,
    title: String,
    body: String,
    reftype: Option<ReferenceType>,
}

fn build(context: &RenderContext) -> Result<Vec<u8>, String> {
    let selection = context.selection;
    let handout = selection.handout;
    let meta = &handout.meta;
    let strings = &handout.strings;
    let options = match &selection.profile.options {
        FormatOptions::Epub(options) => options.clone(),
        _ => Default::default(),
    };

    // Content documents: the first one carries the title block, the help line and the
    // introduction; then one per section; then the references.
    let mut writer = Writer::new(selection);
    let mut documents = Vec::new();
    let intro = selection.sections.iter().find(|s| s.id == Section::INTRO);
    let first_file = if intro.is_some() { "intro.xhtml" } else { "title.xhtml" };
    writer.start_file(first_file);
    let mut body = title_block(selection);
    if let Some(intro) = intro {
        writer.blocks(&intro.blocks, &mut body);
    }
    documents.push(Document {
        file: first_file.into(),
        title: meta.title.clone(),
        body: chapter("title", &body),
        reftype: Some(ReferenceType::Text),
    });
    for section in selection.sections.iter().filter(|s| s.id != Section::INTRO) {
        let file = xhtml::section_file(&section.id, intro.is_some());
        writer.start_file(&file);
        let mut body = String::new();
        let id = format!("h-{}", xhtml_id(&section.id));
        let _ = write!(body, "<h1 id=\"{id}\">");
        writer.inlines(section.heading.as_deref().unwrap_or_default(), &mut body);
        body.push_str("</h1>\n");
        writer.blocks(&section.blocks, &mut body);
        documents.push(Document { file, title: section.title(), body: chapter(&id[2..], &body), reftype: None });
    }
    if !selection.references.is_empty() {
        documents.push(Document {
            file: "references.xhtml".into(),
            title: strings.references.clone(),
            body: references(selection, &writer),
            reftype: Some(ReferenceType::Notes),
        });
    }

    let mut builder = EpubBuilder::new(ZipLibrary::new().map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    builder.epub_version(EpubVersion::V30);
    builder.set_title(meta.title.clone());
    builder.set_authors(if meta.authors.is_empty() {
        handout.brand.organisation.iter().cloned().collect()
    } else {
        meta.authors.clone()
    });
    builder.set_languages(vec![meta.lang.clone()]);
    builder.add_description(meta.summary.clone());
    for keyword in &meta.keywords {
        builder.add_subject(keyword.clone());
    }
    builder.set_generator("handout");
    builder.set_toc_name(strings.contents.clone());
    builder.metadata("direction", meta.direction.as_str()).map_err(|e| e.to_string())?;
    builder.set_uuid(uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("urn:handout:{}", meta.slug).as_bytes()));
    let time = chrono::DateTime::from_timestamp(context.timestamp, 0).unwrap_or_default();
    builder.set_modified_date(time);
    builder.set_publication_date(time);
    let has_images = !writer.images.is_empty();
    for (property, value) in accessibility_metadata(has_images, selection) {
        builder.add_metadata_opf(Box::new(MetadataOpfV3::new(property.to_string(), escape(&value))));
    }
    let mut css = include_str!("../../../assets/epub/stylesheet.css").replace("{brand}", &handout.brand.color);
    if options.embed_fonts {
        for font in crate::fonts::embedded() {
            let (family, weight, style) = font_face(&font.name);
            let _ = write!(
                css,
                "\n@font-face {{ font-family: \"{family}\"; font-weight: {weight}; font-style: {style}; src: url(\"fonts/{}\"); }}",
                font.name
            );
            builder
                .add_resource(format!("fonts/{}", font.name), Cursor::new(font.bytes), "font/ttf")
                .map_err(|e| e.to_string())?;
        }
    }
    builder.stylesheet(css.as_bytes()).map_err(|e| e.to_string())?;

    // Cover: the profile's image, or one drawn from the title and brand colour.
    let cover_png = match &options.cover {
        Some(path) => cover::load(path)?,
        None => cover::generate(
            &meta.title,
            meta.subtitle.as_deref(),
            handout.brand.organisation.as_deref(),
            &handout.brand.color,
        )?,
    };
    // Images are compressed already: epub-builder, which deflates every file, lists them
    // empty and `repack` stores their bytes.
    let mut images = vec![("OEBPS/images/cover.png".to_string(), cover_png)];
    builder.add_cover_image("images/cover.png", std::io::empty(), "image/png").map_err(|e| e.to_string())?;
    let cover_page = format!(
        "<section epub:type=\"cover\" class=\"cover\"><img src=\"images/cover.png\" alt=\"{}\"/></section>\n",
        escape(&meta.title)
    );
    builder
        .add_content(
            EpubContent::new("cover.xhtml", document(selection, &meta.title, &cover_page).as_bytes())
                .reftype(ReferenceType::Cover),
        )
        .map_err(|e| e.to_string())?;
    for (path, name) in &writer.images {
        let (bytes, mime) = cover::book_image(path, name)?;
        builder.add_resource(name.as_str(), std::io::empty(), mime).map_err(|e| e.to_string())?;
        images.push((format!("OEBPS/{name}"), bytes));
    }
    for doc in &documents {
        let mut content =
            EpubContent::new(doc.file.clone(), Cursor::new(document(selection, &doc.title, &doc.body).into_bytes()))
                .title(doc.title.clone());
        if let Some(reftype) = doc.reftype {
            content = content.reftype(reftype);
        }
        builder.add_content(content).map_err(|e| e.to_string())?;
    }
    let mut raw = Vec::new();
    builder.generate(&mut raw).map_err(|e| e.to_string())?;
    repack(&raw, selection, images)
}

/// The `<dc:*>` and `schema:` accessibility metadata (EPUB Accessibility 1.1), each only where true.
fn accessibility_metadata(has_images: bool, selection: &Selection) -> Vec<(&'static str, String)> {
    let mut meta = vec![("schema:accessMode", "textual".to_string()), ("schema:accessMode", "visual".to_string())];
    meta.push(("schema:accessModeSufficient", "textual".to_string()));
    for feature in
        ["structuralNavigation", "tableOfContents", "readingOrder", "alternativeText", "displayTransformability"]
    {
        meta.push(("schema:accessibilityFeature", feature.to_string()));
    }
    meta.push(("schema:accessibilityHazard", "none".to_string()));
    let images = if has_images {
        "Every image, including the cover, has a text description."
    } else {
        "The only image is the cover, which has a text description."
    };
    let notes = if selection.references.is_empty() {
        ""
    } else {
        " Citations link to numbered endnotes, and each endnote links back."
    };
    meta.push((
        "schema:accessibilitySummary",
        format!("This booklet is text with headings in reading order and a table of contents. {images}{notes} Text can be resized; no content relies on colour alone."),
    ));
    meta.push(("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA".to_string()));
    meta
}

/// The title block of the first document: title, subtitle, organisation, help line, review date.
fn title_block(selection: &Selection) -> String {
    let handout = selection.handout;
    let meta = &handout.meta;
    let strings = &handout.strings;
    let mut out = format!("<h1 id=\"h-title\">{}</h1>\n", escape(&meta.title));
    if let Some(subtitle) = &meta.subtitle {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(subtitle));
    }
    if let Some(org) = &handout.brand.organisation {
        let _ = writeln!(out, "<p class=\"byline\">{}</p>", escape(org));
    }
    out.push_str(&helpline(selection));
    if let Some(date) = meta.reviewed {
        let _ = writeln!(out, "<p class=\"reviewed\">{}</p>", escape(&strings.reviewed_on(date)));
    }
    out
}

/// The help line box, with a `tel:` link.
fn helpline(selection: &Selection) -> String {
    let handout = selection.handout;
    let contact = &handout.meta.contact;
    let strings = &handout.strings;
    let mut out = format!(
        "<aside class=\"helpline\" aria-label=\"{}\">\n<p class=\"helpline-title\">{}</p>\n<p>",
        escape(&strings.need_help),
        escape(&strings.need_help)
    );
    if let Some(name) = &contact.name {
        let _ = write!(out, "{}<br/>", escape(name));
    }
    if let Some(phone) = &contact.phone {
        let tel: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
        let _ = write!(
            out,
            "{} <a class=\"phone\" href=\"tel:{}\">{}</a>",
            escape(&strings.call),
            escape(&tel),
            escape(phone)
        );
    }
    out.push_str("</p>\n");
    if let Some(hours) = &contact.hours {
        let _ = writeln!(out, "<p>{}</p>", escape(hours));
    }
    if let Some(url) = &contact.url {
        let _ = writeln!(out, "<p>{} <a href=\"{}\">{}</a></p>", escape(&strings.visit), escape(url), escape(url));
    }
    out.push_str("</aside>\n");
    out
}

/// The endnotes document: each entry with its label, text and a link back to its first citation.
fn references(selection: &Selection, writer: &Writer) -> String {
    let strings = &selection.handout.strings;
    let mut out = format!(
        "<section epub:type=\"endnotes\" role=\"doc-endnotes\" aria-labelledby=\"h-references\">\n<h1 id=\"h-references\">{}</h1>\n<ol class=\"references\">\n",
        escape(&strings.references)
    );
    for reference in &selection.references {
        let _ = write!(out, "<li id=\"{}\" epub:type=\"endnote\" role=\"doc-endnote\"><p>", reference.anchor());
        if !reference.label.is_empty() {
            let _ = write!(out, "<span class=\"ref-label\">{}</span> ", escape(&reference.label));
        }
        for run in &reference.runs {
            let mut text = escape(&run.text);
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
        if let Some((file, anchor)) = writer.first_citations.get(&reference.key) {
            let _ = write!(
                out,
                " <a class=\"backlink\" href=\"{file}#{anchor}\" role=\"doc-backlink\" title=\"{0}\" aria-label=\"{0}\">↩</a>",
                escape(&strings.back_to_text)
            );
        }
        out.push_str("</p></li>\n");
    }
    out.push_str("</ol>\n</section>\n");
    out
}

fn chapter(id: &str, body: &str) -> String {
    format!("<section epub:type=\"chapter\" role=\"doc-chapter\" aria-labelledby=\"h-{id}\">\n{body}</section>\n")
}

/// A complete XHTML content document.
fn document(selection: &Selection, title: &str, body: &str) -> String {
    let meta = &selection.handout.meta;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{title}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body>\n{body}</body>\n</html>\n",
        lang = escape(&meta.lang),
        dir = meta.direction.as_str(),
        title = escape(title),
    )
}

fn xhtml_id(id: &str) -> String {
    crate::select::anchor_safe(id)
}

/// Family, weight and style of an embedded font from its file name.
fn font_face(file: &str) -> (&'static str, u16, &'static str) {
    let weight = if file.contains("Bold") { 700 } else { 400 };
    let style = if file.contains("Italic") { "italic" } else { "normal" };
    (crate::fonts::family_of(file), weight, style)
}

/// Rewrites epub-builder's zip with fixed entry times (`mimetype` first and stored) and
/// mends the generated package files: 0.8.3 gives `dc:language` and `dc:creator` the same
/// id, writes no `lang` on the navigation document and has no publisher key. `images` (listed
/// empty by epub-builder) are stored; the other entries are copied still compressed.
fn repack(raw: &[u8], selection: &Selection, images: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, String> {
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, DateTime, ZipWriter};
    let mut images: HashMap<String, Vec<u8>> = images.into_iter().collect();
    let options = SimpleFileOptions::default().last_modified_time(DateTime::default()).unix_permissions(0o644);
    let mut archive = zip::ZipArchive::new(Cursor::new(raw)).map_err(|e| e.to_string())?;
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let add = |zip: &mut ZipWriter<_>, name: &str, method, bytes: &[u8]| -> Result<(), String> {
        zip.start_file(name, options.compression_method(method)).map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())
    };
    add(&mut zip, "mimetype", CompressionMethod::Stored, b"application/epub+zip")?;
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(|e| e.to_string())?;
        let name = file.name().to_string();
        if name == "mimetype" {
            continue;
        }
        if let Some(bytes) = images.remove(&name) {
            add(&mut zip, &name, CompressionMethod::Stored, &bytes)?;
        } else if name == "OEBPS/content.opf" || name == "OEBPS/nav.xhtml" {
            let mut text = String::new();
            file.read_to_string(&mut text).map_err(|e| e.to_string())?;
            let mended = mend_package_file(&name, &text, selection)?;
            add(&mut zip, &name, CompressionMethod::Deflated, mended.as_bytes())?;
        } else {
            zip.raw_copy_file_touch(file, DateTime::default(), Some(0o644)).map_err(|e| e.to_string())?;
        }
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

fn mend_package_file(name: &str, text: &str, selection: &Selection) -> Result<String, String> {
    let handout = selection.handout;
    if name == "OEBPS/nav.xhtml" {
        let attributes = format!(
            "xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{0}\" xml:lang=\"{0}\" dir=\"{1}\">",
            escape(&handout.meta.lang),
            handout.meta.direction.as_str()
        );
        return patch(text, "xmlns:epub=\"http://www.idpf.org/2007/ops\">", &attributes);
    }
    let mut fixed = patch(text, "<dc:language id=\"epub-creator-", "<dc:language id=\"epub-lang-")?;
    if let Some(org) = &handout.brand.organisation {
        fixed =
            patch(&fixed, "</dc:title>", &format!("</dc:title>\n    <dc:publisher>{}</dc:publisher>", escape(org)))?;
    }
    Ok(fixed)
}

/// Replaces `from` once; fails loudly if epub-builder's output changed shape.
fn patch(text: &str, from: &str, to: &str) -> Result<String, String> {
    if !text.contains(from) {
        return Err(format!("internal: epub-builder output lacks `{from}`"));
    }
    Ok(text.replacen(from, to, 1))
}
