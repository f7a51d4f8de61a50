//! Print-ready, accessible PDF leaflets, typeset by Typst used as a library.
//!
//! The handout reaches the template as JSON data through a sandboxed [`world::HandoutWorld`];
//! `accessible = true` exports tagged PDF/UA-1. With a bleed, the written PDF gets a BleedBox
//! (Typst writes only the TrimBox).

mod data;
mod world;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diagnostic::Diagnostic;
use crate::model::{Date, Format, FormatOptions, Layout, PdfOptions as ProfilePdf};
use crate::output::Artifact;
use crate::render::{RenderContext, Renderer};
use crate::settings::Project;
use world::{Engine, HandoutWorld};

/// The template a project may override with `assets/templates/handout.typ`.
const TEMPLATE: &str = include_str!("../../../assets/templates/handout.typ");
const TEMPLATE_OVERRIDE: &str = "assets/templates/handout.typ";

/// Renders PDF profiles; fonts are loaded once per project per process.
pub struct PdfRenderer {
    engines: Mutex<HashMap<PathBuf, Arc<Engine>>>,
    /// QR codes by address: a catalog's handouts mostly share a few.
    qr_codes: Mutex<HashMap<String, Vec<u8>>>,
    /// Font folders named on the command line (`--font-path`).
    font_paths: Vec<PathBuf>,
}

impl PdfRenderer {
    pub fn new(font_paths: Vec<PathBuf>) -> Self {
        PdfRenderer { engines: Mutex::new(HashMap::new()), qr_codes: Mutex::new(HashMap::new()), font_paths }
    }

    fn engine(&self, project: &Project) -> Result<Arc<Engine>, String> {
        let mut engines = self.engines.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(engine) = engines.get(&project.root) {
            return Ok(engine.clone());
        }
        let engine = Arc::new(Engine::new(&project_fonts(project, &self.font_paths)?));
        engines.insert(project.root.clone(), engine.clone());
        Ok(engine)
    }
}

/// The embedded fonts, then the project's `fonts/` folder and `[fonts] paths`, then the
/// folders given with `--font-path`.
fn project_fonts(project: &Project, font_paths: &[PathBuf]) -> Result<Vec<crate::fonts::FontFile>, String> {
    let mut files = crate::fonts::embedded();
    let mut folders = vec![project.root.join("fonts")];
    for path in &project.settings.fonts.paths {
        let folder = project.root.join(path).canonicalize().map_err(|e| format!("font folder `{path}`: {e}"))?;
        if !folder.starts_with(&project.root) {
            return Err(format!("font folder `{path}` is outside the project root"));
        }
        folders.push(folder);
    }
    for folder in font_paths {
        if !folder.is_dir() {
            return Err(format!("--font-path {}: no such folder", folder.display()));
        }
        folders.push(folder.clone());
    }
    for folder in folders.iter().filter(|f| f.is_dir()) {
        files.extend(crate::fonts::in_folder(folder).map_err(|e| format!("font folder {}: {e}", folder.display()))?);
    }
    Ok(files)
}

impl Renderer for PdfRenderer {
    fn format(&self) -> Format {
        Format::Pdf
    }

    fn render(&self, context: &RenderContext) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let selection = context.selection;
        let handout = selection.handout;
        let profile = &selection.profile.name;
        let error = |message: String| Diagnostic::error(&handout.path, "pdf", message).profile(profile);
        let options = match &selection.profile.options {
            FormatOptions::Pdf(options) => options.clone(),
            _ => ProfilePdf::default(),
        };
        let engine = self.engine(context.project).map_err(|e| vec![error(e)])?;
        let template = template(context.project).map_err(|d| vec![d])?;

        // The files the template may read: data, images, logo, QR code.
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let logo = match &handout.brand.logo {
            Some(path) => {
                let virtual_path = format!(
                    "/logo.{}",
                    path.extension().and_then(|e| e.to_str()).unwrap_or("png").to_ascii_lowercase()
                );
                files.push((
                    virtual_path.clone(),
                    image_bytes(path).map_err(|why| vec![error(format!("logo {}: {why}", path.display()))])?,
                ));
                Some(virtual_path)
            }
            None => None,
        };
        let qr = match &handout.meta.contact.url {
            Some(url) => {
                let svg = self.qr_svg(url).map_err(|e| vec![error(format!("QR code for {url}: {e}"))])?;
                files.push(("/qr.svg".into(), svg));
                Some("/qr.svg")
            }
            None => None,
        };
        let fonts = font_chain(context.project, &handout.meta.lang);
        let families: Vec<String> = engine.book.families().map(|(name, _)| name.to_string()).collect();
        for family in &fonts {
            if !families.iter().any(|f| f.eq_ignore_ascii_case(family)) {
                let mut known = families.clone();
                known.dedup();
                let near = crate::diagnostic::did_you_mean(family, known.iter().map(String::as_str))
                    .map(|n| format!("did you mean \"{n}\"? "))
                    .unwrap_or_default();
                return Err(vec![
                    error(format!("font family \"{family}\" (from [fonts] in handout.toml) is not available")).hint(
                        format!(
                            "{near}put its .ttf/.otf files in the project's fonts/ folder; available: {}",
                            known.join(", ")
                        ),
                    ),
                ]);
            }
        }
        let data = data::template_data(selection, &options, &fonts, logo.as_deref(), qr);
        for (virtual_path, path) in &data.images {
            files.push((
                virtual_path.clone(),
                image_bytes(path).map_err(|why| vec![error(format!("image {}: {why}", path.display()))])?,
            ));
        }
        files.push(("/data.json".into(), serde_json::to_vec(&data.json).expect("data serializes")));

