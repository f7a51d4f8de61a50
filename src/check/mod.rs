//! The checks a reviewer would otherwise do by hand, beyond what parsing and rendering find.

pub mod plain;
pub mod readability;

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Loaded, LoadedHandout};
use crate::model::{Clock, Handout, Lang, Section, SourceRecord};
use crate::render::{FormatOptions, Renderers};

/// Health-literacy guidance asks for grade 6 to 8.
pub const DEFAULT_MAX_GRADE: f64 = 8.0;
/// Fernández-Huerta ease at or above which Spanish text is "fairly easy" (grade 7–8).
pub const MIN_SPANISH_EASE: f64 = 70.0;

/// Whether `text` reads above the limit: the figures that say so.
fn too_hard(text: &str, lang: &Lang, max_grade: f64) -> Option<String> {
    let figures = readability::measure(text, lang)?;
    if lang.primary() == "es" {
        // Compared as shown, to one decimal.
        ((figures.fernandez_huerta * 10.0).round() / 10.0 < MIN_SPANISH_EASE).then(|| {
            format!(
                "a Fernández-Huerta ease of {:.1}, below {MIN_SPANISH_EASE} (fairly easy)",
                figures.fernandez_huerta
            )
        })
    } else {
        // "grade 8.0" is not above 8.
        let grade = (figures.flesch_kincaid.max(figures.smog) * 10.0).round() / 10.0;
        // SMOG needs three sentences; a shorter text is graded by Flesch-Kincaid alone.
        let smog = if figures.smog > 0.0 { format!(", SMOG {:.1}", figures.smog) } else { String::new() };
        (grade > max_grade).then(|| {
            format!(
                "grade {grade:.1} (Flesch-Kincaid {:.1}{smog}), above max-grade {max_grade}",
                figures.flesch_kincaid
            )
        })
    }
}

/// The warning for text that reads too hard, naming its hardest sentences and longest words.
fn level_finding(
    text: &str,
    lang: &Lang,
    figures: String,
    what: &str,
    path: &std::path::Path,
    line: usize,
) -> Diagnostic {
    let (sentences, words) = readability::hardest(text, lang);
    let quoted: Vec<String> = sentences.iter().map(|s| format!("\"{}\"", s.replace('\n', " "))).collect();
    let reads = if lang.primary() == "es" { "has" } else { "reads at" };
    Diagnostic::warning(path, "reading-level", format!("{what} {reads} {figures}")).at((line, 1)).hint(format!(
        "shorter sentences and words help; hardest sentences: {}; longest words: {}",
        quoted.join(" "),
        words.join(", ")
    ))
}

