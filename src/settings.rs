//! `handout.toml` and the output-profile tables shared by it and the front matter.
//!
//! Every table users type is `deny_unknown_fields`: a misspelt key is an error with a
//! "did you mean" hint, never silently ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, SourceText, did_you_mean};
use crate::model::{
    CitationStyle, Contact, EpubOptions, FormatOptions, Layout, OptOut, Origin, Paper, PdfOptions, Profile,
    SectionChoice, SmsEncoding, SmsOptions,
};

/// The project file's name; its folder is the project root.
pub const PROJECT_FILE: &str = "handout.toml";

/// Default brand colour: a dark teal with 7:1 contrast on white.
pub const DEFAULT_BRAND_COLOR: &str = "#1f5f73";

/// `handout.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProjectFile {
    #[serde(alias = "organization")]
    pub organisation: Option<String>,
    pub logo: Option<Spanned<String>>,
    #[serde(alias = "brand-colour")]
    pub brand_color: Option<Spanned<String>>,
    pub citation_style: Option<Spanned<String>>,
    /// Whether composed text messages end with how to stop them (`true`, the default, in the
    /// handout's language), or the texts per language.
    pub opt_out: Option<Spanned<OptOutValue>>,
    /// Highest reading grade `check` accepts without a warning.
    pub max_grade: Option<f64>,
    pub contact: Option<ContactTable>,
    pub fonts: Option<FontsTable>,
    pub outputs: Option<IndexMap<String, Spanned<ProfileTable>>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ContactTable {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub url: Option<String>,
    pub hours: Option<String>,
}

impl ContactTable {
    /// This table's keys over `base`'s: a handout names its own help line, the project a default.
    pub fn over(self, base: Contact) -> Contact {
        Contact {
            name: self.name.or(base.name),
            phone: self.phone.or(base.phone),
            url: self.url.or(base.url),
            hours: self.hours.or(base.hours),
        }
    }
}

/// `[fonts]`: extra font folders and font chains, the default one and per language.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FontsTable {
    #[serde(default)]
    pub paths: Vec<String>,
    /// Font family names tried in order for every language without its own chain.
    #[serde(default)]
    pub default: Vec<String>,
    /// Font chains per language tag, e.g. `zh = ["Noto Sans SC"]`.
    #[serde(flatten)]
    pub by_lang: BTreeMap<String, Vec<String>>,
}

/// `[outputs.NAME]` as written, in `handout.toml` or in front matter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProfileTable {
    pub format: Spanned<String>,
    pub sections: Option<Spanned<SectionsValue>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    pub citations: Option<Spanned<String>>,
    // pdf
    pub paper: Option<Spanned<Paper>>,
    pub layout: Option<Spanned<Layout>>,
    pub columns: Option<Spanned<i64>>,
    pub large_print: Option<Spanned<bool>>,
    pub hyphenate: Option<Spanned<bool>>,
    pub accessible: Option<Spanned<bool>>,
    pub bleed: Option<Spanned<f64>>,
    pub crop_marks: Option<Spanned<bool>>,
    // epub
    pub cover: Option<Spanned<String>>,
    pub embed_fonts: Option<Spanned<bool>>,
    // sms
    pub segments: Option<Spanned<i64>>,
    pub encoding: Option<Spanned<SmsEncoding>>,
    pub include_url: Option<Spanned<bool>>,
    pub opt_out: Option<Spanned<OptOutValue>>,
}

/// `opt-out = true`, `false`, or the texts per language: `[opt-out] en = "…"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OptOutValue {
    Switch(bool),
    Texts(BTreeMap<String, String>),
    Text(String),
}

impl OptOutValue {
    /// The validated setting; a single text cannot say which language it is in.
    fn validate(value: &Spanned<OptOutValue>, source: &SourceText, base: usize) -> Result<OptOut, Diagnostic> {
        match value.get_ref() {
            OptOutValue::Switch(true) => Ok(OptOut::Default),
            OptOutValue::Switch(false) => Ok(OptOut::Off),
            OptOutValue::Texts(texts) => Ok(OptOut::Texts(texts.clone())),
            OptOutValue::Text(text) => Err(source
                .error_at(base + value.span().start, "settings", format!("`opt-out = \"{text}\"` does not say which language it is in"))
                .hint("handout writes how to stop the messages in each handout's language by itself; to word it your way, give it per language: `[opt-out]` then `en = \"...\"`, `es = \"...\"`; `opt-out = false` turns it off")),
        }
    }
}

