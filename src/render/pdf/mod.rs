//! Print-ready, accessible PDF leaflets, typeset by Typst used as a library.
//!
//! The handout reaches the template as JSON data through a sandboxed [`world::HandoutWorld`];
//! `accessible = true` exports tagged PDF/UA-1. With a bleed, the written PDF gets a BleedBox
//! (Typst writes only the TrimBox).

mod data;
mod finish;
mod fit;
pub mod geometry;
mod options;
pub mod press;
mod world;

pub use options::{KEYS, Layout, Options, Paper};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diagnostic::Diagnostic;
use crate::model::{Date, Lang};
use crate::output::Artifact;
use crate::render::RenderContext;
use crate::settings::Project;
use data::Fit;
use geometry::Geometry;
use world::{Engine, HandoutWorld};

/// The template a project may override with `assets/templates/handout.typ`.
const TEMPLATE: &str = include_str!("../../../assets/templates/handout.typ");
const TEMPLATE_OVERRIDE: &str = "assets/templates/handout.typ";

/// Renders PDF profiles; fonts are loaded once per project per process.
pub struct PdfRenderer {
    engines: Mutex<HashMap<crate::files::Root, Arc<Engine>>>,
    /// QR codes by address: a catalog's handouts mostly share a few.
    qr_codes: Mutex<HashMap<String, (Vec<u8>, f64)>>,
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
    let root = &project.root;
    let mut files = crate::fonts::embedded();
    let read_inside = |path: &Path| root.read(path, crate::files::MAX_FONT_FILE);
    files.extend(crate::fonts::in_folder(&root.files_in(&root.path().join("fonts")), &read_inside)?);
    for path in &project.settings.fonts.paths {
        let folder = root.path().join(path);
        let inside = folder.canonicalize().is_ok_and(|f| f.starts_with(root.path()) && f.is_dir());
        if !inside {
            return Err(format!("font folder `{path}` is not a folder inside the project root"));
        }
        files.extend(crate::fonts::in_folder(&root.files_in(&folder), &read_inside)?);
    }
    // Folders named on the command line are the user's own choice, outside any project.
    for folder in font_paths {
        let outside = crate::files::Root::new(folder).map_err(|e| format!("--font-path {}: {e}", folder.display()))?;
        let read = |path: &Path| outside.read(path, crate::files::MAX_FONT_FILE);
        files.extend(crate::fonts::in_folder(&outside.files_in(folder), &read)?);
    }
    Ok(files)
}

/// A profile laid out: its pages, and what exporting them needs.
pub struct Typeset {
    pub document: PagedDocument,
    world: HandoutWorld,
    geometry: Geometry,
    today: Date,
    timings: Timings,
}

/// Where a PDF's time went, printed on stderr when `HANDOUT_TIMINGS` is set (for the
/// benchmarks: BENCHMARKS.md). `HANDOUT_TYPST_PROJECT=DIR` also writes each PDF's last layout
/// as a Typst project, for comparing with the `typst` command.
#[derive(Default)]
struct Timings {
    /// Typst layouts made while fitting the pages, and their time.
    compiles: u32,
    layout: std::time::Duration,
    export: std::time::Duration,
    finish: std::time::Duration,
}

impl Timings {
    fn report(&self, slug: &str, profile: &str, pages: usize) {
        if std::env::var_os("HANDOUT_TIMINGS").is_some() {
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
            eprintln!(
                "timings {slug}/{profile}: pages={pages} layouts={} layout_ms={:.1} export_ms={:.1} finish_ms={:.1}",
                self.compiles,
                ms(self.layout),
                ms(self.export),
                ms(self.finish)
            );
        }
    }
}

