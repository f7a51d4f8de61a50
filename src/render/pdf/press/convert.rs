//! Every colour of a written PDF made CMYK for the press: the colour operators of each content
//! stream (pages, forms, patterns, Type 3 glyphs), pictures, shadings and transparency groups,
//! and the RGB and grey colour spaces they named taken out. Flat greys go to the black plate,
//! grey pictures become DeviceGray (which prints there); spot colours (the marks' registration
//! colour) stay. What cannot be converted is an error rather than a guess.

use std::collections::{BTreeSet, HashMap};

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::inks::{Inks, limit_pixels, limited};

/// The colour spaces a content stream can paint in, as far as conversion cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    /// DeviceGray, CalGray or grey through an ICC profile: to the black plate (a colour-managed
    /// grey would print in four colours).
    Grey,
    /// DeviceRGB, CalRGB or RGB through an ICC profile: through the profile.
    Rgb,
    /// Held to the ink limit.
    Cmyk,
    /// Patterns, spot colours and the like: kept.
    Other,
}

/// Converts the whole document; a message names what could not be converted.
pub fn to_cmyk(document: &mut Document, inks: &mut Inks) -> Result<(), String> {
    let pages: Vec<ObjectId> = document.get_pages().into_values().collect();
    for page in pages {
        let streams = document.get_page_contents(page);
        let resources = page_colour_spaces(document, page);
        convert_streams(document, &streams, &resources, inks)?;
        set_group_space(document, page);
    }
    let ids: Vec<ObjectId> = document.objects.keys().copied().collect();
    for &id in &ids {
        convert_object(document, id, inks)?;
    }
    for id in ids {
        drop_converted_spaces(document, id);
    }
    Ok(())
}

/// Takes the RGB and grey colour spaces out of the resources of object `id` (a page, form,
/// pattern or font with inline resources, or a resource dictionary of its own): no operator
/// names them any more, and a preflight would still see them.
fn drop_converted_spaces(document: &mut Document, id: ObjectId) {
    let Some(dict) = dictionary_of(document, id) else { return };
    let named = dict.get(b"ColorSpace").ok().filter(|c| matches!(c, Object::Dictionary(_) | Object::Reference(_)));
    let inline = dict.get(b"Resources").and_then(Object::as_dict).and_then(|r| r.get(b"ColorSpace")).ok();
    for (spaces, in_resources) in [(named, false), (inline, true)] {
        let Some(spaces) = spaces else { continue };
        let (owner, table) = match spaces {
            Object::Reference(r) => match document.get_dictionary(*r) {
                Ok(table) => (Some(*r), table.clone()),
                Err(_) => continue,
            },
            Object::Dictionary(table) => (None, table.clone()),
            _ => continue,
        };
        let converted: Vec<Vec<u8>> = table
            .iter()
            .filter(|(_, space)| matches!(space_of(document, space), Space::Rgb | Space::Grey))
            .map(|(name, _)| name.clone())
            .collect();
        if converted.is_empty() {
            continue;
        }
        let target = match owner {
            Some(r) => document.get_object_mut(r).and_then(Object::as_dict_mut).ok(),
            None => {
                let outer = match document.get_object_mut(id) {
                    Ok(Object::Dictionary(d)) => d,
                    Ok(Object::Stream(s)) => &mut s.dict,
                    _ => continue,
                };
                let outer = if in_resources {
                    outer.get_mut(b"Resources").and_then(Object::as_dict_mut).ok()
                } else {
                    Some(outer)
                };
                outer.and_then(|o| o.get_mut(b"ColorSpace").and_then(Object::as_dict_mut).ok())
            }
        };
        if let Some(target) = target {
            for name in converted {
                target.remove(&name);
            }
        }
    }
}

