//! Output profiles: the keys every profile shares (format, sections, exclude, citations),
//! checked against the handout's sections, then the keys of its format (see `render`).

use std::path::Path;

use crate::diagnostic::{Diagnostic, SourceText, did_you_mean};
use crate::keys::{At, Keys, Problems};
use crate::model::{Origin, Profile, SectionChoice};
use crate::render::FormatOptions;
use crate::settings::Project;

/// A profile with its format's options.
#[derive(Debug, Clone)]
pub struct Output {
    pub profile: Profile,
    pub options: FormatOptions,
}

/// The built-in outputs, for a handout when neither it nor its project names any.
const BUILT_IN: &[(&str, &str)] = &[("leaflet", "pdf"), ("booklet", "epub"), ("sms", "sms"), ("web", "html")];

/// The outputs of the handout at `path`, whose sections are `section_ids`: its own
/// `[outputs]` (in its front matter, `front`), else the project's, else the built-in ones.
/// `dir` is the handout's folder.
pub fn outputs(
    path: &Path,
    section_ids: &[String],
    front: Option<&(SourceText, std::ops::Range<usize>)>,
    project: &Project,
    dir: &Path,
) -> Result<(Vec<Output>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let problems = Problems::default();
    let mut outputs = Vec::new();
    // Paths in a profile are relative to the file it is written in.
    let own = front.and_then(|(source, range)| tables_in(source, range.clone()).map(|t| (source, range.start, t, dir)));
    let shared = project
        .file
        .as_ref()
        .and_then(|file| tables_in(file, 0..file.text.len()).map(|t| (file, 0, t, project.root.path())));
    let found = own.filter(|(_, _, t, _)| has_outputs(t)).or(shared.filter(|(_, _, t, _)| has_outputs(t)));
    match found {
        Some((source, base, table, dir)) => {
            let keys = Keys::new(&table, source, base, &problems, "the file", "profile");
            let named = keys.named_tables("outputs").unwrap_or_default();
            if named.is_empty() {
                problems.push(keys.error(keys.offset_of("outputs"), "profile", "`[outputs]` defines no profile").hint(
                    "add e.g. `[outputs.leaflet]` with `format = \"pdf\"`, or remove `[outputs]` for the built-in ones",
                ));
            }
            for (name, profile) in named {
                if let Some(output) = read(&name, profile.for_profile(&name.value), section_ids, project, dir) {
                    outputs.push(output);
                }
            }
        }
        None => {
            for (name, format) in BUILT_IN {
                let options = FormatOptions::default_for(format).expect("built-in formats exist");
                let profile = Profile {
                    name: name.to_string(),
                    origin: Origin { path: path.to_path_buf(), line: 1, column: 1 },
                    sections: SectionChoice::All,
                    exclude: Vec::new(),
                    citations: *format != "sms",
                };
                outputs.push(Output { profile, options });
            }
        }
    }
    let problems = problems.into_inner();
    if problems.iter().any(Diagnostic::is_error) { Err(problems) } else { Ok((outputs, problems)) }
}

/// The TOML of a front matter or project file; its syntax errors were reported when it was
/// first read.
fn tables_in(source: &SourceText, range: std::ops::Range<usize>) -> Option<toml::de::DeTable<'_>> {
    crate::keys::parse(source, range, &Problems::default())
}

fn has_outputs(table: &toml::de::DeTable) -> bool {
    table.contains_key("outputs")
}

/// One `[outputs.NAME]` table.
fn read(name: &At<String>, keys: Keys, section_ids: &[String], project: &Project, dir: &Path) -> Option<Output> {
    if !crate::text::is_slug(&name.value) {
        keys.report(
            keys.error(name.offset, "profile", format!("profile name `{}` cannot name an output file", name.value))
                .hint("use lower-case letters, digits and `-`"),
        );
        return None;
    }
    let (line, column) = keys.source().line_col(keys.offset);
    let origin = Origin { path: keys.source().path.clone(), line, column };
    let format = keys.choice("format", FormatOptions::NAMES);
    if format.is_none() && keys.value("format").is_none() {
        keys.report(
            keys.error(keys.offset, "profile", format!("profile `{}` has no `format`", name.value))
                .hint(format!("add `format = \"pdf\"` (or {})", list(FormatOptions::NAMES))),
        );
    }
    let mut ids: Vec<&str> = Vec::new();
    for id in section_ids {
        if !ids.contains(&id.as_str()) {
            ids.push(id);
        }
    }
    let sections = read_sections(&keys, &ids);
    let exclude: Vec<String> = keys
        .strings("exclude", false)
        .into_iter()
        .filter(|id| known_section(&keys, id, &ids))
        .map(|id| id.value)
        .collect();
    let citations = keys.choice("citations", &["appendix", "none"]).is_none_or(|c| c.value == "appendix");
    let options = format.as_ref().and_then(|format| FormatOptions::read(format.value, &keys, project, dir));
    // A key of another format gets a hint that says so.
    keys.finish_with(|unknown| {
        let owner = FormatOptions::NAMES.iter().find(|f| FormatOptions::keys_of(f).contains(&unknown))?;
        Some(format!(
            "`{unknown}` is a {owner} key, and profile `{}` has format `{}`",
            name.value,
            format.as_ref().map_or("?", |f| f.value)
        ))
    });
    Some(Output {
        profile: Profile { name: name.value.clone(), origin, sections, exclude, citations },
        options: options?,
    })
}

/// `sections = "all"` or a list of section ids, each checked at its own place.
fn read_sections(keys: &Keys, ids: &[&str]) -> SectionChoice {
    let Some((value, offset)) = keys.value("sections") else { return SectionChoice::All };
    if value.as_str() == Some("all") {
        return SectionChoice::All;
    }
    if let toml::de::DeValue::String(word) = value {
        keys.report(
            keys.error(offset, "profile", format!("`sections = \"{word}\"` is neither \"all\" nor a list"))
                .hint("write `sections = \"all\"` or a list of section ids: `sections = [\"intro\", \"symptoms\"]`"),
        );
        return SectionChoice::All;
    }
    let list = keys.strings("sections", false);
    let mut chosen: Vec<String> = Vec::new();
    for id in list {
        if chosen.contains(&id.value) {
            keys.report(keys.error(id.offset, "profile", format!("section `{}` is listed twice", id.value)));
        } else if known_section(keys, &id, ids) {
            chosen.push(id.value);
        }
    }
    SectionChoice::List(chosen)
}

fn known_section(keys: &Keys, id: &At<String>, ids: &[&str]) -> bool {
    if ids.contains(&id.value.as_str()) {
        return true;
    }
    let hint = match did_you_mean(&id.value, ids.iter().copied()) {
        Some(near) => format!("did you mean `{near}`? this handout's sections are: {}", ids.join(", ")),
        None => format!("this handout's sections are: {}", ids.join(", ")),
    };
    keys.report(
        keys.error(id.offset, "profile", format!("there is no section `{}` in this handout", id.value)).hint(hint),
    );
    false
}

fn list(names: &[&str]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}
