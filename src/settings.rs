//! `handout.toml`: the settings every handout of a project shares. Every key is checked (a
//! misspelt one gets the nearest known key) and every problem is reported in one run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, SourceText, did_you_mean};
use crate::files::Root;
use crate::keys::{Keys, Problems};
use crate::model::{CitationStyle, Contact};

/// The project file's name; its folder is the project root.
pub const PROJECT_FILE: &str = "handout.toml";

/// Default brand colour: a dark teal with 7:1 contrast on white.
pub const DEFAULT_BRAND_COLOR: &str = "#1f5f73";

/// The validated settings every handout of a project shares.
#[derive(Debug, Clone)]
pub struct ProjectSettings {
    pub organisation: Option<String>,
    pub logo: Option<PathBuf>,
    pub brand_color: String,
    pub citation_style: CitationStyle,
    /// Highest reading grade `check` accepts without a warning.
    pub max_grade: Option<f64>,
    pub contact: Contact,
    pub fonts: Fonts,
    pub plain: crate::model::PlainLanguage,
}

impl Default for ProjectSettings {
    fn default() -> Self {
        ProjectSettings {
            organisation: None,
            logo: None,
            brand_color: DEFAULT_BRAND_COLOR.to_string(),
            citation_style: CitationStyle::Vancouver,
            max_grade: None,
            contact: Contact::default(),
            fonts: Fonts::default(),
            plain: crate::model::PlainLanguage::default(),
        }
    }
}

/// `[fonts]`: extra font folders and font chains, the default one and per language.
#[derive(Debug, Clone, Default)]
pub struct Fonts {
    pub paths: Vec<String>,
    /// Font family names tried in order for every language without its own chain.
    pub default: Vec<String>,
    /// Font chains per language tag, e.g. `zh = ["Noto Sans SC"]`.
    pub by_lang: BTreeMap<String, Vec<String>>,
}

/// A project: its root, its settings, its `handout.toml` (whose `[outputs]` each handout
/// reads, against its own sections) and its interface strings.
#[derive(Debug)]
pub struct Project {
    pub root: Root,
    pub file: Option<SourceText>,
    pub settings: ProjectSettings,
    pub locales: crate::locale::ProjectLocales,
    /// Bibliography files parsed so far, with the text they were parsed from: a catalog's
    /// handouts often share one `.bib`, and parsing it is most of the cost of loading them.
    pub bibliographies: BibliographyCache,
}

/// Parsed bibliography files by path: (text, sources or faults).
pub type BibliographyCache =
    std::sync::Mutex<std::collections::HashMap<PathBuf, (String, Result<Vec<crate::model::Source>, Vec<Diagnostic>>)>>;

impl Project {
    /// The project a handout belongs to: the nearest folder upward holding `handout.toml`;
    /// without one, the current folder when the handout is inside it, else the handout's own
    /// folder.
    pub fn root_for(handout: &Path) -> PathBuf {
        // The folder the file is in as written, not where a link leads (neither the file's nor
        // a linked `content/`'s): a link out of the project must not make the place it leads to
        // a project. The root itself is resolved when it is opened, and every file read is
        // then checked against it.
        let parent = handout.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let folder = std::path::absolute(parent).unwrap_or_else(|_| parent.to_path_buf());
        let folder = folder.as_path();
        find_root(folder).unwrap_or_else(|| {
            let cwd = std::env::current_dir().unwrap_or_default();
            if folder.starts_with(&cwd) { cwd } else { folder.to_path_buf() }
        })
    }

