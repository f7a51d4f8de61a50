//! The handout as the JSON the template reads: data, never markup, so that author text is
//! printed literally.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::geometry::Geometry;
use super::options::Options as PdfOptions;
use crate::model::{Block, Direction};
use crate::select::{Selection, anchor_safe};

/// How the text is fitted to the sheet (see `fit`): type size and vertical spacing as factors,
/// a tri-fold's inside columns shortened to `column_height` points so that they end level, the
/// blocks (`blk-…` labels) before which a column breaks, and figures that shrink to fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub scale: f64,
    pub spacing: f64,
    pub column_height: Option<f64>,
    pub breaks: Vec<String>,
    /// Figures (`fig-…` labels) and the height, in points, each may take with its caption.
    pub figures: BTreeMap<String, f64>,
}

impl Default for Fit {
    fn default() -> Self {
        Fit { scale: 1.0, spacing: 1.0, column_height: None, breaks: Vec::new(), figures: BTreeMap::new() }
    }
}

/// Everything the template reads besides the handout's text.
pub struct Frame<'a> {
    pub options: &'a PdfOptions,
    pub geometry: &'a Geometry,
    pub fonts: &'a [String],
    pub logo: Option<&'a str>,
    /// The QR code's virtual path and its printed width in millimetres.
    pub qr: Option<(&'a str, f64)>,
    /// The line printed in the slug for the print shop, when there are marks.
    pub slug_line: Option<String>,
}

/// The template's data (without the fit, which changes between compiles) and the image files
/// it names (virtual path → file on disk).
pub struct TemplateData {
    pub json: Value,
    pub images: BTreeMap<String, PathBuf>,
}

impl TemplateData {
    /// The JSON bytes for one compile.
    pub fn bytes(&self, fit: &Fit) -> Vec<u8> {
        let mut json = self.json.clone();
        json["fit"] = json!({
            "scale": fit.scale,
            "spacing": fit.spacing,
            "column_height": fit.column_height,
            "breaks": fit.breaks,
            "figures": fit.figures,
        });
        serde_json::to_vec(&json).unwrap_or_default()
    }
}

