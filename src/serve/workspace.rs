//! What `serve` shows: every handout's text, findings and a preview per output, kept up to
//! date. A refresh reloads the handouts (fast) and renders again only the outputs whose
//! inputs changed; a handout that no longer parses keeps its last good previews.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

use serde::Serialize;
use typst_layout::PagedDocument;

use crate::diagnostic::{Diagnostic, display_path};
use crate::load::{Loaded, LoadedHandout};
use crate::model::Clock;
use crate::output::cache::Fingerprint;
use crate::profile::Output;
use crate::render::{FormatOptions, Renderers};

/// Pixels per point of a PDF page preview: a letter page is 918 pixels wide.
const PAGE_SCALE: f64 = 1.5;

/// An output as the author sees it while writing.
pub enum Preview {
    /// Laid-out pages; each page's PNG is made when it is first asked for.
    Pdf {
        document: PagedDocument,
        pngs: Vec<OnceLock<Option<Arc<Vec<u8>>>>>,
    },
    /// The book's files by their path in the archive, and its chapters in reading order.
    Epub {
        files: BTreeMap<String, Vec<u8>>,
        chapters: Vec<String>,
    },
    Html {
        page: Vec<u8>,
    },
    Sms {
        messages: Vec<crate::render::sms::Message>,
    },
}

impl Preview {
    /// Page `index` of a PDF preview as a PNG.
    pub fn page_png(&self, index: usize) -> Option<Arc<Vec<u8>>> {
        let Preview::Pdf { document, pngs } = self else { return None };
        pngs.get(index)?.get_or_init(|| crate::render::pdf::page_png(document, index, PAGE_SCALE).map(Arc::new)).clone()
    }
}

/// Starts making a PDF's page images in the background: the page asks for them as soon as
/// it hears of the change, and by then they are ready or nearly. (Only after an edit: at
/// start the pages are made as they are looked at, not all of a catalog's at once.)
fn warmed(preview: Arc<Preview>) -> Arc<Preview> {
    if let Preview::Pdf { pngs, .. } = preview.as_ref() {
        for index in 0..pngs.len() {
            let preview = preview.clone();
            rayon::spawn(move || {
                preview.page_png(index);
            });
        }
    }
    preview
}

/// One output of a handout: its last good preview and what its last render found.
#[derive(Clone)]
pub struct OutputView {
    pub profile: String,
    pub format: &'static str,
    fingerprint: String,
    /// Bumped when this output is rendered again: the page reloads only the previews that changed.
    pub version: u64,
    pub preview: Option<Arc<Preview>>,
    pub errors: Vec<Diagnostic>,
}

/// One handout file.
#[derive(Clone)]
pub struct View {
    /// The file, and its path as shown (the key pages and requests use).
    pub file: PathBuf,
    pub key: String,
    pub title: String,
    /// The text on disk when last read, and its fingerprint (a save names it to detect edits
    /// made elsewhere since).
    pub text: String,
    pub hash: String,
    /// Bumped whenever anything shown changes.
    pub version: u64,
    pub diagnostics: Vec<Diagnostic>,
    pub outputs: Vec<OutputView>,
    /// The text no longer parses: the previews are the last good ones.
    pub stale: bool,
}

/// The handouts a `serve` shows.
pub struct Workspace {
    paths: Vec<PathBuf>,
    renderers: Renderers,
    font_paths: Vec<PathBuf>,
    clock: Clock,
    pub views: RwLock<Vec<View>>,
    /// Problems that belong to no handout (no content folder, a bad handout.toml).
    pub problems: RwLock<Vec<Diagnostic>>,
    next_version: std::sync::atomic::AtomicU64,
    /// One refresh at a time (a save and the watcher may ask at once).
    refreshing: std::sync::Mutex<()>,
}

/// A text's fingerprint, as saves compare them.
pub fn text_hash(text: &str) -> String {
    Fingerprint::default().add(text.as_bytes()).hex()
}