        let today = Date::from_unix(context.timestamp);
        let world = HandoutWorld::new(&engine, template, files, today);
        let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
        // Typst memoizes across compiles. What the next handout reuses (the template, fonts,
        // shared images) was used by this compile or the one before; the rest is dropped, which
        // keeps the cache small over a catalog (measured: 3% faster and 30 MB less than keeping
        // ten compiles' worth, see BENCHMARKS.md).
        typst::comemo::evict(2);
        let document = output.map_err(|errors| typst_errors(&world, &errors, &options, &error))?;
        let missing = missing_glyphs(&document);
        if !missing.is_empty() {
            let listed: Vec<String> = missing.iter().take(8).map(|c| format!("'{c}' (U+{:04X})", *c as u32)).collect();
            let more = if missing.len() > 8 { format!(" and {} more", missing.len() - 8) } else { String::new() };
            // The first of them the author typed (1:1 when they come from interface strings).
            let at = crate::diagnostic::place_in_file(&handout.path, |text| text.find(missing.as_slice()));
            return Err(vec![error(format!(
                "no font has these characters, which would print as empty boxes: {}{more} (fonts tried: {})",
                listed.join(", "),
                fonts.join(", ")
            ))
            .at(at)
            .hint(format!(
                "put a font that has them in the project's fonts/ folder and name it in handout.toml, e.g. `[fonts] {} = [\"Noto Sans SC\"]`",
                handout.meta.lang.split('-').next().unwrap_or("zh")
            ))]);
        }
        if options.layout == Layout::Trifold && document.pages().len() != 2 {
            return Err(vec![
                error(format!(
                    "the tri-fold's text overflows: it needs {} pages instead of 2 sides",
                    document.pages().len()
                ))
                .hint("shorten the sections, leave some out with `sections`/`exclude`, or use `layout = \"page\"`"),
            ]);
        }

        let standards =
            if options.accessible { PdfStandards::new(&[PdfStandard::Ua_1]) } else { PdfStandards::new(&[]) }
                .map_err(|e| vec![error(e.message().to_string())])?;
        let seconds = context.timestamp.rem_euclid(86_400);
        let pdf_options = PdfOptions {
            ident: Smart::Custom(format!("handout/{}/{profile}", handout.meta.slug)),
            creator: Smart::Custom(Some(format!("handout {}", env!("CARGO_PKG_VERSION")))),
            timestamp: Datetime::from_ymd_hms(
                today.year,
                today.month,
                today.day,
                (seconds / 3600) as u8,
                (seconds / 60 % 60) as u8,
                (seconds % 60) as u8,
            )
            .map(Timestamp::new_utc),
            standards,
            tagged: options.accessible,
            ..PdfOptions::default()
        };
        let mut bytes = typst_pdf::pdf(&document, &pdf_options)
            .map_err(|errors| typst_errors(&world, &errors, &options, &error))?;
        if options.bleed > 0.0 {
            bytes = set_bleed_box(&bytes, options.bleed)
                .map_err(|e| vec![error(format!("could not set the BleedBox: {e}"))])?;
        }
        Ok(vec![Artifact { file_name: format!("{profile}.pdf"), bytes }])
    }
}