/// `sections = "all"` or `sections = ["intro", ...]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SectionsValue {
    Word(String),
    List(Vec<String>),
}

/// Where a profile table came from, to point errors at it.
pub struct TableSource<'a> {
    pub source: &'a SourceText,
    /// Byte offset of the TOML text within the source file.
    pub base: usize,
}

impl TableSource<'_> {
    fn error<T>(&self, span: &Spanned<T>, code: &'static str, message: impl Into<String>) -> Diagnostic {
        self.source.error_at(self.base + span.span().start, code, message)
    }
}

impl ProfileTable {
    /// Validates the table into a [`Profile`]. `resolve` turns a path as written into a
    /// path inside the project root.
    pub fn to_profile(
        &self,
        name: &str,
        at: &TableSource,
        project: &ProjectSettings,
        resolve: &dyn Fn(&str) -> Result<PathBuf, String>,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<Profile> {
        let err_count = errors.len();
        let format = self.format.get_ref().as_str();
        let format_keys: [(&str, &str, Option<usize>); 14] = [
            ("paper", "pdf", self.paper.as_ref().map(|s| s.span().start)),
            ("layout", "pdf", self.layout.as_ref().map(|s| s.span().start)),
            ("columns", "pdf", self.columns.as_ref().map(|s| s.span().start)),
            ("large-print", "pdf", self.large_print.as_ref().map(|s| s.span().start)),
            ("hyphenate", "pdf", self.hyphenate.as_ref().map(|s| s.span().start)),
            ("accessible", "pdf", self.accessible.as_ref().map(|s| s.span().start)),
            ("bleed", "pdf", self.bleed.as_ref().map(|s| s.span().start)),
            ("crop-marks", "pdf", self.crop_marks.as_ref().map(|s| s.span().start)),
            ("cover", "epub", self.cover.as_ref().map(|s| s.span().start)),
            ("embed-fonts", "epub", self.embed_fonts.as_ref().map(|s| s.span().start)),
            ("segments", "sms", self.segments.as_ref().map(|s| s.span().start)),
            ("encoding", "sms", self.encoding.as_ref().map(|s| s.span().start)),
            ("include-url", "sms", self.include_url.as_ref().map(|s| s.span().start)),
            ("opt-out", "sms", self.opt_out.as_ref().map(|s| s.span().start)),
        ];
        if !["pdf", "epub", "sms"].contains(&format) {
            let mut d = at.error(&self.format, "profile", format!("unknown format `{format}` in profile `{name}`"));
            d = d.hint(match did_you_mean(format, ["pdf", "epub", "sms"]) {
                Some(near) => format!("did you mean `{near}`? formats are `pdf`, `epub` and `sms`"),
                None => "formats are `pdf`, `epub` and `sms`".to_string(),
            });
            errors.push(d.profile(name));
            return None;
        }
        for (key, owner, offset) in format_keys {
            if let Some(offset) = offset
                && owner != format
            {
                errors.push(
                    at.source
                        .error_at(
                            at.base + offset,
                            "profile",
                            format!("`{key}` is a {owner} key, but profile `{name}` has format `{format}`"),
                        )
                        .hint(format!("remove `{key}`, or move it to a profile with `format = \"{owner}\"`"))
                        .profile(name),
                );
            }
        }

        let sections = match self.sections.as_ref().map(Spanned::get_ref) {
            None => SectionChoice::All,
            Some(SectionsValue::Word(word)) if word == "all" => SectionChoice::All,
            Some(SectionsValue::List(list)) => SectionChoice::List(list.clone()),
            Some(SectionsValue::Word(word)) => {
                let span = self.sections.as_ref().expect("matched Some");
                errors.push(
                    at.error(span, "profile", format!("`sections = \"{word}\"` is neither \"all\" nor a list"))
                        .hint("write `sections = \"all\"` or a list of section ids: `sections = [\"intro\", \"symptoms\"]`")
                        .profile(name),
                );
                SectionChoice::All
            }
        };
        let citations = match self.citations.as_ref() {
            None => true,
            Some(value) => match value.get_ref().as_str() {
                "appendix" => true,
                "none" => false,
                other => {
                    errors.push(
                        at.error(value, "profile", format!("unknown `citations = \"{other}\"`"))
                            .hint("write `citations = \"appendix\"` or `citations = \"none\"`")
                            .profile(name),
                    );
                    true
                }
            },
        };

        let options = match format {
            "pdf" => {
                let defaults = PdfOptions::default();
                let columns = match self.columns.as_ref() {
                    None => defaults.columns,
                    Some(c) if (1..=3).contains(c.get_ref()) => *c.get_ref() as u8,
                    Some(c) => {
                        errors.push(
                            at.error(c, "profile", format!("`columns = {}` is out of range", c.get_ref()))
                                .hint("use 1, 2 or 3")
                                .profile(name),
                        );
                        1
                    }
                };
                let bleed = match self.bleed.as_ref() {
                    None => 0.0,
                    Some(b) if (0.0..=25.0).contains(b.get_ref()) => *b.get_ref(),
                    Some(b) => {
                        errors.push(
                            at.error(b, "profile", format!("`bleed = {}` mm is out of range", b.get_ref()))
                                .hint("print shops ask for 3 mm (1/8 inch); use a value from 0 to 25")
                                .profile(name),
                        );
                        0.0
                    }
                };
                let options = PdfOptions {
                    paper: self.paper.as_ref().map_or(defaults.paper, |p| *p.get_ref()),
                    layout: self.layout.as_ref().map_or(defaults.layout, |l| *l.get_ref()),
                    columns,
                    large_print: self.large_print.as_ref().is_some_and(|v| *v.get_ref()),
                    hyphenate: self.hyphenate.as_ref().is_some_and(|v| *v.get_ref()),
                    accessible: self.accessible.as_ref().is_none_or(|v| *v.get_ref()),
                    bleed,
                    crop_marks: self.crop_marks.as_ref().is_some_and(|v| *v.get_ref()),
                };
                if let Some((problem, hint)) = crate::render::pdf::geometry::unreadable_measure(&options) {
                    let offset = [
                        self.columns.as_ref().map(|c| c.span().start),
                        self.large_print.as_ref().map(|c| c.span().start),
                        self.paper.as_ref().map(|c| c.span().start),
                    ]
                    .into_iter()
                    .flatten()
                    .next()
                    .unwrap_or(self.format.span().start);
                    errors.push(at.source.error_at(at.base + offset, "profile", problem).hint(hint).profile(name));
                }
                FormatOptions::Pdf(options)
            }
            "epub" => {
                let cover = self.cover.as_ref().and_then(|c| {
                    match resolve(c.get_ref()).and_then(|p| crate::images::decode(&p).map(|_| p)) {
                        Ok(path) => Some(path),
                        Err(why) => {
                            errors.push(
                                at.error(c, "path", format!("cover image `{}`: {why}", c.get_ref())).profile(name),
                            );
                            None
                        }
                    }
                });
                FormatOptions::Epub(EpubOptions {
                    cover,
                    embed_fonts: self.embed_fonts.as_ref().is_some_and(|v| *v.get_ref()),
                })
            }
            _ => {
                let segments = match self.segments.as_ref() {
                    None => 1,
                    Some(s) if (1..=10).contains(s.get_ref()) => *s.get_ref() as u32,
                    Some(s) => {
                        errors.push(
                            at.error(s, "profile", format!("`segments = {}` is out of range", s.get_ref()))
                                .hint("a text message budget is 1 to 10 segments")
                                .profile(name),
                        );
                        1
                    }
                };
                FormatOptions::Sms(SmsOptions {
                    segments,
                    encoding: self.encoding.as_ref().map_or(SmsEncoding::Auto, |e| *e.get_ref()),
                    include_url: self.include_url.as_ref().is_some_and(|v| *v.get_ref()),
                    opt_out: match &self.opt_out {
                        Some(value) => OptOutValue::validate(value, at.source, at.base).unwrap_or_else(|d| {
                            errors.push(d.profile(name));
                            OptOut::Default
                        }),
                        None => project.opt_out.clone(),
                    },
                })
            }
        };
        let header = format!("[outputs.{name}]");
        let offset =
            at.source.text[at.base..].find(&header).map_or(at.base + self.format.span().start, |i| at.base + i);
        let (line, column) = at.source.line_col(offset);
        (errors.len() == err_count).then(|| Profile {
            name: name.to_string(),
            origin: Origin { path: at.source.path.clone(), line, column },
            sections,
            exclude: self.exclude.iter().map(|e| e.get_ref().clone()).collect(),
            citations,
            options,
        })
    }
}

/// The built-in profiles used when neither the project nor the handout defines any.
pub fn default_profiles(project: &ProjectSettings, handout: &Path) -> Vec<Profile> {
    let profile = |name: &str, options| Profile {
        name: name.to_string(),
        origin: Origin { path: handout.to_path_buf(), line: 1, column: 1 },
        sections: SectionChoice::All,
        exclude: Vec::new(),
        citations: true,
        options,
    };
    vec![
        profile("leaflet", FormatOptions::Pdf(PdfOptions::default())),
        profile("booklet", FormatOptions::Epub(EpubOptions::default())),
        Profile {
            citations: false,
            ..profile(
                "sms",
                FormatOptions::Sms(SmsOptions { opt_out: project.opt_out.clone(), ..SmsOptions::default() }),
            )
        },
    ]
}

/// The validated project settings every handout of a project shares.
#[derive(Debug, Clone)]
pub struct ProjectSettings {
    pub organisation: Option<String>,
    pub logo: Option<PathBuf>,
    pub brand_color: Option<String>,
    pub citation_style: CitationStyle,
    pub opt_out: OptOut,
    pub max_grade: Option<f64>,
    pub contact: Contact,
    pub fonts: FontsTable,
}

impl Default for ProjectSettings {
    fn default() -> Self {
        ProjectSettings {
            organisation: None,
            logo: None,
            brand_color: None,
            citation_style: CitationStyle::Vancouver,
            opt_out: OptOut::Default,
            max_grade: None,
            contact: Contact::default(),
            fonts: FontsTable::default(),
        }
    }
}

/// A project: its root folder and settings, with its profiles still as tables (they are
/// validated per handout, against that handout's sections).
#[derive(Debug)]
pub struct Project {
    /// Canonical root folder; nothing outside it is read.
    pub root: PathBuf,
    /// `handout.toml`, when the project has one.
    pub file: Option<SourceText>,
    pub settings: ProjectSettings,
    pub profiles: Option<IndexMap<String, Spanned<ProfileTable>>>,
    /// Interface strings from `assets/locales/*.toml`, by language.
    pub locales: crate::locale::ProjectLocales,
}

impl Project {
    /// The project a handout belongs to: the nearest folder upward holding `handout.toml`,
    /// else the current directory.
    pub fn root_for(handout: &Path) -> PathBuf {
        let start = handout.canonicalize().unwrap_or_else(|_| handout.to_path_buf());
        start
            .ancestors()
            .skip(1)
            .find(|dir| dir.join(PROJECT_FILE).is_file())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_default().canonicalize().unwrap_or_default())
    }