impl PdfRenderer {
    /// Renders a selected profile into its PDF, held in memory.
    pub fn render(&self, context: &RenderContext, options: &Options) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let typeset = self.typeset(context, options)?;
        export(context, options, typeset)
    }

    /// Lays out a selected profile's pages (for previews: nothing is exported); every problem
    /// a build would report is reported.
    pub fn typeset(&self, context: &RenderContext, options: &Options) -> Result<Typeset, Vec<Diagnostic>> {
        let selection = context.selection;
        let handout = selection.handout;
        let profile = &selection.profile.name;
        let error = |message: String| Diagnostic::error(&handout.path, "pdf", message).profile(profile);
        let geometry = Geometry::new(options, handout.meta.direction);
        let engine = self.engine(context.project).map_err(|e| vec![error(e)])?;
        let template = template(context.project).map_err(|d| vec![d])?;

        // The files the template may read: data, images, logo, QR code. Their virtual names
        // are made here, never taken from the author, and name what the bytes are.
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let logo = match &handout.brand.logo {
            Some(path) => {
                let virtual_path = format!("/logo.{}", crate::images::sniffed_extension(path));
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
                let (svg, width) = self.qr_svg(url).map_err(|e| vec![error(format!("QR code for {url}: {e}"))])?;
                files.push(("/qr.svg".into(), svg));
                Some(("/qr.svg", width))
            }
            None => None,
        };
        let fonts = font_chain(context.project, &handout.meta.lang);
        check_families(&engine, &fonts).map_err(|d| vec![error(d.0).hint(d.1)])?;
        let slug_line = geometry.mark_offset.map(|_| slug_line(selection, &geometry, options.press.as_ref()));
        let frame = data::Frame { options, geometry: &geometry, fonts: &fonts, logo: logo.as_deref(), qr, slug_line };
        let data = data::template_data(selection, &frame);
        for (virtual_path, path) in &data.images {
            files.push((
                virtual_path.clone(),
                image_bytes(path).map_err(|why| vec![error(format!("image {}: {why}", path.display()))])?,
            ));
        }
        files.push((DATA_FILE.into(), data.bytes(&Fit::default())));

        let today = Date::from_unix(context.timestamp);
        let mut world = HandoutWorld::new(engine.clone(), template, files, today);
        let mut timings = Timings::default();
        let mut compile = |fit: &Fit| {
            world.set_file(DATA_FILE, data.bytes(fit));
            let started = std::time::Instant::now();
            let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
            timings.compiles += 1;
            timings.layout += started.elapsed();
            output.map_err(|errors| typst_errors(&world, &errors, options, &error, &selection.profile.origin))
        };
        let measure = |document: &PagedDocument| fit::measure(document, &geometry);
        let (document, _) = if options.layout == Layout::Trifold {
            fit::fit_trifold(&geometry, &mut compile, measure)?
        } else {
            fit::fit_pages(&geometry, &mut compile, measure)?
        };
        // Typst memoizes across compiles. What the next handout reuses (the template, fonts,
        // shared images) was used by this compile or the one before; the rest is dropped, which
        // keeps the cache small over a catalog (measured: 3% faster and 30 MB less than keeping
        // ten compiles' worth, see BENCHMARKS.md).
        typst::comemo::evict(2);
        let missing = missing_glyphs(&document);
        if !missing.is_empty() {
            let listed: Vec<String> = missing.iter().take(8).map(|c| format!("'{c}' (U+{:04X})", *c as u32)).collect();
            let more = if missing.len() > 8 { format!(" and {} more", missing.len() - 8) } else { String::new() };
            // The first of them the author typed (1:1 when they come from interface strings).
            let at = crate::files::place_in_file(&handout.path, |text| text.find(missing.as_slice()));
            return Err(vec![error(format!(
                "no font has these characters, which would print as empty boxes: {}{more} (fonts tried: {})",
                listed.join(", "),
                fonts.join(", ")
            ))
            .at(at)
            .hint(format!(
                "put a font that has them in the project's fonts/ folder and name it in handout.toml, e.g. `[fonts] {} = [\"Noto Sans SC\"]`",
                handout.meta.lang.primary()
            ))]);
        }
        if options.layout == Layout::Trifold && document.pages().len() != 2 {
            return Err(vec![trifold_overflow(selection, &document)]);
        }
        let overflows = fit::measure(&document, &geometry).overflows;
        if !overflows.is_empty() {
            return Err(overflows.iter().map(|word| too_wide(selection, word)).collect());
        }
        Ok(Typeset { document, world, geometry, today, timings })
    }
}

/// Exports laid-out pages as the profile's PDF: tagged when asked, with its boxes and marks.
fn export(context: &RenderContext, options: &Options, typeset: Typeset) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let selection = context.selection;
    let handout = selection.handout;
    let profile = &selection.profile.name;
    let error = |message: String| Diagnostic::error(&handout.path, "pdf", message).profile(profile);
    let Typeset { document, world, geometry, today, mut timings } = typeset;
    // PDF/X-4 is built on PDF 1.6.
    let standard: &[PdfStandard] = if options.accessible {
        &[PdfStandard::Ua_1]
    } else if options.press.is_some() {
        &[PdfStandard::V_1_6]
    } else {
        &[]
    };
    let standards = PdfStandards::new(standard).map_err(|e| vec![error(e.message().to_string())])?;
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
    let started = std::time::Instant::now();
    let bytes = typst_pdf::pdf(&document, &pdf_options)
        .map_err(|errors| typst_errors(&world, &errors, options, &error, &selection.profile.origin))?;
    timings.export = started.elapsed();
    let press = match &options.press {
        Some(condition @ press::Condition::Custom { path, .. }) => Some((
            condition,
            std::borrow::Cow::Owned(
                context
                    .project
                    .root
                    .read(path, crate::files::MAX_IMAGE_FILE)
                    .map_err(|why| vec![error(format!("press profile {}: {why}", path.display()))])?,
            ),
        )),
        Some(condition) => Some((condition, std::borrow::Cow::Borrowed(condition.profile()))),
        None => None,
    };
    let extras = finish::Extras {
        link_names: reference_targets(selection, &document, &geometry),
        outside_groups_last: if options.layout == Layout::Trifold && options.accessible { 2 } else { 0 },
        press: press.as_ref().map(|(condition, profile)| (*condition, profile.as_ref())),
    };
    let started = std::time::Instant::now();
    let bytes = finish::finish(&bytes, &geometry, &extras)
        .map_err(|e| vec![error(format!("could not finish the PDF: {e}"))])?;
    timings.finish = started.elapsed();
    timings.report(&handout.meta.slug, profile, document.pages().len());
    if let Some(dir) = std::env::var_os("HANDOUT_TYPST_PROJECT") {
        let dir = PathBuf::from(dir).join(format!("{}-{profile}", handout.meta.slug));
        world.write_project(&dir).map_err(|e| vec![error(format!("cannot write {}: {e}", dir.display()))])?;
    }
    Ok(vec![Artifact { file_name: format!("{profile}.pdf"), bytes }])
}