impl Workspace {
    pub fn new(paths: Vec<PathBuf>, font_paths: Vec<PathBuf>, clock: Clock) -> Workspace {
        Workspace {
            paths,
            renderers: Renderers::new(&font_paths),
            font_paths,
            clock,
            views: RwLock::new(Vec::new()),
            problems: RwLock::new(Vec::new()),
            next_version: std::sync::atomic::AtomicU64::new(1),
            refreshing: std::sync::Mutex::new(()),
        }
    }

    /// The project roots to watch.
    pub fn roots(&self) -> Vec<PathBuf> {
        let mut roots: Vec<PathBuf> = match crate::load::find(&self.paths) {
            Ok(files) => files.iter().map(|f| crate::settings::Project::root_for(f)).collect(),
            Err(_) => Vec::new(),
        };
        roots.sort();
        roots.dedup();
        roots
    }

    /// Reads every handout again and renders what changed; returns the keys of the views that
    /// changed (all of them on the first call).
    pub fn refresh(&self) -> Vec<String> {
        let _one_at_a_time = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        let files = match crate::load::find(&self.paths) {
            Ok(files) => files,
            Err(message) => {
                *write(&self.problems) = vec![Diagnostic::error(".", "io", message)];
                let gone: Vec<String> = read(&self.views).iter().map(|v| v.key.clone()).collect();
                write(&self.views).clear();
                return gone;
            }
        };
        let loaded = crate::load::load(files.clone());
        let review = crate::check::review(&loaded, &self.clock);
        let lexicon = crate::check::plain::Lexicon::new(&loaded);
        // The pages keep reading the current views while the new ones are made.
        let mut old: BTreeMap<String, View> = read(&self.views).iter().map(|v| (v.key.clone(), v.clone())).collect();
        let mut views = Vec::new();
        let mut changed = Vec::new();
        for file in &files {
            let key = display_path(file).to_string_lossy().replace('\\', "/");
            let previous = old.remove(&key);
            let old_version = previous.as_ref().map(|v| v.version);
            let entry = loaded.handouts.iter().position(|h| same_file(&h.handout.path, file));
            let view = match entry {
                Some(i) => self.view_of(&loaded, &loaded.handouts[i], &review[i], &lexicon, key, previous),
                None => self.failed_view(&loaded, file, key, previous),
            };
            if old_version != Some(view.version) {
                changed.push(view.key.clone());
            }
            views.push(view);
        }
        changed.extend(old.into_keys());
        let loose: Vec<Diagnostic> = loaded
            .diagnostics
            .iter()
            .filter(|d| !files.iter().any(|f| same_file(&d.path, f)))
            .chain(&lexicon.problems)
            .cloned()
            .collect();
        *write(&self.problems) = loose;
        *write(&self.views) = views;
        changed
    }

    /// Whether `path` is a handout whose text on disk is the text shown (nothing to do).
    pub fn shows(&self, path: &Path) -> bool {
        // After the refresh under way, if any (a save's).
        drop(self.refreshing.lock().unwrap_or_else(|e| e.into_inner()));
        let text = read_text(path);
        read(&self.views).iter().any(|v| same_file(&v.file, path) && text.as_deref() == Some(v.text.as_str()))
    }

    fn bump(&self) -> u64 {
        self.next_version.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }

