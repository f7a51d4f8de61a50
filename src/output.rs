//! Writing outputs so that a failed or interrupted build never leaves a partial file: each
//! file is written to a temporary file in its own folder, flushed, then renamed over the old one.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Prefix of temporary files, so that ones orphaned by a killed process can be swept up.
const TEMP_PREFIX: &str = ".handout-tmp-";

/// One file a renderer produced, still in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// File name within the handout's output folder, e.g. `leaflet.pdf`.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Writes `bytes` to `path` atomically (temporary file + rename in the same folder).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(dir)?;
    temp.write_all(bytes)?;
    // Temporary files are created private (0600); outputs are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    // Not synced to disk (as cargo and typst do not): the rename alone keeps a killed build
    // from leaving a partial file, and syncing each file kept the cores waiting on the disk.
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Removes temporary files that a killed earlier build left in `dir` and its folders.
pub fn sweep_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_temp = entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX);
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => sweep_temporaries(&path),
            Ok(kind) if kind.is_file() && is_temp => {
                let _ = std::fs::remove_file(&path);
            }
            _ => {}
        }
    }
}

/// The file in the output folder that remembers what each handout was built from.
pub const CACHE_FILE: &str = ".handout-cache";

/// A 64-bit FNV-1a hash, written as hex: stable across runs, machines and Rust versions
/// (unlike `std`'s hasher), and fast enough to hash every input of a catalog on each build.
#[derive(Clone)]
pub struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    pub fn add(&mut self, bytes: &[u8]) -> &mut Self {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        self.0 = self.0.rotate_left(5) ^ 0xff;
        self
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// What the last build of a handout read and wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CacheEntry {
    pub inputs: String,
    /// Profile → output file name → its [`stamp`] when it was written.
    pub outputs: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
}

/// slug → entry, kept in `DIR/.handout-cache`.
pub type Cache = std::collections::BTreeMap<String, CacheEntry>;

pub fn read_cache(out_dir: &Path) -> Cache {
    std::fs::read(out_dir.join(CACHE_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

pub fn write_cache(out_dir: &Path, cache: &Cache) -> std::io::Result<()> {
    write_atomic(&out_dir.join(CACHE_FILE), &serde_json::to_vec_pretty(cache).expect("cache serializes"))
}

/// A written file's size and modification time (to the nanosecond): an output that is edited,
/// replaced or deleted no longer matches, and checking costs a `stat`, not a read.
pub fn stamp(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("{}:{}", meta.len(), modified.as_nanos()))
}

/// Whether `profile` has outputs recorded in `entry`, all still on disk as written.
pub fn outputs_intact(out_dir: &Path, slug: &str, entry: &CacheEntry, profile: &str) -> bool {
    entry.outputs.get(profile).is_some_and(|files| {
        !files.is_empty()
            && files.iter().all(|(name, recorded)| stamp(&output_path(out_dir, slug, name)).as_ref() == Some(recorded))
    })
}

/// Where a handout's output for a profile goes: `DIR/<slug>/<file>`.
pub fn output_path(out_dir: &Path, slug: &str, file_name: &str) -> PathBuf {
    out_dir.join(slug).join(file_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_files_and_sweeps_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a/b.txt");
        write_atomic(&target, b"first").unwrap();
        write_atomic(&target, b"second").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"second");
        let leftover = dir.path().join("a").join(format!("{TEMP_PREFIX}x"));
        std::fs::write(&leftover, b"partial").unwrap();
        sweep_temporaries(dir.path());
        assert!(!leftover.exists());
        assert!(target.exists());
    }
}