    /// Loads `root/handout.toml` when present; a missing file gives default settings.
    pub fn load(root: &Path) -> Result<Project, Vec<Diagnostic>> {
        let root = Root::new(root)
            .map_err(|e| vec![Diagnostic::error(root, "io", format!("cannot open the project folder: {e}"))])?;
        let locales = crate::locale::load_project(&root);
        let path = root.path().join(PROJECT_FILE);
        if !path.exists() {
            let settings = ProjectSettings::default();
            return Ok(Project { root, file: None, settings, locales: locales?, bibliographies: Default::default() });
        }
        let source = root.read_text(&path).map_err(|d| vec![d])?;
        let problems = Problems::default();
        let settings = match crate::keys::parse(&source, 0..source.text.len(), &problems) {
            Some(table) => read(&Keys::new(&table, &source, 0, &problems, "handout.toml", "settings"), &root),
            None => ProjectSettings::default(),
        };
        let mut problems = problems.into_inner();
        if let Err(found) = &locales {
            problems.extend(found.iter().cloned());
        }
        if problems.iter().any(Diagnostic::is_error) {
            return Err(problems);
        }
        let locales = locales.unwrap_or_default();
        Ok(Project { root, file: Some(source), settings, locales, bibliographies: Default::default() })
    }
}

impl Project {
    /// The files and folders of the project every handout's outputs depend on: the settings,
    /// the project's locales, templates and fonts.
    pub fn inputs(&self) -> Vec<PathBuf> {
        let root = self.root.path();
        let mut inputs = vec![
            root.join(PROJECT_FILE),
            root.join("assets/locales"),
            root.join("assets/templates"),
            root.join("fonts"),
        ];
        inputs.extend(self.settings.fonts.paths.iter().map(|p| root.join(p)));
        inputs
    }
}

/// The folder upward from `start` (itself included) that holds `handout.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| dir.join(PROJECT_FILE).is_file()).map(Path::to_path_buf)
}

fn read(keys: &Keys, root: &Root) -> ProjectSettings {
    let defaults = ProjectSettings::default();
    let organisation = keys.string("organisation").or_else(|| keys.string("organization")).map(|o| o.value);
    let logo = keys.string("logo").and_then(|logo| {
        match root.resolve(root.path(), &logo.value).and_then(|p| crate::images::decode(&p).map(|_| p)) {
            Ok(path) => Some(path),
            Err(why) => {
                keys.report(keys.error(logo.offset, "path", format!("logo `{}`: {why}", logo.value)));
                None
            }
        }
    });
    let brand_color = keys.string("brand-color").or_else(|| keys.string("brand-colour")).and_then(|color| {
        if parse_hex_color(&color.value).is_none() {
            keys.report(
                keys.error(color.offset, "settings", format!("`brand-color = \"{}\"` is not a colour", color.value))
                    .hint("write it as `#rrggbb`, e.g. `brand-color = \"#1f5f73\"`"),
            );
            return None;
        }
        Some(color.value)
    });
    let citation_style = keys.string("citation-style").and_then(|style| {
        crate::cite::style_from_name(&style.value, &|w| root.resolve(root.path(), w))
            .map_err(|why| match why {
                crate::cite::StyleError::Name(why) => keys.report(keys.error(style.offset, "citation", why)),
                crate::cite::StyleError::File(fault) => keys.report(fault),
            })
            .ok()
    });
    let max_grade = keys
        .number("max-grade", 1.0..=20.0, "a school grade from 1 to 20; health-literacy guidance asks for 6 to 8")
        .map(|g| g.value);
    let contact = keys.table("contact").map(|t| read_contact(&t, Contact::default())).unwrap_or_default();
    let fonts = keys.table("fonts").map(|t| read_fonts(&t)).unwrap_or_default();
    let plain = keys.table("plain-language").map(|t| read_plain(&t, Default::default())).unwrap_or_default();
    if let Some((_, offset)) = keys.value("opt-out") {
        keys.report(keys.error(offset, "settings", "`opt-out` is no longer a project setting").hint(
            "composed text messages end with how to stop them in each handout's language; to word it your way, set `sms-opt-out` in assets/locales/<lang>.toml, or `opt-out` in an sms profile",
        ));
    }
    // Read by each handout against its own sections (see `profile`).
    let _ = keys.value("outputs");
    let settings = ProjectSettings {
        organisation,
        logo,
        brand_color: brand_color.unwrap_or(defaults.brand_color),
        citation_style: citation_style.unwrap_or(defaults.citation_style),
        max_grade,
        contact,
        fonts,
        plain,
    };
    keys.finish();
    settings
}