    /// Loads `root/handout.toml` when present; a missing file gives default settings.
    pub fn load(root: &Path) -> Result<Project, Vec<Diagnostic>> {
        let root = root
            .canonicalize()
            .map_err(|e| vec![Diagnostic::error(root, "io", format!("cannot open the project folder: {e}"))])?;
        let path = root.join(PROJECT_FILE);
        if !path.is_file() {
            let locales = load_locales(&root)?;
            return Ok(Project { root, file: None, settings: ProjectSettings::default(), profiles: None, locales });
        }
        let display = crate::diagnostic::display_path(&path);
        let text = crate::content::read_text(&path, &display).map_err(|d| vec![d])?;
        let source = SourceText::new(display, text);
        let file: ProjectFile =
            toml::from_str(&source.text).map_err(|e| vec![toml_error(&source, 0, &e, "settings")])?;
        let locales = load_locales(&root)?;
        let mut project = Project { root, file: None, settings: ProjectSettings::default(), profiles: None, locales };
        let mut errors = Vec::new();
        let logo = file.logo.as_ref().and_then(|logo| {
            match project.resolve(&project.root, logo.get_ref()).and_then(|p| crate::images::decode(&p).map(|_| p)) {
                Ok(path) => Some(path),
                Err(why) => {
                    errors.push(source.error_at(
                        logo.span().start,
                        "path",
                        format!("logo `{}`: {why}", logo.get_ref()),
                    ));
                    None
                }
            }
        });
        if let Some(color) = &file.brand_color
            && parse_hex_color(color.get_ref()).is_none()
        {
            errors.push(
                source
                    .error_at(
                        color.span().start,
                        "settings",
                        format!("`brand-color = \"{}\"` is not a colour", color.get_ref()),
                    )
                    .hint("write it as `#rrggbb`, e.g. `brand-color = \"#1f5f73\"`"),
            );
        }
        if let Some(style) = &file.citation_style
            && let Err(why) = crate::cite::style_from_name(style.get_ref(), &|w| project.resolve(&project.root, w))
        {
            errors.push(source.error_at(style.span().start, "citation", why));
        }
        let opt_out = match &file.opt_out {
            Some(value) => OptOutValue::validate(value, &source, 0).unwrap_or_else(|d| {
                errors.push(d);
                OptOut::Default
            }),
            None => OptOut::Default,
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        project.settings = ProjectSettings {
            organisation: file.organisation,
            logo,
            brand_color: file.brand_color.map(Spanned::into_inner),
            citation_style: file
                .citation_style
                .and_then(|s| crate::cite::style_from_name(s.get_ref(), &|w| project.resolve(&project.root, w)).ok())
                .unwrap_or(CitationStyle::Vancouver),
            opt_out,
            max_grade: file.max_grade,
            contact: file.contact.unwrap_or_default().over(Contact::default()),
            fonts: file.fonts.unwrap_or_default(),
        };
        project.profiles = file.outputs;
        project.file = Some(source);
        Ok(project)
    }

    /// Resolves a path written in a file in `base` (a folder inside the root) to an existing
    /// file inside the project root. Absolute paths, `..` escapes and symlinks that lead
    /// outside are refused.
    pub fn resolve(&self, base: &Path, written: &str) -> Result<PathBuf, String> {
        let relative = Path::new(written);
        if written.is_empty() {
            return Err("the path is empty".into());
        }
        if relative.has_root() || written.chars().nth(1) == Some(':') {
            return Err("absolute paths are not allowed; write a path relative to the handout".into());
        }
        let joined = base.join(relative);
        // Refuse `..` that climbs out before looking at the disk, so the message is the real reason.
        let mut lexical = PathBuf::new();
        for part in joined.components() {
            match part {
                std::path::Component::ParentDir => {
                    lexical.pop();
                }
                std::path::Component::CurDir => {}
                other => lexical.push(other),
            }
        }
        if !lexical.starts_with(&self.root) {
            return Err("it is outside the project root; only files inside the project can be used".into());
        }
        let canonical = joined.canonicalize().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("no such file (looked for {})", crate::diagnostic::display_path(&joined).display())
            }
            _ => format!("cannot open it: {e}"),
        })?;
        if !canonical.starts_with(&self.root) {
            return Err(format!(
                "it is outside the project root {}; only files inside the project can be used",
                self.root.display()
            ));
        }
        if !canonical.is_file() {
            return Err("it is not a file".into());
        }
        Ok(canonical)
    }
}