pub fn template_data(selection: &Selection, frame: &Frame) -> TemplateData {
    let handout = selection.handout;
    let meta = &handout.meta;
    let strings = &handout.strings;
    let rtl = meta.direction == Direction::Rtl;
    let mut images = BTreeMap::new();
    let sections: Vec<Value> = selection
        .sections
        .iter()
        .map(|section| {
            for image in crate::model::images_in(&section.blocks) {
                images.entry(image.src.clone()).or_insert_with(|| image.path.clone());
            }
            let mut blocks = section.blocks.clone();
            normalize_headings(&mut blocks);
            let mut value = json!({ "id": section.id, "heading": section.heading, "blocks": blocks });
            mark_runs(&mut value, rtl);
            value
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
        for keys in crate::model::citations_in(&section.blocks) {
            if let Some(marker) = selection.marker(keys) {
                let pieces: Vec<Value> =
                    marker.pieces.iter().map(|p| json!({ "text": p.text, "target": p.target })).collect();
                markers.insert(keys.join("|"), json!({ "pieces": pieces }));
            }
        }
    }
    let references: Vec<Value> = selection
        .references
        .iter()
        .map(|r| {
            let runs: Vec<Value> = r.runs.iter().flat_map(|run| reference_runs(run, rtl)).collect();
            json!({ "anchor": anchor_safe(&r.key), "label": r.label, "number": r.number, "runs": runs })
        })
        .collect();

    let mut strings_json = serde_json::to_value(strings).unwrap_or_default();
    if let Value::Object(map) = &mut strings_json {
        *map = std::mem::take(map).into_iter().map(|(k, v)| (k.replace('-', "_"), v)).collect();
    }
    let (lang, region) = (meta.lang.primary(), meta.lang.region());
    let contact = &meta.contact;
    let options = frame.options;
    let json = json!({
        "meta": {
            "title": meta.title,
            "subtitle": meta.subtitle,
            "summary": crate::text::SmartQuotes::new(&strings.quotes).apply(&meta.summary),
            "lang": lang,
            "region": region,
            "dir": meta.direction.as_str(),
            "authors": meta.authors,
            "keywords": meta.keywords,
            "reviewed": meta.reviewed.map(|d| strings.reviewed_on(d)),
        },
        "brand": {
            "organisation": handout.brand.organisation,
            "organisation_lang": handout.brand.organisation.as_deref().and_then(|o| latin_lang(o, rtl)),
            "logo": frame.logo,
        },
        "colors": colors(&handout.brand.color),
        "contact": {
            "name": contact.name, "phone": contact.phone, "url": contact.url, "hours": contact.hours,
            "name_lang": contact.name.as_deref().and_then(|n| latin_lang(n, rtl)),
            "url_display": contact.url.as_deref().map(address_breaks),
            "tel": contact.phone.as_deref().map(|p| p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>()),
        },
        "strings": strings_json,
        "options": {
            "paper": options.paper,
            "layout": options.layout,
            "large_print": options.large_print,
            "hyphenate": options.hyphenate,
        },
        "geometry": frame.geometry,
        "slug_line": frame.slug_line,
        "fonts": frame.fonts,
        "sections": sections,
        "section_ids": selection.sections.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        "markers": markers,
        "anchors": anchors,
        "numeric": selection.references.iter().any(|r| r.number.is_some()),
        "references": references,
        "images": image_paths,
        "qr": frame.qr.map(|(path, width)| json!({ "path": path, "width_mm": width })),
    });
    TemplateData { json, images: files }
}

/// A reference's run as the template sets it: addresses with places to break, and in
/// right-to-left handouts Latin-script pieces tagged as English.
fn reference_runs(run: &crate::cite::Run, rtl: bool) -> Vec<Value> {
    let base = serde_json::to_value(run).unwrap_or_default();
    let with_text = |text: String, lang: Option<&str>| {
        let mut value = base.clone();
        value["text"] = json!(text);
        if let Some(lang) = lang {
            value["lang"] = json!(lang);
        }
        value
    };
    if run.link.is_some() {
        return vec![with_text(address_breaks(&run.text), rtl.then_some("en"))];
    }
    crate::text::runs(&run.text, rtl)
        .into_iter()
        .map(|(piece, kind)| match kind {
            crate::text::RunKind::Address => with_text(address_breaks(piece), rtl.then_some("en")),
            crate::text::RunKind::Latin => with_text(piece.to_string(), Some("en")),
            _ => with_text(piece.to_string(), None),
        })
        .collect()
}

/// "en" for a name written wholly in Latin script inside a right-to-left handout.
fn latin_lang(text: &str, rtl: bool) -> Option<&'static str> {
    let latin = text.chars().any(|c| c.is_ascii_alphabetic());
    let right_to_left = text.chars().any(|c| ('\u{590}'..='\u{8ff}').contains(&c));
    (rtl && latin && !right_to_left).then_some("en")
}

/// The template's colours: the brand colour, a tint of it for boxes, the text colour that
/// reads on the brand colour (white, unless the brand colour is too light for it), and the
/// neutrals.
fn colors(brand: &str) -> Value {
    let rgb = crate::settings::parse_hex_color(brand).unwrap_or([0x1f, 0x5f, 0x73]);
    let on_brand = if contrast(rgb, [255, 255, 255]) >= 4.5 { "#ffffff" } else { "#1a1a1a" };
    json!({
        "brand": brand,
        "on_brand": on_brand,
        "tint": crate::render::tint(brand),
        "warn": "#a33a1a",
        "warn_tint": "#fbeee9",
        "ink": "#000000",
        "muted": "#4d4d4d",
        "rule": "#999999",
        "paper": "#ffffff",
    })
}

/// WCAG contrast ratio of two sRGB colours.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let luminance = |c: [u8; 3]| {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn virtual_image_path(index: usize, path: &std::path::Path) -> String {
    let ext = crate::images::sniffed_extension(path);
    format!("/images/{}.{ext}", index + 1)
}

