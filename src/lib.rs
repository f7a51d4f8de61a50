//! `handout`: write a patient handout once, get every format a clinic hands out.
//!
//! The pipeline reads as the module tree: [`content`] parses a Markdown file into the
//! [`model`], [`select`] applies an output profile, a renderer in [`render`] turns the selection
//! into files, and [`output`] writes them atomically. [`cite`] formats citations once for
//! every format; [`settings`] reads `handout.toml`.

pub mod cite;
pub mod cli;
pub mod content;
pub mod diagnostic;
pub mod fonts;
pub mod images;
pub mod locale;
pub mod model;
pub mod output;
pub mod render;
pub mod select;
pub mod settings;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use diagnostic::{Diagnostic, display_path};
use model::{Format, Handout};
use output::Artifact;
use render::{RenderContext, Renderer};
use settings::Project;

/// Handouts loaded from the command line's paths, with the project each belongs to.
pub struct Loaded {
    pub projects: Vec<Project>,
    /// (index into `projects`, handout).
    pub handouts: Vec<(usize, Handout)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Finds and parses every handout under `paths` (files or folders). A bad handout does not
/// stop the others: its problems are collected in `diagnostics`.
pub fn load(paths: &[PathBuf]) -> Result<Loaded, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let found =
                content::find_handouts(path).map_err(|e| format!("cannot read folder {}: {e}", path.display()))?;
            if found.is_empty() {
                return Err(format!("no handouts (*.md files) in {}", path.display()));
            }
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(format!("{} does not exist", path.display()));
        }
    }
    let mut loaded = Loaded { projects: Vec::new(), handouts: Vec::new(), diagnostics: Vec::new() };
    let mut project_of_root: BTreeMap<PathBuf, Option<usize>> = BTreeMap::new();
    for file in files {
        let root = Project::root_for(&file);
        let index = *project_of_root.entry(root.clone()).or_insert_with(|| match Project::load(&root) {
            Ok(project) => {
                loaded.projects.push(project);
                Some(loaded.projects.len() - 1)
            }
            Err(errors) => {
                loaded.diagnostics.extend(errors);
                None
            }
        });
        let Some(index) = index else { continue };
        match content::load(&file, &loaded.projects[index]) {
            Ok((handout, warnings)) => {
                loaded.handouts.push((index, handout));
                loaded.diagnostics.extend(warnings);
            }
            Err(errors) => loaded.diagnostics.extend(errors),
        }
    }
    // Two handouts with one slug would overwrite each other's outputs: both are refused.
    let mut by_slug: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for (_, handout) in &loaded.handouts {
        by_slug.entry(handout.meta.slug.clone()).or_default().push(handout.path.clone());
    }
    for (slug, paths) in by_slug.iter().filter(|(_, paths)| paths.len() > 1) {
        for path in paths {
            let others: Vec<String> = paths.iter().filter(|p| *p != path).map(|p| p.display().to_string()).collect();
            loaded.diagnostics.push(
                Diagnostic::error(path, "slug", format!("slug `{slug}` is also used by {}", others.join(", ")))
                    .hint("two handouts would write to the same output folder; set a different `slug` in one of them"),
            );
        }
    }
    loaded.handouts.retain(|(_, h)| by_slug[&h.meta.slug].len() == 1);
    Ok(loaded)
}

/// The renderers, created once per process (fonts, templates and styles load once).
pub struct Renderers {
    renderers: Vec<Box<dyn Renderer>>,
    styles: cite::Styles,
}

impl Renderers {
    /// Renderers whose PDF fonts also come from `font_paths` (the `--font-path` option).
    pub fn new(font_paths: &[PathBuf]) -> Self {
        Renderers {
            renderers: vec![
                Box::new(render::pdf::PdfRenderer::new(font_paths.to_vec())),
                Box::new(render::epub::EpubRenderer),
                Box::new(render::sms::SmsRenderer),
            ],
            styles: cite::Styles::default(),
        }
    }
}

impl Renderers {
    fn get(&self, format: Format) -> &dyn Renderer {
        self.renderers.iter().find(|r| r.format() == format).expect("a renderer for every format").as_ref()
    }

