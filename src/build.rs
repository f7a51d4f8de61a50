//! `handout build`: every loaded handout into the files its outputs ask for, in parallel
//! across cores, skipping what the build cache says is unchanged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, display_path};
use crate::load::{Loaded, LoadedHandout};
use crate::model::Clock;
use crate::output::cache::{self, CacheEntry};
use crate::output::{self, Artifact};
use crate::profile::Output;
use crate::render::Renderers;

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

impl BuildOptions {
    /// Whether the profile `name` is to be built.
    fn asks_for(&self, name: &str) -> bool {
        self.profiles.is_empty() || self.profiles.iter().any(|p| p == name)
    }
}

/// What a build did.
#[derive(Debug, Default, serde::Serialize)]
pub struct BuildReport {
    #[serde(serialize_with = "crate::diagnostic::lossy_paths")]
    pub written: Vec<PathBuf>,
    /// Handout files found, loaded or not.
    pub handouts: usize,
    /// Handouts whose inputs and outputs were unchanged, so nothing was rewritten.
    pub up_to_date: usize,
    /// Handouts that were not built (their previous files are kept).
    pub failed: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// What became of one handout.
enum Outcome {
    /// It has none of the profiles asked for (`--profile`).
    NotAsked,
    UpToDate,
    Failed(Vec<Diagnostic>),
    /// (profile, file name, path, stamp) of each file written, and warnings (a build record
    /// that could not be saved).
    Written(Vec<(String, String, PathBuf, String)>, Vec<Diagnostic>),
}

/// Builds the loaded handouts. A handout whose inputs (its files, the project's settings,
/// templates, locales and fonts, the tool's version) and outputs are unchanged since the last
/// build is skipped. Every good handout is written even when others fail; a failing handout
/// keeps its previous files. `progress` is called once per handout as it finishes, from any
/// thread.
pub fn build(
    loaded: &Loaded,
    renderers: &Renderers,
    options: &BuildOptions,
    clock: &Clock,
    progress: &(dyn Fn() + Sync),
) -> BuildReport {
    let mut report =
        BuildReport { diagnostics: loaded.diagnostics.clone(), handouts: loaded.found, ..BuildReport::default() };
    report.failed = loaded.found - loaded.handouts.len();
    let refused = review(loaded, clock, options.deny_warnings, &mut report.diagnostics);
    let out_dir_of = |entry: &LoadedHandout| {
        options.out_dir.clone().unwrap_or_else(|| loaded.project_of(entry).root.path().join("dist"))
    };
    let out_dirs: std::collections::BTreeSet<PathBuf> = loaded.handouts.iter().map(out_dir_of).collect();
    for out_dir in &out_dirs {
        output::sweep_temporaries(&out_dir.join(cache::CACHE_DIR));
    }
    let project_prints: Vec<String> = loaded
        .projects
        .iter()
        .map(|p| cache::project_fingerprint(&p.root, &p.inputs(), &options.font_paths, clock))
        .collect();
    let jobs: Vec<_> = loaded.handouts.iter().zip(&refused).collect();
    let file_prints = cache::FilePrints::default();
    let results = crate::parallel::map(&jobs, |&(entry, &refused)| {
        let out_dir = out_dir_of(entry);
        let project = loaded.project_of(entry);
        let mut read_by_outputs: Vec<PathBuf> = entry.outputs.iter().flat_map(|o| o.options.inputs()).collect();
        // A series' campaign holds its translations' messages too.
        if entry.outputs.iter().any(|o| o.options.carries_translations()) {
            read_by_outputs.extend(loaded.translations_of(entry).iter().map(|t| t.handout.path.clone()));
        }
        let inputs = cache::handout_fingerprint(
            &entry.handout,
            &entry.text,
            &read_by_outputs,
            project.root.path(),
            &project_prints[entry.project],
            &file_prints,
        );
        let slug = &entry.handout.meta.slug;
        let outcome = if refused {
            Outcome::Failed(Vec::new())
        } else {
            let recorded = cache::read_entry(&out_dir, slug);
            let cached = recorded.as_ref().filter(|r| r.entry.inputs == inputs && !options.force);
            let outcome = build_one(entry, loaded, renderers, options, clock, &out_dir, cached, jobs.len());
            match (outcome, recorded) {
                (Outcome::Written(written, _), recorded) => record(&out_dir, slug, recorded, inputs, written),
                (Outcome::UpToDate, Some(recorded)) if recorded.is_stale() => {
                    // Still up to date; only its record is saved again (see `Recorded::is_stale`).
                    let _ = cache::write_entry(&out_dir, slug, &recorded.entry);
                    Outcome::UpToDate
                }
                (other, _) => other,
            }
        };
        progress();
        outcome
    });
    for outcome in results {
        match outcome {
            Outcome::NotAsked => {}
            Outcome::UpToDate => report.up_to_date += 1,
            Outcome::Failed(errors) => {
                report.failed += 1;
                report.diagnostics.extend(errors);
            }
            Outcome::Written(written, warnings) => {
                report.written.extend(written.into_iter().map(|(_, _, path, _)| path));
                report.diagnostics.extend(warnings);
            }
        }
    }
    // Warnings about profiles this build did not build are left for the build that does.
    report.diagnostics.retain(|d| d.is_error() || d.profile.as_deref().is_none_or(|p| options.asks_for(p)));
    report
}

/// The reviewer's checks of every handout: which ones must not be built (an error, or with
/// `--deny warnings` any finding).
fn review(loaded: &Loaded, clock: &Clock, deny_warnings: bool, diagnostics: &mut Vec<Diagnostic>) -> Vec<bool> {
    let mut refused = vec![false; loaded.handouts.len()];
    for (i, mut found) in crate::check::review(loaded, clock).into_iter().enumerate() {
        let path = &loaded.handouts[i].handout.path;
        if deny_warnings {
            crate::diagnostic::deny_warnings(&mut found);
            refused[i] = diagnostics.iter().any(|d| d.path == *path);
        }
        refused[i] |= found.iter().any(Diagnostic::is_error);
        diagnostics.extend(found);
    }
    if deny_warnings {
        crate::diagnostic::deny_warnings(diagnostics);
    }
    refused
}

/// Renders the outputs of one handout that are asked for and not up to date, and writes them
/// all, or none.
#[allow(clippy::too_many_arguments)]
fn build_one(
    entry: &LoadedHandout,
    loaded: &Loaded,
    renderers: &Renderers,
    options: &BuildOptions,
    clock: &Clock,
    out_dir: &Path,
    cached: Option<&cache::Recorded>,
    handouts: usize,
) -> Outcome {
    let slug = &entry.handout.meta.slug;
    let asked: Vec<&Output> = entry.outputs.iter().filter(|o| options.asks_for(&o.profile.name)).collect();
    if asked.is_empty() {
        return Outcome::NotAsked;
    }
    let wanted: Vec<&Output> = asked
        .into_iter()
        .filter(|o| !cached.is_some_and(|c| cache::outputs_intact(out_dir, slug, c, &o.profile.name)))
        .collect();
    if wanted.is_empty() {
        return Outcome::UpToDate;
    }
    let broken_images = crate::check::images(&entry.handout);
    if !broken_images.is_empty() {
        return Outcome::Failed(broken_images);
    }
    // With fewer handouts than cores, a handout's outputs render in parallel too; otherwise
    // each core has a handout of its own.
    let rendered = render(entry, &wanted, loaded, renderers, clock, handouts < crate::parallel::cores());
    let artifacts = match rendered {
        Ok(artifacts) => artifacts,
        Err(errors) => return Outcome::Failed(errors),
    };
    // Written as soon as they are ready, so a catalog's outputs are never all in memory.
    let project_root = loaded.project_of(entry).root.path();
    if let Err(why) = output::check_folders(out_dir, slug, project_root) {
        return Outcome::Failed(vec![Diagnostic::error(display_path(&out_dir.join(slug)), "io", why)]);
    }
    output::sweep_temporaries(&out_dir.join(slug));
    let files: Vec<(PathBuf, &[u8])> = artifacts
        .iter()
        .map(|(_, artifact)| (output::output_path(out_dir, slug, &artifact.file_name), artifact.bytes.as_slice()))
        .collect();
    if let Err((path, e)) = output::write_all_atomic(&files) {
        let message = format!("cannot write the output: {e} (the handout's earlier files are kept)");
        return Outcome::Failed(vec![Diagnostic::error(display_path(&path), "io", message)]);
    }
    let written = artifacts
        .iter()
        .zip(&files)
        .map(|((profile, artifact), (path, _))| {
            (profile.clone(), artifact.file_name.clone(), display_path(path), cache::stamp(&artifact.bytes))
        })
        .collect();
    Outcome::Written(written, Vec::new())
}

/// Every file of `wanted`, each with its profile's name, or every problem found.
fn render(
    entry: &LoadedHandout,
    wanted: &[&Output],
    loaded: &Loaded,
    renderers: &Renderers,
    clock: &Clock,
    in_parallel: bool,
) -> Result<Vec<(String, Artifact)>, Vec<Diagnostic>> {
    let project = loaded.project_of(entry);
    let selections = crate::select::select_all(&entry.handout, wanted.iter().map(|o| &o.profile), &renderers.styles);
    let jobs: Vec<_> = wanted.iter().zip(&selections).collect();
    let render_one = |(output, selected): &(&&Output, &Result<crate::select::Selection, Diagnostic>)| match selected {
        Ok(selection) => {
            let translations = loaded.translated(entry, output, &renderers.styles);
            renderers.render(selection, &output.options, project, clock, &translations)
        }
        Err(found) => Err(vec![found.clone()]),
    };
    let rendered: Vec<_> = if in_parallel {
        use rayon::prelude::*;
        jobs.par_iter().map(render_one).collect()
    } else {
        jobs.iter().map(render_one).collect()
    };
    let mut artifacts = Vec::new();
    let mut errors = Vec::new();
    for (output, result) in wanted.iter().zip(rendered) {
        match result {
            Ok(files) => artifacts.extend(files.into_iter().map(|file| (output.profile.name.clone(), file))),
            Err(found) => errors.extend(found),
        }
    }
    if errors.is_empty() { Ok(artifacts) } else { Err(errors) }
}

/// Records what was written for a handout. Profiles not built this time (`--profile`) keep
/// their record while the inputs are the same; a rebuilt profile's record is replaced whole.
fn record(
    out_dir: &Path,
    slug: &str,
    recorded: Option<cache::Recorded>,
    inputs: String,
    written: Vec<(String, String, PathBuf, String)>,
) -> Outcome {
    let mut entry = recorded
        .map(|r| r.entry)
        .filter(|old| old.inputs == inputs)
        .unwrap_or(CacheEntry { inputs, outputs: BTreeMap::new() });
    for (profile, _, _, _) in &written {
        entry.outputs.remove(profile);
    }
    for (profile, name, _, stamp) in &written {
        entry.outputs.entry(profile.clone()).or_default().insert(name.clone(), stamp.clone());
    }
    match cache::write_entry(out_dir, slug, &entry) {
        Ok(()) => Outcome::Written(written, Vec::new()),
        // The outputs are written; only the next build's shortcut is lost.
        Err(e) => Outcome::Written(
            written,
            vec![Diagnostic::warning(display_path(out_dir), "io", format!("cannot save the build cache: {e}"))],
        ),
    }
}
