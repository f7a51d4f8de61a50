//! The files a handout names — bibliographies, images, a citation style — found inside the
//! project and read through its [`Root`]. The one step of reading a handout that touches the
//! disk.

use std::path::Path;

use super::front_matter::{FrontMatter, InlineSource};
use super::validate::is_web_address;
use crate::diagnostic::{Diagnostic, SourceText};
use crate::files::Root;
use crate::model::{CitationStyle, NodeMut, Origin, Section, Source, SourceFields, SourceRecord};
use crate::settings::Project;

/// A bibliography file's sources, parsed once per project for the same text.
fn parsed(project: &crate::settings::Project, text: &SourceText) -> Result<Vec<Source>, Vec<Diagnostic>> {
    {
        let known = project.bibliographies.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((seen, result)) = known.get(&text.path)
            && *seen == text.text
        {
            return result.clone();
        }
    }
    let result = crate::cite::parse_bibtex(text);
    let mut known = project.bibliographies.lock().unwrap_or_else(|e| e.into_inner());
    known.insert(text.path.clone(), (text.text.clone(), result.clone()));
    result
}

/// The handout's sources: those of its bibliography files, then its inline ones; a key
/// defined twice is an error at the second definition.
pub fn sources(
    front: &FrontMatter,
    source: &SourceText,
    project: &crate::settings::Project,
    dir: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Source> {
    let root = &project.root;
    let mut sources: Vec<Source> = Vec::new();
    for bibliography in &front.bibliography {
        let read = root.resolve(dir, &bibliography.value).map_err(|why| {
            source
                .error_at(bibliography.offset, "path", format!("bibliography `{}`: {why}", bibliography.value))
                .hint("write the path of the .bib file relative to this handout, e.g. `bibliography = \"sources.bib\"`; the citations from it are not checked until it is found")
        });
        match read.and_then(|path| root.read_text(&path)) {
            Err(d) => errors.push(d),
            Ok(text) => match parsed(project, &text) {
                Ok(found) => sources.extend(found),
                Err(found) => errors.extend(found),
            },
        }
    }
    for inline in &front.sources {
        if let Some(found) = inline_source(inline, source, errors) {
            sources.push(found);
        }
    }
    for (i, s) in sources.iter().enumerate() {
        if let Some(first) = sources[..i].iter().find(|o| o.key == s.key) {
            errors.push(
                Diagnostic::error(&s.origin.path, "citation", format!("source `{}` is defined twice", s.key))
                    .at((s.origin.line, s.origin.column))
                    .hint(format!(
                        "the first definition is at {}:{}; rename or remove one",
                        first.origin.path.display(),
                        first.origin.line
                    )),
            );
        }
    }
    for s in &sources {
        if let Some(url) = &s.url
            && !is_web_address(url)
        {
            errors.push(
                Diagnostic::error(
                    &s.origin.path,
                    "citation",
                    format!("source `{}` has the address `{url}`, which is not a web address", s.key),
                )
                .at((s.origin.line, s.origin.column))
                .hint("a source's `url` starts with https:// (or http://)"),
            );
        }
    }
    sources
}

/// An inline `[[sources]]` table as a source.
fn inline_source(inline: &InlineSource, source: &SourceText, errors: &mut Vec<Diagnostic>) -> Option<Source> {
    let id = inline.id.as_ref()?;
    let key = id.value.trim().to_string();
    if key.is_empty() || key.contains(char::is_whitespace) {
        errors.push(
            source
                .error_at(id.offset, "source", format!("source id `{key}` is empty or has spaces"))
                .hint("use an id like `kerig2016`"),
        );
        return None;
    }
    let (line, column) = source.line_col(inline.offset);
    let text = |v: &Option<crate::keys::At<String>>| v.as_ref().map(|v| v.value.trim().to_string());
    let fields = SourceFields {
        kind: inline.kind.as_ref().map_or("article", |k| k.value).to_string(),
        title: text(&inline.title)?,
        authors: inline.authors.iter().map(|a| a.value.clone()).collect(),
        journal: text(&inline.journal),
        year: inline.year.as_ref().map(|y| y.value as i32),
        volume: text(&inline.volume),
        issue: text(&inline.issue),
        pages: text(&inline.pages),
        publisher: text(&inline.publisher),
        accessed: inline.accessed.as_ref().map(|d| d.value),
    };
    Some(Source {
        key,
        origin: Origin { path: source.path.clone(), line, column },
        doi: text(&inline.doi).map(|d| d.trim_start_matches("https://doi.org/").to_string()),
        pmid: text(&inline.pmid),
        url: text(&inline.url),
        record: SourceRecord::Fields(Box::new(fields)),
    })
}

/// Finds each image inside the project and reads its header (format, size limits); a missing
/// or damaged image is an error at the place it is written.
pub fn images(sections: &mut [Section], source: &SourceText, root: &Root, dir: &Path, errors: &mut Vec<Diagnostic>) {
    for section in sections {
        crate::model::walk_mut(&mut section.blocks, &mut |node| {
            let image = match node {
                NodeMut::Block(crate::model::Block::Figure { image })
                | NodeMut::Inline(crate::model::Inline::Image { image }) => image,
                _ => return,
            };
            let found = root.resolve(dir, &image.src).map_err(|why| (why, false)).and_then(|path| {
                if crate::images::is_svg(&path) {
                    crate::images::check_svg(&path).map(|()| path).map_err(|why| (why, true))
                } else {
                    crate::images::check_header(&path).map(|_| path).map_err(|why| (why, true))
                }
            });
            match found {
                Ok(path) => image.path = path,
                Err((why, damaged)) => {
                    let hint = if damaged {
                        "open the image in an image editor and save it again as PNG or JPEG"
                    } else if why.starts_with("no such file") {
                        "the path is relative to this handout: from content/, an image in assets/ is `../assets/name.png`"
                    } else {
                        "copy the image into the project (e.g. into assets/) and write the path from this handout's folder"
                    };
                    errors.push(
                        Diagnostic::error(&source.path, "path", format!("image `{}`: {why}", image.src))
                            .at(image.at)
                            .hint(hint),
                    );
                }
            }
        });
    }
}

/// The citation style the handout names, else the project's.
pub fn citation_style(
    front: &FrontMatter,
    source: &SourceText,
    project: &Project,
    dir: &Path,
    errors: &mut Vec<Diagnostic>,
) -> CitationStyle {
    let Some(name) = &front.citation_style else { return project.settings.citation_style.clone() };
    crate::cite::style_from_name(&name.value, &|w| project.root.resolve(dir, w)).unwrap_or_else(|why| {
        errors.push(match why {
            crate::cite::StyleError::Name(why) => source.error_at(name.offset, "citation", why),
            crate::cite::StyleError::File(fault) => fault,
        });
        CitationStyle::Vancouver
    })
}
