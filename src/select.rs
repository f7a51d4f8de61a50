//! A profile applied to a handout: the sections it asked for, in its order, and the
//! citations within them numbered and formatted once, for every renderer to print alike.

use std::collections::HashMap;

use crate::cite::{self, Formatted, Run};
use crate::diagnostic::Diagnostic;
use crate::model::{Handout, Profile, Section, SectionChoice};

/// What one renderer renders.
#[derive(Debug)]
pub struct Selection<'a> {
    pub handout: &'a Handout,
    pub profile: &'a Profile,
    pub sections: Vec<&'a Section>,
    /// The appendix, in print order; empty when the profile has `citations = "none"`.
    pub references: Vec<Reference>,
    markers: HashMap<Vec<String>, Marker>,
}

/// One entry of the citations appendix.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub key: String,
    /// The citation number, for numeric styles (Vancouver, AMA).
    pub number: Option<usize>,
    /// The style's label before the entry, e.g. "1." (empty for author-date styles).
    pub label: String,
    /// The formatted entry.
    pub runs: Vec<Run>,
}

impl Reference {
    /// The anchor id renderers give this entry, e.g. `ref-kerig2016`.
    pub fn anchor(&self) -> String {
        format!("ref-{}", anchor_safe(&self.key))
    }
}

/// A citation marker in the text, e.g. `[1–3, 5]`, as pieces: some plain, some pointing at
/// the reference they stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub pieces: Vec<MarkerPiece>,
    /// Every key the marker stands for, including those inside a range (`2` in `[1–3]`).
    pub keys: Vec<String>,
    /// Numeric styles set the marker as bracketed numbers; author-date styles as text.
    pub numeric: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerPiece {
    pub text: String,
    /// The key of the reference this piece links to.
    pub target: Option<String>,
}

impl Marker {
    pub fn text(&self) -> String {
        self.pieces.iter().map(|p| p.text.as_str()).collect()
    }
}

impl<'a> Selection<'a> {
    /// The marker to print for a citation of `keys`; `None` when the profile prints none.
    pub fn marker(&self, keys: &[String]) -> Option<&Marker> {
        self.markers.get(keys)
    }
}

/// The sections `profile` prints, in its order.
fn chosen<'a>(handout: &'a Handout, profile: &Profile) -> Vec<&'a Section> {
    let mut sections: Vec<&Section> = match &profile.sections {
        SectionChoice::All => handout.sections.iter().collect(),
        SectionChoice::List(ids) => ids.iter().filter_map(|id| handout.section(id)).collect(),
    };
    sections.retain(|s| !profile.exclude.contains(&s.id));
    sections
}

/// The ids of the sections `profile` prints, in its order.
pub fn section_ids(handout: &Handout, profile: &Profile) -> Vec<String> {
    chosen(handout, profile).into_iter().map(|s| s.id.clone()).collect()
}

/// Applies `profile` to `handout`.
pub fn select<'a>(
    handout: &'a Handout,
    profile: &'a Profile,
    styles: &cite::Styles,
) -> Result<Selection<'a>, Diagnostic> {
    select_with(handout, profile, styles, &mut HashMap::new())
}

/// Applies each of `profiles` to `handout`; profiles that cite the same groups in the same
/// order (the usual case) share one formatting of their citations.
pub fn select_all<'a>(
    handout: &'a Handout,
    profiles: impl IntoIterator<Item = &'a Profile>,
    styles: &cite::Styles,
) -> Vec<Result<Selection<'a>, Diagnostic>> {
    let mut formatted = HashMap::new();
    profiles.into_iter().map(|profile| select_with(handout, profile, styles, &mut formatted)).collect()
}