/// The project's `assets/locales/<lang>.toml` files: only known keys, each a string (or the
/// twelve `months`).
fn load_locales(root: &Path) -> Result<crate::locale::ProjectLocales, Vec<Diagnostic>> {
    let mut locales = crate::locale::ProjectLocales::new();
    let Ok(entries) = std::fs::read_dir(root.join("assets/locales")) else { return Ok(locales) };
    let mut paths: Vec<PathBuf> =
        entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
    paths.sort();
    let known = crate::locale::keys();
    let mut errors = Vec::new();
    for path in paths {
        let display = crate::diagnostic::display_path(&path);
        let text = match crate::content::read_text(&path, &display) {
            Ok(text) => text,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let source = SourceText::new(&display, text);
        let table: toml::Table = match toml::from_str(&source.text) {
            Ok(table) => table,
            Err(e) => {
                errors.push(toml_error(&source, 0, &e, "locale"));
                continue;
            }
        };
        for (key, value) in &table {
            let offset = source.text.find(&format!("{key} ")).or_else(|| source.text.find(key.as_str())).unwrap_or(0);
            if !known.contains(key) {
                let hint = match did_you_mean(key, known.iter().map(String::as_str)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("known keys: {}", known.join(", ")),
                };
                errors.push(source.error_at(offset, "locale", format!("unknown interface string `{key}`")).hint(hint));
            } else if key == "months" {
                let twelve = value.as_array().is_some_and(|m| m.len() == 12 && m.iter().all(toml::Value::is_str));
                if !twelve {
                    errors.push(source.error_at(
                        offset,
                        "locale",
                        "`months` must list the twelve month names as strings",
                    ));
                }
            } else if key == "quotes" {
                let four = value.as_array().is_some_and(|q| q.len() == 4 && q.iter().all(toml::Value::is_str));
                if !four {
                    errors.push(source.error_at(offset, "locale", "`quotes` must list four strings").hint(
                        "opening and closing quotes, then the inner pair, e.g. `quotes = [\"“\", \"”\", \"‘\", \"’\"]`",
                    ));
                }
            } else if !value.is_str() {
                errors.push(source.error_at(offset, "locale", format!("`{key}` must be a string")));
            }
        }
        let lang = path.file_stem().unwrap_or_default().to_string_lossy().to_string();
        locales.insert(lang, table);
    }
    if errors.is_empty() { Ok(locales) } else { Err(errors) }
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

/// Turns a TOML or serde error into a diagnostic at its place, with a hint for the common
/// mistakes (unknown keys get the nearest known key).
pub fn toml_error(source: &SourceText, base: usize, error: &toml::de::Error, code: &'static str) -> Diagnostic {
    let offset = base + error.span().map_or(0, |span| span.start);
    let message = error.message().trim().to_string();
    let mut diagnostic = source.error_at(offset, code, message.clone());
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let unknown = rest.split('`').next().unwrap_or_default();
        let known: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        diagnostic = diagnostic.hint(match did_you_mean(unknown, known.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None if known.is_empty() => "remove this key".to_string(),
            None => {
                format!("known keys here: {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
            }
        });
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        let missing = rest.split('`').next().unwrap_or_default();
        diagnostic = diagnostic.hint(format!("add `{missing} = ...` to this table"));
    } else if message.starts_with("unknown variant") {
        diagnostic = diagnostic.hint("use one of the values listed");
    } else if let Some(hint) = type_hint(&message) {
        diagnostic = diagnostic.hint(hint);
    }
    // Word processors put curly quotes and no-break spaces where TOML needs plain ones.
    let line_text = source.text[offset.min(source.text.len())..].lines().next().unwrap_or("");
    let line_start = source.text[..offset.min(source.text.len())].rfind('\n').map_or(0, |i| i + 1);
    let whole_line = source.text[line_start..].lines().next().unwrap_or(line_text);
    if let Some(c) = whole_line
        .chars()
        .find(|c| matches!(c, '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}' | '\u{a0}' | '\u{200b}'))
    {
        diagnostic = diagnostic.hint(format!(
            "this line has the character U+{:04X} ({}), which TOML does not accept here; type plain quotes \" and spaces",
            c as u32,
            match c {
                '\u{a0}' => "a no-break space",
                '\u{200b}' => "a zero-width space",
                _ => "a curly quote",
            }
        ));
    }
    diagnostic
}

/// Plain words for serde's type names.
fn type_hint(message: &str) -> Option<String> {
    let expected = message.split("expected ").nth(1)?.trim();
    let hint = match expected {
        "i64" | "u32" | "u64" | "an integer" => "write a whole number without quotes, e.g. `segments = 2`".to_string(),
        "f64" | "a float" => "write a number without quotes or units, e.g. `bleed = 3` (millimetres)".to_string(),
        "a boolean" => "write `true` or `false` without quotes".to_string(),
        "a string" => "put the text in double quotes: \"...\"".to_string(),
        "a sequence" => "write a list in brackets: `[\"first\", \"second\"]`".to_string(),
        "a TOML datetime" => {
            "write the date without quotes as year-month-day, e.g. `reviewed = 2026-11-01`".to_string()
        }
        _ => return None,
    };
    Some(hint)
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
