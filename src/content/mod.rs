//! Reading a handout file into the [`Handout`] model: split, deserialize, validate.
//!
//! Only [`read_text`] and [`load`] touch the disk; everything else works on text so that
//! tests and fuzzers can drive it directly.

pub mod front_matter;
pub mod markdown;
pub mod split;

use std::path::{Path, PathBuf};

use crate::cite::{self, Source};
use crate::diagnostic::{Diagnostic, SourceText, did_you_mean, display_path};
use crate::locale::Strings;
use crate::model::{Brand, Date, Direction, Handout, Meta, Profile, SectionChoice};
use crate::settings::{DEFAULT_BRAND_COLOR, Project, TableSource, default_profiles, toml_error};
use front_matter::FrontMatter;

/// Largest handout, bibliography or settings file read (1 MiB): a real handout is a few
/// kilobytes, and the limit keeps a stray data file from eating time and memory.
pub const MAX_TEXT_FILE: u64 = 1024 * 1024;

/// Reads a UTF-8 text file, refusing huge files, invalid UTF-8 (naming the byte offset)
/// and NUL bytes; a leading BOM is dropped.
pub fn read_text(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    let error = |message: String| Diagnostic::error(display, "io", message);
    let size = std::fs::metadata(path).map_err(|e| error(format!("cannot read the file: {e}")))?.len();
    if size > MAX_TEXT_FILE {
        return Err(error(format!("the file is {size} bytes, over the limit of {MAX_TEXT_FILE} bytes"))
            .hint("a handout is plain text of a few kilobytes; is this the right file?"));
    }
    let bytes = std::fs::read(path).map_err(|e| error(format!("cannot read the file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
        let at = SourceText::new(display, valid.to_string()).line_col(offset);
        Diagnostic::error(display, "encoding", format!("the file is not valid UTF-8 (at byte offset {offset})"))
            .at(at)
            .hint("save the file as UTF-8 in your editor (\"Save As\" → encoding UTF-8)")
    })?;
    if let Some(offset) = text.find('\0') {
        let at = SourceText::new(display, text.clone()).line_col(offset);
        return Err(Diagnostic::error(
            display,
            "encoding",
            format!("the file contains a NUL byte (at byte offset {offset})"),
        )
        .at(at)
        .hint("this looks like a binary file, not a Markdown handout"));
    }
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

/// A parsed handout and its warnings, or every error found.
pub type Parsed = Result<(Handout, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Reads and parses the handout at `path` in `project`.
pub fn load(path: &Path, project: &Project) -> Parsed {
    let display = display_path(path);
    let text = read_text(path, &display).map_err(|d| vec![d])?;
    let dir = path
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| project.root.clone());
    parse(SourceText::new(display, text), &dir, project)
}

/// Parses a handout whose text is already read. `dir` is the handout's folder: relative paths
/// resolve against it, and must stay inside the project root.
pub fn parse(source: SourceText, dir: &Path, project: &Project) -> Parsed {
    let parts = split::split(&source).map_err(|d| vec![d])?;
    let front_text = &source.text[parts.front_matter.clone()];
    let front: FrontMatter = toml::from_str(front_text).map_err(|e| {
        let mut d = toml_error(&source, parts.front_matter.start, &e, "front-matter");
        if e.span().is_none() || e.message().starts_with("missing field") {
            // A missing key has no place of its own: point at the opening `+++`.
            d = d.at((1, 1));
        }
        vec![d]
    })?;
    let mut errors = Vec::new();
    let at = |offset: usize| parts.front_matter.start + offset;
    let resolve = |written: &str| project.resolve(dir, written);

    // Metadata.
    for (name, value) in [("title", &front.title), ("summary", &front.summary)] {
        if value.get_ref().trim().is_empty() {
            errors.push(
                source
                    .error_at(at(value.span().start), "front-matter", format!("`{name}` is empty"))
                    .hint(format!("write the handout's {name} between the quotes")),
            );
        }
    }
    let lang = front.lang.as_ref().map_or("en".to_string(), |l| l.get_ref().clone());
    if let Some(l) = &front.lang
        && !is_language_tag(l.get_ref())
    {
        errors.push(
            source
                .error_at(
                    at(l.span().start),
                    "front-matter",
                    format!("`lang = \"{}\"` is not a language tag", l.get_ref()),
                )
                .hint("use a BCP 47 tag such as \"en\", \"es\", \"es-MX\", \"zh-Hans\" or \"ar\""),
        );
    }
    let slug = match &front.slug {
        Some(slug) => {
            if !is_slug(slug.get_ref()) {
                errors.push(
                    source
                        .error_at(
                            at(slug.span().start),
                            "front-matter",
                            format!("`slug = \"{}\"` cannot name an output folder", slug.get_ref()),
                        )
                        .hint("use lower-case letters, digits, `-` and `.`, e.g. \"emotional-numbness\""),
                );
            }
            slug.get_ref().clone()
        }
        None => {
            let stem = source.path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            if !is_slug(&stem) {
                errors.push(
                    Diagnostic::error(&source.path, "front-matter", format!("the file name `{stem}` cannot name an output folder"))
                        .hint("rename the file with lower-case letters, digits and `-`, or set `slug = \"...\"` in the front matter"),
                );
            }
            stem
        }
    };
    let mut date = |value: &Option<toml::Spanned<toml::value::Datetime>>, key: &str| {
        let value = value.as_ref()?;
        match (value.get_ref().date, value.get_ref().time) {
            (Some(d), None) => Some(Date { year: i32::from(d.year), month: d.month, day: d.day }),
            _ => {
                errors.push(
                    source
                        .error_at(
                            at(value.span().start),
                            "front-matter",
                            format!("`{key}` must be a date without a time"),
                        )
                        .hint(format!("write it unquoted as year-month-day: `{key} = 2026-11-01`")),
                );
                None
            }
        }
    };
    let reviewed = date(&front.reviewed, "reviewed");
    let next_review = date(&front.next_review, "next-review");
    let contact = front.contact.clone().unwrap_or_default().over(project.settings.contact.clone());
    if contact.phone.as_deref().is_none_or(|p| p.trim().is_empty()) {
        errors.push(Diagnostic::error(&source.path, "contact", "the handout has no help-line phone number").hint(
            "add a `[contact]` table with `phone = \"...\"` to the front matter, or to handout.toml for every handout",
        ));
    }

    // Body.
    let resolve_image = |written: &str| project.resolve(dir, written).and_then(checked_image);
    let body = markdown::parse_body(&source, parts.body.start, &resolve_image, &mut errors);
    if body.sections.is_empty() && !errors.iter().any(Diagnostic::is_error) {
        errors.push(
            source
                .error_at(parts.body.start, "markdown", "the handout has no text")
                .hint("write the introduction below the closing `+++`, then `## Section` headings"),
        );
    }

    // Sources and citations.
    let mut sources: Vec<Source> = Vec::new();
    if let Some(bib) = &front.bibliography {
        match resolve(bib.get_ref()) {
            Err(why) => errors.push(source.error_at(
                at(bib.span().start),
                "path",
                format!("bibliography `{}`: {why}", bib.get_ref()),
            )),
            Ok(path) => match read_text(&path, &display_path(&path)) {
                Err(d) => errors.push(d),
                Ok(text) => match cite::parse_bibtex(&SourceText::new(display_path(&path), text)) {
                    Ok(found) => sources.extend(found),
                    Err(found) => errors.extend(found),
                },
            },
        }
    }
    for table in &front.sources {
        match cite::source_from_table(table.get_ref(), &source, at(table.span().start)) {
            Ok(s) => sources.push(s),
            Err(d) => errors.push(d),
        }
    }
    for (i, s) in sources.iter().enumerate() {
        if let Some(first) = sources[..i].iter().find(|o| o.key == s.key) {
            errors.push(
                Diagnostic::error(&s.path, "citation", format!("source `{}` is defined twice", s.key))
                    .at((s.line, 1))
                    .hint(format!(
                        "the first definition is at {}:{}; rename or remove one",
                        first.path.display(),
                        first.line
                    )),
            );
        }
    }
    for use_ in &body.citations {
        if !sources.iter().any(|s| s.key == use_.key) {
            let keys: Vec<&str> = sources.iter().map(|s| s.key.as_str()).collect();
            let hint = match did_you_mean(&use_.key, keys.iter().copied()) {
                Some(near) => format!("did you mean `@{near}`?"),
                None if sources.is_empty() => {
                    "add `bibliography = \"sources.bib\"` or `[[sources]]` to the front matter".to_string()
                }
                None => "define it in the bibliography or in a `[[sources]]` table".to_string(),
            };
            errors.push(
                source.error_at(use_.offset, "citation", format!("citation `@{}` has no source", use_.key)).hint(hint),
            );
        }
    }
    // Word-processor habits that change the structure without a sound.
    let mut line_start = parts.body.start;
    for line in source.text[parts.body.clone()].split_inclusive('\n') {
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

    // `@key` written outside `[@key]` (or in a form not understood) would print as typed.
    let body_text = &source.text[parts.body.clone()];
    let cited_at: Vec<usize> = body.citations.iter().map(|c| c.offset).collect();
    for s in &sources {
        let needle = format!("@{}", s.key);
        for (i, _) in body_text.match_indices(&needle) {
            let offset = parts.body.start + i;
            let after = body_text[i + needle.len()..].chars().next();
            let whole =
                after.is_none_or(|c| !(c.is_alphanumeric() || "_-:.#$%&+?<>~/".contains(c)) || c == '.' || c == ':');
            if whole && !cited_at.contains(&offset) {
                errors.push(
                    source
                        .warning_at(offset, "citation", format!("`{needle}` is not a citation and will print as typed"))
                        .hint(format!("write it as `[{needle}]`, with nothing else inside the brackets")),
                );
            }
        }
    }

    let style_name = front.citation_style.as_ref().map(|s| (s.get_ref().as_str(), at(s.span().start), dir));
    let style = match style_name {
        Some((name, offset, base)) => cite::style_from_name(name, &|w| project.resolve(base, w))
            .map_err(|why| source.error_at(offset, "citation", why)),
        None => Ok(project.settings.citation_style.clone()),
    };
    let citation_style = style.unwrap_or_else(|d| {
        errors.push(d);
        crate::model::CitationStyle::Vancouver
    });

    // Hand-written text messages.
    let sms = front
        .sms
        .iter()
        .map(|m| {
            let (line, column) = source.line_col(at(m.span().start));
            crate::model::HandwrittenSms { text: m.get_ref().clone(), line, column }
        })
        .collect();
    for message in &front.sms {
        if message.get_ref().trim().is_empty() {
            errors.push(
                source
                    .error_at(at(message.span().start), "sms", "a text message in `sms` is empty")
                    .hint("write the message text or remove it from the list"),
            );
        }
    }

    // Output profiles: the handout's own, else the project's, else the built-in three.
    let section_ids: Vec<&str> = body.sections.iter().map(|s| s.id.as_str()).collect();
    let mut profiles = Vec::new();
    let tables = match (&front.outputs, &project.profiles, &project.file) {
        (Some(own), _, _) => Some((own, TableSource { source: &source, base: parts.front_matter.start })),
        (None, Some(shared), Some(file)) => Some((shared, TableSource { source: file, base: 0 })),
        _ => None,
    };
    match tables {
        Some((tables, table_source)) => {
            for (name, table) in tables {
                if !is_slug(name) {
                    errors.push(
                        table_source
                            .source
                            .error_at(
                                table_source.base + table.span().start,
                                "profile",
                                format!("profile name `{name}` cannot name an output file"),
                            )
                            .hint("use lower-case letters, digits and `-`"),
                    );
                    continue;
                }
                if let Some(profile) =
                    table.get_ref().to_profile(name, &table_source, &project.settings, &resolve, &mut errors)
                {
                    check_profile_sections(&profile, table, &table_source, &section_ids, &mut errors);
                    profiles.push(profile);
                }
            }
        }
        None => profiles = default_profiles(&project.settings, &source.path),
    }
    if profiles.is_empty() && errors.is_empty() {
        errors.push(
            Diagnostic::error(&source.path, "profile", "`[outputs]` defines no profile")
                .hint("add e.g. `[outputs.leaflet]` with `format = \"pdf\"`"),
        );
    }

    if errors.iter().any(Diagnostic::is_error) {
        return Err(errors);
    }
    let direction = Direction::of_lang(&lang);
    let mut sections = body.sections;
    let (strings, missing) = Strings::resolve(&lang, &project.locales);
    for section in &mut sections {
        smart_quotes(section, &strings.quotes);
    }
    let smart = |text: &str| crate::text::SmartQuotes::new(&strings.quotes).apply(text);
    if !missing.is_empty() {
        let offset = front.lang.as_ref().map_or(0, |l| at(l.span().start));
        errors.push(
            source
                .warning_at(
                    offset,
                    "locale",
                    format!("no `{lang}` text for interface strings {}; English is used", missing.join(", ")),
                )
                .hint(format!(
                    "add them to assets/locales/{}.toml in the project",
                    lang.split('-').next().unwrap_or(&lang)
                )),
        );
    }
    let handout = Handout {
        path: source.path.clone(),
        meta: Meta {
            title: smart(front.title.get_ref().trim()),
            subtitle: front.subtitle.as_deref().map(smart),
            summary: front.summary.into_inner().trim().to_string(),
            lang,
            direction,
            slug,
            translation_of: front.translation_of.map(|t| t.into_inner()),
            authors: front.authors,
            reviewed,
            next_review,
            keywords: front.keywords,
            contact,
        },
        brand: Brand {
            organisation: project.settings.organisation.clone(),
            logo: project.settings.logo.clone(),
            color: project.settings.brand_color.clone().unwrap_or_else(|| DEFAULT_BRAND_COLOR.to_string()),
        },
        sections,
        sources,
        citation_style,
        sms,
        profiles,
        strings,
    };
    Ok((handout, errors))
}

/// The image once its header says it is an image within the size limits (SVG is passed to
/// the renderers as it is). Its pixels are decoded before a build uses it (`check::images`),
/// so that an unchanged handout is not decoded again.
fn checked_image(path: PathBuf) -> Result<PathBuf, String> {
    if crate::images::is_svg(&path) {
        return Ok(path);
    }
    crate::images::check_header(&path).map(|_| path)
}

/// Typographic quotes and apostrophes in a section's text (the text messages keep what the
/// author typed); code is left as written.
fn smart_quotes(section: &mut crate::model::Section, quotes: &[String]) {
    use crate::model::{Block, Inline};
    use crate::text::SmartQuotes;
    fn inlines(list: &mut [Inline], quotes: &mut SmartQuotes) {
        for inline in list {
            match inline {
                Inline::Text { text } => *text = quotes.apply(text),
                Inline::Emphasis { content }
                | Inline::Strong { content }
                | Inline::Strikethrough { content }
                | Inline::Link { content, .. } => inlines(content, quotes),
                Inline::Code { .. } | Inline::Citation { .. } | Inline::Image { .. } => quotes.word(),
                Inline::Footnote { content, .. } => {
                    blocks(content, quotes.marks());
                    quotes.word();
                }
                Inline::LineBreak => quotes.space(),
            }
        }
    }
    fn blocks(list: &mut [Block], marks: &[String]) {
        for block in list {
            match block {
                Block::Paragraph { content } | Block::Heading { content, .. } => {
                    inlines(content, &mut SmartQuotes::new(marks))
                }
                Block::List { items, .. } => items.iter_mut().for_each(|item| blocks(item, marks)),
                Block::Quote { blocks: inner } | Block::Callout { blocks: inner, .. } => blocks(inner, marks),
                Block::Table { head, rows, .. } => head
                    .iter_mut()
                    .chain(rows.iter_mut().flatten())
                    .for_each(|cell| inlines(cell, &mut SmartQuotes::new(marks))),
                Block::Figure { .. } | Block::Code { .. } | Block::Rule => {}
            }
        }
    }
    if let Some(heading) = &mut section.heading {
        inlines(heading, &mut SmartQuotes::new(quotes));
    }
    blocks(&mut section.blocks, quotes);
}

/// Section ids named by a profile must exist; a typo gets the nearest id.
fn check_profile_sections(
    profile: &Profile,
    table: &toml::Spanned<crate::settings::ProfileTable>,
    at: &TableSource,
    ids: &[&str],
    errors: &mut Vec<Diagnostic>,
) {
    let table = table.get_ref();
    let listed = match (&profile.sections, &table.sections) {
        (SectionChoice::List(list), Some(span)) => list.iter().map(|id| (id.clone(), span.span().start)).collect(),
        _ => Vec::new(),
    };
    let excluded = table.exclude.iter().map(|e| (e.get_ref().clone(), e.span().start));
    for (id, offset) in listed.into_iter().chain(excluded) {
        if !ids.contains(&id.as_str()) {
            let hint = match did_you_mean(&id, ids.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? sections: {}", ids.join(", ")),
                None => format!("this handout's sections are: {}", ids.join(", ")),
            };
            errors.push(
                at.source
                    .error_at(
                        at.base + offset,
                        "profile",
                        format!("profile `{}` names section `{id}`, which this handout does not have", profile.name),
                    )
                    .hint(hint)
                    .profile(&profile.name),
            );
        }
    }
    if let SectionChoice::List(list) = &profile.sections {
        for (i, id) in list.iter().enumerate() {
            if list[..i].contains(id) {
                let offset = table.sections.as_ref().map_or(0, |s| s.span().start);
                errors.push(
                    at.source
                        .error_at(
                            at.base + offset,
                            "profile",
                            format!("profile `{}` lists section `{id}` twice", profile.name),
                        )
                        .profile(&profile.name),
                );
            }
        }
    }
}

/// A BCP 47 tag in its common shape: `en`, `es-MX`, `zh-Hans-CN`.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A name safe as a file or folder name on every system.
pub fn is_slug(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with(['.', '-'])
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' || c == '_')
}

/// Every `*.md` handout below `dir`, sorted, skipping hidden folders.
pub fn find_handouts(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let kind = entry.file_type()?;
            if hidden {
                continue;
            } else if kind.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}
