//! `handout`: write a patient handout once, get every format a clinic hands out.
//!
//! The pipeline reads as the module tree: [`content`] parses a Markdown file into the
//! [`model`], [`select`] applies an output profile, a renderer in [`render`] turns the selection
//! into files, and [`output`] writes them atomically. [`cite`] formats citations once for
//! every format; [`settings`] reads `handout.toml`.

pub mod check;
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
pub mod text;

use std::collections::BTreeMap;
use std::path::PathBuf;

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
    // Projects first (few, in order), then the handouts in parallel.
    let mut project_of_root: BTreeMap<PathBuf, Option<usize>> = BTreeMap::new();
    let mut jobs = Vec::new();
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
        if let Some(index) = index {
            jobs.push((index, file));
        }
    }
    let parsed: Vec<_> = {
        use rayon::prelude::*;
        deep_stacks_for_rayon();
        let projects = &loaded.projects;
        jobs.par_iter().map(|(index, file)| (*index, content::load(file, &projects[*index]))).collect()
    };
    for (index, result) in parsed {
        match result {
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
                    // At the `slug =` line; a slug taken from the file name has none (1:1).
                    .at(diagnostic::place_in_file(path, |text| text.find("\nslug").map(|at| at + 1)))
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
        self.render_selection(&selection, project)
    }

    /// Applies each of `profiles` to `handout`, formatting shared citations once.
    pub fn select_all<'a>(
        &self,
        handout: &'a Handout,
        profiles: impl IntoIterator<Item = &'a model::Profile>,
    ) -> Vec<Result<select::Selection<'a>, Diagnostic>> {
        select::select_all(handout, profiles, &self.styles)
    }

    /// Renders a selected profile into files held in memory.
    pub fn render_selection(
        &self,
        selection: &select::Selection,
        project: &Project,
    ) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let timestamp = render::timestamp(selection.handout.meta.reviewed);
        self.get(selection.profile.format()).render(&RenderContext { selection, project, timestamp })
    }
}

/// Checks that every `--profile NAME` names a profile some handout has.
pub fn check_profile_names(loaded: &Loaded, names: &[String]) -> Result<(), String> {
    let mut known: Vec<&str> =
        loaded.handouts.iter().flat_map(|(_, h)| h.profiles.iter().map(|p| p.name.as_str())).collect();
    known.sort_unstable();
    known.dedup();
    for name in names {
        if !known.contains(&name.as_str()) {
            let hint = match diagnostic::did_you_mean(name, known.iter().copied()) {
                Some(near) => format!("; did you mean `{near}`?"),
                None => format!("; the handouts have: {}", known.join(", ")),
            };
            return Err(format!("no handout has a profile named `{name}`{hint}"));
        }
    }
    Ok(())
}