    /// A handout that loaded: its outputs, rendered again where their inputs changed.
    fn view_of(
        &self,
        loaded: &Loaded,
        entry: &LoadedHandout,
        review: &[Diagnostic],
        lexicon: &crate::check::plain::Lexicon,
        key: String,
        previous: Option<View>,
    ) -> View {
        use rayon::prelude::*;
        let project = loaded.project_of(entry);
        let project_print =
            crate::output::cache::project_fingerprint(&project.root, &project.inputs(), &self.font_paths, &self.clock);
        let mut previous_outputs: BTreeMap<String, OutputView> = BTreeMap::new();
        let (old_version, old_text, old_diagnostics) = match previous {
            Some(view) => {
                for output in view.outputs {
                    previous_outputs.insert(output.profile.clone(), output);
                }
                (view.version, Some(view.text), view.diagnostics)
            }
            None => (0, None, Vec::new()),
        };
        let jobs: Vec<(&Output, String, Option<OutputView>)> = entry
            .outputs
            .iter()
            .map(|output| {
                let print = output_fingerprint(entry, output, &project_print);
                let kept = previous_outputs.remove(&output.profile.name);
                (output, print, kept)
            })
            .collect();
        let outputs: Vec<(OutputView, bool)> = jobs
            .into_par_iter()
            .map(|(output, print, kept)| match kept {
                Some(view) if view.fingerprint == print => (view, false),
                kept => (self.render(entry, output, print, project, kept), true),
            })
            .collect();
        let rendered = outputs.iter().any(|(_, fresh)| *fresh);
        let outputs: Vec<OutputView> = outputs.into_iter().map(|(view, _)| view).collect();
        let mut diagnostics: Vec<Diagnostic> =
            loaded.diagnostics.iter().filter(|d| same_file(&d.path, &entry.handout.path)).cloned().collect();
        diagnostics.extend(review.iter().cloned());
        let level = crate::check::reading_level(entry, project.settings.max_grade);
        diagnostics.extend(crate::check::plain::review(entry, lexicon, level.is_empty()).findings);
        diagnostics.extend(level);
        diagnostics.extend(outputs.iter().flat_map(|o| o.errors.iter().cloned()));
        let unchanged = !rendered && old_text.as_deref() == Some(&entry.text) && old_diagnostics == diagnostics;
        View {
            file: entry.handout.path.clone(),
            key,
            title: entry.handout.meta.title.clone(),
            hash: text_hash(&entry.text),
            text: entry.text.clone(),
            version: if unchanged { old_version } else { self.bump() },
            diagnostics,
            outputs,
            stale: false,
        }
    }

    /// One output's preview; a failed render keeps the last good preview beside its errors.
    fn render(
        &self,
        entry: &LoadedHandout,
        output: &Output,
        fingerprint: String,
        project: &crate::settings::Project,
        kept: Option<OutputView>,
    ) -> OutputView {
        let rendered = crate::check::images(&entry.handout);
        let result = if rendered.is_empty() { self.preview(entry, output, project) } else { Err(rendered) };
        let edited = kept.is_some();
        let (preview, errors) = match result {
            Ok(preview) if edited => (Some(warmed(Arc::new(preview))), Vec::new()),
            Ok(preview) => (Some(Arc::new(preview)), Vec::new()),
            Err(errors) => (kept.and_then(|k| k.preview), errors),
        };
        let profile = output.profile.name.clone();
        OutputView { profile, format: output.options.name(), fingerprint, version: self.bump(), preview, errors }
    }

    fn preview(
        &self,
        entry: &LoadedHandout,
        output: &Output,
        project: &crate::settings::Project,
    ) -> Result<Preview, Vec<Diagnostic>> {
        let handout = &entry.handout;
        let selection = crate::select::select(handout, &output.profile, &self.renderers.styles).map_err(|d| vec![d])?;
        match &output.options {
            FormatOptions::Pdf(options) => {
                let document = self.renderers.pdf_pages(&selection, options, project, &self.clock)?;
                let pngs = document.pages().iter().map(|_| OnceLock::new()).collect();
                Ok(Preview::Pdf { document, pngs })
            }
            FormatOptions::Sms(options) => {
                Ok(Preview::Sms { messages: crate::render::sms::outgoing(&selection, options)?.0 })
            }
            FormatOptions::Epub(_) => {
                let artifacts = self.renderers.render(&selection, &output.options, project, &self.clock, &[])?;
                let bytes = artifacts.into_iter().next().map(|a| a.bytes).unwrap_or_default();
                unzip(&bytes).map_err(|why| vec![Diagnostic::error(&handout.path, "epub", why)])
            }
            FormatOptions::Html(_) => {
                let artifacts = self.renderers.render(&selection, &output.options, project, &self.clock, &[])?;
                Ok(Preview::Html { page: artifacts.into_iter().next().map(|a| a.bytes).unwrap_or_default() })
            }
        }
    }

