//! Problems found in a project, each pinned to `path:line:column`.
//!
//! Every stage collects diagnostics instead of stopping at the first one, so that an author
//! sees all of a handout's problems in one run.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a finding is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One finding, with the place in the source file it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    /// 1-based line (1 when the finding is about the file as a whole).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub severity: Severity,
    /// A short stable code such as `front-matter` or `citation`, for scripts and `--json`.
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<Box<str>>,
    /// The output profile the finding is about, when it concerns one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Box<str>>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: 1,
            column: 1,
            severity: Severity::Error,
            code,
            message: message.into(),
            hint: None,
            profile: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(path, code, message) }
    }

    pub fn at(mut self, (line, column): (usize, usize)) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into().into_boxed_str());
        self
    }

    pub fn profile(mut self, profile: &str) -> Self {
        self.profile = Some(profile.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let path = self.path.display().to_string();
        let (line, column, code) = (self.line, self.column, self.code);
        write!(f, "{}:{line}:{column}: {severity}[{code}]: {}", inert(&path), inert(&self.message))?;
        if let Some(profile) = &self.profile {
            write!(f, " (profile `{}`)", inert(profile))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", inert(hint))?;
        }
        Ok(())
    }
}

/// Text for a terminal with its control characters written as escapes (`\u{1b}`): author
/// text quoted in a message must not move the cursor, recolour or retitle the terminal.
fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    let harmless = |c: char| !c.is_control() || c == '\n' || c == '\t';
    if text.chars().all(harmless) {
        return text.into();
    }
    text.chars()
        .map(|c| if harmless(c) { c.to_string() } else { c.escape_unicode().to_string() })
        .collect::<String>()
        .into()
}

/// A source file's text with a line index, to turn byte offsets into `line:column`.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceText {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceText { path: path.into(), text, line_starts }
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].trim_end_matches('\r').chars().count() + 1;
        (line + 1, column)
    }

    pub fn error_at(&self, offset: usize, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, code, message).at(self.line_col(offset))
    }

    pub fn warning_at(&self, offset: usize, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.path, code, message).at(self.line_col(offset))
    }
}

/// Shortens `path` to be relative to the current directory when it lies below it, as
/// compilers print paths.
pub fn display_path(path: &Path) -> PathBuf {
    if let Ok(relative) = path.strip_prefix(".")
        && !relative.as_os_str().is_empty()
    {
        return relative.to_path_buf();
    }
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .map(|relative| if relative.as_os_str().is_empty() { PathBuf::from(".") } else { relative })
        .unwrap_or_else(|| path.to_path_buf())
}

/// `--deny warnings`: every warning becomes an error.
pub fn deny_warnings(diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        d.severity = Severity::Error;
    }
}

/// A path as text for `--json`, whatever bytes its name holds (a name that is not UTF-8 gets
/// U+FFFD where its bad bytes are, rather than failing the whole report).
pub fn lossy_path<S: serde::Serializer>(path: &std::path::Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

/// Paths as text, as [`lossy_path`].
pub fn lossy_paths<S: serde::Serializer>(paths: &[PathBuf], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(paths.iter().map(|p| p.to_string_lossy()))
}

/// The known name closest to `unknown`, when it is close enough to be a likely typo: at most
/// one edit (or transposition) per three letters, or a shared beginning.
pub fn did_you_mean<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Names people mistype are short; comparing long ones costs the square of their length for
    // every pair (400 unknown 200-character keys against 400 took 20 s) and helps nobody.
    const LONGEST: usize = 40;
    let length = unknown.chars().count();
    if length > LONGEST {
        return None;
    }
    let allowed = (length / 3).max(1);
    known
        .into_iter()
        .filter(|candidate| candidate.len() <= LONGEST * 4 && candidate.chars().count() <= LONGEST)
        .map(|candidate| {
            (strsim::osa_distance(unknown, candidate), -strsim::jaro_winkler(unknown, candidate), candidate)
        })
        .filter(|(edits, jaro, _)| *edits <= allowed || -jaro > 0.9)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|(_, _, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_ignores_crlf() {
        let source = SourceText::new("x.md", "ab\r\nçd\nlast".to_string());
        assert_eq!(source.line_col(0), (1, 1));
        assert_eq!(source.line_col(2), (1, 3));
        assert_eq!(source.line_col(4), (2, 1));
        // 'ç' is two bytes: the 'd' after it is column 2.
        assert_eq!(source.line_col(6), (2, 2));
        assert_eq!(source.line_col(9), (3, 2));
        assert_eq!(source.line_col(999), (3, 5));
    }

    #[test]
    fn control_characters_in_messages_are_printed_as_escapes() {
        let d = Diagnostic::error("a\x1b]0;x\x07.md", "front-matter", "title `\x1b[2J\u{9b}31m`");
        let shown = d.to_string();
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{shown:?}");
        assert!(shown.contains("\\u{1b}[2J\\u{9b}31m"), "{shown}");
    }

    #[test]
    fn suggests_near_names_only() {
        let known = ["title", "subtitle", "summary"];
        assert_eq!(did_you_mean("titel", known), Some("title"));
        assert_eq!(did_you_mean("colour", known), None);
        assert_eq!(did_you_mean("pfd", ["pdf", "epub", "sms"]), Some("pdf"));
        assert_eq!(did_you_mean("vancover", ["vancouver", "ama", "apa"]), Some("vancouver"));
    }
}
