//! Finding the handouts a command names, their projects, and reading them all (in parallel);
//! two handouts that would write to one folder are both refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, display_path};
use crate::model::Handout;
use crate::profile::Output;
use crate::settings::{PROJECT_FILE, Project};

/// Handouts loaded from the command line's paths, with the project each belongs to.
pub struct Loaded {
    pub projects: Vec<Project>,
    pub handouts: Vec<LoadedHandout>,
    /// Problems of the handouts and projects that did not load, and warnings of those that did.
    pub diagnostics: Vec<Diagnostic>,
    /// How many handout files were found, loaded or not.
    pub found: usize,
}

/// A handout, the index of its project in [`Loaded::projects`], and its outputs.
pub struct LoadedHandout {
    pub project: usize,
    pub handout: Handout,
    pub outputs: Vec<Output>,
    /// The file's text as it was read: what the build cache fingerprints.
    pub text: String,
}

impl LoadedHandout {
    /// The output of profile `name`.
    pub fn output(&self, name: &str) -> Option<&Output> {
        self.outputs.iter().find(|o| o.profile.name == name)
    }
}

impl Loaded {
    /// Keeps share `k` of `n` (1-based) of the handouts, and the findings about them: each
    /// handout by its slug, a translation by its original's, so a handout stays in its share as
    /// the catalog grows and a translation is checked beside its original.
    pub fn keep_shard(&mut self, k: usize, n: usize) {
        let in_shard = |group: &str| {
            // FNV-1a, then mixed (splitmix64's finaliser) so that slugs differing in one letter
            // spread over the shares.
            let mut hash = crate::output::cache::Fingerprint::default().add(group.as_bytes()).value();
            hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            hash ^= hash >> 31;
            usize::try_from(hash % n as u64).is_ok_and(|share| share + 1 == k)
        };
        let failed_before = self.found - self.handouts.len();
        let kept: std::collections::HashMap<std::path::PathBuf, bool> = self
            .handouts
            .iter()
            .map(|h| {
                let group = h.handout.meta.translation_of.as_deref().unwrap_or(&h.handout.meta.slug);
                (h.handout.path.clone(), in_shard(group))
            })
            .collect();
        self.handouts.retain(|h| kept[&h.handout.path]);
        // A file that did not load goes by its name up to the first dot (`care.es.md` → `care`).
        let mut failed_files = std::collections::BTreeSet::new();
        self.diagnostics.retain(|d| match kept.get(&d.path) {
            Some(keep) => *keep,
            None => {
                let name = d.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let keep = in_shard(name.split('.').next().unwrap_or(""));
                if keep && d.is_error() && name.ends_with(".md") {
                    failed_files.insert(d.path.clone());
                }
                keep
            }
        });
        self.found = self.handouts.len() + failed_files.len().min(failed_before);
    }

    pub fn project_of(&self, handout: &LoadedHandout) -> &Project {
        &self.projects[handout.project]
    }

    /// The handouts loaded with `entry` that translate it (same project, `translation-of` its
    /// slug).
    pub fn translations_of(&self, entry: &LoadedHandout) -> Vec<&LoadedHandout> {
        let slug = &entry.handout.meta.slug;
        self.handouts
            .iter()
            .filter(|h| h.project == entry.project && h.handout.meta.translation_of.as_ref() == Some(slug))
            .collect()
    }

    /// For an output that carries its translations (a series of text messages): the same
    /// profile of each translation, selected. Empty for any other output.
    pub fn translated<'a>(
        &'a self,
        entry: &LoadedHandout,
        output: &Output,
        styles: &crate::cite::Styles,
    ) -> Vec<crate::render::Translation<'a>> {
        if !output.options.carries_translations() {
            return Vec::new();
        }
        self.translations_of(entry)
            .into_iter()
            .filter_map(|t| {
                let theirs = t.output(&output.profile.name)?;
                let selection = crate::select::select(&t.handout, &theirs.profile, styles).ok()?;
                Some((selection, &theirs.options))
            })
            .collect()
    }
}

/// The folder handouts are in when no path is given.
pub const DEFAULT_FOLDER: &str = "content";

/// The handout files under `paths` (files or folders). The default folder, named from inside a
/// project's subfolder, is found in the project root.
pub fn find(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        let path = if path.as_os_str() == DEFAULT_FOLDER && !path.exists() { default_folder()? } else { path.clone() };
        if path.is_dir() {
            let found = crate::content::find_handouts(&path, None)
                .map_err(|e| format!("cannot read folder {}: {e}", path.display()))?;
            if found.is_empty() {
                return Err(format!("no handouts (*.md files) in {}", path.display()));
            }
            files.extend(found);
        } else if path.is_file() {
            files.push(path);
        } else {
            return Err(format!("{} does not exist", path.display()));
        }
    }
    // The same file named twice is read once.
    let mut seen = Vec::new();
    files.retain(|f| {
        let canonical = f.canonicalize().unwrap_or_else(|_| f.clone());
        let fresh = !seen.contains(&canonical);
        seen.push(canonical);
        fresh
    });
    Ok(files)
}