/// Forms, tiling patterns, Type 3 fonts, pictures and shadings, wherever they are.
fn convert_object(document: &mut Document, id: ObjectId, inks: &mut Inks) -> Result<(), String> {
    let Some(dict) = dictionary_of(document, id) else { return Ok(()) };
    let name = |key: &[u8]| dict.get(key).and_then(Object::as_name).ok().map(<[u8]>::to_vec);
    let subtype = name(b"Subtype");
    match subtype.as_deref() {
        Some(b"Form") => {
            let spaces = colour_spaces(document, dict.get(b"Resources").ok());
            convert_streams(document, &[id], &spaces, inks)?;
            set_group_space(document, id);
        }
        Some(b"Image") => convert_picture(document, id, inks)?,
        Some(b"Type3") => {
            let spaces = colour_spaces(document, dict.get(b"Resources").ok());
            let procs = dict.get(b"CharProcs").and_then(|p| document.dereference(p)).and_then(|(_, p)| p.as_dict());
            let glyphs: Vec<ObjectId> =
                procs.map(|p| p.iter().filter_map(|(_, g)| g.as_reference().ok()).collect()).unwrap_or_default();
            for glyph in glyphs {
                convert_streams(document, &[glyph], &spaces, inks)?;
            }
        }
        _ if dict.get(b"PatternType").and_then(Object::as_i64).ok() == Some(1) => {
            let spaces = colour_spaces(document, dict.get(b"Resources").ok());
            convert_streams(document, &[id], &spaces, inks)?;
        }
        _ if dict.has(b"ShadingType") => convert_shading(document, id, inks)?,
        _ => {}
    }
    Ok(())
}

fn dictionary_of(document: &Document, id: ObjectId) -> Option<Dictionary> {
    match document.get_object(id).ok()? {
        Object::Dictionary(d) => Some(d.clone()),
        Object::Stream(s) => Some(s.dict.clone()),
        _ => None,
    }
}

/// A transparency group blends in CMYK, as the press will.
fn set_group_space(document: &mut Document, id: ObjectId) {
    let group = match document.get_object(id) {
        Ok(Object::Dictionary(d)) => d.get(b"Group").ok().cloned(),
        Ok(Object::Stream(s)) => s.dict.get(b"Group").ok().cloned(),
        _ => None,
    };
    let target = match group {
        Some(Object::Reference(group_id)) => Some(group_id),
        Some(Object::Dictionary(_)) => None,
        _ => return,
    };
    let set = |group: &mut Dictionary| {
        if group.has(b"CS") {
            group.set("CS", Object::Name(b"DeviceCMYK".to_vec()));
        }
    };
    match target {
        Some(group_id) => {
            if let Ok(Object::Dictionary(group)) = document.get_object_mut(group_id) {
                set(group);
            }
        }
        None => {
            let dict = match document.get_object_mut(id) {
                Ok(Object::Dictionary(d)) => d,
                Ok(Object::Stream(s)) => &mut s.dict,
                _ => return,
            };
            if let Ok(Object::Dictionary(group)) = dict.get_mut(b"Group") {
                set(group);
            }
        }
    }
}

/// The colour spaces a page's content may name, with its inherited resources.
fn page_colour_spaces(document: &Document, page: ObjectId) -> HashMap<Vec<u8>, Space> {
    let mut spaces = HashMap::new();
    if let Ok((own, inherited)) = document.get_page_resources(page) {
        for id in inherited.iter().rev() {
            if let Ok(dict) = document.get_dictionary(*id) {
                spaces.extend(colour_spaces_in(document, dict));
            }
        }
        if let Some(dict) = own {
            spaces.extend(colour_spaces_in(document, dict));
        }
    }
    spaces
}

fn colour_spaces(document: &Document, resources: Option<&Object>) -> HashMap<Vec<u8>, Space> {
    resources
        .and_then(|r| document.dereference(r).ok())
        .and_then(|(_, r)| r.as_dict().ok())
        .map(|r| colour_spaces_in(document, r))
        .unwrap_or_default()
}

fn colour_spaces_in(document: &Document, resources: &Dictionary) -> HashMap<Vec<u8>, Space> {
    let Some(named) = resources.get(b"ColorSpace").ok().and_then(|c| document.dereference(c).ok()) else {
        return HashMap::new();
    };
    let Ok(named) = named.1.as_dict() else { return HashMap::new() };
    named.iter().map(|(name, space)| (name.clone(), space_of(document, space))).collect()
}

/// What a colour space object is.
fn space_of(document: &Document, space: &Object) -> Space {
    let Ok((_, space)) = document.dereference(space) else { return Space::Other };
    match space {
        Object::Name(name) => match name.as_slice() {
            b"DeviceRGB" | b"RGB" => Space::Rgb,
            b"DeviceGray" | b"G" => Space::Grey,
            b"DeviceCMYK" | b"CMYK" => Space::Cmyk,
            _ => Space::Other,
        },
        Object::Array(items) => match items.first().and_then(|n| n.as_name().ok()) {
            Some(b"CalRGB") => Space::Rgb,
            Some(b"CalGray") => Space::Grey,
            Some(b"ICCBased") => {
                let components = items
                    .get(1)
                    .and_then(|s| document.dereference(s).ok())
                    .and_then(|(_, s)| s.as_stream().ok())
                    .and_then(|s| s.dict.get(b"N").and_then(Object::as_i64).ok());
                match components {
                    Some(1) => Space::Grey,
                    Some(3) => Space::Rgb,
                    Some(4) => Space::Cmyk,
                    _ => Space::Other,
                }
            }
            _ => Space::Other,
        },
        _ => Space::Other,
    }
}