fn select_with<'a>(
    handout: &'a Handout,
    profile: &'a Profile,
    styles: &cite::Styles,
    formatted: &mut HashMap<Vec<Vec<String>>, Formatted>,
) -> Result<Selection<'a>, Diagnostic> {
    let sections = chosen(handout, profile);

    let groups: Vec<Vec<String>> =
        sections.iter().flat_map(|s| crate::model::citations_in(&s.blocks)).cloned().collect();
    if !profile.citations || groups.is_empty() {
        return Ok(Selection { handout, profile, sections, references: Vec::new(), markers: HashMap::new() });
    }
    let style = styles
        .get(&handout.citation_style)
        .map_err(|why| Diagnostic::error(&handout.path, "citation", why).profile(&profile.name))?;
    let Formatted { numeric, entries, citations } = formatted
        .entry(groups.clone())
        .or_insert_with(|| {
            cite::format(&handout.sources, &groups, &style, &styles.locales(&handout.meta.lang.primary()))
        })
        .clone();
    let mut numbers: HashMap<&str, usize> = HashMap::new();
    for key in groups.iter().flatten() {
        let next = numbers.len() + 1;
        numbers.entry(key.as_str()).or_insert(next);
    }
    let references = entries
        .into_iter()
        .map(|entry| Reference {
            number: numeric.then(|| numbers[entry.key.as_str()]),
            key: entry.key,
            label: entry.label,
            runs: entry.runs,
        })
        .collect();
    let mut markers = HashMap::new();
    for (group, rendered) in groups.iter().zip(citations) {
        let marker = if numeric { numeric_marker(group, &numbers) } else { text_marker(group, rendered) };
        markers.entry(group.clone()).or_insert(marker);
    }
    Ok(Selection { handout, profile, sections, references, markers })
}

/// `[1–3, 5]`: numbers sorted, runs of three or more joined with an en dash.
fn numeric_marker(keys: &[String], numbers: &HashMap<&str, usize>) -> Marker {
    let mut cited: Vec<(usize, &String)> = keys.iter().map(|k| (numbers[k.as_str()], k)).collect();
    cited.sort();
    cited.dedup();
    let mut pieces = vec![MarkerPiece { text: "[".into(), target: None }];
    let mut i = 0;
    while i < cited.len() {
        let mut j = i;
        while j + 1 < cited.len() && cited[j + 1].0 == cited[j].0 + 1 {
            j += 1;
        }
        if i > 0 {
            pieces.push(MarkerPiece { text: ", ".into(), target: None });
        }
        pieces.push(MarkerPiece { text: cited[i].0.to_string(), target: Some(cited[i].1.clone()) });
        if j >= i + 2 {
            pieces.push(MarkerPiece { text: "–".into(), target: None });
            pieces.push(MarkerPiece { text: cited[j].0.to_string(), target: Some(cited[j].1.clone()) });
            i = j + 1;
        } else {
            i += 1;
        }
    }
    pieces.push(MarkerPiece { text: "]".into(), target: None });
    Marker { pieces, keys: cited.into_iter().map(|(_, k)| k.clone()).collect(), numeric: true }
}

/// An author-date marker as the style wrote it, linked to its first reference.
fn text_marker(keys: &[String], rendered: Vec<Run>) -> Marker {
    Marker {
        pieces: vec![MarkerPiece { text: cite::plain(&rendered), target: keys.first().cloned() }],
        keys: keys.to_vec(),
        numeric: false,
    }
}

/// A citation key made safe for XML ids and Typst labels.
pub fn anchor_safe(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_markers_compress_runs() {
        let keys: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).into();
        let numbers: HashMap<&str, usize> = [("a", 1), ("b", 2), ("c", 3), ("d", 5), ("e", 6)].into();
        assert_eq!(numeric_marker(&keys, &numbers).text(), "[1–3, 5, 6]");
        assert_eq!(numeric_marker(&keys[3..], &numbers).text(), "[5, 6]");
        let marker = numeric_marker(&keys[..3], &numbers);
        let targets: Vec<_> = marker.pieces.iter().filter_map(|p| p.target.as_deref()).collect();
        assert_eq!(targets, ["a", "c"]);
    }
}
