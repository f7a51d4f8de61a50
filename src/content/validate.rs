//! Judging the values of a handout: what each must be, and what must agree (citations with
//! sources). Nothing is read from disk here.

use std::ops::Range;

use super::front_matter::FrontMatter;
use super::markdown::Body;
use crate::diagnostic::{Diagnostic, SourceText, did_you_mean};
use crate::model::{Direction, Lang, Meta, Origin, ShortMessage, Source};

/// The handout's metadata; `None` when a required value is missing or empty.
pub fn meta(front: &FrontMatter, source: &SourceText, errors: &mut Vec<Diagnostic>) -> Option<Meta> {
    for (name, value) in [("title", &front.title), ("summary", &front.summary)] {
        if let Some(value) = value
            && value.value.trim().is_empty()
        {
            errors.push(
                source
                    .error_at(value.offset, "front-matter", format!("`{name}` is empty"))
                    .hint(format!("write the handout's {name} between the quotes")),
            );
        }
    }
    let lang = Lang(front.lang.as_ref().map_or("en".to_string(), |l| l.value.clone()));
    if let Some(l) = &front.lang
        && !is_language_tag(&l.value)
    {
        errors.push(
            source
                .error_at(l.offset, "front-matter", format!("`lang = \"{}\"` is not a language tag", l.value))
                .hint("use a BCP 47 tag such as \"en\", \"es\", \"es-MX\", \"zh-Hans\" or \"ar\""),
        );
    }
    let slug = match &front.slug {
        Some(slug) => {
            if !crate::text::is_slug(&slug.value) || is_reserved_name(&slug.value) {
                errors.push(
                    source
                        .error_at(
                            slug.offset,
                            "front-matter",
                            format!("`slug = \"{}\"` cannot name an output folder", slug.value),
                        )
                        .hint("use lower-case letters, digits and `-`, e.g. \"emotional-numbness\""),
                );
            }
            slug.value.clone()
        }
        None => {
            let stem = source.path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            if !crate::text::is_slug(&stem) || is_reserved_name(&stem) {
                errors.push(
                    Diagnostic::error(&source.path, "front-matter", format!("the file name `{stem}` cannot name an output folder"))
                        .hint("rename the file with lower-case letters, digits and `-`, or set `slug = \"...\"` in the front matter"),
                );
            }
            stem
        }
    };
    if let Some(original) = &front.translation_of
        && !crate::text::is_slug(&original.value)
    {
        errors.push(
            source
                .error_at(
                    original.offset,
                    "front-matter",
                    format!("`translation-of = \"{}\"` is not a handout's slug", original.value),
                )
                .hint("write the original handout's slug, e.g. \"emotional-numbness\""),
        );
    }
    let contact = front.contact.clone();
    if contact.phone.as_deref().is_none_or(|p| p.trim().is_empty()) {
        errors.push(Diagnostic::error(&source.path, "contact", "the handout has no help-line phone number").hint(
            "add a `[contact]` table with `phone = \"...\"` to the front matter, or to handout.toml for every handout",
        ));
    }
    if let Some(url) = &contact.url
        && !is_web_address(url)
    {
        let offset = source.text.find(url.as_str()).unwrap_or(0);
        errors.push(
            source
                .error_at(offset, "contact", format!("the help line's address `{url}` is not a web address"))
                .hint("write it as https://…"),
        );
    }
    let direction = Direction::of(&lang);
    Some(Meta {
        title: front.title.as_ref()?.value.trim().to_string(),
        subtitle: front.subtitle.as_ref().map(|s| s.value.trim().to_string()),
        summary: front.summary.as_ref()?.value.split_whitespace().collect::<Vec<_>>().join(" "),
        direction,
        lang,
        slug,
        translation_of: front.translation_of.as_ref().map(|t| t.value.clone()),
        authors: front.authors.iter().map(|a| a.value.clone()).collect(),
        reviewed: front.reviewed.as_ref().map(|d| d.value),
        next_review: front.next_review.as_ref().map(|d| d.value),
        keywords: front.keywords.iter().map(|k| k.value.clone()).collect(),
        contact,
    })
}

/// A web address people can follow: `http` or `https`.
pub fn is_web_address(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && lower.len() > "https://".len()
}

/// A BCP 47 tag in its common shape: `en`, `es-MX`, `zh-Hans-CN`.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Names Windows refuses for a file or folder.
fn is_reserved_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let reserved = ["con", "prn", "aux", "nul"].contains(&stem)
        || (stem.len() == 4
            && (stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.ends_with(|c: char| c.is_ascii_digit()));
    reserved || name.ends_with('.')
}

