//! Reading level: Flesch-Kincaid grade and SMOG for English, Fernández-Huerta ease for
//! Spanish, computed as textstat 0.7.4 does (syllables from hyphenation patterns, sentences
//! split at `.`, `!` and `?`, sentences of two words or fewer not counted), without its rounding
//! of intermediate values.

use crate::model::{Block, Lang, Node, Section, plain_text, walk};

/// The figures for one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Readability {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
    pub polysyllables: usize,
    pub flesch_kincaid: f64,
    pub smog: f64,
    pub fernandez_huerta: f64,
}

fn hyphenation_lang(lang: &Lang) -> Option<hypher::Lang> {
    match lang.primary().as_str() {
        "en" => Some(hypher::Lang::English),
        "es" => Some(hypher::Lang::Spanish),
        _ => None,
    }
}

/// Whether the reading level can be measured in this language.
pub fn supported(lang: &Lang) -> bool {
    hyphenation_lang(lang).is_some()
}

/// textstat's punctuation removal: everything but letters, digits, `_` and whitespace.
fn without_punctuation(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric() || *c == '_' || c.is_whitespace()).collect()
}

/// Syllables of one word: hyphenation points + 1 (pyphen's way, two letters kept at each end).
pub fn syllables(word: &str, lang: hypher::Lang) -> usize {
    let word = without_punctuation(&word.to_lowercase());
    word.split_whitespace().map(|w| hypher::hyphenate_bounded(w, lang, 2, 2).count()).sum()
}

/// The sentences of `text` as textstat finds them (`\b[^.!?]+[.!?]*`).
pub fn sentences(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut start = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        match start {
            None if c.is_alphanumeric() || c == '_' => start = Some(at),
            Some(s) if matches!(c, '.' | '!' | '?') => {
                while i + 1 < chars.len() && matches!(chars[i + 1].1, '.' | '!' | '?') {
                    i += 1;
                }
                found.push(text[s..chars[i].0 + chars[i].1.len_utf8()].trim());
                start = None;
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(s) = start {
        found.push(text[s..].trim());
    }
    found
}

fn word_count(text: &str) -> usize {
    without_punctuation(text).split_whitespace().count()
}

/// Measures `text` in `lang` (`None` when the language has no formula here).
pub fn measure(text: &str, lang: &Lang) -> Option<Readability> {
    let hyphenation = hyphenation_lang(lang)?;
    let words = word_count(text);
    let all = sentences(text);
    let sentences = all.len().saturating_sub(all.iter().filter(|s| word_count(s) <= 2).count()).max(1);
    // Each word's syllables once: their sum, and how many words have three or more.
    let (mut syllables, mut polysyllables) = (0, 0);
    for word in text.split_whitespace() {
        let count = self::syllables(word, hyphenation);
        syllables += count;
        polysyllables += usize::from(count >= 3);
    }
    if words == 0 {
        return None;
    }
    let (w, s, y) = (words as f64, sentences as f64, syllables as f64);
    Some(Readability {
        words,
        sentences,
        syllables,
        polysyllables,
        flesch_kincaid: 0.39 * (w / s) + 11.8 * (y / w) - 15.59,
        smog: if sentences >= 3 { 1.043 * (30.0 * polysyllables as f64 / s).sqrt() + 3.1291 } else { 0.0 },
        fernandez_huerta: 206.84 - 62.3 * (y / w) - (w / s),
    })
}

/// The prose of a section: every paragraph, heading, list item, call-out, table cell and
/// note, each ending a sentence.
pub fn section_text(section: &Section) -> String {
    let mut out = String::new();
    if let Some(heading) = &section.heading {
        push_sentence(&plain_text(heading), &mut out);
    }
    walk(&section.blocks, &mut |node| match node {
        Node::Block(Block::Paragraph { content } | Block::Heading { content, .. }) => {
            push_sentence(&plain_text(content), &mut out)
        }
        Node::Block(Block::Table { head, rows, .. }) => {
            head.iter().chain(rows.iter().flatten()).for_each(|cell| push_sentence(&plain_text(cell), &mut out))
        }
        _ => {}
    });
    out
}

fn push_sentence(text: &str, out: &mut String) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    out.push_str(text);
    if !text.ends_with(['.', '!', '?', ':']) {
        out.push('.');
    }
    out.push('\n');
}

/// The hardest sentences (most syllables per word, then longest) and the longest words.
pub fn hardest(text: &str, lang: &Lang) -> (Vec<String>, Vec<String>) {
    let Some(hyphenation) = hyphenation_lang(lang) else { return (Vec::new(), Vec::new()) };
    let mut scored: Vec<(f64, &str)> = sentences(text)
        .into_iter()
        .filter(|s| word_count(s) > 2)
        .map(|s| {
            let words = word_count(s) as f64;
            (0.39 * words + 11.8 * syllables(s, hyphenation) as f64 / words, s)
        })
        .collect();
    // Only sentences harder than the text's average: the ones to rewrite first.
    let average = scored.iter().map(|(score, _)| score).sum::<f64>() / scored.len().max(1) as f64;
    scored.retain(|(score, _)| *score >= average);
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Each word once (its first spelling), hyphenated once.
    let mut seen = std::collections::HashSet::new();
    let mut words: Vec<String> = without_punctuation(text)
        .split_whitespace()
        .filter(|w| seen.insert(w.to_lowercase()))
        .map(str::to_string)
        .collect();
    words.sort_by_cached_key(|w| std::cmp::Reverse(syllables(w, hyphenation) * 100 + w.chars().count()));
    (scored.into_iter().take(3).map(|(_, s)| s.to_string()).collect(), words.into_iter().take(5).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_as_textstat_splits_them() {
        assert_eq!(
            sentences("One two three. Four five six!  Seven?! x"),
            ["One two three.", "Four five six!", "Seven?!", "x"]
        );
    }

    #[test]
    fn syllables_from_hyphenation() {
        // Two letters kept at each end, as pyphen does: emo-tion-al.
        assert_eq!(syllables("emotional", hypher::Lang::English), 3);
        assert_eq!(syllables("help", hypher::Lang::English), 1);
    }
}
