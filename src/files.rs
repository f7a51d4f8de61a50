//! The one door through which the tool reads a project: every path is resolved inside the
//! project root (after following links), must be a regular file, and is read only up to a
//! size limit, so that a link out of the project, a FIFO or `/dev/zero` is refused with a
//! reason instead of being read.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Diagnostic, SourceText, display_path};

/// Largest handout, bibliography, settings, locale or template file read (1 MiB): a real
/// handout is a few kilobytes.
pub const MAX_TEXT_FILE: u64 = 1024 * 1024;
/// Largest image read (64 MiB): a 300 dpi photo across a letter page is a few megabytes.
pub const MAX_IMAGE_FILE: u64 = 64 * 1024 * 1024;
/// Largest font file read (32 MiB): a CJK font is about 20 MB.
pub const MAX_FONT_FILE: u64 = 32 * 1024 * 1024;

/// A project's root folder, canonical.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Root(pub PathBuf);

impl Root {
    pub fn new(folder: &Path) -> std::io::Result<Root> {
        folder.canonicalize().map(Root)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Resolves a path written in a file in `base` (a folder inside the root) to an existing
    /// regular file inside the root. Absolute paths, `..` escapes and links that lead outside
    /// are refused.
    pub fn resolve(&self, base: &Path, written: &str) -> Result<PathBuf, String> {
        if written.is_empty() {
            return Err("the path is empty".into());
        }
        let relative = Path::new(written);
        if relative.has_root() || written.chars().nth(1) == Some(':') {
            return Err("absolute paths are not allowed; write a path relative to the file".into());
        }
        let joined = base.join(relative);
        // Refuse `..` that climbs out before looking at the disk, so the message is the real reason.
        let mut lexical = PathBuf::new();
        for part in joined.components() {
            match part {
                Component::ParentDir => {
                    lexical.pop();
                }
                Component::CurDir => {}
                other => lexical.push(other),
            }
        }
        if !lexical.starts_with(&self.0) {
            return Err("it is outside the project root; only files inside the project can be used".into());
        }
        self.check(&joined)
    }

    /// The canonical path of `path` when it is a regular file inside the root.
    pub fn check(&self, path: &Path) -> Result<PathBuf, String> {
        let canonical = path.canonicalize().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("no such file (looked for {})", display_path(path).display()),
            _ => format!("cannot open it: {e}"),
        })?;
        if !canonical.starts_with(&self.0) {
            return Err(format!(
                "it is outside the project root {} (a link leads out of it); only files inside the project can be used",
                display_path(&self.0).display()
            ));
        }
        let kind = std::fs::metadata(&canonical).map_err(|e| format!("cannot open it: {e}"))?.file_type();
        if !kind.is_file() {
            return Err("it is not a regular file".into());
        }
        Ok(canonical)
    }

    /// The bytes of a regular file inside the root, refused above `limit` bytes.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, String> {
        let canonical = self.check(path)?;
        let file = std::fs::File::open(&canonical).map_err(|e| format!("cannot read it: {e}"))?;
        let size = file.metadata().map_err(|e| format!("cannot read it: {e}"))?.len();
        if size > limit {
            return Err(format!("it is {size} bytes, over the limit of {limit} bytes"));
        }
        let mut bytes = Vec::with_capacity(size as usize);
        // Never more than the limit, even if the file grows while it is read.
        file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read it: {e}"))?;
        if bytes.len() as u64 > limit {
            return Err(format!("it is over the limit of {limit} bytes"));
        }
        Ok(bytes)
    }

    /// A UTF-8 text file inside the root (see [`text_of`]).
    pub fn read_text(&self, path: &Path) -> Result<SourceText, Diagnostic> {
        text_of(path, self.read(path, MAX_TEXT_FILE))
    }

    /// The regular files directly in a folder inside the root, sorted (none when the folder
    /// is not there).
    pub fn files_in(&self, folder: &Path) -> Vec<PathBuf> {
        let Ok(canonical) = folder.canonicalize() else { return Vec::new() };
        if !canonical.starts_with(&self.0) {
            return Vec::new();
        }
        let Ok(entries) = std::fs::read_dir(&canonical) else { return Vec::new() };
        let mut found: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| self.check(p).is_ok()).collect();
        found.sort();
        found
    }
}

/// A text file already resolved inside a project (see [`Root::resolve`]), read with the
/// same limits.
pub fn read_resolved(path: &Path) -> Result<SourceText, Diagnostic> {
    text_of(path, read_resolved_bytes(path, MAX_TEXT_FILE))
}

/// The bytes of a file already resolved inside a project, read with a size limit.
pub fn read_resolved_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Root::new(folder).map_err(|e| format!("cannot open it: {e}"))?.read(path, limit)
}

/// Line and column of what `find` finds in a file already read (1:1 when it is not there, or
/// the file cannot be read again).
pub fn place_in_file(path: &Path, find: impl Fn(&str) -> Option<usize>) -> (usize, usize) {
    let Ok(source) = read_resolved(path) else { return (1, 1) };
    find(&source.text).map_or((1, 1), |offset| source.line_col(offset))
}

/// The text of a file's bytes: refused when they could not be read, are not UTF-8 (at the
/// byte where they stop being UTF-8) or hold a NUL byte; a leading BOM is dropped.
fn text_of(path: &Path, bytes: Result<Vec<u8>, String>) -> Result<SourceText, Diagnostic> {
    let display = display_path(path);
    let bytes = bytes.map_err(|why| {
        let hint = if why.contains("over the limit") {
            "a handout is plain text of a few kilobytes; is this the right file?"
        } else {
            "check the path, and that the file is inside the project"
        };
        Diagnostic::error(&display, "io", format!("cannot read the file: {why}")).hint(hint)
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
        let at = SourceText::new(&display, valid.to_string()).line_col(offset);
        Diagnostic::error(&display, "encoding", format!("the file is not valid UTF-8 (at byte offset {offset})"))
            .at(at)
            .hint("save the file as UTF-8 in your editor (\"Save As\" → encoding UTF-8)")
    })?;
    if let Some(offset) = text.find('\0') {
        let at = SourceText::new(&display, text.clone()).line_col(offset);
        return Err(Diagnostic::error(
            &display,
            "encoding",
            format!("the file contains a NUL byte (at byte offset {offset})"),
        )
        .at(at)
        .hint("this looks like a binary file, not a Markdown handout"));
    }
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    Ok(SourceText::new(display, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_links_out_and_special_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::new(dir.path()).unwrap();
        std::fs::write(dir.path().join("a.md"), "text").unwrap();
        assert!(root.resolve(dir.path(), "a.md").is_ok());
        assert!(root.resolve(dir.path(), "../a.md").unwrap_err().contains("outside the project root"));
        assert!(root.resolve(dir.path(), "/etc/passwd").unwrap_err().contains("absolute"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link.md")).unwrap();
            assert!(root.resolve(dir.path(), "link.md").unwrap_err().contains("a link leads out of it"));
            std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.md")).unwrap();
            assert!(root.read(&dir.path().join("zero.md"), 10).is_err());
        }
        std::fs::create_dir(dir.path().join("folder.md")).unwrap();
        assert_eq!(root.resolve(dir.path(), "folder.md").unwrap_err(), "it is not a regular file");
        std::fs::write(dir.path().join("big.md"), vec![b'a'; 100]).unwrap();
        assert!(root.read(&dir.path().join("big.md"), 10).unwrap_err().contains("over the limit"));
    }
}