/// Characters Typst set with no glyph (the font chain lacks them), in order of first use.
fn missing_glyphs(document: &PagedDocument) -> Vec<char> {
    fn walk(frame: &typst::layout::Frame, found: &mut Vec<char>) {
        for (_, item) in frame.items() {
            match item {
                typst::layout::FrameItem::Group(group) => walk(&group.frame, found),
                typst::layout::FrameItem::Text(text) => {
                    for glyph in text.glyphs.iter().filter(|g| g.id == 0) {
                        for c in text.text.get(glyph.range()).unwrap_or_default().chars() {
                            if !c.is_whitespace() && !found.contains(&c) {
                                found.push(c);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut found = Vec::new();
    for page in document.pages() {
        walk(&page.frame, &mut found);
    }
    found
}

/// The project's own template, else the embedded one.
fn template(project: &Project) -> Result<String, Diagnostic> {
    let path = project.root.join(TEMPLATE_OVERRIDE);
    if !path.is_file() {
        return Ok(TEMPLATE.to_string());
    }
    let canonical =
        path.canonicalize().map_err(|e| Diagnostic::error(&path, "pdf", format!("cannot open the template: {e}")))?;
    if !canonical.starts_with(&project.root) {
        return Err(Diagnostic::error(&path, "path", "the template is a link to a file outside the project root"));
    }
    crate::content::read_text(&canonical, &crate::diagnostic::display_path(&path))
}

/// Font families tried in order: the project's chain for the language (or its default),
/// then the embedded chain for the language.
fn font_chain(project: &Project, lang: &str) -> Vec<String> {
    let fonts = &project.settings.fonts;
    let primary = lang.split('-').next().unwrap_or(lang);
    let mut chain: Vec<String> = fonts
        .by_lang
        .get(lang)
        .or_else(|| fonts.by_lang.get(primary))
        .cloned()
        .unwrap_or_else(|| fonts.default.clone());
    for family in crate::fonts::default_chain(lang) {
        if !chain.iter().any(|f| f.eq_ignore_ascii_case(family)) {
            chain.push(family.to_string());
        }
    }
    chain
}

/// An image's bytes. Every image was decoded within the limits when the handout (or the
/// project, for the logo) was loaded, so a decompression bomb never reaches Typst.
fn image_bytes(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))
}

impl PdfRenderer {
    fn qr_svg(&self, url: &str) -> Result<Vec<u8>, qrcode::types::QrError> {
        if let Some(svg) = self.qr_codes.lock().unwrap_or_else(|e| e.into_inner()).get(url) {
            return Ok(svg.clone());
        }
        let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)?;
        let svg =
            code.render::<qrcode::render::svg::Color>().quiet_zone(true).min_dimensions(240, 240).build().into_bytes();
        self.qr_codes.lock().unwrap_or_else(|e| e.into_inner()).insert(url.to_string(), svg.clone());
        Ok(svg)
    }
}

/// Typst's errors as diagnostics; the template's overflow checks become plain messages.
fn typst_errors(
    world: &HandoutWorld,
    errors: &[SourceDiagnostic],
    options: &ProfilePdf,
    error: &dyn Fn(String) -> Diagnostic,
) -> Vec<Diagnostic> {
    errors
        .iter()
        .map(|e| {
            let message = e.message.as_str();
            if let Some(rest) = message.split("handout-overflow:").nth(1) {
                let parts: Vec<&str> = rest.trim_end_matches(['"', ')']).split(':').collect();
                let (area, over, have) = (parts.first().copied().unwrap_or(""), parts.get(1).copied().unwrap_or("?"), parts.get(2).copied().unwrap_or("?"));
                let place = if area == "flap" { "the references on the inside flap" } else { "the sections on the three inside panels" };
                return error(format!("the tri-fold overflows: {place} need about {over} mm more than the {have} mm of column they have"))
                    .hint("shorten the text, leave sections out with `sections`/`exclude`, set `citations = \"none\"`, or use `layout = \"page\"`");
            }
            let mut d = error(format!("typesetting failed: {message}{}", template_place(world, e)));
            if let Some(hint) = e.hints.first() {
                d = d.hint(hint.v.to_string());
            } else if options.accessible && message.contains("PDF/UA") {
                d = d.hint("this is an accessibility (PDF/UA-1) requirement; `accessible = false` in the profile turns the check off");
            }
            d
        })
        .collect()
}

/// " (template line L:C)" for errors raised in the template, to help whoever edits it.
fn template_place(world: &HandoutWorld, error: &SourceDiagnostic) -> String {
    use typst::{World, WorldExt};
    let Some(id) = error.span.id() else { return String::new() };
    let (Some(range), Ok(source)) = (world.range(error.span), world.source(id)) else { return String::new() };
    match source.lines().byte_to_line_column(range.start) {
        Some((line, column)) => format!(" (template {}:{})", line + 1, column + 1),
        None => String::new(),
    }
}

/// Adds a BleedBox (the TrimBox grown by the bleed) to every page.
fn set_bleed_box(pdf: &[u8], bleed_mm: f64) -> Result<Vec<u8>, String> {
    use lopdf::{Document, Object};
    let mut document = Document::load_mem(pdf).map_err(|e| e.to_string())?;
    let bleed = bleed_mm * 72.0 / 25.4;
    let pages: Vec<_> = document.get_pages().into_values().collect();
    for id in pages {
        let page = document.get_object_mut(id).and_then(Object::as_dict_mut).map_err(|e| e.to_string())?;
        let trim: Vec<f64> = page
            .get(b"TrimBox")
            .and_then(Object::as_array)
            .map_err(|e| e.to_string())?
            .iter()
            .map(|o| o.as_float().map(f64::from).or_else(|_| o.as_i64().map(|i| i as f64)))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        let [x0, y0, x1, y1] = trim[..] else { return Err("a TrimBox without four numbers".into()) };
        let bleed_box = [x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed].map(|v| Object::Real(v as f32)).to_vec();
        page.set("BleedBox", Object::Array(bleed_box));
    }
    let mut out = Vec::new();
    document.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}
