//! The PDF Typst wrote, finished for the print shop and for screen readers: the BleedBox,
//! crop and fold marks in registration colour, what each citation link announces, and a
//! tri-fold's reading order. Typst has no API for these, so they are set with lopdf.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::geometry::{Geometry, MARK_LENGTH, MARK_WIDTH};

/// What to finish besides the boxes and marks the geometry asks for.
#[derive(Debug, Default)]
pub struct Extras<'a> {
    /// Where link targets are (page index, PDF x, PDF y) and what a link to each announces,
    /// e.g. "Reference 3" instead of Typst's "Page 2".
    pub link_names: Vec<(usize, f64, f64, String)>,
    /// For a tri-fold: the outside's groups after the cover (back panel, flap) move behind the
    /// inside panels, so the structure reads cover, inside, help line, references.
    pub outside_groups_last: usize,
    /// For a press PDF: the printing condition and its ICC profile.
    pub press: Option<(&'a super::press::Condition, &'a [u8])>,
}

/// Name of the registration colour space added to each page's resources.
const REGISTRATION: &[u8] = b"HandoutRegistration";

pub fn finish(pdf: &[u8], geometry: &Geometry, extras: &Extras) -> Result<Vec<u8>, String> {
    let mut document = Document::load_mem(pdf).map_err(|e| e.to_string())?;
    let pages: Vec<ObjectId> = document.get_pages().into_values().collect();
    for (index, &page) in pages.iter().enumerate() {
        let trim = trim_box(&document, page)?;
        // A press PDF has a TrimBox and a BleedBox on every page (the BleedBox is the TrimBox
        // when there is no bleed).
        if extras.press.is_some() {
            let boxed = trim.map(|v| Object::Real(v as f32)).to_vec();
            dictionary_mut(&mut document, page)?.set("TrimBox", Object::Array(boxed));
        }
        if geometry.bleed > 0.0 || extras.press.is_some() {
            let b = geometry.bleed;
            let bleed = [trim[0] - b, trim[1] - b, trim[2] + b, trim[3] + b].map(|v| Object::Real(v as f32)).to_vec();
            dictionary_mut(&mut document, page)?.set("BleedBox", Object::Array(bleed));
        }
        if let Some(offset) = geometry.mark_offset {
            let folds = geometry.panels.as_ref().map(|p| p.folds(index)).unwrap_or_default();
            add_marks(&mut document, page, marks(trim, offset, &folds))?;
        }
        name_links(&mut document, page, &extras.link_names)?;
    }
    if extras.outside_groups_last > 0 {
        reorder_structure(&mut document, extras.outside_groups_last)?;
    }
    if let Some((condition, profile)) = extras.press {
        super::press::make_pdf_x4(&mut document, condition, profile)?;
    }
    let mut out = Vec::new();
    document.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

fn dictionary_mut(document: &mut Document, id: ObjectId) -> Result<&mut Dictionary, String> {
    document.get_object_mut(id).and_then(Object::as_dict_mut).map_err(|e| e.to_string())
}

fn numbers(array: &[Object]) -> Vec<f64> {
    array
        .iter()
        .filter_map(|o| o.as_float().map(f64::from).ok().or_else(|| o.as_i64().ok().map(|i| i as f64)))
        .collect()
}

fn trim_box(document: &Document, page: ObjectId) -> Result<[f64; 4], String> {
    let dict = document.get_dictionary(page).map_err(|e| e.to_string())?;
    let found = dict.get(b"TrimBox").or_else(|_| dict.get(b"MediaBox")).and_then(Object::as_array);
    match numbers(found.map_err(|e| e.to_string())?)[..] {
        [x0, y0, x1, y1] => Ok([x0, y0, x1, y1]),
        _ => Err("a page box without four numbers".into()),
    }
}

/// The marks as line segments: two at each corner on the extension of the trim edges, and at
/// each fold one above and one below the sheet.
fn marks(trim: [f64; 4], offset: f64, folds: &[f64]) -> Vec<([f64; 4], bool)> {
    let [x0, y0, x1, y1] = trim;
    let (near, far) = (offset, offset + MARK_LENGTH);
    let mut lines = Vec::new();
    for (x, outward) in [(x0, -1.0), (x1, 1.0)] {
        for (y, upward) in [(y0, -1.0), (y1, 1.0)] {
            lines.push(([x + outward * near, y, x + outward * far, y], false));
            lines.push(([x, y + upward * near, x, y + upward * far], false));
        }
    }
    for fold in folds {
        let x = x0 + fold;
        lines.push(([x, y1 + near, x, y1 + far], true));
        lines.push(([x, y0 - near, x, y0 - far], true));
    }
    lines
}

/// Draws the marks as an artifact in registration colour (every separation), around the
/// page's own content.
fn add_marks(document: &mut Document, page: ObjectId, lines: Vec<([f64; 4], bool)>) -> Result<(), String> {
    let mut ops = format!("/Artifact BMC\nq\n/{} CS 1 SCN\n{MARK_WIDTH} w\n", String::from_utf8_lossy(REGISTRATION));
    for ([ax, ay, bx, by], dashed) in lines {
        let dash = if dashed { "[3 2] 0 d" } else { "[] 0 d" };
        ops.push_str(&format!("{dash} {ax:.3} {ay:.3} m {bx:.3} {by:.3} l S\n"));
    }
    ops.push_str("Q\nEMC\n");
    let registration = Object::Array(vec![
        Object::Name(b"Separation".to_vec()),
        Object::Name(b"All".to_vec()),
        Object::Name(b"DeviceCMYK".to_vec()),
        Object::Dictionary(Dictionary::from_iter([
            ("FunctionType", Object::Integer(2)),
            ("Domain", Object::Array(vec![0.into(), 1.into()])),
            ("C0", Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()])),
            ("C1", Object::Array(vec![1.into(), 1.into(), 1.into(), 1.into()])),
            ("N", Object::Integer(1)),
        ])),
    ]);
    let registration = document.add_object(registration);
    let mut resources = page_resources(document, page)?;
    let mut spaces = match resources.get(b"ColorSpace") {
        Ok(Object::Reference(id)) => document.get_dictionary(*id).map_err(|e| e.to_string())?.clone(),
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => Dictionary::new(),
    };
    spaces.set(REGISTRATION, Object::Reference(registration));
    resources.set("ColorSpace", Object::Dictionary(spaces));
    // The page's content is wrapped in q … Q so that nothing it leaves in the graphics state
    // moves the marks.
    let open = document.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
    let close = document.add_object(Stream::new(Dictionary::new(), format!("Q\n{ops}").into_bytes()));
    let dict = dictionary_mut(document, page)?;
    let mut contents = match dict.get(b"Contents") {
        Ok(Object::Array(items)) => items.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => Vec::new(),
    };
    contents.insert(0, Object::Reference(open));
    contents.push(Object::Reference(close));
    dict.set("Contents", Object::Array(contents));
    dict.set("Resources", Object::Dictionary(resources));
    Ok(())
}

