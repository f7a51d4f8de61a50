//! Interface strings ("References", "Page 1 of 2", ...) per language, loaded once so that
//! every format says the same thing.
//!
//! Layers, last wins: the built-in English strings, the built-in strings of the handout's
//! language, and the project's `assets/locales/<lang>.toml` (which may hold only some keys).
//! A key no layer but English has falls back to English, and `check` warns about it.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::files::Root;
use crate::keys::{Keys, Problems};
use crate::model::{Lang, Strings};

/// Locales built into the binary, by primary language subtag.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../assets/locales/en.toml")),
    ("es", include_str!("../assets/locales/es.toml")),
    ("fr", include_str!("../assets/locales/fr.toml")),
    ("vi", include_str!("../assets/locales/vi.toml")),
    ("zh", include_str!("../assets/locales/zh.toml")),
    ("ko", include_str!("../assets/locales/ko.toml")),
    ("tl", include_str!("../assets/locales/tl.toml")),
    ("ru", include_str!("../assets/locales/ru.toml")),
    ("ar", include_str!("../assets/locales/ar.toml")),
];

/// A project's own locale files: language → its keys, as written.
pub type ProjectLocales = BTreeMap<String, toml::Table>;

/// The keys every locale has (those of the English file).
pub fn keys() -> Vec<String> {
    built_in("en").expect("English is built in").keys().cloned().collect()
}

/// A built-in locale's keys, parsed once per process (a catalog resolves hundreds of handouts).
fn built_in(primary: &str) -> Option<toml::Table> {
    static PARSED: std::sync::OnceLock<Vec<(&str, toml::Table)>> = std::sync::OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        BUILT_IN
            .iter()
            .map(|(tag, text)| (*tag, toml::from_str(text).expect("built-in locale files are valid (tested)")))
            .collect()
    });
    parsed.iter().find(|(tag, _)| *tag == primary).map(|(_, table)| table.clone())
}

/// The strings for `lang` (e.g. `es-MX` uses `es`), with the keys that fell back to English.
pub fn resolve(lang: &Lang, project: &ProjectLocales) -> (Strings, Vec<String>) {
    let primary = lang.primary();
    let mut table = built_in("en").expect("English is built in");
    let mut found: Vec<String> = Vec::new();
    let own_layers = [built_in(&primary), project.get(&primary).cloned(), project.get(lang.as_str()).cloned()];
    for layer in own_layers.into_iter().flatten() {
        for (key, value) in layer {
            found.push(key.clone());
            table.insert(key, value);
        }
    }
    let missing =
        if primary == "en" { Vec::new() } else { keys().into_iter().filter(|k| !found.contains(k)).collect() };
    let strings = toml::Value::Table(table).try_into().unwrap_or_else(|_| for_lang("en"));
    (strings, missing)
}

/// The built-in strings for `lang`, English when there are none.
pub fn for_lang(lang: &str) -> Strings {
    resolve(&Lang(lang.to_string()), &ProjectLocales::new()).0
}

/// Longest interface string: they are labels and short sentences (the longest built-in, the
/// French SMS help reply, is 158 characters).
const MAX_STRING: usize = 300;
/// Most `{…}` places in one string: each is filled with another string, and strings full of
/// places multiplied into gigabytes.
const MAX_PLACEHOLDERS: usize = 3;

/// Whether an interface string is short enough, places included.
fn short(text: &str, longest: usize) -> bool {
    text.chars().count() <= longest && text.matches('{').count() <= MAX_PLACEHOLDERS
}

