//! The handout as the JSON the template reads: data, never markup, so that author text is
//! printed literally.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::model::{Block, PdfOptions};
use crate::select::{Selection, anchor_safe};

/// Room for crop marks outside the bleed, in millimetres.
pub const MARKS_MM: f64 = 8.0;

/// The template's data and the image files it names (virtual path → file on disk).
pub struct TemplateData {
    pub json: Value,
    pub images: BTreeMap<String, PathBuf>,
}

pub fn template_data(
    selection: &Selection,
    options: &PdfOptions,
    fonts: &[String],
    logo: Option<&str>,
    qr: Option<&str>,
) -> TemplateData {
    let handout = selection.handout;
    let meta = &handout.meta;
    let strings = &handout.strings;
    let mut images = BTreeMap::new();
    let sections: Vec<Value> = selection
        .sections
        .iter()
        .map(|section| {
            for image in crate::model::images_in(&section.blocks) {
                images.entry(image.src.clone()).or_insert_with(|| image.path.clone());
            }
            let mut blocks = section.blocks.clone();
            let mut last = 2;
            normalize_headings(&mut blocks, &mut last);
            json!({ "id": section.id, "heading": section.heading, "blocks": blocks })
        })
        .collect();
    let image_paths: BTreeMap<String, String> =
        images.iter().enumerate().map(|(i, (src, path))| (src.clone(), virtual_image_path(i, path))).collect();
    let files = images.iter().enumerate().map(|(i, (_, path))| (virtual_image_path(i, path), path.clone())).collect();

    let mut markers = serde_json::Map::new();
    let mut anchors = serde_json::Map::new();
    for reference in &selection.references {
        anchors.insert(reference.key.clone(), json!(anchor_safe(&reference.key)));
    }
    for section in &selection.sections {
        let mut groups = Vec::new();
        crate::select::collect_citations(&section.blocks, &mut groups);
        for keys in groups {
            if let Some(marker) = selection.marker(&keys) {
                let pieces: Vec<Value> =
                    marker.pieces.iter().map(|p| json!({ "text": p.text, "target": p.target })).collect();
                markers.insert(keys.join("|"), json!({ "pieces": pieces }));
            }
        }
    }
    let references: Vec<Value> = selection
        .references
        .iter()
        .map(|r| json!({ "anchor": anchor_safe(&r.key), "label": r.label, "runs": r.runs }))
        .collect();

    let mut strings_json = serde_json::to_value(strings).expect("strings serialize");
    if let Value::Object(map) = &mut strings_json {
        *map = std::mem::take(map).into_iter().map(|(k, v)| (k.replace('-', "_"), v)).collect();
    }
    let (lang, region) = match meta.lang.split_once('-') {
        Some((lang, rest)) => {
            (lang.to_ascii_lowercase(), rest.split('-').find(|p| p.len() == 2).map(str::to_ascii_uppercase))
        }
        None => (meta.lang.to_ascii_lowercase(), None),
    };
    let contact = &meta.contact;
    let json = json!({
        "meta": {
            "title": meta.title,
            "subtitle": meta.subtitle,
            "summary": meta.summary,
            "lang": lang,
            "region": region,
            "dir": meta.direction.as_str(),
            "authors": meta.authors,
            "keywords": meta.keywords,
            "reviewed": meta.reviewed.map(|d| strings.reviewed_on(d)),
        },
        "brand": { "organisation": handout.brand.organisation, "color": handout.brand.color, "logo": logo },
        "contact": {
            "name": contact.name, "phone": contact.phone, "url": contact.url, "hours": contact.hours,
            "tel": contact.phone.as_deref().map(|p| p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>()),
        },
        "strings": strings_json,
        "options": {
            "paper": options.paper,
            "layout": options.layout,
            "columns": options.columns,
            "large_print": options.large_print,
            "hyphenate": options.hyphenate,
            "bleed_mm": options.bleed,
            "marks_mm": if options.crop_marks { MARKS_MM } else { 0.0 },
            "crop_marks": options.crop_marks,
        },
        "fonts": fonts,
        "sections": sections,
        "section_ids": selection.sections.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        "markers": markers,
        "anchors": anchors,
        "numeric": selection.references.iter().any(|r| r.number.is_some()),
        "references": references,
        "images": image_paths,
        "qr": qr,
    });
    TemplateData { json, images: files }
}

fn virtual_image_path(index: usize, path: &std::path::Path) -> String {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("png").to_ascii_lowercase();
    format!("/images/{}.{ext}", index + 1)
}

/// Heading levels that never skip, as PDF/UA requires: the title is 1, sections 2, and a
/// `###` inside a section 3, however deep the author went.
fn normalize_headings(blocks: &mut [Block], last: &mut u8) {
    for block in blocks {
        match block {
            Block::Heading { level, .. } => {
                *level = (*level).min(*last + 1).max(3);
                *last = *level;
            }
            Block::List { items, .. } => items.iter_mut().for_each(|item| normalize_headings(item, last)),
            Block::Quote { blocks } | Block::Callout { blocks, .. } => normalize_headings(blocks, last),
            _ => {}
        }
    }
}