/// `[contact]`: its keys over `base` (a handout names its own help line, the project a default).
/// `[plain-language]` over `base` (the project's, for a handout).
pub fn read_plain(keys: &Keys, base: crate::model::PlainLanguage) -> crate::model::PlainLanguage {
    use crate::model::PlainLanguage;
    let count = |key: &'static str, range: std::ops::RangeInclusive<i64>| {
        keys.integer(key, range, "a whole number").and_then(|n| usize::try_from(n.value).ok())
    };
    let mut off = base.off.clone();
    for rule in keys.strings("off", false) {
        if PlainLanguage::RULES.contains(&rule.value.as_str()) {
            off.push(rule.value);
        } else {
            let near = crate::diagnostic::did_you_mean(&rule.value, PlainLanguage::RULES.iter().copied());
            let hint = match near {
                Some(near) => format!("did you mean \"{near}\"?"),
                None => format!("the rules: {}", PlainLanguage::RULES.join(", ")),
            };
            keys.report(
                keys.error(rule.offset, "settings", format!("unknown plain-language rule `{}`", rule.value)).hint(hint),
            );
        }
    }
    let plain = PlainLanguage {
        enabled: keys.boolean("enabled").map_or(base.enabled, |b| b.value),
        sentence_words: count("sentence-words", 5..=200).unwrap_or(base.sentence_words),
        paragraph_sentences: count("paragraph-sentences", 1..=100).unwrap_or(base.paragraph_sentences),
        paragraph_words: count("paragraph-words", 10..=2000).unwrap_or(base.paragraph_words),
        off,
    };
    keys.finish();
    plain
}

pub fn read_contact(keys: &Keys, base: Contact) -> Contact {
    let contact = Contact {
        name: keys.string("name").map(|v| v.value).or(base.name),
        phone: keys.string("phone").map(|v| v.value).or(base.phone),
        url: keys.string("url").map(|v| v.value).or(base.url),
        hours: keys.string("hours").map(|v| v.value).or(base.hours),
    };
    keys.finish();
    contact
}

/// `[fonts]`: `paths`, `default`, and a chain per language tag.
fn read_fonts(keys: &Keys) -> Fonts {
    let mut fonts = Fonts::default();
    for (key, value) in keys.all() {
        let names: Option<Vec<String>> = match value {
            toml::de::DeValue::Array(items) => items.iter().map(|i| i.get_ref().as_str().map(str::to_string)).collect(),
            _ => None,
        };
        let Some(names) = names else {
            keys.report(
                keys.error(key.offset, "settings", format!("`{}` in `[fonts]` must be a list of names", key.value))
                    .hint("e.g. `zh = [\"Noto Sans SC\"]`"),
            );
            continue;
        };
        match key.value.as_str() {
            "paths" => fonts.paths = names,
            "default" => fonts.default = names,
            tag if tag.len() <= 16 && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
                fonts.by_lang.insert(tag.to_string(), names);
            }
            other => {
                let hint = did_you_mean(other, ["paths", "default"])
                    .map_or("use `paths`, `default`, or a language tag such as `zh`".to_string(), |n| {
                        format!("did you mean `{n}`?")
                    });
                keys.report(
                    keys.error(key.offset, "settings", format!("unknown key `{other}` in `[fonts]`")).hint(hint),
                );
            }
        }
    }
    fonts
}

/// `#rrggbb` (or `#rgb`) as its three bytes.
pub fn parse_hex_color(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    let digits: Vec<u8> = hex.chars().map(|c| c.to_digit(16).map(|d| d as u8)).collect::<Option<_>>()?;
    match digits.as_slice() {
        [r, g, b] => Some([r * 17, g * 17, b * 17]),
        [r1, r2, g1, g2, b1, b2] => Some([r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_colours() {
        assert_eq!(parse_hex_color("#1f5f73"), Some([0x1f, 0x5f, 0x73]));
        assert_eq!(parse_hex_color("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_hex_color("1f5f73"), None);
        assert_eq!(parse_hex_color("#12345"), None);
    }
}
