//! One module per output format, and the registry that knows them all. A format owns its
//! options (the keys of its profiles), the files it writes, the inputs its fingerprint needs
//! and its rendering; adding a format is a module plus one arm in each `match` below.

pub mod epub;
pub mod html;
pub mod pdf;
pub mod sms;
pub mod xhtml;

use std::path::{Path, PathBuf};

use crate::cite::Styles;
use crate::diagnostic::Diagnostic;
use crate::keys::Keys;
use crate::model::Clock;
use crate::output::Artifact;
use crate::select::Selection;
use crate::settings::Project;

/// Everything a renderer may use besides its options.
pub struct RenderContext<'a> {
    pub selection: &'a Selection<'a>,
    pub project: &'a Project,
    /// The time written into the outputs (see [`Clock::stamp`]), in seconds since 1970.
    pub timestamp: i64,
    /// The same profile of the handout's translations built with it, for an output that
    /// carries them ([`FormatOptions::carries_translations`]); empty otherwise.
    pub translations: &'a [Translation<'a>],
}

/// A translation's selection of a profile, and that profile's options.
pub type Translation<'a> = (Selection<'a>, &'a FormatOptions);

/// What the rest of the tool asks of a format's options.
pub trait Options {
    /// The files a profile of this format writes.
    fn files(&self, profile: &str) -> Vec<String>;
    /// Files its outputs depend on besides the handout's own (for the build cache).
    fn inputs(&self) -> Vec<PathBuf> {
        Vec::new()
    }
}

/// A profile's format and its options.
#[derive(Debug, Clone)]
pub enum FormatOptions {
    Pdf(pdf::Options),
    Epub(epub::Options),
    Sms(sms::Options),
    Html(html::Options),
}

impl FormatOptions {
    /// The formats, as `format = "…"` names them.
    pub const NAMES: &[&str] = &["pdf", "epub", "sms", "html"];

    /// Reads the keys of a profile of `format`; `dir` is the folder paths are relative to.
    pub fn read(format: &str, keys: &Keys, project: &Project, dir: &Path) -> Option<FormatOptions> {
        Some(match format {
            "pdf" => FormatOptions::Pdf(pdf::Options::read(keys, &project.root, dir)),
            "epub" => FormatOptions::Epub(epub::Options::read(keys, &project.root, dir)),
            "sms" => FormatOptions::Sms(sms::Options::read(keys)),
            "html" => FormatOptions::Html(html::Options::read(keys)),
            _ => return None,
        })
    }

    /// The options of a built-in profile of `format`.
    pub fn default_for(format: &str) -> Option<FormatOptions> {
        Some(match format {
            "pdf" => FormatOptions::Pdf(pdf::Options::default()),
            "epub" => FormatOptions::Epub(epub::Options::default()),
            "sms" => FormatOptions::Sms(sms::Options::default()),
            "html" => FormatOptions::Html(html::Options::default()),
            _ => return None,
        })
    }

    /// The keys only profiles of `format` take (for "`paper` is a pdf key" hints).
    pub fn keys_of(format: &str) -> &'static [&'static str] {
        match format {
            "pdf" => pdf::KEYS,
            "epub" => epub::KEYS,
            "sms" => sms::KEYS,
            "html" => html::KEYS,
            _ => &[],
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            FormatOptions::Pdf(_) => "pdf",
            FormatOptions::Epub(_) => "epub",
            FormatOptions::Sms(_) => "sms",
            FormatOptions::Html(_) => "html",
        }
    }

    fn options(&self) -> &dyn Options {
        match self {
            FormatOptions::Pdf(o) => o,
            FormatOptions::Epub(o) => o,
            FormatOptions::Sms(o) => o,
            FormatOptions::Html(o) => o,
        }
    }

    pub fn files(&self, profile: &str) -> Vec<String> {
        self.options().files(profile)
    }

    pub fn inputs(&self) -> Vec<PathBuf> {
        self.options().inputs()
    }

    /// Whether the output carries the handout's translations: a series of text messages,
    /// whose campaign holds every language.
    pub fn carries_translations(&self) -> bool {
        matches!(self, FormatOptions::Sms(options) if options.is_series())
    }
}

/// The brand colour mixed with white, for boxes and table heads (`#rrggbb`).
pub fn tint(brand: &str) -> String {
    let rgb = crate::settings::parse_hex_color(brand).unwrap_or([0x1f, 0x5f, 0x73]);
    let c = rgb.map(|v| (f64::from(v) + (255.0 - f64::from(v)) * 0.88).round() as u8);
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The renderers, created once per process (fonts, templates and styles load once).
pub struct Renderers {
    pdf: pdf::PdfRenderer,
    pub styles: Styles,
}

impl Renderers {
    /// Renderers whose PDF fonts also come from `font_paths` (the `--font-path` option).
    pub fn new(font_paths: &[PathBuf]) -> Self {
        Renderers { pdf: pdf::PdfRenderer::new(font_paths.to_vec()), styles: Styles::default() }
    }

    /// The laid-out pages of a PDF profile, for previews (nothing is exported).
    pub fn pdf_pages(
        &self,
        selection: &Selection,
        options: &pdf::Options,
        project: &Project,
        clock: &Clock,
    ) -> Result<typst_layout::PagedDocument, Vec<Diagnostic>> {
        let context = RenderContext {
            selection,
            project,
            timestamp: clock.stamp(selection.handout.meta.reviewed),
            translations: &[],
        };
        self.pdf.typeset(&context, options).map(|typeset| typeset.document)
    }

    /// Renders one selected profile into files held in memory; `translations` are the same
    /// profile of the handout's translations (see [`crate::load::Loaded::translated`]).
    pub fn render(
        &self,
        selection: &Selection,
        options: &FormatOptions,
        project: &Project,
        clock: &Clock,
        translations: &[Translation],
    ) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let context =
            RenderContext { selection, project, timestamp: clock.stamp(selection.handout.meta.reviewed), translations };
        match options {
            FormatOptions::Pdf(options) => self.pdf.render(&context, options),
            FormatOptions::Epub(options) => epub::render(&context, options),
            FormatOptions::Sms(options) => sms::render(&context, options),
            FormatOptions::Html(options) => html::render(&context, options),
        }
    }
}
