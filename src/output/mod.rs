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
    staged(path, bytes)?.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes a handout's files together: every file is written to its temporary file first, and
/// only when all of them are (a full disk fails here) are they renamed over the old ones, so
/// old and new outputs never mix within a handout. The error names the file that failed.
pub fn write_all_atomic(files: &[(PathBuf, &[u8])]) -> Result<(), (PathBuf, std::io::Error)> {
    let mut temps = Vec::new();
    for (path, bytes) in files {
        temps.push((path, staged(path, bytes).map_err(|e| (path.clone(), e))?));
    }
    for (path, temp) in temps {
        temp.persist(path).map_err(|e| (path.clone(), e.error))?;
    }
    Ok(())
}

/// `bytes` in a temporary file beside `path`, named for this process (so that a build running
/// at the same time never sweeps it away).
fn staged(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut temp = tempfile::Builder::new().prefix(&prefix).tempfile_in(dir)?;
    temp.write_all(bytes)?;
    // Temporary files are created private (0600); outputs are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    // Not synced to disk (as cargo and typst do not): the rename alone keeps a killed build
    // from leaving a partial file, and syncing each file kept the cores waiting on the disk.
    Ok(temp)
}

/// Removes temporary files that a killed earlier build left in `dir` and its folders; those
/// of a build still running (another `handout build` at the same time) are left alone.
pub fn sweep_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let orphaned = name.strip_prefix(TEMP_PREFIX).is_some_and(|rest| !writer_alive(rest));
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => sweep_temporaries(&path),
            Ok(kind) if kind.is_file() && orphaned => {
                let _ = std::fs::remove_file(&path);
            }
            _ => {}
        }
    }
}

/// Whether the process that named a temporary file `<pid>-…` is still running.
fn writer_alive(name: &str) -> bool {
    let Some(pid) = name.split('-').next().and_then(|pid| pid.parse::<u32>().ok()) else { return false };
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let found = unsafe { libc::kill(pid, 0) } == 0;
        found || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Output folders are the tool's own: a folder that is a link (which could lead anywhere, and
/// whose files this tool did not make) is refused rather than written through. `out_dir` may
/// be a link only when it was given outside the project (`-o`).
pub fn check_folders(out_dir: &Path, slug: &str, project_root: &Path) -> Result<(), String> {
    let is_link = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    let handout_dir = out_dir.join(slug);
    if is_link(&handout_dir) {
        let shown = crate::diagnostic::display_path(&handout_dir);
        return Err(format!(
            "{} is a link; remove it and build again (outputs go into a real folder)",
            shown.display()
        ));
    }
    let inside = std::path::absolute(out_dir).is_ok_and(|dir| dir.starts_with(project_root));
    if inside && is_link(out_dir) {
        let leads = std::fs::canonicalize(out_dir).is_ok_and(|target| target.starts_with(project_root));
        if !leads {
            let shown = crate::diagnostic::display_path(out_dir);
            return Err(format!(
                "{} is a link out of the project; remove it, or give the folder with `-o`",
                shown.display()
            ));
        }
    }
    Ok(())
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
        // A process id that cannot be running (above Linux's maximum): the file is an orphan.
        let leftover = dir.path().join("a").join(format!("{TEMP_PREFIX}4194305-x"));
        std::fs::write(&leftover, b"partial").unwrap();
        // Another build's file, still being written (this process stands in for it).
        let running = dir.path().join("a").join(format!("{TEMP_PREFIX}{}-y", std::process::id()));
        std::fs::write(&running, b"writing").unwrap();
        sweep_temporaries(dir.path());
        assert!(!leftover.exists());
        assert!(running.exists());
        assert!(target.exists());
    }
}