/// Every citation has its source; a missing source gets the nearest key. When a bibliography
/// could not be read or parsed, its keys are not reported again: the cause was.
pub fn citations(
    body: &Body,
    sources: &[Source],
    front: &FrontMatter,
    source: &SourceText,
    body_range: Range<usize>,
    errors: &mut Vec<Diagnostic>,
) {
    let bibliography_failed =
        errors.iter().any(|e| e.code == "bibliography" || (e.code == "path" && e.message.starts_with("bibliography")));
    for use_ in &body.citations {
        if sources.iter().any(|s| s.key == use_.key) || bibliography_failed {
            continue;
        }
        let keys: Vec<&str> = sources.iter().map(|s| s.key.as_str()).collect();
        let hint = match did_you_mean(&use_.key, keys.iter().copied()) {
            Some(near) => format!("did you mean `@{near}`?"),
            None if front.bibliography.is_empty() && front.sources.is_empty() => {
                "add `bibliography = \"sources.bib\"` or `[[sources]]` to the front matter".to_string()
            }
            None => "define it in the bibliography or in a `[[sources]]` table".to_string(),
        };
        errors.push(
            source.error_at(use_.offset, "citation", format!("citation `@{}` has no source", use_.key)).hint(hint),
        );
    }
    // `@key` written outside `[@key]` (or in a form not understood) would print as typed.
    // One pass over the body for `@`, each looked up among the keys (not one pass per key).
    let cited_at: std::collections::HashSet<usize> = body.citations.iter().map(|c| c.offset).collect();
    let keys: std::collections::HashSet<&str> = sources.iter().map(|s| s.key.as_str()).collect();
    let text = &source.text[body_range.clone()];
    for (relative, _) in text.match_indices('@') {
        let at = body_range.start + relative;
        let rest = &text[relative + 1..];
        // The longest key that starts here and ends at a word boundary.
        let boundary = |c: char| !(c.is_alphanumeric() || "_-#$%&+?<>~/".contains(c));
        let end = rest.find(|c: char| c.is_whitespace() || "[](){};,\"'".contains(c)).unwrap_or(rest.len());
        let candidate = &rest[..end];
        let key = (1..=candidate.len())
            .rev()
            .filter(|n| candidate.is_char_boundary(*n))
            .map(|n| &candidate[..n])
            .find(|k| keys.contains(k) && candidate[k.len()..].chars().next().is_none_or(boundary));
        if let Some(key) = key
            && !cited_at.contains(&at)
        {
            let needle = format!("@{key}");
            errors.push(
                source
                    .warning_at(at, "citation", format!("`{needle}` is not a citation and will print as typed"))
                    .hint(format!("write it as `[{needle}]`, with nothing else inside the brackets")),
            );
        }
    }
}

/// Characters no output can carry in the body, each at its place (the first few of a file: a
/// file full of them is one fault, not hundreds of lines of it). The front matter's texts are
/// checked as they are read, escapes (`\u001b`) included.
pub fn unprintable_characters(source: &SourceText, body: Range<usize>, errors: &mut Vec<Diagnostic>) {
    const SHOWN: usize = 10;
    let found: Vec<(usize, char)> = source.text[body.clone()]
        .char_indices()
        .filter(|(_, c)| crate::text::unprintable(*c))
        .map(|(at, c)| (body.start + at, c))
        .collect();
    for (i, (at, c)) in found.iter().take(SHOWN).enumerate() {
        let mut message = crate::text::unprintable_message(*c);
        if i + 1 == SHOWN && found.len() > SHOWN {
            message.push_str(&format!(" (and {} more in this file)", found.len() - SHOWN));
        }
        errors.push(source.error_at(*at, "text", message).hint(crate::text::UNPRINTABLE_HINT));
    }
}

/// Word-processor habits that change the structure without a sound.
pub fn word_processor_habits(source: &SourceText, body: Range<usize>, errors: &mut Vec<Diagnostic>) {
    let mut line_start = body.start;
    for line in source.text[body].split_inclusive('\n') {
        let trimmed = line.trim_start_matches('#');
        if trimmed.len() < line.len() && trimmed.starts_with('\u{a0}') {
            errors.push(
                source
                    .warning_at(
                        line_start,
                        "markdown",
                        "this looks like a heading, but a no-break space follows the `#`",
                    )
                    .hint("replace the no-break space after the `#` with an ordinary space"),
            );
        }
        if line.trim_start().starts_with(['•', '●', '▪']) {
            errors.push(
                source
                    .warning_at(
                        line_start,
                        "markdown",
                        "a `•` bullet from a word processor is plain text here, not a list",
                    )
                    .hint("start list items with `- `"),
            );
        }
        line_start += line.len();
    }
}

/// The short messages the author wrote (`sms = [...]`); an empty one is an error.
pub fn short_messages(front: &FrontMatter, source: &SourceText, errors: &mut Vec<Diagnostic>) -> Vec<ShortMessage> {
    let mut messages = Vec::new();
    for message in &front.sms {
        let (line, column) = source.line_col(message.offset);
        if message.value.trim().is_empty() {
            errors.push(
                source
                    .error_at(message.offset, "sms", "a text message in `sms` is empty")
                    .hint("write the message text or remove it from the list"),
            );
        }
        messages.push(ShortMessage {
            text: message.value.clone(),
            origin: Origin { path: source.path.clone(), line, column },
        });
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_windows_refuses() {
        for name in ["con", "nul", "lpt1", "com9", "x."] {
            assert!(is_reserved_name(name), "{name}");
        }
        assert!(!is_reserved_name("console") && !is_reserved_name("sleep"));
    }
}