/// The fill and stroke colour spaces, saved and restored with `q` and `Q`.
#[derive(Clone, Copy)]
struct State {
    fill: Space,
    stroke: Space,
}

/// Rewrites the colour operators of a sequence of content streams (a page's streams are one
/// sequence: the state runs on from one into the next).
fn convert_streams(
    document: &mut Document,
    streams: &[ObjectId],
    spaces: &HashMap<Vec<u8>, Space>,
    inks: &mut Inks,
) -> Result<(), String> {
    let mut state = State { fill: Space::Grey, stroke: Space::Grey };
    let mut saved = Vec::new();
    for &id in streams {
        let Ok(Object::Stream(stream)) = document.get_object(id) else { continue };
        let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        let content = Content::decode(&bytes).map_err(|e| format!("a content stream cannot be read: {e}"))?;
        let mut changed = false;
        let mut operations = Vec::with_capacity(content.operations.len());
        for operation in content.operations {
            let converted = convert_operation(&operation, &mut state, &mut saved, spaces, inks)?;
            changed |= converted.is_some();
            operations.push(converted.unwrap_or(operation));
        }
        if changed {
            let encoded = Content { operations }.encode().map_err(|e| e.to_string())?;
            replace_content(document, id, encoded)?;
        }
    }
    Ok(())
}

fn replace_content(document: &mut Document, id: ObjectId, bytes: Vec<u8>) -> Result<(), String> {
    let Ok(Object::Stream(stream)) = document.get_object_mut(id) else { return Ok(()) };
    stream.set_plain_content(bytes);
    stream.compress().map_err(|e| e.to_string())
}

/// The operation in CMYK, or `None` when it stays as it is.
fn convert_operation(
    operation: &Operation,
    state: &mut State,
    saved: &mut Vec<State>,
    spaces: &HashMap<Vec<u8>, Space>,
    inks: &mut Inks,
) -> Result<Option<Operation>, String> {
    let operands = &operation.operands;
    let operator = operation.operator.as_str();
    let stroke = operator.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    let current = if stroke { &mut state.stroke } else { &mut state.fill };
    let colour = |source, name: &str, inks: &mut Inks| -> Result<Option<Operation>, String> {
        Ok(Some(Operation::new(name, cmyk_of(inks, source, operands)?)))
    };
    match operator {
        "q" => saved.push(*state),
        "Q" => *state = saved.pop().unwrap_or(*state),
        "rg" | "RG" | "g" | "G" | "k" | "K" => {
            let source = match operator {
                "rg" | "RG" => Space::Rgb,
                "g" | "G" => Space::Grey,
                _ => Space::Cmyk,
            };
            *current = Space::Cmyk;
            return colour(source, if stroke { "K" } else { "k" }, inks);
        }
        "cs" | "CS" => {
            let name = operands.first().and_then(|n| n.as_name().ok()).unwrap_or_default();
            *current = match name {
                b"DeviceRGB" => Space::Rgb,
                b"DeviceGray" => Space::Grey,
                b"DeviceCMYK" => Space::Cmyk,
                other => spaces.get(other).copied().unwrap_or(Space::Other),
            };
            if matches!(*current, Space::Rgb | Space::Grey) {
                return Ok(Some(Operation::new(operator, vec![Object::Name(b"DeviceCMYK".to_vec())])));
            }
        }
        // A colour in the space set last: an RGB or grey one is now set in DeviceCMYK.
        "sc" | "scn" | "SC" | "SCN" if *current != Space::Other => {
            let source = *current;
            return colour(source, operator, inks);
        }
        "BI" | "ID" | "EI" => return Err("the PDF has an inline image, which cannot be converted".into()),
        _ => {}
    }
    Ok(None)
}

fn numbers(operands: &[Object]) -> Vec<f32> {
    operands.iter().filter_map(|o| o.as_float().ok().or_else(|| o.as_i64().ok().map(|i| i as f32))).collect()
}