/// What a build did.
#[derive(Debug, Default, serde::Serialize)]
pub struct BuildReport {
    pub written: Vec<PathBuf>,
    pub handouts: usize,
    /// Handouts whose inputs and outputs were unchanged, so nothing was rewritten.
    pub up_to_date: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// How to build.
#[derive(Debug, Default)]
pub struct BuildOptions {
    /// Output folder; default `dist/` in each project's root.
    pub out_dir: Option<PathBuf>,
    /// Only these profiles (all when empty).
    pub profiles: Vec<String>,
    /// Rebuild even what the fingerprints say is up to date.
    pub force: bool,
    /// Extra font folders (`--font-path`), part of every fingerprint.
    pub font_paths: Vec<PathBuf>,
    /// `--deny warnings`: a handout with a warning is not built.
    pub deny_warnings: bool,
}

/// Builds the loaded handouts, in parallel across cores. A handout whose inputs (its files,
/// the project's settings, templates, locales and fonts, the tool's version) and outputs are
/// unchanged since the last build is skipped. Every good handout is written even when others
/// fail; a failing handout keeps its previous files.
/// `progress` is called once per handout as it finishes, from any thread.
pub fn build(
    loaded: &Loaded,
    renderers: &Renderers,
    options: &BuildOptions,
    progress: &(dyn Fn() + Sync),
) -> BuildReport {
    let mut report = BuildReport {
        diagnostics: loaded.diagnostics.clone(),
        handouts: loaded.handouts.len(),
        ..BuildReport::default()
    };
    // What `check` calls an error stops that handout (with `--deny warnings`, warnings too).
    let mut refused = vec![false; loaded.handouts.len()];
    for (i, mut found) in
        check::review(&loaded.handouts.iter().map(|(_, h)| h).collect::<Vec<_>>()).into_iter().enumerate()
    {
        let path = &loaded.handouts[i].1.path;
        if options.deny_warnings {
            deny_warnings(&mut found);
            refused[i] = report.diagnostics.iter().any(|d| d.path == *path);
        }
        refused[i] |= found.iter().any(Diagnostic::is_error);
        report.diagnostics.extend(found);
    }
    if options.deny_warnings {
        deny_warnings(&mut report.diagnostics);
    }
    let out_dir_of = |index: usize| options.out_dir.clone().unwrap_or_else(|| loaded.projects[index].root.join("dist"));
    let project_prints: Vec<String> = loaded.projects.iter().map(|p| project_fingerprint(p, options)).collect();
    let mut caches: BTreeMap<PathBuf, output::Cache> = BTreeMap::new();
    for (index, _) in &loaded.handouts {
        caches.entry(out_dir_of(*index)).or_insert_with_key(|dir| output::read_cache(dir));
    }
    let jobs: Vec<_> = loaded.handouts.iter().zip(&refused).collect();
    let results = parallel_map(&jobs, |&((index, handout), &refused)| {
        let out_dir = out_dir_of(*index);
        if refused {
            progress();
            return (out_dir, String::new(), Some(Err(Vec::new())));
        }
        let inputs = handout_fingerprint(handout, &loaded.projects[*index], &project_prints[*index]);
        let slug = &handout.meta.slug;
        // The profiles asked for whose outputs are missing, changed, or from other inputs.
        let cached = caches[&out_dir].get(slug).filter(|entry| entry.inputs == inputs && !options.force);
        let wanted: Vec<&model::Profile> = handout
            .profiles
            .iter()
            .filter(|p| options.profiles.is_empty() || options.profiles.contains(&p.name))
            .filter(|p| !cached.is_some_and(|entry| output::outputs_intact(&out_dir, slug, entry, &p.name)))
            .collect();
        if wanted.is_empty() {
            progress();
            return (out_dir, inputs, None);
        }
        let broken_images = check::images(handout);
        if !broken_images.is_empty() {
            progress();
            return (out_dir, inputs, Some(Err(broken_images)));
        }
        // All of the profiles' outputs, or none. With fewer handouts than cores, its profiles
        // render in parallel too; otherwise each core has a handout of its own.
        let selections = renderers.select_all(handout, wanted.iter().copied());
        let render = |selected: &Result<select::Selection, Diagnostic>| match selected {
            Ok(selection) => renderers.render_selection(selection, &loaded.projects[*index]),
            Err(found) => Err(vec![found.clone()]),
        };
        let rendered: Vec<_> = if jobs.len() < cores() {
            use rayon::prelude::*;
            selections.par_iter().map(render).collect()
        } else {
            selections.iter().map(render).collect()
        };
        let mut artifacts = Vec::new();
        let mut errors = Vec::new();
        for (profile, result) in wanted.iter().zip(rendered) {
            match result {
                Ok(files) => artifacts.extend(files.into_iter().map(|file| (profile.name.clone(), file))),
                Err(found) => errors.extend(found),
            }
        }
        if !errors.is_empty() {
            progress();
            return (out_dir, inputs, Some(Err(errors)));
        }
        // Written as soon as they are ready, so a catalog's outputs are never all in memory.
        output::sweep_temporaries(&out_dir.join(slug));
        let mut written = Vec::new();
        let mut failures = Vec::new();
        for (profile, artifact) in artifacts {
            let path = output::output_path(&out_dir, slug, &artifact.file_name);
            match output::write_atomic(&path, &artifact.bytes) {
                Ok(()) => written.push((
                    display_path(&path),
                    profile,
                    artifact.file_name,
                    output::stamp(&path).unwrap_or_default(),
                )),
                Err(e) => {
                    failures.push(Diagnostic::error(display_path(&path), "io", format!("cannot write the output: {e}")))
                }
            }
        }
        progress();
        let result = if failures.is_empty() { Ok(written) } else { Err(failures) };
        (out_dir, inputs, Some(result))
    });
    let mut changed: Vec<PathBuf> = Vec::new();
    for ((_, handout), (out_dir, inputs, result)) in loaded.handouts.iter().zip(results) {
        match result {
            None => report.up_to_date += 1,
            Some(Err(errors)) => report.diagnostics.extend(errors),
            Some(Ok(written)) => {
                let cache = caches.get_mut(&out_dir).expect("a cache per output folder");
                // Profiles not built this time (`--profile`) keep their record while the inputs
                // are the same; a rebuilt profile's record is replaced whole.
                let mut entry = cache
                    .remove(&handout.meta.slug)
                    .filter(|old| old.inputs == inputs)
                    .unwrap_or(output::CacheEntry { inputs, outputs: BTreeMap::new() });
                for (_, profile, _, _) in &written {
                    entry.outputs.remove(profile);
                }
                for (path, profile, name, stamp) in written {
                    report.written.push(path);
                    entry.outputs.entry(profile).or_default().insert(name, stamp);
                }
                cache.insert(handout.meta.slug.clone(), entry);
                changed.push(out_dir);
            }
        }
    }
    for (out_dir, cache) in caches.iter().filter(|(dir, _)| changed.contains(dir)) {
        if let Err(e) = output::write_cache(out_dir, cache) {
            report.diagnostics.push(Diagnostic::warning(
                display_path(out_dir),
                "io",
                format!("cannot save the build cache: {e}"),
            ));
        }
    }
    report
}

/// Everything of a project that every handout's outputs depend on.
fn project_fingerprint(project: &Project, options: &BuildOptions) -> String {
    let mut print = output::Fingerprint::default();
    print.add(env!("CARGO_PKG_VERSION").as_bytes());
    print.add(std::env::var("SOURCE_DATE_EPOCH").unwrap_or_default().as_bytes());
    let mut files = vec![project.root.join(settings::PROJECT_FILE)];
    let mut folders =
        vec![project.root.join("assets/locales"), project.root.join("assets/templates"), project.root.join("fonts")];
    folders.extend(project.settings.fonts.paths.iter().map(|p| project.root.join(p)));
    folders.extend(options.font_paths.iter().cloned());
    for folder in folders {
        if let Ok(entries) = std::fs::read_dir(&folder) {
            let mut found: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
            found.sort();
            files.extend(found);
        }
    }
    add_files(&mut print, &project.root, &files);
    print.hex()
}

/// Adds each file's name (relative to the project, so that a moved project keeps its
/// fingerprints) and bytes.
fn add_files(print: &mut output::Fingerprint, root: &std::path::Path, files: &[PathBuf]) {
    for file in files {
        let absolute = file.canonicalize().unwrap_or_else(|_| file.clone());
        print.add(absolute.strip_prefix(root).unwrap_or(&absolute).to_string_lossy().as_bytes());
        print.add(&std::fs::read(file).unwrap_or_default());
    }
}

/// The project's fingerprint plus every file the handout reads.
fn handout_fingerprint(handout: &Handout, project: &Project, project_print: &str) -> String {
    let mut files: Vec<PathBuf> = vec![handout.path.clone()];
    files.extend(handout.sources.iter().map(|s| s.path.clone()));
    for section in &handout.sections {
        files.extend(model::images_in(&section.blocks).into_iter().map(|i| i.path.clone()));
    }
    files.extend(handout.brand.logo.clone());
    if let model::CitationStyle::File(path) = &handout.citation_style {
        files.push(path.clone());
    }
    for profile in &handout.profiles {
        if let model::FormatOptions::Epub(model::EpubOptions { cover: Some(cover), .. }) = &profile.options {
            files.push(cover.clone());
        }
    }
    files.sort();
    files.dedup();
    let mut print = output::Fingerprint::default();
    print.add(project_print.as_bytes());
    add_files(&mut print, &project.root, &files);
    print.hex()
}

/// Renders every profile without writing anything, to report what a build would refuse, and
/// adds the reviewer's checks (reading level).
pub fn check(loaded: &Loaded, renderers: &Renderers) -> Vec<Diagnostic> {
    let mut diagnostics = loaded.diagnostics.clone();
    let found = parallel_map(&loaded.handouts, |(index, handout)| {
        let project = &loaded.projects[*index];
        let mut found = check::images(handout);
        if !found.is_empty() {
            return found;
        }
        let mut selections = Vec::new();
        for selected in renderers.select_all(handout, &handout.profiles) {
            match selected {
                Ok(selection) => {
                    found.extend(renderers.render_selection(&selection, project).err().into_iter().flatten());
                    selections.push(selection);
                }
                Err(error) => found.push(error),
            }
        }
        found.extend(check::reading_level(handout, &selections, project.settings.max_grade));
        found
    });
    diagnostics.extend(found.into_iter().flatten());
    diagnostics
        .extend(check::review(&loaded.handouts.iter().map(|(_, h)| h).collect::<Vec<_>>()).into_iter().flatten());
    diagnostics
}

/// `work` on every item, on one worker thread per core that takes the next item when it is
/// free; results in the items' order. Workers have room for Typst's deeply recursive layout,
/// and so do the threads of rayon's pool, on which Typst lays out pages in parallel. (On rayon
/// workers, Typst's parallel layout stole whole handouts into its waits: stacks grew, memory
/// grew with the catalog, and the cores idled at the end.)
fn parallel_map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    deep_stacks_for_rayon();
    let next = AtomicUsize::new(0);
    let workers = cores().min(items.len()).max(1);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(DEEP_STACK)
                    .spawn_scoped(scope, || {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(item) = items.get(i) else { break done };
                            done.push((i, work(item)));
                        }
                    })
                    .expect("a worker thread")
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Stack size for threads that run Typst: its layout recurses deeply, and rayon's default
/// 2 MiB overflowed on catalogs.
const DEEP_STACK: usize = 64 << 20;

/// Gives rayon's global pool deep stacks, before anything else uses it.
fn deep_stacks_for_rayon() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Fails only if a library user built the global pool first; theirs is kept.
        let _ = rayon::ThreadPoolBuilder::new().stack_size(DEEP_STACK).build_global();
    });
}

/// `--deny warnings`: every warning becomes an error.
pub fn deny_warnings(diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        d.severity = diagnostic::Severity::Error;
    }
}

/// One SMS profile's messages, as they would be sent.
pub struct SmsReport<'a> {
    pub handout: &'a Handout,
    pub profile: &'a model::Profile,
    pub messages: Result<Vec<render::sms::Message>, Vec<Diagnostic>>,
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
