//! EPUB 3 booklets for e-readers and phones, written directly (see `package`) with fixed
//! entry times so that the same handout always gives the same bytes, checked clean by
//! EPUBCheck 4 and 5 and by Ace.

mod cover;
mod options;
mod package;

pub use options::{KEYS, Options};

use std::fmt::Write as _;

use crate::diagnostic::Diagnostic;
use crate::model::Section;
use crate::output::Artifact;
use crate::render::RenderContext;
use crate::render::xhtml::{self, Flavour, Writer, escape};
use crate::select::Selection;
use package::{Book, Document, Metadata, Resource};

/// Renders a selected profile into its EPUB, held in memory.
pub fn render(context: &RenderContext, options: &Options) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let selection = context.selection;
    let fail = |message: String| {
        vec![Diagnostic::error(&selection.handout.path, "epub", message).profile(&selection.profile.name)]
    };
    let bytes = build(context, options).map_err(|e| fail(format!("could not write the EPUB: {e}")))?;
    Ok(vec![Artifact { file_name: format!("{}.epub", selection.profile.name), bytes }])
}

fn build(context: &RenderContext, options: &Options) -> Result<Vec<u8>, String> {
    let selection = context.selection;
    let handout = selection.handout;
    let meta = &handout.meta;
    let strings = &handout.strings;

    // Content documents: the cover, then one carrying the title block, the help line and the
    // introduction, then one per section, then the references.
    let mut writer = Writer::new(selection, Flavour::Epub);
    let mut documents = vec![Document {
        file: "cover.xhtml".into(),
        title: meta.title.clone(),
        xhtml: document(
            selection,
            &meta.title,
            &format!(
                "<section class=\"cover\"><img epub:type=\"cover\" role=\"doc-cover\" src=\"images/cover.png\" alt=\"{}\"/></section>\n",
                escape(&meta.title)
            ),
        ),
        landmark: Some("cover"),
        listed: false,
        children: Vec::new(),
    }];
    let intro = selection.sections.iter().find(|s| s.id == Section::INTRO);
    let first_file = if intro.is_some() { "intro.xhtml" } else { "title.xhtml" };
    writer.start_file(first_file);
    let mut body = writer.title_block(true);
    if let Some(intro) = intro {
        writer.blocks(&intro.blocks, &mut body);
    }
    body.push_str(&writer.take_notes());
    documents.push(Document {
        file: first_file.into(),
        title: meta.title.clone(),
        xhtml: document(selection, &meta.title, &chapter("title", &body)),
        landmark: Some("bodymatter"),
        listed: true,
        children: std::mem::take(&mut writer.subheadings),
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
        body.push_str(&writer.take_notes());
        documents.push(Document {
            title: section.title(),
            xhtml: document(selection, &section.title(), &chapter(&id[2..], &body)),
            file,
            landmark: None,
            listed: true,
            children: std::mem::take(&mut writer.subheadings),
        });
    }
    if !selection.references.is_empty() {
        documents.push(Document {
            file: "references.xhtml".into(),
            title: strings.references.clone(),
            xhtml: document(selection, &strings.references, &writer.references()),
            landmark: Some("endnotes"),
            listed: true,
            children: Vec::new(),
        });
    }

    let mut resources = Vec::new();
    let mut css = include_str!("../../../assets/epub/stylesheet.css")
        .replace("{brand}", &handout.brand.color)
        .replace("{tint}", &crate::render::tint(&handout.brand.color));
    if options.embed_fonts {
        let text: String = documents.iter().map(|d| d.xhtml.as_str()).collect();
        for font in crate::fonts::used_by(&text, &crate::fonts::default_chain(&meta.lang)) {
            let (family, weight, style) = font_face(&font.name);
            let _ = write!(
                css,
                "\n@font-face {{ font-family: \"{family}\"; font-weight: {weight}; font-style: {style}; src: url(\"fonts/{}\"); }}",
                font.name
            );
            resources.push(Resource {
                path: format!("fonts/{}", font.name),
                media_type: "font/ttf",
                bytes: font.bytes.as_ref().to_vec(),
                properties: None,
            });
        }
    }
    resources.push(Resource {
        path: "stylesheet.css".into(),
        media_type: "text/css",
        bytes: css.into_bytes(),
        properties: None,
    });
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
    resources.push(Resource {
        path: "images/cover.png".into(),
        media_type: "image/png",
        bytes: cover_png,
        properties: Some("cover-image"),
    });
    for (path, name) in &writer.images {
        let (bytes, media_type) = cover::book_image(path, name)?;
        resources.push(Resource { path: name.clone(), media_type, bytes, properties: None });
    }

    let time = chrono::DateTime::from_timestamp(context.timestamp, 0).unwrap_or_default();
    let creators = if meta.authors.is_empty() {
        handout.brand.organisation.iter().cloned().collect()
    } else {
        meta.authors.clone()
    };
    let book = Book {
        metadata: Metadata {
            identifier: format!(
                "urn:uuid:{}",
                uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("urn:handout:{}", meta.slug).as_bytes())
            ),
            title: &meta.title,
            lang: meta.lang.as_str(),
            direction: meta.direction.as_str(),
            creators,
            publisher: handout.brand.organisation.as_deref(),
            description: &meta.summary,
            subjects: &meta.keywords,
            modified: time.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            properties: accessibility_metadata(!writer.images.is_empty(), selection),
            contents_label: &strings.contents,
            landmarks_label: &strings.landmarks,
        },
        documents,
        resources,
    };
    package::write(&book)
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

fn chapter(id: &str, body: &str) -> String {
    format!("<section epub:type=\"chapter\" role=\"doc-chapter\" aria-labelledby=\"h-{id}\">\n{body}</section>\n")
}

/// A complete XHTML content document.
fn document(selection: &Selection, title: &str, body: &str) -> String {
    let meta = &selection.handout.meta;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{title}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body>\n{body}</body>\n</html>\n",
        lang = escape(meta.lang.as_str()),
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
