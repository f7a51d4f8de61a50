//! The press PDF (`press = true`): PDF/X-4 (ISO 15930-7) for a print shop. Typst writes no
//! PDF/X, so the PDF it writes is finished here: every colour made CMYK through the printing
//! condition's ICC profile ([`inks`], [`convert`]), links and other annotations dropped, the
//! output intent with the profile embedded, and the PDF/X keys in the Info dictionary and the
//! XMP metadata. The boxes and marks are set by `finish` as for any print PDF.

mod convert;
mod inks;

use std::path::PathBuf;

use lopdf::{Dictionary, Document, Object, Stream, StringFormat};
use serde::Serialize;

pub use inks::INK_LIMIT;

/// The printing condition a press PDF is made for: its characterisation profile and the names
/// a print shop's preflight reads in the output intent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Condition {
    /// ISO 12647-2 coated paper, characterised as FOGRA39 (Europe and ISO paper sizes).
    Fogra39,
    /// GRACoL 2006 coated, characterised as CGATS TR 006 (the United States).
    Gracol2006,
    /// A CMYK output profile inside the project, e.g. the print shop's own.
    Custom { path: PathBuf, description: String },
}

/// The built-in profiles, made by this project from published characterisation data (see
/// assets/icc/README.md): 300 % total ink, black generation on a ramp.
const FOGRA39: &[u8] = include_bytes!("../../../../assets/icc/fogra39-300.icc");
const GRACOL2006: &[u8] = include_bytes!("../../../../assets/icc/gracol2006-300.icc");

impl Condition {
    /// The names `press-profile` takes besides a path.
    pub const NAMES: &[&str] = &["fogra39", "gracol2006"];

    pub fn named(name: &str) -> Option<Condition> {
        match name {
            "fogra39" => Some(Condition::Fogra39),
            "gracol2006" => Some(Condition::Gracol2006),
            _ => None,
        }
    }

    /// The profile of a built-in condition (a custom one is read from its file).
    pub fn profile(&self) -> &'static [u8] {
        match self {
            Condition::Fogra39 => FOGRA39,
            Condition::Gracol2006 => GRACOL2006,
            Condition::Custom { .. } => &[],
        }
    }

    /// The name of the printing condition in the output intent (and the slug line).
    pub fn identifier(&self) -> &str {
        self.names().0
    }

    /// The registered characterisation (ICC's registry) and how it is described, or "Custom"
    /// and the profile's own description.
    fn names(&self) -> (&str, String, Option<&'static str>) {
        match self {
            Condition::Fogra39 => (
                "FOGRA39",
                "Offset printing, according to ISO 12647-2:2004/Amd 1, paper type 1 or 2 (coated art), 115 g/m2".into(),
                Some("http://www.color.org"),
            ),
            Condition::Gracol2006 => (
                "CGATS TR 006",
                "GRACoL 2006 coated: offset printing on grade 1 coated paper (ISO 12647-2 paper type 1)".into(),
                Some("http://www.color.org"),
            ),
            Condition::Custom { description, .. } => ("Custom", description.clone(), None),
        }
    }
}

/// Reads a custom profile's description, or says why it cannot serve a press PDF.
pub fn describe_profile(bytes: &[u8]) -> Result<String, String> {
    let profile = lcms2::Profile::new_icc(bytes).map_err(|_| "it is not an ICC profile".to_string())?;
    if profile.color_space() != lcms2::ColorSpaceSignature::CmykData {
        return Err("it is not a CMYK profile; a press PDF needs the CMYK profile of the printing condition".into());
    }
    if profile.device_class() != lcms2::ProfileClassSignature::OutputClass {
        return Err("it is not an output (printer) profile".into());
    }
    Ok(profile
        .info(lcms2::InfoType::Description, lcms2::Locale::none())
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| "Custom CMYK printing condition".into()))
}

/// Makes the document a PDF/X-4 file for `condition`, whose ICC data is `profile`.
pub fn make_pdf_x4(document: &mut Document, condition: &Condition, profile: &[u8]) -> Result<(), String> {
    let mut inks = inks::Inks::new(profile)?;
    convert::to_cmyk(document, &mut inks)?;
    drop_annotations(document);
    add_output_intent(document, condition, profile)?;
    mark_info(document)?;
    mark_metadata(document)?;
    document.version = "1.6".into();
    // The RGB colour spaces and profiles nothing uses any more.
    document.prune_objects();
    Ok(())
}

