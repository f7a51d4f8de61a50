//! Writing outputs so that a failed or interrupted build never leaves a partial file: each
//! file is written to a temporary file in its own folder, then renamed over the old one.
//! What each handout was built from is kept in `cache`.

pub mod cache;

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