/// `content/` in the project the current folder is in: the project root's (the nearest folder
/// upward with `handout.toml`), else the nearest `content/` upward (for a project without
/// settings, run from inside its `content/`).
fn default_folder() -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    if let Some(root) = crate::settings::find_root(&cwd) {
        let folder = root.join(DEFAULT_FOLDER);
        return if folder.is_dir() {
            Ok(display_path(&folder))
        } else {
            Err(format!(
                "the project at {} (where {PROJECT_FILE} is) has no {DEFAULT_FOLDER}/ folder; create it, or name the handouts to use",
                display_path(&root).display()
            ))
        };
    }
    match cwd.ancestors().map(|dir| dir.join(DEFAULT_FOLDER)).find(|folder| folder.is_dir()) {
        Some(folder) => Ok(display_path(&folder)),
        None => Err(format!(
            "looked for a {DEFAULT_FOLDER}/ folder and a {PROJECT_FILE} here and in the folders above, and found neither; run this in a project, or name the handouts (`handout check my-handout.md`)"
        )),
    }
}

/// Reads every handout in `files`; a bad handout does not stop the others.
pub fn load(files: Vec<PathBuf>) -> Loaded {
    let mut loaded = Loaded { projects: Vec::new(), handouts: Vec::new(), diagnostics: Vec::new(), found: files.len() };
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
        crate::parallel::deep_stacks_for_rayon();
        let projects = &loaded.projects;
        jobs.par_iter().map(|(index, file)| (*index, read(file, &projects[*index]))).collect()
    };
    for (project, result) in parsed {
        match result {
            Ok((handout, outputs, text, warnings)) => {
                loaded.handouts.push(LoadedHandout { project, handout, outputs, text });
                loaded.diagnostics.extend(warnings);
            }
            Err(errors) => loaded.diagnostics.extend(errors),
        }
    }
    refuse_shared_slugs(&mut loaded);
    // A fault in handout.toml's profiles is found once per handout that reads them: say it once.
    let mut seen = std::collections::HashSet::new();
    loaded.diagnostics.retain(|d| seen.insert((d.path.clone(), d.line, d.column, d.message.clone())));
    loaded
}

type ReadHandout = Result<(Handout, Vec<Output>, String, Vec<Diagnostic>), Vec<Diagnostic>>;

/// One handout and its outputs. A handout with errors still has its outputs read, so that
/// every fault of the file shows in one run.
fn read(file: &Path, project: &Project) -> ReadHandout {
    let dir = file.canonicalize().ok().and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_default();
    let read = match crate::content::load(file, project) {
        Ok(read) => read,
        Err(failed) => {
            let mut errors = failed.errors;
            if let Some(front) = &failed.front {
                let found = crate::profile::outputs(&front.0.path, &failed.section_ids, Some(&**front), project, &dir);
                errors.extend(found.map_or_else(|problems| problems, |(_, warnings)| warnings));
            }
            return Err(errors);
        }
    };
    let ids: Vec<String> = read.handout.sections.iter().map(|s| s.id.clone()).collect();
    let (outputs, mut warnings) = crate::profile::outputs(&read.handout.path, &ids, Some(&read.front), project, &dir)?;
    warnings.extend(read.warnings);
    Ok((read.handout, outputs, read.front.0.text, warnings))
}

/// Two handouts with one slug would overwrite each other's outputs: both are refused, each
/// error at its `slug =` line naming the other file.
fn refuse_shared_slugs(loaded: &mut Loaded) {
    let mut by_slug: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in &loaded.handouts {
        by_slug.entry(entry.handout.meta.slug.clone()).or_default().push(entry.handout.path.clone());
    }
    for (slug, paths) in by_slug.iter().filter(|(_, paths)| paths.len() > 1) {
        for path in paths {
            let others: Vec<String> = paths.iter().filter(|p| *p != path).map(|p| p.display().to_string()).collect();
            loaded.diagnostics.push(
                Diagnostic::error(path, "slug", format!("slug `{slug}` is also used by {}", others.join(", ")))
                    // At the `slug =` line; a slug taken from the file name has none (1:1).
                    .at(crate::files::place_in_file(path, |text| text.find("\nslug").map(|at| at + 1)))
                    .hint("two handouts would write to the same output folder; set a different `slug` in one of them"),
            );
        }
    }
    loaded.handouts.retain(|entry| by_slug[&entry.handout.meta.slug].len() == 1);
}

/// The handout of `slug` in a project, read from its content folder: the original a
/// translation is checked against when it was not among the handouts named.
pub fn find_by_slug(project: &Project, slug: &str) -> Option<(Handout, Vec<Output>)> {
    let folder = project.root.path().join(DEFAULT_FOLDER);
    let files = crate::content::find_handouts(&folder, Some(&project.root)).ok()?;
    // The file named for the slug first; then any whose front matter sets it.
    let named = files.iter().position(|f| f.file_stem().is_some_and(|s| s == slug));
    let order = named.into_iter().chain(0..files.len());
    order
        .filter_map(|i| read(&files[i], project).ok())
        .map(|(handout, outputs, ..)| (handout, outputs))
        .find(|(handout, _)| handout.meta.slug == slug)
}