/// A colour in `source` (each component 0–1) as CMYK operands within the ink limit.
fn cmyk_of(inks: &mut Inks, source: Space, operands: &[Object]) -> Result<Vec<Object>, String> {
    let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    let cmyk = match (source, &numbers(operands)[..]) {
        (Space::Grey, &[g]) => inks.flat([byte(g); 3]),
        (Space::Rgb, &[r, g, b]) => inks.flat([byte(r), byte(g), byte(b)]),
        (Space::Cmyk, &[c, m, y, k]) => limited([c, m, y, k]),
        _ => return Err(format!("a colour of {} numbers in a {source:?} colour space", operands.len())),
    };
    Ok(cmyk.iter().map(|&v| Object::Real(round(v))).collect())
}

/// Four decimals are finer than any press screen.
fn round(v: f32) -> f32 {
    (v * 10_000.0).round() / 10_000.0
}

/// A picture in RGB becomes CMYK within the ink limit; one in CMYK is held to the limit;
/// greys, masks and spot colours stay.
fn convert_picture(document: &mut Document, id: ObjectId, inks: &mut Inks) -> Result<(), String> {
    let Ok(Object::Stream(stream)) = document.get_object(id) else { return Ok(()) };
    let dict = &stream.dict;
    if dict.get(b"ImageMask").and_then(Object::as_bool).unwrap_or(false) {
        return Ok(());
    }
    let Ok(space_object) = dict.get(b"ColorSpace") else { return Ok(()) };
    let space = space_of(document, space_object);
    if let Some(indexed) = indexed_palette(document, space_object) {
        return convert_palette(document, id, indexed, inks);
    }
    if space == Space::Other {
        return Ok(());
    }
    if space == Space::Grey {
        // Grey samples print on the black plate as DeviceGray; through an ICC profile they
        // would be made four-colour.
        if let Ok(Object::Stream(stream)) = document.get_object_mut(id) {
            stream.dict.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
        }
        return Ok(());
    }
    let bits = dict.get(b"BitsPerComponent").and_then(Object::as_i64).unwrap_or(8);
    let (width, height) = (
        dict.get(b"Width").and_then(Object::as_i64).unwrap_or(0) as usize,
        dict.get(b"Height").and_then(Object::as_i64).unwrap_or(0) as usize,
    );
    let channels = if space == Space::Rgb { 3 } else { 4 };
    let pixels = picture_samples(stream, width, height, channels, bits)?;
    let cmyk = if space == Space::Rgb {
        inks.picture(&pixels)
    } else {
        let mut pixels = pixels;
        limit_pixels(&mut pixels);
        pixels
    };
    let Ok(Object::Stream(stream)) = document.get_object_mut(id) else { return Ok(()) };
    stream.dict.set("ColorSpace", Object::Name(b"DeviceCMYK".to_vec()));
    stream.dict.set("BitsPerComponent", 8);
    stream.dict.remove(b"Decode");
    stream.set_plain_content(cmyk);
    stream.compress().map_err(|e| e.to_string())
}

/// A picture's samples as 8 bits a channel, from Flate or JPEG data.
fn picture_samples(
    stream: &Stream,
    width: usize,
    height: usize,
    channels: usize,
    bits: i64,
) -> Result<Vec<u8>, String> {
    let filters = stream.filters().unwrap_or_default();
    let samples = if filters.iter().any(|f| *f == b"DCTDecode") {
        if channels != 3 {
            return Err("a CMYK JPEG picture cannot be held to the ink limit; give it in RGB".into());
        }
        let picture = image::load_from_memory_with_format(&stream.content, image::ImageFormat::Jpeg)
            .map_err(|e| format!("a JPEG picture cannot be read: {e}"))?;
        return Ok(picture.to_rgb8().into_raw());
    } else {
        stream.decompressed_content().map_err(|e| format!("a picture cannot be read: {e}"))?
    };
    let expected = width * height * channels;
    match bits {
        8 if samples.len() >= expected => Ok(samples[..expected].to_vec()),
        // The high byte of each 16-bit sample.
        16 if samples.len() >= expected * 2 => Ok(samples.chunks_exact(2).take(expected).map(|s| s[0]).collect()),
        _ => Err(format!("a picture of {bits} bits a channel cannot be converted")),
    }
}

