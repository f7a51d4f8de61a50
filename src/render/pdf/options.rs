//! The keys of a PDF profile.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::press::Condition;
use crate::files::Root;
use crate::keys::Keys;

/// The keys only PDF profiles take.
pub const KEYS: &[&str] = &[
    "paper",
    "layout",
    "columns",
    "large-print",
    "hyphenate",
    "accessible",
    "bleed",
    "crop-marks",
    "press",
    "press-profile",
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Options {
    pub paper: Paper,
    pub layout: Layout,
    pub columns: u8,
    pub large_print: bool,
    /// Off by default: plain-language guides (CMS Toolkit, part 7) advise against breaking
    /// words at line ends for readers with low literacy.
    pub hyphenate: bool,
    pub accessible: bool,
    /// Bleed in millimetres.
    pub bleed: f64,
    pub crop_marks: bool,
    /// A press PDF (PDF/X-4, CMYK) for this printing condition; `None` for a screen PDF.
    pub press: Option<Condition>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paper: Paper::Letter,
            layout: Layout::Page,
            columns: 1,
            large_print: false,
            hyphenate: false,
            accessible: true,
            bleed: 0.0,
            crop_marks: false,
            press: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    Letter,
    A4,
    A5,
    Legal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    Page,
    Trifold,
}

impl Options {
    /// `dir` is the folder a `press-profile` path is relative to.
    pub fn read(keys: &Keys, root: &Root, dir: &Path) -> Options {
        let defaults = Options::default();
        let paper = keys.choice("paper", &["letter", "a4", "a5", "legal"]).map(|p| match p.value {
            "a4" => Paper::A4,
            "a5" => Paper::A5,
            "legal" => Paper::Legal,
            _ => Paper::Letter,
        });
        let layout = keys
            .choice("layout", &["page", "trifold"])
            .map(|l| if l.value == "trifold" { Layout::Trifold } else { Layout::Page });
        let columns = keys.integer("columns", 1..=3, "use 1 or 2 (3 columns are too narrow to read on portrait paper)");
        let large_print = keys.boolean("large-print");
        let paper = paper.unwrap_or(defaults.paper);
        let press = read_press(keys, root, dir, paper);
        // A press PDF is for the print shop: 3 mm bleed and marks unless the profile says
        // otherwise, and no tags (the screen PDF is the accessible one).
        let bleed_default = if press.is_some() { 3.0 } else { 0.0 };
        let accessible = keys.boolean("accessible");
        if let (Some(_), Some(a)) = (&press, &accessible)
            && a.value
        {
            keys.report(
                keys.error(a.offset, "profile", "a press PDF cannot also be the accessible PDF")
                    .hint("a print shop's file carries no links or tags; make the accessible PDF in a profile of its own without `press`, from the same handout"),
            );
        }
        let options = Options {
            paper,
            layout: layout.unwrap_or(defaults.layout),
            columns: columns.as_ref().map_or(defaults.columns, |c| c.value as u8),
            large_print: large_print.as_ref().is_some_and(|l| l.value),
            hyphenate: keys.boolean("hyphenate").is_some_and(|h| h.value),
            accessible: press.is_none() && accessible.is_none_or(|a| a.value),
            bleed: keys
                .number("bleed", 0.0..=25.0, "print shops ask for 3 mm (1/8 inch); use a value from 0 to 25")
                .map_or(bleed_default, |b| b.value),
            crop_marks: keys.boolean("crop-marks").map_or(press.is_some(), |c| c.value),
            press,
        };
        if let Some((problem, hint)) = super::geometry::unreadable_measure(&options) {
            let offset = columns.map(|c| c.offset).or(large_print.map(|l| l.offset)).unwrap_or(keys.offset_of("paper"));
            keys.report(keys.error(offset, "profile", problem).hint(hint));
        }
        options
    }
}

/// `press = true` with the printing condition of `press-profile`: a built-in one by name, or a
/// CMYK output profile inside the project. Without one, the paper says where the press is:
/// GRACoL 2006 for US papers, FOGRA39 for ISO papers.
fn read_press(keys: &Keys, root: &Root, dir: &Path, paper: Paper) -> Option<Condition> {
    let press = keys.boolean("press");
    let profile = keys.string("press-profile");
    if !press.as_ref().is_some_and(|p| p.value) {
        if let Some(profile) = &profile {
            keys.report(
                keys.warning(profile.offset, "profile", "`press-profile` has no effect without `press = true`")
                    .hint("add `press = true` to make this profile a press PDF, or remove `press-profile`"),
            );
        }
        return None;
    }
    let Some(profile) = profile else {
        return Some(if matches!(paper, Paper::A4 | Paper::A5) { Condition::Fogra39 } else { Condition::Gracol2006 });
    };
    if let Some(condition) = Condition::named(&profile.value) {
        return Some(condition);
    }
    if !profile.value.to_ascii_lowercase().ends_with(".icc") && !profile.value.to_ascii_lowercase().ends_with(".icm") {
        let near = crate::diagnostic::did_you_mean(&profile.value, Condition::NAMES.iter().copied())
            .map(|n| format!("did you mean \"{n}\"? "))
            .unwrap_or_default();
        keys.report(
            keys.error(profile.offset, "profile", format!("`press-profile = \"{}\"` is not a printing condition", profile.value))
                .hint(format!("{near}use \"fogra39\" (ISO coated paper), \"gracol2006\" (US coated paper), or the path of the print shop's CMYK profile (.icc)")),
        );
        return None;
    }
    let described = root.resolve(dir, &profile.value).and_then(|path| {
        let bytes = root.read(&path, crate::files::MAX_IMAGE_FILE)?;
        super::press::describe_profile(&bytes).map(|description| Condition::Custom { path, description })
    });
    match described {
        Ok(condition) => Some(condition),
        Err(why) => {
            keys.report(keys.error(profile.offset, "path", format!("press profile `{}`: {why}", profile.value)));
            None
        }
    }
}

impl crate::render::Options for Options {
    fn files(&self, profile: &str) -> Vec<String> {
        vec![format!("{profile}.pdf")]
    }

    fn inputs(&self) -> Vec<PathBuf> {
        match &self.press {
            Some(Condition::Custom { path, .. }) => vec![path.clone()],
            _ => Vec::new(),
        }
    }
}