/// The project's `assets/locales/<lang>.toml` files: only known keys, each a string (`months`
/// twelve strings, `quotes` four).
pub fn load_project(root: &Root) -> Result<ProjectLocales, Vec<Diagnostic>> {
    let mut locales = ProjectLocales::new();
    let known = keys();
    let problems = Problems::default();
    for path in root.files_in(&root.path().join("assets/locales")) {
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let source = match root.read_text(&path) {
            Ok(source) => source,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let Some(table) = crate::keys::parse(&source, 0..source.text.len(), &problems) else { continue };
        let keys = Keys::new(&table, &source, 0, &problems, "the locale file", "locale");
        for (key, value) in keys.all() {
            let lists = [("months", 12), ("quotes", 4)];
            let wanted = lists.iter().find(|(name, _)| *name == key.value).map(|(_, n)| *n);
            let fine = match (wanted, value) {
                (Some(n), toml::de::DeValue::Array(items)) => {
                    items.len() == n && items.iter().all(|i| i.get_ref().as_str().is_some_and(|t| short(t, 40)))
                }
                (None, value) => value.as_str().is_some_and(|t| short(t, MAX_STRING)),
                _ => false,
            };
            if !known.contains(&key.value) {
                let hint = match did_you_mean(&key.value, known.iter().map(String::as_str)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("known keys: {}", known.join(", ")),
                };
                problems.push(
                    source
                        .error_at(key.offset, "locale", format!("unknown interface string `{}`", key.value))
                        .hint(hint),
                );
            } else if !fine {
                let message = match wanted {
                    Some(n) => format!("`{}` must list {n} strings of at most 40 characters", key.value),
                    None => format!(
                        "`{}` must be a string of at most {MAX_STRING} characters with at most {MAX_PLACEHOLDERS} `{{…}}` places",
                        key.value
                    ),
                };
                problems.push(source.error_at(key.offset, "locale", message));
            }
        }
        let lang = path.file_stem().unwrap_or_default().to_string_lossy().to_string();
        if let Ok(parsed) = toml::from_str::<toml::Table>(&source.text) {
            locales.insert(lang, parsed);
        }
    }
    let problems = problems.into_inner();
    if problems.is_empty() { Ok(locales) } else { Err(problems) }
}

/// The English name of a language, for messages; the tag itself when it is not known.
pub fn language_name(primary: &str) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("en", "English"),
        ("es", "Spanish"),
        ("fr", "French"),
        ("vi", "Vietnamese"),
        ("zh", "Chinese"),
        ("ko", "Korean"),
        ("tl", "Tagalog"),
        ("ru", "Russian"),
        ("ar", "Arabic"),
        ("de", "German"),
        ("pt", "Portuguese"),
        ("ht", "Haitian Creole"),
        ("so", "Somali"),
        ("fa", "Persian"),
        ("hi", "Hindi"),
        ("ur", "Urdu"),
        ("bn", "Bengali"),
        ("pl", "Polish"),
        ("it", "Italian"),
        ("ja", "Japanese"),
        ("uk", "Ukrainian"),
        ("am", "Amharic"),
        ("ne", "Nepali"),
        ("my", "Burmese"),
        ("sw", "Swahili"),
    ];
    NAMES.iter().find(|(tag, _)| *tag == primary).map_or_else(|| format!("`{primary}`"), |(_, name)| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Date;

    #[test]
    fn every_built_in_locale_is_complete_with_twelve_months() {
        let expected = keys();
        for (tag, text) in BUILT_IN {
            let table: toml::Table = toml::from_str(text).unwrap();
            let found: Vec<String> = table.keys().cloned().collect();
            assert_eq!(found, expected, "{tag}");
            let (strings, missing) = resolve(&Lang(tag.to_string()), &ProjectLocales::new());
            assert!(missing.is_empty(), "{tag}: {missing:?}");
            assert_eq!(strings.months.len(), 12, "{tag}");
            for (key, value) in &table {
                let fits = match value {
                    toml::Value::String(text) => short(text, MAX_STRING),
                    toml::Value::Array(items) => items.iter().all(|i| i.as_str().is_some_and(|t| short(t, 40))),
                    _ => false,
                };
                assert!(fits, "{tag}: `{key}` is over the limits a project's locale must keep");
            }
        }
    }

    #[test]
    fn dates_per_locale() {
        let date = Date { year: 2026, month: 11, day: 1 };
        assert_eq!(for_lang("en").reviewed_on(date), "Reviewed November 2026");
        assert_eq!(for_lang("es-MX").reviewed_on(date), "Revisado: noviembre de 2026");
        assert_eq!(for_lang("zh").reviewed_on(date), "审核日期：2026年11月");
        assert_eq!(for_lang("ru").reviewed_on(date), "Проверено: ноябрь 2026 г.");
    }

    #[test]
    fn project_strings_override_and_missing_ones_fall_back() {
        let mut project = ProjectLocales::new();
        project.insert("es".into(), toml::from_str("references = \"Fuentes\"").unwrap());
        project.insert("de".into(), toml::from_str("references = \"Quellen\"").unwrap());
        let (es, missing) = resolve(&Lang("es".into()), &project);
        assert_eq!((es.references.as_str(), missing.len()), ("Fuentes", 0));
        let (de, missing) = resolve(&Lang("de-AT".into()), &project);
        assert_eq!(de.references, "Quellen");
        assert_eq!(de.contents, "Contents");
        assert!(missing.contains(&"contents".to_string()) && !missing.contains(&"references".to_string()));
    }
}