/// An indexed colour space's base space and palette.
fn indexed_palette(document: &Document, space: &Object) -> Option<(Space, Vec<u8>)> {
    let (_, space) = document.dereference(space).ok()?;
    let items = space.as_array().ok()?;
    if items.first()?.as_name().ok()? != b"Indexed" {
        return None;
    }
    let base = space_of(document, items.get(1)?);
    let palette = match document.dereference(items.get(3)?).ok()?.1 {
        Object::String(bytes, _) => bytes.clone(),
        Object::Stream(s) => s.decompressed_content().ok()?,
        _ => return None,
    };
    Some((base, palette))
}

fn convert_palette(
    document: &mut Document,
    id: ObjectId,
    (base, palette): (Space, Vec<u8>),
    inks: &mut Inks,
) -> Result<(), String> {
    let Ok(Object::Stream(stream)) = document.get_object_mut(id) else { return Ok(()) };
    let Ok(Object::Array(items)) = stream.dict.get(b"ColorSpace").cloned() else {
        return Err("a picture's indexed colours are kept elsewhere in the file".into());
    };
    let cmyk = match base {
        Space::Rgb => inks.picture(&palette),
        Space::Cmyk => {
            let mut palette = palette;
            limit_pixels(&mut palette);
            palette
        }
        _ => return Ok(()),
    };
    let mut items = items;
    items[1] = Object::Name(b"DeviceCMYK".to_vec());
    items[3] = Object::String(cmyk, lopdf::StringFormat::Hexadecimal);
    stream.dict.set("ColorSpace", Object::Array(items));
    Ok(())
}

/// Axial and radial shadings whose colours are RGB functions of type 2 (or type 3 stitching
/// them) get CMYK end colours; any other RGB shading is refused.
fn convert_shading(document: &mut Document, id: ObjectId, inks: &mut Inks) -> Result<(), String> {
    let Some(dict) = dictionary_of(document, id) else { return Ok(()) };
    let Ok(space) = dict.get(b"ColorSpace") else { return Ok(()) };
    let source = space_of(document, space);
    if !matches!(source, Space::Rgb | Space::Grey) {
        return Ok(());
    }
    let mut function = dict.get(b"Function").cloned().map_err(|_| "a shading without a function".to_string())?;
    let mut seen = BTreeSet::new();
    convert_function(document, &mut function, source, inks, &mut seen)?;
    let dict = match document.get_object_mut(id) {
        Ok(Object::Dictionary(d)) => d,
        Ok(Object::Stream(s)) => &mut s.dict,
        _ => return Ok(()),
    };
    dict.set("ColorSpace", Object::Name(b"DeviceCMYK".to_vec()));
    dict.set("Function", function);
    if let Ok(Object::Array(background)) = dict.get(b"Background").cloned() {
        dict.set("Background", Object::Array(cmyk_of(inks, source, &background)?));
    }
    Ok(())
}

fn convert_function(
    document: &mut Document,
    function: &mut Object,
    source: Space,
    inks: &mut Inks,
    seen: &mut BTreeSet<ObjectId>,
) -> Result<(), String> {
    let refused = || "the PDF has a colour gradient of a kind that cannot be converted to CMYK".to_string();
    if let Object::Reference(id) = function {
        let id = *id;
        if !seen.insert(id) {
            return Ok(());
        }
        let mut inner = document.get_object(id).map_err(|e| e.to_string())?.clone();
        convert_function(document, &mut inner, source, inks, seen)?;
        *document.get_object_mut(id).map_err(|e| e.to_string())? = inner;
        return Ok(());
    }
    if let Object::Array(functions) = function {
        for f in functions.iter_mut() {
            convert_function(document, f, source, inks, seen)?;
        }
        return Ok(());
    }
    let dict = function.as_dict_mut().map_err(|_| refused())?;
    match dict.get(b"FunctionType").and_then(Object::as_i64).map_err(|_| refused())? {
        2 => {
            let components = if source == Space::Grey { 1 } else { 3 };
            for key in [b"C0".as_slice(), b"C1"] {
                let colour = match dict.get(key) {
                    Ok(Object::Array(c)) => c.clone(),
                    _ if key == b"C0" => vec![Object::Real(0.0); components],
                    _ => vec![Object::Real(1.0); components],
                };
                dict.set(key, Object::Array(cmyk_of(inks, source, &colour)?));
            }
            Ok(())
        }
        3 => {
            let mut parts = dict.get(b"Functions").cloned().map_err(|_| refused())?;
            convert_function(document, &mut parts, source, inks, seen)?;
            dict.set("Functions", parts);
            Ok(())
        }
        _ => Err(refused()),
    }
}