/// Links and every other annotation: PDF/X allows none on the printed page.
fn drop_annotations(document: &mut Document) {
    let pages: Vec<_> = document.get_pages().into_values().collect();
    for page in pages {
        if let Ok(dict) = document.get_object_mut(page).and_then(Object::as_dict_mut) {
            dict.remove(b"Annots");
        }
    }
    if let Ok(catalog) = document.catalog_mut() {
        catalog.remove(b"AcroForm");
        catalog.remove(b"OpenAction");
    }
}

fn text(value: &str) -> Object {
    Object::String(value.as_bytes().to_vec(), StringFormat::Literal)
}

fn add_output_intent(document: &mut Document, condition: &Condition, profile: &[u8]) -> Result<(), String> {
    let mut icc = Stream::new(Dictionary::from_iter([("N", Object::Integer(4))]), profile.to_vec());
    icc.compress().map_err(|e| e.to_string())?;
    let icc = document.add_object(icc);
    let (identifier, description, registry) = condition.names();
    let mut intent = Dictionary::from_iter([
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFX".to_vec())),
        ("OutputConditionIdentifier", text(identifier)),
        ("OutputCondition", text(&description)),
        ("Info", text(&description)),
        ("DestOutputProfile", Object::Reference(icc)),
    ]);
    if let Some(registry) = registry {
        intent.set("RegistryName", text(registry));
    }
    let intent = document.add_object(intent);
    let catalog = document.catalog_mut().map_err(|e| e.to_string())?;
    catalog.set("OutputIntents", Object::Array(vec![Object::Reference(intent)]));
    Ok(())
}

/// The PDF/X version and the trapping state in the Info dictionary.
fn mark_info(document: &mut Document) -> Result<(), String> {
    let info = match document.trailer.get(b"Info") {
        Ok(Object::Reference(id)) => *id,
        _ => {
            let id = document.add_object(Dictionary::new());
            document.trailer.set("Info", Object::Reference(id));
            id
        }
    };
    let info = document.get_object_mut(info).and_then(Object::as_dict_mut).map_err(|e| e.to_string())?;
    info.set("GTS_PDFXVersion", text("PDF/X-4"));
    info.set("Trapped", Object::Name(b"False".to_vec()));
    Ok(())
}

/// The XMP metadata says the same as the Info dictionary: PDF/X-4, not trapped, and the
/// version and rendition PDF/X-4 asks for.
fn mark_metadata(document: &mut Document) -> Result<(), String> {
    let id = document
        .catalog()
        .and_then(|c| c.get(b"Metadata"))
        .and_then(Object::as_reference)
        .map_err(|_| "Typst wrote no XMP metadata".to_string())?;
    let stream = document.get_object_mut(id).and_then(Object::as_stream_mut).map_err(|e| e.to_string())?;
    let xmp = String::from_utf8(stream.decompressed_content().unwrap_or_else(|_| stream.content.clone()))
        .map_err(|_| "the XMP metadata is not UTF-8".to_string())?;
    let Some(end) = xmp.rfind("</rdf:RDF>") else { return Err("the XMP metadata has no rdf:RDF".into()) };
    let mut added = String::from(
        "<rdf:Description rdf:about=\"\" xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\">\
         <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion><pdf:Trapped>False</pdf:Trapped>",
    );
    if !xmp.contains("xmpMM:VersionID") {
        added.push_str("<xmpMM:VersionID>1</xmpMM:VersionID>");
    }
    if !xmp.contains("xmpMM:RenditionClass") {
        added.push_str("<xmpMM:RenditionClass>default</xmpMM:RenditionClass>");
    }
    if let Some(modified) = between(&xmp, "<xmp:ModifyDate>", "</xmp:ModifyDate>")
        && !xmp.contains("xmp:MetadataDate")
    {
        added.push_str(&format!(
            "</rdf:Description><rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\
             <xmp:MetadataDate>{modified}</xmp:MetadataDate>"
        ));
    }
    added.push_str("</rdf:Description>");
    // The press file is the master the shop prints, not a proof of it.
    let xmp = format!("{}{added}{}", &xmp[..end], &xmp[end..])
        .replace("<xmpMM:RenditionClass>proof<", "<xmpMM:RenditionClass>default<");
    // Metadata stays uncompressed, so that tools that do not parse PDF can find it.
    stream.set_plain_content(xmp.into_bytes());
    Ok(())
}

/// The text between `start` and `end` in `text`.
fn between<'t>(text: &'t str, start: &str, end: &str) -> Option<&'t str> {
    let from = text.find(start)? + start.len();
    Some(&text[from..from + text[from..].find(end)?])
}