/// A copy of the page's resource dictionary (Typst writes one per page).
fn page_resources(document: &Document, page: ObjectId) -> Result<Dictionary, String> {
    let dict = document.get_dictionary(page).map_err(|e| e.to_string())?;
    match dict.get(b"Resources") {
        Ok(Object::Reference(id)) => Ok(document.get_dictionary(*id).map_err(|e| e.to_string())?.clone()),
        Ok(Object::Dictionary(d)) => Ok(d.clone()),
        _ => Ok(Dictionary::new()),
    }
}

/// Sets `/Contents` (what assistive technology announces) of each internal link whose target
/// is one of `names`.
fn name_links(document: &mut Document, page: ObjectId, names: &[(usize, f64, f64, String)]) -> Result<(), String> {
    if names.is_empty() {
        return Ok(());
    }
    let pages: Vec<ObjectId> = document.get_pages().into_values().collect();
    let annotations: Vec<ObjectId> = match document.get_dictionary(page).map_err(|e| e.to_string())?.get(b"Annots") {
        Ok(Object::Array(items)) => items.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    };
    for id in annotations {
        let Ok(annotation) = document.get_dictionary(id) else { continue };
        let destination = annotation
            .get(b"Dest")
            .or_else(|_| annotation.get(b"A").and_then(Object::as_dict).and_then(|a| a.get(b"D")))
            .and_then(|d| document.dereference(d))
            .and_then(|(_, d)| d.as_array());
        let Ok([target, _, rest @ ..]) = destination.map(Vec::as_slice) else { continue };
        let Some(target_page) = target.as_reference().ok().and_then(|t| pages.iter().position(|p| *p == t)) else {
            continue;
        };
        let (x, y) = match numbers(rest)[..] {
            [x, y, ..] => (x, y),
            _ => continue,
        };
        let found = names
            .iter()
            .filter(|(p, ..)| *p == target_page)
            .min_by(|a, b| ((a.1 - x).abs() + (a.2 - y).abs()).total_cmp(&((b.1 - x).abs() + (b.2 - y).abs())));
        if let Some((_, nx, ny, name)) = found
            && (nx - x).abs() + (ny - y).abs() < 2.0
        {
            let name = Object::String(utf16_text(name), lopdf::StringFormat::Hexadecimal);
            dictionary_mut(document, id)?.set("Contents", name);
        }
    }
    Ok(())
}

/// A PDF text string: UTF-16BE with a byte order mark.
fn utf16_text(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xfe, 0xff];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    bytes
}

/// Moves the outside's groups after the cover (the first `count` after the first child of the
/// document's structure element) to the end.
fn reorder_structure(document: &mut Document, count: usize) -> Result<(), String> {
    let root = document
        .catalog()
        .and_then(|c| c.get(b"StructTreeRoot"))
        .and_then(Object::as_reference)
        .map_err(|_| "the tri-fold is not tagged".to_string())?;
    // The root holds one Document element whose kids are the content's top-level elements.
    let top = document.get_dictionary(root).and_then(|r| r.get(b"K")).map_err(|e| e.to_string())?.clone();
    let document_element = match top {
        Object::Reference(id) => id,
        Object::Array(items) if items.len() == 1 => items[0].as_reference().map_err(|e| e.to_string())?,
        _ => return Err("unexpected structure tree root".into()),
    };
    let element = dictionary_mut(document, document_element)?;
    let Ok(Object::Array(kids)) = element.get_mut(b"K") else {
        return Err("the document element has no children".into());
    };
    if kids.len() < count + 2 {
        return Err(format!("expected the cover and {count} outside groups in the structure tree"));
    }
    let moved: Vec<Object> = kids.drain(1..1 + count).collect();
    kids.extend(moved);
    Ok(())
}
