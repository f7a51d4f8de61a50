//! The build cache: what each handout's outputs were built from (a fingerprint of every file
//! they read) and what was written (each file's size and a hash of its bytes), one small file
//! per handout in `DIR/.handout-cache/`, so that an unchanged handout is not built again and
//! the output folders of builds split across machines (`--shard`) merge by copying.

use std::path::{Path, PathBuf};

use super::{output_path, write_atomic};
use crate::files::Root;
use crate::model::{CitationStyle, Clock, Handout};

/// The folder in the output folder that remembers what each handout was built from.
pub const CACHE_DIR: &str = ".handout-cache";

/// A 64-bit SipHash-1-3 of every part added, written as hex: stable across runs, machines and
/// Rust versions (a fixed key; unlike `std`'s hasher, whose algorithm may change), and fast
/// enough to hash every input of a catalog on each build (a byte-at-a-time FNV-1a was 15 % of
/// a warm build of 200 handouts).
#[derive(Clone)]
pub struct Fingerprint(siphasher::sip::SipHasher13);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(siphasher::sip::SipHasher13::new_with_keys(0x6861_6e64_6f75_7421, 0x6669_6e67_6572_7072))
    }
}

impl Fingerprint {
    pub fn add(&mut self, bytes: &[u8]) -> &mut Self {
        use std::hash::Hasher as _;
        self.0.write(bytes);
        // The length after each part, so that ("ab", "c") and ("a", "bc") differ.
        self.0.write_u64(bytes.len() as u64);
        self
    }

    pub fn value(&self) -> u64 {
        use std::hash::Hasher as _;
        self.0.finish()
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.value())
    }
}

/// The fingerprints of the files a build's handouts read besides their own text, each file
/// read once per build: a catalog's handouts share their images and logo.
#[derive(Default)]
pub struct FilePrints(std::sync::Mutex<std::collections::HashMap<PathBuf, u64>>);

impl FilePrints {
    /// The fingerprint of the file's bytes (of nothing, when it cannot be read: the build
    /// reports why).
    fn of(&self, path: &Path) -> u64 {
        let known = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(path).copied();
        known.unwrap_or_else(|| {
            let bytes = crate::files::read_resolved_bytes(path, crate::files::MAX_IMAGE_FILE).unwrap_or_default();
            let print = Fingerprint::default().add(&bytes).value();
            self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_path_buf(), print);
            print
        })
    }
}

/// What the last build of a handout read and wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CacheEntry {
    pub inputs: String,
    /// Profile → output file name → its [`stamp`] when it was written.
    pub outputs: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
}

/// A handout's record and when it was saved.
pub struct Recorded {
    pub entry: CacheEntry,
    saved: std::time::SystemTime,
    /// An output newer than the record had to be read to be recognised: saving the record
    /// again spares the next build reading it.
    read_again: std::cell::Cell<bool>,
}

impl Recorded {
    /// Whether [`outputs_intact`] had to read an output newer than this record.
    pub fn is_stale(&self) -> bool {
        self.read_again.get()
    }
}

fn entry_path(out_dir: &Path, slug: &str) -> PathBuf {
    out_dir.join(CACHE_DIR).join(format!("{slug}.json"))
}

/// The record of the handout `slug` in `out_dir`, if there is a readable one.
pub fn read_entry(out_dir: &Path, slug: &str) -> Option<Recorded> {
    let path = entry_path(out_dir, slug);
    let saved = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
    let entry = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    Some(Recorded { entry, saved, read_again: std::cell::Cell::new(false) })
}

pub fn write_entry(out_dir: &Path, slug: &str, entry: &CacheEntry) -> std::io::Result<()> {
    let cache = out_dir.join(CACHE_DIR);
    // The single cache file of earlier versions stands where the folder goes.
    if cache.is_file() {
        std::fs::remove_file(&cache)?;
    }
    let json = serde_json::to_vec_pretty(entry).map_err(std::io::Error::other)?;
    write_atomic(&entry_path(out_dir, slug), &json)
}

/// An output's size and a hash of its bytes, as written: the same output gives the same record
/// on every machine, so records merge with the files they describe.
pub fn stamp(bytes: &[u8]) -> String {
    format!("{}:{}", bytes.len(), Fingerprint::default().add(bytes).hex())
}

