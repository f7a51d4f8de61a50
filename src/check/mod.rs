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

/// Line and column of the first `needle` in a file (1:1 when it is not there).
pub fn place_in_file(path: &std::path::Path, needle: &str) -> (usize, usize) {
    crate::diagnostic::place_in_file(path, |text| text.find(needle))
}

/// Sources: defined but never cited (warning), DOIs and PMIDs that are not well formed (error).
pub fn sources(handout: &Handout) -> Vec<Diagnostic> {
    let mut groups = Vec::new();
    for section in &handout.sections {
        crate::select::collect_citations(&section.blocks, &mut groups);
    }
    let mut found = Vec::new();
    for source in &handout.sources {
        let at = (source.line, 1);
        if !groups.iter().flatten().any(|k| *k == source.key) {
            found.push(
                Diagnostic::warning(
                    &source.path,
                    "citation",
                    format!("source `{}` is defined but never cited", source.key),
                )
                .at(at)
                .hint("cite it with [@key] where it supports the text, or remove it"),
            );
        }
        if let Some(doi) = source.doi()
            && !is_doi(doi)
        {
            found.push(
                Diagnostic::error(
                    &source.path,
                    "citation",
                    format!("source `{}` has a malformed DOI `{doi}`", source.key),
                )
                .at(at)
                .hint("a DOI looks like 10.1002/jts.22087 (without https://doi.org/)"),
            );
        }
        if let Some(pmid) = source.pmid()
            && (!(1..=9).contains(&pmid.len()) || !pmid.chars().all(|c| c.is_ascii_digit()))
        {
            found.push(
                Diagnostic::error(
                    &source.path,
                    "citation",
                    format!("source `{}` has a malformed PMID `{pmid}`", source.key),
                )
                .at(at)
                .hint("a PubMed ID is a number of up to 9 digits, e.g. 22346334"),
            );
        }
    }
    found
}

/// `10.<4–9 digits>/<suffix>`.
fn is_doi(doi: &str) -> bool {
    let Some(rest) = doi.strip_prefix("10.") else { return false };
    let Some((registrant, suffix)) = rest.split_once('/') else { return false };
    (4..=9).contains(&registrant.len())
        && registrant.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !suffix.is_empty()
        && !suffix.contains(char::is_whitespace)
}

/// The help line must be a number people can dial; the review dates must make sense.
pub fn contact_and_dates(handout: &Handout, today: crate::model::Date) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some(phone) = &handout.meta.contact.phone {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = phone.chars().all(|c| c.is_ascii_digit() || " -().+/".contains(c));
        if !allowed || !(3..=15).contains(&digits) {
            found.push(
                Diagnostic::error(
                    &handout.path,
                    "contact",
                    format!("the help-line number `{phone}` is not a phone number"),
                )
                .at(place_in_file(&handout.path, phone))
                .hint("use 3 to 15 digits with spaces, dashes, brackets or a leading +, e.g. 1-800-662-4357 or 988"),
            );
        }
    }
    if let Some(next) = handout.meta.next_review {
        let at = place_in_file(&handout.path, "next-review");
        if next < today {
            found.push(
                Diagnostic::warning(&handout.path, "review", format!("next-review {next} has passed"))
                    .at(at)
                    .hint("review the handout, then update `reviewed` and `next-review`"),
            );
        }
        if handout.meta.reviewed.is_some_and(|r| next < r) {
            found.push(
                Diagnostic::warning(&handout.path, "review", format!("next-review {next} comes before `reviewed`"))
                    .at(at),
            );
        }
    }
    found
}

/// Translations keep their original's sections; a translation older than its original's last
/// review may be out of date.
pub fn translations(translation: &Handout, handouts: &[&Handout]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    {
        let Some(original_slug) = &translation.meta.translation_of else { return found };
        let at = place_in_file(&translation.path, "translation-of");
        let Some(original) = handouts.iter().find(|h| h.meta.slug == *original_slug) else {
            found.push(
                Diagnostic::warning(
                    &translation.path,
                    "translation",
                    format!("the original `{original_slug}` is not among the handouts checked"),
                )
                .at(at)
                .hint("check the folder that holds both, or fix `translation-of`"),
            );
            return found;
        };
        for section in &original.sections {
            if translation.section(&section.id).is_none() {
                found.push(
                    Diagnostic::error(
                        &translation.path,
                        "translation",
                        format!("section `{}` of the original is missing", section.id),
                    )
                    .at(at)
                    .hint(format!("translate it, keeping its id: `## ... {{#{}}}`", section.id)),
                );
            }
        }
        if let (Some(own), Some(theirs)) = (translation.meta.reviewed, original.meta.reviewed)
            && theirs > own
        {
            found.push(
                Diagnostic::warning(
                    &translation.path,
                    "translation",
                    format!("the original was reviewed on {theirs}, after this translation ({own})"),
                )
                .at(at)
                .hint("compare the two and update the translation"),
            );
        }
    }
    found
}

/// Images printed below 300 dpi at their size in each print profile look soft.
pub fn image_resolution(handout: &Handout) -> Vec<Diagnostic> {
    use crate::model::FormatOptions;
    let mut found = Vec::new();
    for profile in &handout.profiles {
        let FormatOptions::Pdf(options) = &profile.options else { continue };
        // Figures are set at 80% of the text column (see the template).
        let geometry = crate::render::pdf::geometry::Geometry::new(options, handout.meta.direction);
        let column = geometry.column_width() / crate::render::pdf::geometry::INCH;
        let printed_inches = column * 0.8;
        for section in &handout.sections {
            for image in crate::model::images_in(&section.blocks) {
                let Ok((width, _)) = crate::images::check_header(&image.path) else { continue };
                let dpi = f64::from(width) / printed_inches;
                if dpi < 300.0 {
                    found.push(
                        Diagnostic::warning(
                            &handout.path,
                            "image",
                            format!("image `{}` prints at {dpi:.0} dpi, below 300", image.src),
                        )
                        .at(image.at)
                        .hint(format!("use an image at least {:.0} pixels wide", (printed_inches * 300.0).ceil()))
                        .profile(&profile.name),
                    );
                }
            }
        }
    }
    found
}

/// Images whose pixels do not decode within the limits (damaged, truncated, or not what
/// their header says). Loading read only their headers; this runs before a handout is built.
pub fn images(handout: &Handout) -> Vec<Diagnostic> {
    let mut seen = std::collections::BTreeSet::new();
    let mut found = Vec::new();
    for section in &handout.sections {
        for image in crate::model::images_in(&section.blocks) {
            if crate::images::is_svg(&image.path) || !seen.insert(&image.path) {
                continue;
            }
            if let Err(why) = crate::images::decode(&image.path) {
                found.push(
                    Diagnostic::error(&handout.path, "path", format!("image `{}`: {why}", image.src))
                        .at(image.at)
                        .hint("open the image in an image editor and save it again (PNG or JPEG), or replace it"),
                );
            }
        }
    }
    found
}

/// Every check above, for each handout in order (reading level is `check`'s alone: it needs
/// the profiles' selections).
pub fn review(handouts: &[&Handout]) -> Vec<Vec<Diagnostic>> {
    use rayon::prelude::*;
    let now = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
    });
    let today = crate::model::Date::from_unix(now);
    handouts
        .par_iter()
        .map(|handout| {
            let mut found = translations(handout, handouts);
            found.extend(sources(handout));
            found.extend(contact_and_dates(handout, today));
            found.extend(image_resolution(handout));
            found
        })
        .collect()
}