    /// Renders one profile of a handout into files held in memory.
    pub fn render(
        &self,
        handout: &Handout,
        profile: &model::Profile,
        project: &Project,
    ) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let selection = select::select(handout, profile, &self.styles).map_err(|d| vec![d])?;
        let context =
            RenderContext { selection: &selection, project, timestamp: render::timestamp(handout.meta.reviewed) };
        self.get(profile.format()).render(&context)
    }
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub written: Vec<PathBuf>,
    pub handouts: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks that every `--profile NAME` names a profile some handout has.
pub fn check_profile_names(loaded: &Loaded, names: &[String]) -> Result<(), String> {
    let known: Vec<&str> =
        loaded.handouts.iter().flat_map(|(_, h)| h.profiles.iter().map(|p| p.name.as_str())).collect();
    for name in names {
        if !known.contains(&name.as_str()) {
            let hint = match diagnostic::did_you_mean(name, known.iter().copied()) {
                Some(near) => format!("; did you mean `{near}`?"),
                None => String::new(),
            };
            return Err(format!("no handout has a profile named `{name}`{hint}"));
        }
    }
    Ok(())
}

/// Builds every profile (or only `only_profiles`) of the loaded handouts into `out_dir`.
/// Every good output is written even when other handouts fail.
pub fn build(loaded: &Loaded, renderers: &Renderers, out_dir: Option<&Path>, only_profiles: &[String]) -> BuildReport {
    let mut report = BuildReport { diagnostics: loaded.diagnostics.clone(), ..BuildReport::default() };
    for (index, handout) in &loaded.handouts {
        let project = &loaded.projects[*index];
        let out_dir = out_dir.map_or_else(|| project.root.join("dist"), Path::to_path_buf);
        output::sweep_temporaries(&out_dir.join(&handout.meta.slug));
        report.handouts += 1;
        // All of a handout's outputs, or none: a handout with an error keeps its previous files.
        let mut artifacts = Vec::new();
        let mut failed = false;
        for profile in handout.profiles.iter().filter(|p| only_profiles.is_empty() || only_profiles.contains(&p.name)) {
            match renderers.render(handout, profile, project) {
                Ok(files) => artifacts.extend(files),
                Err(errors) => {
                    failed = true;
                    report.diagnostics.extend(errors);
                }
            }
        }
        if failed {
            continue;
        }
        for artifact in artifacts {
            let path = output::output_path(&out_dir, &handout.meta.slug, &artifact.file_name);
            match output::write_atomic(&path, &artifact.bytes) {
                Ok(()) => report.written.push(display_path(&path)),
                Err(e) => report.diagnostics.push(Diagnostic::error(
                    display_path(&path),
                    "io",
                    format!("cannot write the output: {e}"),
                )),
            }
        }
    }
    report
}

/// Renders every profile without writing anything, to report what a build would refuse.
pub fn check(loaded: &Loaded, renderers: &Renderers) -> Vec<Diagnostic> {
    let mut diagnostics = loaded.diagnostics.clone();
    for (index, handout) in &loaded.handouts {
        for profile in &handout.profiles {
            if let Err(errors) = renderers.render(handout, profile, &loaded.projects[*index]) {
                diagnostics.extend(errors);
            }
        }
    }
    diagnostics
}

/// One SMS profile's messages, as they would be sent.
pub struct SmsReport<'a> {
    pub handout: &'a Handout,
    pub profile: &'a model::Profile,
    pub messages: Result<Vec<render::sms::encoding::Encoded>, Vec<Diagnostic>>,
}

/// The messages of every SMS profile, without writing files.
pub fn sms_reports(loaded: &Loaded) -> Vec<SmsReport<'_>> {
    let styles = cite::Styles::default();
    let mut reports = Vec::new();
    for (_, handout) in &loaded.handouts {
        for profile in handout.profiles.iter().filter(|p| p.format() == Format::Sms) {
            let messages =
                select::select(handout, profile, &styles).map_err(|d| vec![d]).and_then(|s| render::sms::messages(&s));
            reports.push(SmsReport { handout, profile, messages });
        }
    }
    reports
}

/// The text of a new handout that passes `check`.
pub fn new_handout_text(slug: &str) -> String {
    include_str!("../assets/new-handout.md").replace("{slug}", slug)
}