/// Whether `profile` has outputs recorded, all still on disk as written: the size recorded and
/// not changed since the record was saved (a `stat`); a file newer than the record (copied
/// from another machine's build, say) is read and its hash compared.
pub fn outputs_intact(out_dir: &Path, slug: &str, recorded: &Recorded, profile: &str) -> bool {
    recorded.entry.outputs.get(profile).is_some_and(|files| {
        !files.is_empty()
            && files.iter().all(|(name, recorded_stamp)| {
                let path = output_path(out_dir, slug, name);
                let size = recorded_stamp.split(':').next().and_then(|s| s.parse::<u64>().ok());
                match std::fs::metadata(&path) {
                    Ok(meta) if Some(meta.len()) != size => false,
                    Ok(meta) if meta.modified().is_ok_and(|t| t <= recorded.saved) => true,
                    Ok(_) => {
                        recorded.read_again.set(true);
                        std::fs::read(&path).is_ok_and(|bytes| stamp(&bytes) == *recorded_stamp)
                    }
                    Err(_) => false,
                }
            })
    })
}

/// Everything of a project that every handout's outputs depend on: the tool's version, the
/// clock, and `inputs` (files and folders inside the project: its settings, locales,
/// templates, fonts), and `font_paths` (folders of fonts named on the command line).
pub fn project_fingerprint(root: &Root, inputs: &[PathBuf], font_paths: &[PathBuf], clock: &Clock) -> String {
    let mut print = Fingerprint::default();
    print.add(env!("CARGO_PKG_VERSION").as_bytes());
    print.add(clock.fixed.map(|t| t.to_string()).unwrap_or_default().as_bytes());
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() { files.extend(root.files_in(input)) } else { files.push(input.clone()) }
    }
    files.extend(
        font_paths
            .iter()
            .flat_map(|folder| Root::new(folder).map(|outside| outside.files_in(folder)).unwrap_or_default()),
    );
    for file in &files {
        print.add(relative(root.path(), file).as_bytes());
        print.add(file_stamp(file).unwrap_or_default().as_bytes());
    }
    print.hex()
}

/// A project file's size and modification time: whether it may have changed, for a `stat`.
pub fn file_stamp(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("{}:{}", meta.len(), modified.as_nanos()))
}

/// A file's path relative to the project (so that a moved project keeps its fingerprints).
fn relative(root: &Path, file: &Path) -> String {
    let absolute = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    absolute.strip_prefix(root).unwrap_or(&absolute).to_string_lossy().into_owned()
}

/// The project's fingerprint, the handout's own text (as it was read, not as it is now) and
/// every file it reads: bibliographies, images, the logo, a CSL file, and `inputs` (what its
/// outputs read besides, such as an EPUB cover).
pub fn handout_fingerprint(
    handout: &Handout,
    text: &str,
    inputs: &[PathBuf],
    root: &Path,
    project_print: &str,
    file_prints: &FilePrints,
) -> String {
    // Bibliographies as they were read for this build (not as they may be by now: an edit made
    // while the build runs must make the next build build again).
    let mut read: Vec<(&Path, &str)> = Vec::new();
    for source in &handout.sources {
        if let crate::model::SourceRecord::Bibtex(text) = &source.record
            && !read.iter().any(|(path, _)| *path == source.origin.path)
        {
            read.push((&source.origin.path, text.as_str()));
        }
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for section in &handout.sections {
        files.extend(crate::model::images_in(&section.blocks).into_iter().map(|i| i.path.clone()));
    }
    files.extend(handout.brand.logo.clone());
    if let CitationStyle::File(path) = &handout.citation_style {
        files.push(path.clone());
    }
    files.extend(inputs.iter().cloned());
    files.retain(|f| *f != handout.path && !read.iter().any(|(path, _)| path == f));
    files.sort();
    files.dedup();
    let mut print = Fingerprint::default();
    print.add(project_print.as_bytes());
    print.add(text.as_bytes());
    for (path, text) in read {
        print.add(relative(root, path).as_bytes());
        print.add(text.as_bytes());
    }
    // The others are read again when the outputs are made, after this: an edit made meanwhile
    // changes this fingerprint or the output, never only the output.
    for file in &files {
        print.add(relative(root, file).as_bytes());
        print.add(&file_prints.of(file).to_le_bytes());
    }
    print.hex()
}
