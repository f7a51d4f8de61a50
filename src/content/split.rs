//! Splits a handout file into its TOML front matter and its Markdown body, keeping the byte
//! offset of each so that later errors can point at real lines.

use crate::diagnostic::{Diagnostic, SourceText};

/// The two parts of a handout file, as byte ranges into [`SourceText::text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub front_matter: std::ops::Range<usize>,
    pub body: std::ops::Range<usize>,
}

/// Finds the `+++` fences. The opening fence must be the first line of the file.
pub fn split(source: &SourceText) -> Result<Split, Diagnostic> {
    let text = source.text.as_str();
    let mut lines = line_ranges(text);
    let Some(first) = lines.next() else {
        return Err(source
            .error_at(0, "front-matter", "the file is empty")
            .hint("a handout starts with `+++`, then TOML keys such as `title = \"...\"`, then `+++` and the text"));
    };
    if text[first.clone()].trim_end() == "---" {
        return Err(source
            .error_at(first.start, "front-matter", "this looks like YAML front matter (`---`)")
            .hint("handout front matter is TOML between `+++` lines: `title = \"...\"` instead of `title: ...`"));
    }
    if text[first.clone()].trim_end() != "+++" {
        return Err(source
            .error_at(first.start, "front-matter", "expected `+++` to open the front matter on the first line")
            .hint(
                "start the file with a line `+++`, the TOML front matter (title, summary, ...), and a closing `+++`",
            ));
    }
    for line in lines {
        if text[line.clone()].trim_end() == "+++" {
            let body_start = (line.end + 1).min(text.len());
            return Ok(Split { front_matter: first.end + 1..line.start, body: body_start..text.len() });
        }
    }
    Err(source
        .error_at(first.start, "front-matter", "the front matter opened here is never closed")
        .hint("add a line containing only `+++` after the last front matter key"))
}

/// Byte ranges of each line, without its `\n`.
fn line_ranges(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let range = start..end;
        start = end + 1;
        Some(range)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_str(text: &str) -> Result<(String, String), Diagnostic> {
        let source = SourceText::new("t.md", text.to_string());
        split(&source).map(|s| (text[s.front_matter].to_string(), text[s.body].to_string()))
    }

    #[test]
    fn splits_lf_and_crlf() {
        assert_eq!(split_str("+++\ntitle = \"a\"\n+++\nBody\n").unwrap(), ("title = \"a\"\n".into(), "Body\n".into()));
        assert_eq!(
            split_str("+++\r\ntitle = \"a\"\r\n+++\r\nBody").unwrap(),
            ("title = \"a\"\r\n".into(), "Body".into())
        );
        assert_eq!(split_str("+++\n+++").unwrap(), (String::new(), String::new()));
    }

    #[test]
    fn reports_missing_fences_with_lines() {
        let err = split_str("title = 1\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 1));
        assert!(err.message.contains("expected `+++`"));
        let err = split_str("\n\n").unwrap_err();
        assert_eq!(err.line, 1);
        let err = split_str("+++\ntitle = \"x\"\nBody\n").unwrap_err();
        assert!(err.message.contains("never closed"), "{err}");
        assert!(split_str("").unwrap_err().message.contains("empty"));
    }
}