/// Page `index` of laid-out pages as a PNG, `scale` pixels per point (for previews).
pub fn page_png(document: &PagedDocument, index: usize, scale: f64) -> Option<Vec<u8>> {
    let page = document.pages().get(index)?;
    let options = typst_render::RenderOptions { pixel_per_pt: typst::utils::Scalar::new(scale), render_bleed: false };
    let pixmap = typst_render::render(page, &options);
    let (width, height) = (pixmap.width(), pixmap.height());
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    // A preview is shown once and thrown away: fast compression (the default spends most of
    // the page's time compressing).
    encoder.set_compression(png::Compression::Fast);
    encoder.write_header().and_then(|mut writer| writer.write_image_data(&pixmap.take_demultiplied())).ok()?;
    Some(png)
}

/// The virtual path of the handout's data.
const DATA_FILE: &str = "/data.json";

/// Every family of the chain must be a font the engine has.
fn check_families(engine: &Engine, fonts: &[String]) -> Result<(), (String, String)> {
    let families: Vec<String> = engine.book.families().map(|(name, _)| name.to_string()).collect();
    for family in fonts {
        if !families.iter().any(|f| f.eq_ignore_ascii_case(family)) {
            let mut known = families.clone();
            known.dedup();
            let near = crate::diagnostic::did_you_mean(family, known.iter().map(String::as_str))
                .map(|n| format!("did you mean \"{n}\"? "))
                .unwrap_or_default();
            return Err((
                format!("font family \"{family}\" (from [fonts] in handout.toml) is not available"),
                format!(
                    "{near}put its .ttf/.otf files in the project's fonts/ folder; available: {}",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The slug line a print shop reads: what the file is and how to cut it.
fn slug_line(selection: &crate::select::Selection, geometry: &Geometry, press: Option<&press::Condition>) -> String {
    let handout = selection.handout;
    let (w, h) = (geometry.width / geometry::MM, geometry.height / geometry::MM);
    let mut line = format!(
        "{} · {}.pdf · trim {w:.1} × {h:.1} mm · bleed {:.1} mm",
        handout.meta.slug,
        selection.profile.name,
        geometry.bleed / geometry::MM
    );
    if let Some(panels) = &geometry.panels {
        let widths: Vec<String> = panels.outside.iter().map(|p| format!("{:.1}", p.width / geometry::MM)).collect();
        line.push_str(&format!(" · letter fold, panels {} mm", widths.join(" + ")));
    }
    if let Some(condition) = press {
        line.push_str(&format!(" · PDF/X-4, {}", condition.identifier()));
    }
    if let Some(date) = handout.meta.reviewed {
        line.push_str(&format!(" · {date}"));
    }
    line
}

/// Where each reference entry starts, for links to it to announce "Reference 3" (in the
/// handout's language) instead of a page number.
fn reference_targets(
    selection: &crate::select::Selection,
    document: &PagedDocument,
    geometry: &Geometry,
) -> Vec<(usize, f64, f64, String)> {
    use typst::foundations::Label;
    use typst::introspection::Introspector as _;
    let introspector = document.introspector();
    let mut targets = Vec::new();
    for (i, reference) in selection.references.iter().enumerate() {
        let Some(label) = Label::new(typst::utils::PicoStr::intern(&reference.anchor())) else { continue };
        let Ok(element) = introspector.query_label(label) else { continue };
        let Some(position) = element.location().and_then(|l| introspector.position(l)) else { continue };
        let page = position.page.get() - 1;
        // Typst writes destinations from the top of the page with its bleed (the page frame is
        // the trimmed size), 10 pt above the target.
        let Some(height) = document.pages().get(page).map(|p| p.frame.height().to_pt() + 2.0 * geometry.outset) else {
            continue;
        };
        let number = reference.number.unwrap_or(i + 1);
        let name = selection.handout.strings.reference_n.replace("{n}", &number.to_string());
        let x = position.point.x.to_pt();
        let y = height - (position.point.y.to_pt() - 10.0).max(0.0);
        targets.push((page, x, y, name));
    }
    targets
}

/// A word wider than its column would print over the next one.
fn too_wide(selection: &crate::select::Selection, word: &str) -> Diagnostic {
    let handout = selection.handout;
    let visible: String = word
        .chars()
        .filter(|c| !matches!(c, '\u{200b}' | '\u{ad}'))
        .map(|c| if c == '\u{2011}' { '-' } else { c })
        .collect();
    let at = crate::files::place_in_file(&handout.path, |text| text.find(&visible));
    Diagnostic::error(&handout.path, "pdf", format!("“{visible}” is wider than its column and would print over the text beside it"))
        .at(at)
        .profile(&selection.profile.name)
        .hint("break it with a hyphen or a space, or for a web address, link shorter words to it: [the clinic's page](https://…)")
}

/// The tri-fold's inside needs a third side: name the sections that do not fit.
fn trifold_overflow(selection: &crate::select::Selection, document: &PagedDocument) -> Diagnostic {
    let mut names = Vec::new();
    let mut last_inside = None;
    for section in &selection.sections {
        let title =
            if section.heading.is_some() { section.title() } else { selection.handout.strings.introduction.clone() };
        match fit::page_of_label(document, &format!("sec-{}", section.id)) {
            Some(page) if page <= 2 => last_inside = Some(title),
            _ => names.push(format!("“{title}”")),
        }
    }
    if let Some(title) = last_inside {
        names.insert(0, format!("the end of “{title}”"));
    }
    let profile = selection.profile;
    Diagnostic::error(
        &profile.origin.path,
        "pdf",
        format!("the tri-fold's three inside panels are full: {} do not fit", names.join(", ")),
    )
    .at((profile.origin.line, profile.origin.column))
    .profile(&profile.name)
    .hint("shorten those sections, leave some out with `sections` or `exclude`, or use `layout = \"page\"`")
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
    let path = project.root.path().join(TEMPLATE_OVERRIDE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(TEMPLATE.to_string());
    }
    project.root.read_text(&path).map(|source| source.text)
}

/// Font families tried in order: the project's chain for the language (or its default),
/// then the embedded chain for the language.
fn font_chain(project: &Project, lang: &Lang) -> Vec<String> {
    let fonts = &project.settings.fonts;
    let mut chain: Vec<String> = fonts
        .by_lang
        .get(lang.as_str())
        .or_else(|| fonts.by_lang.get(&lang.primary()))
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
    crate::files::read_resolved_bytes(path, crate::files::MAX_IMAGE_FILE)
}

impl PdfRenderer {
    /// The QR code as SVG and its printed width in millimetres: the symbol at least 20 mm, with
    /// its quiet zone of four modules around it.
    fn qr_svg(&self, url: &str) -> Result<(Vec<u8>, f64), qrcode::types::QrError> {
        if let Some(found) = self.qr_codes.lock().unwrap_or_else(|e| e.into_inner()).get(url) {
            return Ok(found.clone());
        }
        let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)?;
        let modules = code.width() as f64;
        let svg =
            code.render::<qrcode::render::svg::Color>().quiet_zone(true).min_dimensions(240, 240).build().into_bytes();
        let found = (svg, 22.0 * (modules + 8.0) / modules);
        self.qr_codes.lock().unwrap_or_else(|e| e.into_inner()).insert(url.to_string(), found.clone());
        Ok(found)
    }
}

/// Typst's errors as diagnostics; the template's overflow checks become plain messages.
fn typst_errors(
    world: &HandoutWorld,
    errors: &[SourceDiagnostic],
    options: &Options,
    error: &dyn Fn(String) -> Diagnostic,
    origin: &crate::model::Origin,
) -> Vec<Diagnostic> {
    errors
        .iter()
        .map(|e| {
            let message = e.message.as_str();
            if let Some(rest) = message.split("handout-overflow:flap:").nth(1) {
                let parts: Vec<&str> = rest.trim_end_matches(['"', ')']).split(':').collect();
                let (over, have) = (parts.first().copied().unwrap_or("?"), parts.get(1).copied().unwrap_or("?"));
                let message =
                    format!("the tri-fold's references need about {over} mm more than the {have} mm of the inside flap");
                return Diagnostic { path: origin.path.clone(), ..error(message) }
                .at((origin.line, origin.column))
                .hint("cite fewer sources, leave sections out with `sections`/`exclude`, set `citations = \"none\"`, or use `layout = \"page\"`");
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
