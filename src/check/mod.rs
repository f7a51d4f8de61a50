//! The checks a reviewer would otherwise do by hand, beyond what parsing and rendering find.

pub mod readability;

use crate::diagnostic::Diagnostic;
use crate::model::{Format, Handout, Section};
use crate::select::Selection;

/// Health-literacy guidance asks for grade 6 to 8.
pub const DEFAULT_MAX_GRADE: f64 = 8.0;
/// Fernández-Huerta ease at or above which Spanish text is "fairly easy" (grade 7–8).
pub const MIN_SPANISH_EASE: f64 = 70.0;

/// A finding when `text` reads above the limit, naming the figures, the hardest sentences and
/// the longest words.
fn level_finding(
    text: &str,
    lang: &str,
    max_grade: f64,
    what: &str,
    handout: &Handout,
    line: usize,
) -> Option<Diagnostic> {
    let figures = readability::measure(text, lang)?;
    let spanish = lang.starts_with("es");
    let message = if spanish {
        ((figures.fernandez_huerta * 10.0).round() / 10.0 < MIN_SPANISH_EASE).then(|| {
            format!(
                "{what} has a Fernández-Huerta ease of {:.1}, below {MIN_SPANISH_EASE} (fairly easy)",
                figures.fernandez_huerta
            )
        })?
    } else {
        // Compared as shown, to one decimal: "grade 8.0" is not above 8.
        let grade = (figures.flesch_kincaid.max(figures.smog) * 10.0).round() / 10.0;
        (grade > max_grade).then(|| {
            format!(
                "{what} reads at grade {:.1} (Flesch-Kincaid {:.1}, SMOG {:.1}), above max-grade {max_grade}",
                grade, figures.flesch_kincaid, figures.smog
            )
        })?
    };
    let (sentences, words) = readability::hardest(text, lang);
    let quoted: Vec<String> = sentences.iter().map(|s| format!("\"{}\"", s.replace('\n', " "))).collect();
    Some(Diagnostic::warning(&handout.path, "reading-level", message).at((line, 1)).hint(format!(
        "shorter sentences and words help; hardest sentences: {}; longest words: {}",
        quoted.join(" "),
        words.join(", ")
    )))
}

/// Reading-level warnings: each section once, and each PDF or EPUB profile's selected text.
pub fn reading_level(handout: &Handout, selections: &[Selection], max_grade: Option<f64>) -> Vec<Diagnostic> {
    let lang = &handout.meta.lang;
    if !readability::supported(lang) {
        return Vec::new();
    }
    let max_grade = max_grade.unwrap_or(DEFAULT_MAX_GRADE);
    let mut found = Vec::new();
    for section in &handout.sections {
        let what = if section.id == Section::INTRO {
            "the introduction".to_string()
        } else {
            format!("section `{}`", section.id)
        };
        found.extend(level_finding(&readability::section_text(section), lang, max_grade, &what, handout, section.line));
    }
    for selection in selections.iter().filter(|s| s.profile.format() != Format::Sms) {
        let text: String = selection.sections.iter().map(|s| readability::section_text(s)).collect();
        let what = format!("the text of profile `{}`", selection.profile.name);
        found.extend(
            level_finding(&text, lang, max_grade, &what, handout, 1).map(|d| d.profile(&selection.profile.name)),
        );
    }
    found
}