/// Heading levels that never skip, as PDF/UA requires: the title is 1, sections 2, and a
/// `###` inside a section 3, however deep the author went.
fn normalize_headings(blocks: &mut [Block]) {
    let mut last = 2;
    crate::model::walk_mut(blocks, &mut |node| {
        if let crate::model::NodeMut::Block(Block::Heading { level, .. }) = node {
            *level = (*level).min(last + 1).max(3);
            last = *level;
        }
    });
}

/// Splits the text runs of the template data into pieces the template sets specially: number
/// groups such as phone numbers, which never break across lines (`nobreak`), web addresses
/// (`address`), and in right-to-left text runs of Latin script (`latin`, tagged as English);
/// each is set left to right. A link whose text is its address gets places to break.
fn mark_runs(value: &mut Value, rtl: bool) {
    match value {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for mut item in std::mem::take(items) {
                if item["type"] == "text"
                    && let Some(text) = item["text"].as_str()
                {
                    out.extend(split_runs(text, rtl));
                    continue;
                }
                if item["type"] == "link"
                    && let Some(url) = item["url"].as_str()
                    && json_text(&item["content"]) == url
                {
                    let url = url.to_string();
                    item["content"] = json!([{ "type": "text", "text": address_breaks(&url) }]);
                    out.push(item);
                    continue;
                }
                mark_runs(&mut item, rtl);
                out.push(item);
            }
            *items = out;
        }
        Value::Object(map) => map.values_mut().for_each(|v| mark_runs(v, rtl)),
        _ => {}
    }
}

fn split_runs(text: &str, rtl: bool) -> Vec<Value> {
    use crate::text::RunKind;
    crate::text::runs(text, rtl)
        .into_iter()
        .map(|(piece, kind)| match kind {
            RunKind::Plain => json!({ "type": "text", "text": piece }),
            RunKind::Number => json!({ "type": "nobreak", "text": piece }),
            RunKind::Address => json!({ "type": "address", "text": address_breaks(piece) }),
            RunKind::Latin => json!({ "type": "latin", "text": piece }),
        })
        .collect()
}

/// The text of inline content in the template data.
fn json_text(content: &Value) -> String {
    content.as_array().map_or(String::new(), |items| {
        items.iter().map(|i| i["text"].as_str().map_or_else(|| json_text(&i["content"]), str::to_string)).collect()
    })
}

/// A web address or DOI with places to break a line: after `/`, before `.`, `-`, `_`, `?`,
/// `#`, `&` and `=`. Its hyphens are non-breaking hyphens (U+2011), so that a break never
/// comes after one and looks like a hyphenated word; no hyphen is ever added.
pub fn address_breaks(address: &str) -> String {
    const ZERO_WIDTH_SPACE: char = '\u{200b}';
    const NON_BREAKING_HYPHEN: char = '\u{2011}';
    let mut out = String::with_capacity(address.len() + 16);
    let chars: Vec<char> = address.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        if matches!(c, '.' | '-' | '_' | '?' | '#' | '&' | '=') && i > 0 && chars[i - 1] != '/' {
            out.push(ZERO_WIDTH_SPACE);
        }
        out.push(if c == '-' { NON_BREAKING_HYPHEN } else { c });
        if c == '/' && next.is_some_and(|n| n != '/') && (i == 0 || chars[i - 1] != '/') {
            out.push(ZERO_WIDTH_SPACE);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_break_after_slashes_and_before_dots_and_hyphens() {
        let broken = address_breaks("https://a.org/x-y");
        assert_eq!(broken, "https://a\u{200b}.org/\u{200b}x\u{200b}\u{2011}y");
        assert_eq!(broken.replace('\u{200b}', "").replace('\u{2011}', "-"), "https://a.org/x-y");
    }

    #[test]
    fn light_brand_colours_get_dark_text() {
        assert_eq!(colors("#1f5f73")["on_brand"], "#ffffff");
        assert_eq!(colors("#ffe066")["on_brand"], "#1a1a1a");
        assert!(contrast([0, 0, 0], [255, 255, 255]) > 20.9);
    }
}
