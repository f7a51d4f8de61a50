//! Complex words and their plain alternatives: a built-in list per language
//! (`assets/plain-words/<lang>.toml`), extended and overridden by the project's file of the same
//! name, matched in their inflected forms.

use std::collections::HashMap;

use super::prose::Word;

/// The built-in lists.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../../../assets/plain-words/en.toml")),
    ("es", include_str!("../../../assets/plain-words/es.toml")),
];

/// Spanish endings a word's stem takes (nouns and adjectives in gender and number, verbs in
/// their common persons, tenses and moods).
const SPANISH_ENDINGS: &[&str] = &[
    "", "a", "o", "e", "as", "os", "es", "s", "ar", "er", "ir", "ado", "ada", "ados", "adas", "ido", "ida", "idos",
    "idas", "ando", "iendo", "ará", "arán", "erá", "erán", "irá", "irán", "aría", "ería", "iría", "an", "en", "amos",
    "emos", "imos", "aba", "aban", "ía", "ían", "ó", "ió", "aron", "ieron", "ase", "iera", "ara", "arse", "erse",
    "irse", "ándose", "iéndose", "ante", "antes", "ente", "entes",
];

/// One entry: the complex word or phrase, as words, and its plain alternative.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub plain: String,
    words: Vec<String>,
}

/// A language's list, ready to match.
#[derive(Debug, Default)]
pub struct WordList {
    spanish: bool,
    entries: Vec<Entry>,
    /// Entries by the forms of their first word (English) or its stems (Spanish).
    first: HashMap<String, Vec<usize>>,
}

/// A complex word found in a text: the entry and the byte range of the words.
pub struct Found<'a> {
    pub entry: &'a Entry,
    pub range: std::ops::Range<usize>,
}