/// Reading-level warnings: each section that reads too hard once, naming the outputs that
/// print it; and an output whose text as a whole reads too hard when none of its sections
/// was named.
pub fn reading_level(entry: &LoadedHandout, max_grade: Option<f64>) -> Vec<Diagnostic> {
    let handout = &entry.handout;
    let lang = &handout.meta.lang;
    if !readability::supported(lang) {
        return Vec::new();
    }
    let max_grade = max_grade.unwrap_or(DEFAULT_MAX_GRADE);
    // Text messages are composed and counted on their own.
    let read: Vec<_> = entry.outputs.iter().filter(|o| !matches!(o.options, FormatOptions::Sms(_))).collect();
    let printed_by = |section: &Section| -> Vec<&str> {
        read.iter().filter(|o| o.profile.includes(&section.id)).map(|o| o.profile.name.as_str()).collect()
    };
    let mut found = Vec::new();
    let mut hard = Vec::new();
    for section in &handout.sections {
        let profiles = printed_by(section);
        let text = readability::section_text(section);
        let Some(figures) = too_hard(&text, lang, max_grade) else { continue };
        hard.push(section.id.as_str());
        let what = if section.id == Section::INTRO {
            "the introduction".to_string()
        } else {
            format!("section `{}`", section.id)
        };
        let outputs = match profiles.as_slice() {
            [] => " (in no output)".to_string(),
            [one] => format!(" (in output `{one}`)"),
            many => format!(" (in outputs {})", many.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")),
        };
        found.push(level_finding(&text, lang, figures, &format!("{what}{outputs}"), &handout.path, section.line));
    }
    // Outputs that print the same sections share one measurement: their text, and its figures
    // when it reads too hard.
    type TooHard = Option<(String, String)>;
    let mut measured: Vec<(Vec<&str>, TooHard)> = Vec::new();
    for output in &read {
        let sections: Vec<&Section> = handout.sections.iter().filter(|s| output.profile.includes(&s.id)).collect();
        if sections.iter().any(|s| hard.contains(&s.id.as_str())) {
            continue;
        }
        let ids: Vec<&str> = sections.iter().map(|s| s.id.as_str()).collect();
        let index = match measured.iter().position(|(seen, _)| *seen == ids) {
            Some(index) => index,
            None => {
                let text: String = sections.iter().map(|s| readability::section_text(s)).collect();
                let found = too_hard(&text, lang, max_grade).map(|figures| (text, figures));
                measured.push((ids, found));
                measured.len() - 1
            }
        };
        if let Some((text, figures)) = &measured[index].1 {
            let what = format!("the text of output `{}`", output.profile.name);
            let line = output.profile.origin.line;
            found.push(
                level_finding(text, lang, figures.clone(), &what, &output.profile.origin.path, line)
                    .profile(&output.profile.name),
            );
        }
    }
    found
}

/// Line and column of the first `needle` in the handout's text (1:1 when it is not there).
fn place(entry: &LoadedHandout, needle: &str) -> (usize, usize) {
    let source = crate::diagnostic::SourceText::new(&entry.handout.path, entry.text.clone());
    source.text.find(needle).map_or((1, 1), |offset| source.line_col(offset))
}

/// Sources that are never cited (a warning; a source of a bibliography file that several
/// handouts share, only when none of them cites it, and once), and DOIs and PMIDs that are
/// not well formed (errors, once per source).
fn sources(loaded: &Loaded) -> Vec<Vec<Diagnostic>> {
    let mut reported = std::collections::BTreeSet::new();
    let cited = |handout: &Handout, key: &str| {
        handout
            .sections
            .iter()
            .any(|s| crate::model::citations_in(&s.blocks).iter().any(|g| g.iter().any(|k| k == key)))
    };
    loaded
        .handouts
        .iter()
        .map(|entry| {
            let mut found = Vec::new();
            for source in &entry.handout.sources {
                let shared = matches!(source.record, SourceRecord::Bibtex(_));
                if shared && !reported.insert((source.origin.path.clone(), source.key.clone())) {
                    continue;
                }
                let uncited = if shared {
                    !loaded.handouts.iter().any(|other| {
                        other.handout.sources.iter().any(|s| s.origin == source.origin)
                            && cited(&other.handout, &source.key)
                    })
                } else {
                    !cited(&entry.handout, &source.key)
                };
                found.extend(source_findings(source, uncited));
            }
            found
        })
        .collect()
}

fn source_findings(source: &crate::model::Source, uncited: bool) -> Vec<Diagnostic> {
    let at = (source.origin.line, source.origin.column);
    let path = &source.origin.path;
    let mut found = Vec::new();
    if uncited {
        found.push(
            Diagnostic::warning(path, "citation", format!("source `{}` is defined but never cited", source.key))
                .at(at)
                .hint("cite it with [@key] where it supports the text, or remove it"),
        );
    }
    if let Some(doi) = source.doi.as_deref().filter(|d| !is_doi(d)) {
        found.push(
            Diagnostic::error(path, "citation", format!("source `{}` has a malformed DOI `{doi}`", source.key))
                .at(at)
                .hint("a DOI looks like 10.1002/jts.22087 (without https://doi.org/)"),
        );
    }
    if let Some(pmid) = source.pmid.as_deref()
        && (!(1..=9).contains(&pmid.len()) || !pmid.chars().all(|c| c.is_ascii_digit()))
    {
        found.push(
            Diagnostic::error(path, "citation", format!("source `{}` has a malformed PMID `{pmid}`", source.key))
                .at(at)
                .hint("a PubMed ID is a number of up to 9 digits, e.g. 22346334"),
        );
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
fn contact_and_dates(entry: &LoadedHandout, today: crate::model::Date) -> Vec<Diagnostic> {
    let handout = &entry.handout;
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
                .at(place(entry, phone))
                .hint("use 3 to 15 digits with spaces, dashes, brackets or a leading +, e.g. 1-800-662-4357 or 988"),
            );
        }
    }
    if let Some(next) = handout.meta.next_review {
        let at = place(entry, "next-review");
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
/// review may be out of date. The original is looked for among the handouts loaded, then in
/// the project's content folder.
fn translation(entry: &LoadedHandout, loaded: &Loaded) -> Vec<Diagnostic> {
    let translation = &entry.handout;
    let Some(original_slug) = &translation.meta.translation_of else { return Vec::new() };
    let at = place(entry, "translation-of");
    let found_elsewhere;
    let (original, their_outputs) = match loaded.handouts.iter().find(|h| h.handout.meta.slug == *original_slug) {
        Some(original) => (&original.handout, original.outputs.as_slice()),
        None => match crate::load::find_by_slug(loaded.project_of(entry), original_slug) {
            Some(original) => {
                found_elsewhere = original;
                (&found_elsewhere.0, found_elsewhere.1.as_slice())
            }
            None => {
                return vec![
                    Diagnostic::warning(
                        &translation.path,
                        "translation",
                        format!("there is no handout `{original_slug}` to compare this translation with"),
                    )
                    .at(at)
                    .hint("fix `translation-of`: it names the slug of the original, which is looked for in the project's content/ folder"),
                ];
            }
        },
    };
    let mut found = series_of_translation(entry, their_outputs, at);
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
    for section in &translation.sections {
        if original.section(&section.id).is_none() {
            found.push(
                Diagnostic::warning(&translation.path, "translation", format!("section `{}` is not in the original", section.id))
                    .at((section.line, 1))
                    .hint("give it the id of the original's section it translates (`{#id}` after the heading), or add it to the original"),
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
    found
}

/// A translation sends its original's series: the same messages on the same days at the same
/// hours, in its own language.
fn series_of_translation(
    entry: &LoadedHandout,
    originals: &[crate::profile::Output],
    at: (usize, usize),
) -> Vec<Diagnostic> {
    let path = &entry.handout.path;
    let mut found = Vec::new();
    for original in originals {
        let FormatOptions::Sms(theirs) = &original.options else { continue };
        if !theirs.is_series() {
            continue;
        }
        let name = &original.profile.name;
        let own = entry.output(name).and_then(|o| match &o.options {
            FormatOptions::Sms(own) if own.is_series() => Some((o, own)),
            _ => None,
        });
        let Some((output, own)) = own else {
            found.push(
                Diagnostic::error(path, "translation", format!("the original's series `{name}` is missing"))
                    .at(at)
                    .hint(format!("give this translation the profile `[outputs.{name}]` with the same `series`, or put the profile in handout.toml for both")),
            );
            continue;
        };
        let place = (output.profile.origin.line, output.profile.origin.column);
        let when = |p: &crate::render::sms::Planned| (p.day, p.hour);
        for (i, planned) in theirs.series.iter().enumerate() {
            if !own.series.iter().any(|p| when(p) == when(planned)) {
                found.push(
                    Diagnostic::error(
                        path,
                        "translation",
                        format!(
                            "message {} of the original's series `{name}` (day {}, {:02}:00) is missing",
                            i + 1,
                            planned.day,
                            planned.hour
                        ),
                    )
                    .at(place)
                    .hint("translate it, at the same day and hour"),
                );
            }
        }
        for planned in &own.series {
            if !theirs.series.iter().any(|p| when(p) == when(planned)) {
                found.push(
                    Diagnostic::error(
                        &planned.origin.path,
                        "translation",
                        format!(
                            "this message (day {}, {:02}:00) is not in the original's series `{name}`",
                            planned.day, planned.hour
                        ),
                    )
                    .at((planned.origin.line, planned.origin.column))
                    .hint("a translation sends the original's messages at the same days and hours"),
                );
            }
        }
    }
    found
}

/// What `handout new` writes for the author to replace.
const PLACEHOLDERS: &[&str] = &["Replace this", "Replace with", "example.org"];

/// The example text of `handout new` that is still in the handout: one finding, at the first
/// place, naming the lines of the others.
fn placeholders(entry: &LoadedHandout) -> Vec<Diagnostic> {
    let mut places = Vec::new();
    for (number, line) in entry.text.lines().enumerate() {
        // Comments in the front matter explain what to replace; they are not printed.
        if line.trim_start().starts_with('#') && !line.trim_start().starts_with("##") {
            continue;
        }
        if let Some(at) = PLACEHOLDERS.iter().filter_map(|p| line.find(p)).min() {
            places.push((number + 1, line[..at].chars().count() + 1));
        }
    }
    let Some(&first) = places.first() else { return Vec::new() };
    let others: Vec<String> = places[1..].iter().map(|(line, _)| line.to_string()).collect();
    let message = match others.as_slice() {
        [] => "the example text of `handout new` is still here".to_string(),
        [one] => format!("the example text of `handout new` is still here and on line {one}"),
        more => format!("the example text of `handout new` is still here and on lines {}", more.join(", ")),
    };
    vec![
        Diagnostic::warning(&entry.handout.path, "placeholder", message)
            .at(first)
            .hint("replace it with the handout's own text, and the example source with a real one"),
    ]
}

/// Images printed below 300 dpi at their size in each print output look soft.
fn image_resolution(entry: &LoadedHandout) -> Vec<Diagnostic> {
    use crate::render::pdf::geometry::{Geometry, INCH};
    let handout = &entry.handout;
    let mut found = Vec::new();
    for output in &entry.outputs {
        let FormatOptions::Pdf(options) = &output.options else { continue };
        // Figures are set at 80% of the text column (see the template).
        let printed_inches = Geometry::new(options, handout.meta.direction).column_width() / INCH * 0.8;
        for section in handout.sections.iter().filter(|s| output.profile.includes(&s.id)) {
            for image in crate::model::images_in(&section.blocks) {
                let Ok((width, _)) = crate::images::check_header(&image.path) else { continue };
                let dpi = f64::from(width) / printed_inches;
                if dpi < 300.0 {
                    // A print shop refuses a soft picture; an office printer prints it.
                    let press = options.press.is_some();
                    let why = if press { ", which a press PDF does not accept" } else { "" };
                    let message = format!("image `{}` prints at {dpi:.0} dpi, below 300{why}", image.src);
                    let finding = Diagnostic {
                        severity: if press { Severity::Error } else { Severity::Warning },
                        ..Diagnostic::warning(&handout.path, "image", message)
                    };
                    found.push(
                        finding
                            .at(image.at)
                            .hint(format!("use an image at least {:.0} pixels wide", (printed_inches * 300.0).ceil()))
                            .profile(&output.profile.name),
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

/// The checks that need no rendering, for each loaded handout in order.
pub fn review(loaded: &Loaded, clock: &Clock) -> Vec<Vec<Diagnostic>> {
    use rayon::prelude::*;
    let today = clock.today();
    let sources = sources(loaded);
    loaded
        .handouts
        .par_iter()
        .zip(sources)
        .map(|(entry, mut found)| {
            found.extend(translation(entry, loaded));
            found.extend(contact_and_dates(entry, today));
            found.extend(image_resolution(entry));
            found.extend(placeholders(entry));
            found
        })
        .collect()
}

/// What each output's renderer would refuse, rendered in memory (the outputs in parallel when
/// `parallel`).
fn render_faults(
    entry: &crate::load::LoadedHandout,
    loaded: &Loaded,
    renderers: &Renderers,
    clock: &Clock,
    parallel: bool,
) -> Vec<Diagnostic> {
    let project = loaded.project_of(entry);
    let broken = images(&entry.handout);
    if !broken.is_empty() {
        return broken;
    }
    let profiles = entry.outputs.iter().map(|o| &o.profile);
    let selections = crate::select::select_all(&entry.handout, profiles, &renderers.styles);
    let jobs: Vec<_> = entry.outputs.iter().zip(selections).collect();
    let check_one =
        |(output, selected): (&crate::profile::Output, Result<crate::select::Selection, Diagnostic>)| match selected {
            Ok(selection) => {
                let translations = loaded.translated(entry, output, &renderers.styles);
                renderers.render(&selection, &output.options, project, clock, &translations).err().unwrap_or_default()
            }
            Err(error) => vec![error],
        };
    if parallel {
        use rayon::prelude::*;
        jobs.into_par_iter().flat_map(check_one).collect()
    } else {
        jobs.into_iter().flat_map(check_one).collect()
    }
}

/// What `handout check` found: every finding, and each reviewed handout's plain-language scores.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub scores: Vec<HandoutScores>,
}

/// One handout's plain-language scores, for `check --json`.
#[derive(Debug, serde::Serialize)]
pub struct HandoutScores {
    #[serde(serialize_with = "crate::diagnostic::lossy_path")]
    pub path: std::path::PathBuf,
    pub slug: String,
    pub scores: plain::Scores,
}

/// `handout check`: what loading found, the review, and what each output's renderer would
/// refuse (rendered in memory, nothing written), with the reading level and the
/// plain-language review.
pub fn run(loaded: &Loaded, renderers: &Renderers, clock: &Clock) -> Checked {
    let mut diagnostics = loaded.diagnostics.clone();
    let lexicon = plain::Lexicon::new(loaded);
    let few = loaded.handouts.len() < crate::parallel::cores();
    let rendered = crate::parallel::map(&loaded.handouts, |entry| {
        let project = loaded.project_of(entry);
        let faults = || render_faults(entry, loaded, renderers, clock, few);
        let language = || {
            let level = reading_level(entry, project.settings.max_grade);
            let review = plain::review(entry, &lexicon, level.is_empty());
            (level, review)
        };
        // As `build` does: with fewer handouts than cores, a handout's work in parallel.
        let (mut found, (level, language)) = if few { rayon::join(faults, language) } else { (faults(), language()) };
        found.extend(level);
        found.extend(language.findings);
        let scores = language.scores.map(|scores| HandoutScores {
            path: entry.handout.path.clone(),
            slug: entry.handout.meta.slug.clone(),
            scores,
        });
        (found, scores)
    });
    diagnostics.extend(lexicon.problems);
    diagnostics.extend(review(loaded, clock).into_iter().flatten());
    let mut scores = Vec::new();
    for (found, score) in rendered {
        diagnostics.extend(found);
        scores.extend(score);
    }
    Checked { diagnostics, scores }
}
