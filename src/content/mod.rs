//! Reading a handout file into the [`Handout`] model, in four steps: split the front matter
//! from the body, read its keys (`front_matter`), validate the values (`validate`), and
//! resolve the files it names (`resolve`, the one step that reads the disk, through the
//! project's [`Root`]). Every problem of a file is collected; warnings and errors are kept
//! apart.

pub mod front_matter;
pub mod markdown;
mod resolve;
pub mod split;
mod validate;

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, SourceText};
use crate::files::Root;
use crate::keys::{Keys, Problems};
use crate::model::{Brand, Handout, NodeMut, Section};
use crate::settings::Project;

/// A handout as read: the model, its front matter (kept for the output profiles it names),
/// and its warnings.
pub struct Read {
    pub handout: Handout,
    /// The file and the byte range of its front matter's TOML.
    pub front: (SourceText, Range<usize>),
    pub warnings: Vec<Diagnostic>,
}

/// A handout that could not be read: every error found in it, and what of it could be read,
/// so that the profiles in its front matter can be checked in the same run.
#[derive(Debug)]
pub struct Failed {
    pub errors: Vec<Diagnostic>,
    /// The file and its front matter's TOML, when that much parsed.
    pub front: Option<Box<(SourceText, Range<usize>)>>,
    pub section_ids: Vec<String>,
}

impl From<Vec<Diagnostic>> for Failed {
    fn from(errors: Vec<Diagnostic>) -> Self {
        Failed { errors, front: None, section_ids: Vec::new() }
    }
}

/// A read handout, or every error found in it.
pub type Parsed = Result<Read, Failed>;

/// Reads and parses the handout at `path` in `project`.
pub fn load(path: &Path, project: &Project) -> Parsed {
    let source = project.root.read_text(path).map_err(|d| Failed::from(vec![d]))?;
    let dir = path
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| project.root.path().to_path_buf());
    parse(source, &dir, project)
}

/// Parses a handout whose text is already read. `dir` is the handout's folder: the files it
/// names are relative to it, inside the project root.
pub fn parse(source: SourceText, dir: &Path, project: &Project) -> Parsed {
    let parts = split::split(&source).map_err(|d| Failed::from(vec![d]))?;
    let problems = Problems::default();
    let Some(table) = crate::keys::parse(&source, parts.front_matter.clone(), &problems) else {
        return Err(problems.into_inner().into());
    };
    let keys = Keys::new(&table, &source, parts.front_matter.start, &problems, "the front matter", "front-matter");
    let front = front_matter::read(&keys, &project.settings.contact, &project.settings.plain);
    let mut errors = problems.into_inner();
    let mut body = markdown::parse_body(&source, parts.body.start, &mut errors);
    if body.sections.is_empty() && !errors.iter().any(Diagnostic::is_error) {
        errors.push(
            source
                .error_at(parts.body.start, "markdown", "the handout has no text")
                .hint("write the introduction below the closing `+++`, then `## Section` headings"),
        );
    }
    let meta = validate::meta(&front, &source, &mut errors);
    let sources = resolve::sources(&front, &source, project, dir, &mut errors);
    resolve::images(&mut body.sections, &source, &project.root, dir, &mut errors);
    let citation_style = resolve::citation_style(&front, &source, project, dir, &mut errors);
    validate::citations(&body, &sources, &front, &source, parts.body.clone(), &mut errors);
    validate::word_processor_habits(&source, parts.body.clone(), &mut errors);
    validate::unprintable_characters(&source, parts.body.clone(), &mut errors);
    let messages = validate::short_messages(&front, &source, &mut errors);
    let failed = |errors| {
        let section_ids = body.sections.iter().map(|s| s.id.clone()).collect();
        Failed { errors, front: Some(Box::new((source.clone(), parts.front_matter.clone()))), section_ids }
    };
    let Some(mut meta) = meta.filter(|_| !errors.iter().any(Diagnostic::is_error)) else {
        return Err(failed(errors));
    };
    let (strings, missing) = crate::locale::resolve(&meta.lang, &project.locales);
    if !missing.is_empty() {
        let offset = front.lang.as_ref().map_or(0, |l| l.offset);
        errors.push(
            source
                .warning_at(
                    offset,
                    "locale",
                    format!("no `{}` text for interface strings {}; English is used", meta.lang, missing.join(", ")),
                )
                .hint(format!("add them to assets/locales/{}.toml in the project", meta.lang.primary())),
        );
    }
    let mut sections = body.sections;
    for section in &mut sections {
        smart_quotes(section, &strings.quotes);
    }
    meta.title = crate::text::SmartQuotes::new(&strings.quotes).apply(&meta.title);
    meta.subtitle = meta.subtitle.as_deref().map(|s| crate::text::SmartQuotes::new(&strings.quotes).apply(s));
    let settings = &project.settings;
    let handout = Handout {
        path: source.path.clone(),
        meta,
        brand: Brand {
            organisation: settings.organisation.clone(),
            logo: settings.logo.clone(),
            color: settings.brand_color.clone(),
        },
        sections,
        sources,
        citation_style,
        messages,
        strings,
        plain: front.plain.clone(),
    };
    let range = parts.front_matter;
    Ok(Read { handout, front: (source, range), warnings: errors })
}

/// Typographic quotes and apostrophes in a section's text (text messages keep what the author
/// typed); code is left as written.
fn smart_quotes(section: &mut Section, quotes: &[String]) {
    use crate::model::Inline;
    use crate::text::SmartQuotes;
    let mut run = SmartQuotes::new(quotes);
    let mut visit = |node: NodeMut| match node {
        NodeMut::Run => run = SmartQuotes::new(quotes),
        NodeMut::Inline(Inline::Text { text }) => run.apply_in_place(text),
        NodeMut::Inline(
            Inline::Code { .. } | Inline::Citation { .. } | Inline::Image { .. } | Inline::Footnote { .. },
        ) => run.word(),
        NodeMut::Inline(Inline::LineBreak) => run.space(),
        _ => {}
    };
    if let Some(heading) = &mut section.heading {
        crate::model::walk_inlines_mut(heading, &mut visit);
    }
    visit(NodeMut::Run);
    crate::model::walk_mut(&mut section.blocks, &mut visit);
}

/// Every `*.md` handout below `dir`, sorted, skipping hidden folders and links out of `root`.
pub fn find_handouts(dir: &Path, root: Option<&Root>) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type()?;
            let inside = root.is_none_or(|root| path.canonicalize().is_ok_and(|p| p.starts_with(root.path())));
            if kind.is_dir() && inside {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}