impl WordList {
    /// The built-in list for `lang` with `project` (the project's file's `[words]`, where an
    /// empty alternative takes a built-in word out) over it.
    pub fn new(lang: &str, project: Option<&toml::Table>) -> WordList {
        let mut words: Vec<(String, String)> = BUILT_IN
            .iter()
            .find(|(tag, _)| *tag == lang)
            .and_then(|(_, text)| toml::from_str::<toml::Table>(text).ok())
            .map(|table| table_words(&table))
            .unwrap_or_default();
        for (key, plain) in project.map(table_words).unwrap_or_default() {
            words.retain(|(k, _)| *k != key);
            if !plain.is_empty() {
                words.push((key, plain));
            }
        }
        let mut list = WordList { spanish: lang == "es", ..WordList::default() };
        for (key, plain) in words {
            let split: Vec<String> = key.split_whitespace().map(str::to_string).collect();
            let Some(first) = split.first() else { continue };
            let index = list.entries.len();
            for form in list.lookups(first) {
                list.first.entry(form).or_default().push(index);
            }
            list.entries.push(Entry { key, plain, words: split });
        }
        list
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What a word is looked up by: its forms (English), or its stems (Spanish).
    fn lookups(&self, word: &str) -> Vec<String> {
        if self.spanish { spanish_stems(word) } else { english_forms(word) }
    }

    /// Whether `token` is `base` in one of its forms.
    fn is_form(&self, token: &str, base: &str) -> bool {
        if token == base {
            return true;
        }
        if self.spanish {
            spanish_stems(base)
                .iter()
                .any(|stem| token.strip_prefix(stem.as_str()).is_some_and(|end| SPANISH_ENDINGS.contains(&end)))
        } else {
            english_forms(base).iter().any(|f| f == token)
        }
    }

    /// The entries whose first word `token` may be.
    fn candidates(&self, token: &str) -> Vec<usize> {
        let mut found: Vec<usize> = self.first.get(token).cloned().unwrap_or_default();
        if self.spanish {
            for ending in SPANISH_ENDINGS.iter().filter(|e| !e.is_empty()) {
                if let Some(stem) = token.strip_suffix(ending)
                    && let Some(more) = self.first.get(stem)
                {
                    found.extend(more);
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Every complex word or phrase in `words`, longest match first, none overlapping.
    pub fn find<'a>(&'a self, words: &[Word]) -> Vec<Found<'a>> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let best = self
                .candidates(&words[i].lower)
                .into_iter()
                .map(|index| &self.entries[index])
                .filter(|entry| {
                    entry.words.len() <= words.len() - i
                        && entry.words.iter().zip(&words[i..]).all(|(base, word)| self.is_form(&word.lower, base))
                })
                // The longest phrase; between words, the one closest to what is written
                // ("incrementar" is the verb's entry, not "incremento"'s).
                .max_by_key(|entry| (entry.words.len(), common_prefix(&entry.words[0], &words[i].lower)));
            match best {
                Some(entry) => {
                    let last = &words[i + entry.words.len() - 1];
                    found.push(Found { entry, range: words[i].range.start..last.range.end });
                    i += entry.words.len();
                }
                None => i += 1,
            }
        }
        found
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// The `[words]` of a list file as (key, alternative) pairs, keys in lower case.
fn table_words(table: &toml::Table) -> Vec<(String, String)> {
    let Some(words) = table.get("words").and_then(toml::Value::as_table) else { return Vec::new() };
    words.iter().filter_map(|(k, v)| Some((k.to_lowercase(), v.as_str()?.to_string()))).collect()
}

/// An English word's forms: -s, -es, -d, -ed, -ing, -ies, -ied, a doubled last consonant.
fn english_forms(word: &str) -> Vec<String> {
    let mut forms =
        vec![word.to_string(), format!("{word}s"), format!("{word}es"), format!("{word}ed"), format!("{word}ing")];
    if let Some(stem) = word.strip_suffix('e') {
        forms.extend([format!("{word}d"), format!("{stem}ing")]);
    }
    if let Some(stem) = word.strip_suffix('y') {
        forms.extend([format!("{stem}ies"), format!("{stem}ied")]);
    }
    if let Some(last) = word.chars().last().filter(|c| "bdgmnprt".contains(*c)) {
        forms.extend([format!("{word}{last}ed"), format!("{word}{last}ing")]);
    }
    forms
}

/// A Spanish word's stems: the word, and without its verb ending (`-ar`, `-er`, `-ir`) or
/// last vowel, with the spelling changes before `e` (`c` → `qu`, `g` → `gu`, `z` → `c`) and
/// without the accent of `-ión` (`infección` → `infecciones`).
fn spanish_stems(word: &str) -> Vec<String> {
    let mut stems = vec![word.to_string()];
    let stem = ["ar", "er", "ir"]
        .iter()
        .find_map(|end| word.strip_suffix(end))
        .or_else(|| word.strip_suffix(['a', 'e', 'o']))
        .map(str::to_string);
    if let Some(stem) = stem.filter(|s| s.chars().count() >= 4) {
        for (from, to) in [("c", "qu"), ("g", "gu"), ("z", "c")] {
            if let Some(root) = stem.strip_suffix(from) {
                stems.push(format!("{root}{to}"));
            }
        }
        stems.push(stem);
    }
    if let Some(root) = word.strip_suffix("ión") {
        stems.push(format!("{root}ion"));
    }
    if let Some(root) = word.strip_suffix('z') {
        stems.push(format!("{root}c"));
    }
    stems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &WordList, text: &str) -> Vec<String> {
        let words = super::super::prose::words(text, 0..text.len());
        list.find(&words).into_iter().map(|f| f.entry.key.clone()).collect()
    }

    #[test]
    fn english_words_are_found_in_their_forms() {
        let list = WordList::new("en", None);
        assert_eq!(
            keys(&list, "We utilized it while monitoring your hypertension."),
            ["utilize", "monitor", "hypertension"]
        );
    }

    #[test]
    fn spanish_words_are_found_in_their_forms_and_phrases_whole() {
        let list = WordList::new("es", None);
        assert!(
            keys(&list, "Si padece úlceras por presión, acuda al médico.").contains(&"úlcera por presión".to_string())
        );
    }

    #[test]
    fn a_project_adds_and_removes_words() {
        let project: toml::Table = toml::from_str("[words]\n\"triage\" = \"sorting\"\n\"utilize\" = \"\"\n").unwrap();
        let list = WordList::new("en", Some(&project));
        assert_eq!(keys(&list, "Utilize triage."), ["triage"]);
    }
}