    /// A handout that does not load: its errors and text, and its last good previews.
    fn failed_view(&self, loaded: &Loaded, file: &Path, key: String, previous: Option<View>) -> View {
        let diagnostics: Vec<Diagnostic> =
            loaded.diagnostics.iter().filter(|d| same_file(&d.path, file)).cloned().collect();
        let text = read_text(file).unwrap_or_default();
        let (title, outputs, old_version, old_text, old_diagnostics) = match previous {
            Some(view) => (view.title, view.outputs, view.version, Some(view.text), view.diagnostics),
            None => (key.clone(), Vec::new(), 0, None, Vec::new()),
        };
        let unchanged = old_text.as_deref() == Some(&text) && old_diagnostics == diagnostics;
        View {
            file: file.to_path_buf(),
            key,
            title,
            hash: text_hash(&text),
            text,
            version: if unchanged { old_version } else { self.bump() },
            diagnostics,
            outputs,
            stale: true,
        }
    }
}

/// What an output's preview depends on: its profile and options, the handout's content it
/// selects (with the hand-written messages only for text messages), the images it shows and
/// the project's settings, templates and fonts.
fn output_fingerprint(entry: &LoadedHandout, output: &Output, project_print: &str) -> String {
    let handout = &entry.handout;
    let mut print = Fingerprint::default();
    print.add(project_print.as_bytes());
    print.add(format!("{:?}{:?}", output.profile, output.options).as_bytes());
    print.add(
        format!("{:?}{:?}{:?}{:?}", handout.meta, handout.brand, handout.strings, handout.citation_style).as_bytes(),
    );
    print.add(format!("{:?}", handout.sources).as_bytes());
    for section in handout.sections.iter().filter(|s| output.profile.includes(&s.id)) {
        print.add(format!("{section:?}").as_bytes());
        for image in crate::model::images_in(&section.blocks) {
            print.add(crate::output::cache::file_stamp(&image.path).unwrap_or_default().as_bytes());
        }
    }
    if matches!(output.options, FormatOptions::Sms(_)) {
        print.add(format!("{:?}", handout.messages).as_bytes());
    }
    print.hex()
}

/// The text of a handout file, through the project's door.
pub fn read_text(file: &Path) -> Option<String> {
    let root = crate::files::Root::new(&crate::settings::Project::root_for(file)).ok()?;
    root.read_text(file).ok().map(|source| source.text)
}

/// Whether two paths name one file (as given, or once resolved).
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || display_path(a) == display_path(b)
        || a.canonicalize().ok().is_some_and(|c| b.canonicalize().ok() == Some(c))
}

/// A book's files in memory, and its chapters (the XHTML documents, navigation last).
fn unzip(bytes: &[u8]) -> Result<Preview, String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("the book: {e}"))?;
    let mut files = BTreeMap::new();
    let mut chapters = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(|e| format!("the book: {e}"))?;
        let name = file.name().to_string();
        let mut content = Vec::new();
        file.read_to_end(&mut content).map_err(|e| format!("the book: {e}"))?;
        if name.ends_with(".xhtml") && !name.ends_with("nav.xhtml") {
            chapters.push(name.clone());
        }
        files.insert(name, content);
    }
    // The cover last: the text is what the author is looking at.
    chapters.sort_by_key(|c| c.ends_with("cover.xhtml"));
    Ok(Preview::Epub { files, chapters })
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

/// A handout as the page's list and its own page show it.
#[derive(Serialize)]
pub struct Summary {
    pub key: String,
    pub title: String,
    pub version: u64,
    pub errors: usize,
    pub warnings: usize,
    pub outputs: Vec<(String, &'static str)>,
    pub stale: bool,
}

impl View {
    pub fn summary(&self) -> Summary {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        Summary {
            key: self.key.clone(),
            title: self.title.clone(),
            version: self.version,
            errors,
            warnings: self.diagnostics.len() - errors,
            outputs: self.outputs.iter().map(|o| (o.profile.clone(), o.format)).collect(),
            stale: self.stale,
        }
    }
}

/// Reads the views.
pub fn views(workspace: &Workspace) -> std::sync::RwLockReadGuard<'_, Vec<View>> {
    read(&workspace.views)
}

/// Reads the problems that belong to no handout.
pub fn problems(workspace: &Workspace) -> Vec<Diagnostic> {
    read(&workspace.problems).clone()
}
