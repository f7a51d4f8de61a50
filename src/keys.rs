//! Reading the TOML that authors type. Every key is looked up by name and every problem is
//! collected at its place — unknown keys (with the nearest known one), values of the wrong
//! type, values that are not among the choices (with the nearest one) — so that all of a
//! file's faults show in one run, where serde would stop at the first.

use std::cell::RefCell;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, SourceText, did_you_mean};
use crate::model::Date;

/// The problems found while reading, shared by a table and the tables inside it.
#[derive(Default)]
pub struct Problems(RefCell<Vec<Diagnostic>>);

impl Problems {
    pub fn push(&self, diagnostic: Diagnostic) {
        self.0.borrow_mut().push(diagnostic);
    }

    pub fn into_inner(self) -> Vec<Diagnostic> {
        self.0.into_inner()
    }
}

/// A value and the byte offset in its file where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub offset: usize,
}

/// Parses the TOML at `range` of `source`; syntax errors are reported (all of them, as far as
/// the parser can recover) and `None` returned.
pub fn parse<'s>(source: &'s SourceText, range: Range<usize>, problems: &Problems) -> Option<DeTable<'s>> {
    let (table, errors) = DeTable::parse_recoverable(&source.text[range.clone()]);
    if errors.is_empty() {
        return Some(table.into_inner());
    }
    for error in errors {
        problems.push(syntax_error(source, range.start, &error, "toml"));
    }
    None
}

/// A TOML syntax error as a diagnostic at its place; a line with the curly quotes or
/// no-break spaces a word processor puts in gets a hint about them.
fn syntax_error(source: &SourceText, base: usize, error: &toml::de::Error, code: &'static str) -> Diagnostic {
    let offset = base + error.span().map_or(0, |span| span.start);
    let message = error.message().trim().to_string();
    let diagnostic = source.error_at(offset, code, message);
    let line_start = source.text[..offset.min(source.text.len())].rfind('\n').map_or(0, |i| i + 1);
    let whole_line = source.text[line_start..].lines().next().unwrap_or("");
    let hint = match whole_line
        .chars()
        .find(|c| matches!(c, '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}' | '\u{a0}' | '\u{200b}'))
    {
        Some(c) => format!(
            "this line has the character U+{:04X} ({}), which TOML does not accept here; type plain quotes \" and spaces",
            c as u32,
            match c {
                '\u{a0}' => "a no-break space",
                '\u{200b}' => "a zero-width space",
                _ => "a curly quote",
            }
        ),
        None => "TOML writes `key = \"text\"`, `key = 3`, `key = true`, `key = 2026-11-01`, lists in [brackets] and tables under [headers]".to_string(),
    };
    diagnostic.hint(hint)
}

/// A table being read: its keys, where it is, and the keys asked for so far.
pub struct Keys<'a> {
    table: &'a DeTable<'a>,
    source: &'a SourceText,
    /// Byte offset of the TOML text within the file.
    base: usize,
    /// Where the table starts (its header, or the start of the TOML).
    pub offset: usize,
    problems: &'a Problems,
    /// What the table is, for messages: "the front matter", "`[contact]`".
    what: String,
    /// The code of its problems: `front-matter`, `settings`, `profile`, `locale`.
    code: &'static str,
    /// The profile the table belongs to, for messages.
    profile: Option<String>,
    known: RefCell<Vec<&'static str>>,
}

impl<'a> Keys<'a> {
    /// The table `table` of `source`, whose TOML starts at byte `base`; `what` names it in
    /// messages and `code` is the code of its problems.
    pub fn new(
        table: &'a DeTable<'a>,
        source: &'a SourceText,
        base: usize,
        problems: &'a Problems,
        what: &str,
        code: &'static str,
    ) -> Self {
        Keys {
            code,
            table,
            source,
            base,
            offset: base,
            problems,
            what: what.to_string(),
            profile: None,
            known: RefCell::new(Vec::new()),
        }
    }

    /// Marks the problems of this table as being about a profile.
    pub fn for_profile(mut self, name: &str) -> Self {
        self.profile = Some(name.to_string());
        self.code = "profile";
        self
    }

    pub fn source(&self) -> &'a SourceText {
        self.source
    }

    pub fn problems(&self) -> &'a Problems {
        self.problems
    }

    fn entry(&self, key: &'static str) -> Option<(&'a toml::Spanned<DeValue<'a>>, usize)> {
        self.known.borrow_mut().push(key);
        self.table.get(key).map(|value| (value, self.base + value.span().start))
    }

    /// Where `key` is written (the table's start when it is not).
    pub fn offset_of(&self, key: &str) -> usize {
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map_or(self.offset, |(k, _)| self.base + k.span().start)
    }

    /// An error at `offset`, about this table's profile if it has one.
    pub fn error(&self, offset: usize, code: &'static str, message: impl Into<String>) -> Diagnostic {
        let d = self.source.error_at(offset, code, message);
        match &self.profile {
            Some(profile) => d.profile(profile),
            None => d,
        }
    }

    pub fn warning(&self, offset: usize, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: crate::diagnostic::Severity::Warning, ..self.error(offset, code, message) }
    }

    pub fn report(&self, diagnostic: Diagnostic) {
        self.problems.push(diagnostic);
    }

    fn wrong_type(&self, key: &str, offset: usize, expected: &str, hint: &str) {
        self.report(self.error(offset, self.code, format!("`{key}` should be {expected}")).hint(hint));
    }

    /// A text written with an escape (`\u001b`) that no output can carry is refused at its key.
    fn printable(&self, key: &str, text: &str, offset: usize) {
        if let Some(c) = text.chars().find(|c| crate::text::unprintable(*c)) {
            let message = format!("`{key}`: {}", crate::text::unprintable_message(c));
            self.report(self.error(offset, self.code, message).hint(crate::text::UNPRINTABLE_HINT));
        }
    }

    pub fn string(&self, key: &'static str) -> Option<At<String>> {
        let (value, offset) = self.entry(key)?;
        match value.get_ref().as_str() {
            Some(text) => {
                self.printable(key, text, offset);
                Some(At { value: text.to_string(), offset })
            }
            None => {
                self.wrong_type(key, offset, "text", "put the text in double quotes: \"...\"");
                None
            }
        }
    }

    /// A key that must be there.
    pub fn required_string(&self, key: &'static str) -> Option<At<String>> {
        let found = self.string(key);
        // A misspelling of it (`titel`) is reported as an unknown key, with `key` as the hint:
        // the cause once, not its echo.
        let misspelt = self.table.iter().any(|(k, _)| did_you_mean(k.get_ref(), [key]).is_some());
        if found.is_none() && !self.table.contains_key(key) && !misspelt {
            self.report(
                self.error(self.offset, self.code, format!("{} has no `{key}`", self.what))
                    .hint(format!("add `{key} = \"...\"`")),
            );
        }
        found
    }

    /// A list of texts; with `one_or_more`, a single text is accepted as a list of one.
    pub fn strings(&self, key: &'static str, one_or_more: bool) -> Vec<At<String>> {
        let Some((value, offset)) = self.entry(key) else { return Vec::new() };
        match value.get_ref() {
            DeValue::String(text) if one_or_more => {
                self.printable(key, text, offset);
                vec![At { value: text.to_string(), offset }]
            }
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    let at = self.base + item.span().start;
                    match item.get_ref().as_str() {
                        Some(text) => {
                            self.printable(key, text, at);
                            out.push(At { value: text.to_string(), offset: at });
                        }
                        None => self.wrong_type(
                            key,
                            at,
                            "a list of texts",
                            "put each text in double quotes: [\"first\", \"second\"]",
                        ),
                    }
                }
                out
            }
            _ => {
                let hint = if one_or_more {
                    "write one text in double quotes, or several in brackets: [\"first.bib\", \"second.bib\"]"
                } else {
                    "write a list in brackets: [\"first\", \"second\"]"
                };
                self.wrong_type(
                    key,
                    offset,
                    if one_or_more { "a text or a list of texts" } else { "a list of texts" },
                    hint,
                );
                Vec::new()
            }
        }
    }

    pub fn boolean(&self, key: &'static str) -> Option<At<bool>> {
        let (value, offset) = self.entry(key)?;
        match value.get_ref().as_bool() {
            Some(flag) => Some(At { value: flag, offset }),
            None => {
                self.wrong_type(key, offset, "true or false", "write `true` or `false` without quotes");
                None
            }
        }
    }

    /// A whole number in `range`.
    pub fn integer(&self, key: &'static str, range: std::ops::RangeInclusive<i64>, hint: &str) -> Option<At<i64>> {
        let (value, offset) = self.entry(key)?;
        let number = value
            .get_ref()
            .as_integer()
            .and_then(|i| i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok());
        match number {
            Some(n) if range.contains(&n) => Some(At { value: n, offset }),
            Some(n) => {
                self.report(self.error(offset, self.code, format!("`{key} = {n}` is out of range")).hint(hint));
                None
            }
            None => {
                // `"2"` becomes the example `2`.
                let written =
                    value.get_ref().as_str().and_then(|t| t.trim().parse::<i64>().ok()).filter(|n| range.contains(n));
                let example = written.unwrap_or(*range.start());
                self.wrong_type(
                    key,
                    offset,
                    "a whole number",
                    &format!("write a whole number without quotes, e.g. `{key} = {example}`"),
                );
                None
            }
        }
    }

    /// A number (whole or not) in `range`.
    pub fn number(&self, key: &'static str, range: std::ops::RangeInclusive<f64>, hint: &str) -> Option<At<f64>> {
        let (value, offset) = self.entry(key)?;
        let number = match value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok().map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => None,
        };
        match number {
            Some(n) if range.contains(&n) => Some(At { value: n, offset }),
            Some(n) => {
                self.report(self.error(offset, self.code, format!("`{key} = {n}` is out of range")).hint(hint));
                None
            }
            None => {
                self.wrong_type(key, offset, "a number", "write a number without quotes or units");
                None
            }
        }
    }

    /// A calendar date without a time (`2026-11-01`).
    pub fn date(&self, key: &'static str) -> Option<At<Date>> {
        let (value, offset) = self.entry(key)?;
        let hint = format!("write the date without quotes as year-month-day: `{key} = 2026-11-01`");
        match value.get_ref() {
            DeValue::Datetime(datetime) => match (datetime.date, datetime.time) {
                (Some(d), None) => {
                    Some(At { value: Date { year: i32::from(d.year), month: d.month, day: d.day }, offset })
                }
                _ => {
                    self.report(
                        self.error(offset, self.code, format!("`{key}` must be a date without a time")).hint(hint),
                    );
                    None
                }
            },
            _ => {
                self.wrong_type(key, offset, "a date", &hint);
                None
            }
        }
    }

    /// One of `choices`, written in any case; a near miss gets "did you mean".
    pub fn choice(&self, key: &'static str, choices: &[&'static str]) -> Option<At<&'static str>> {
        let (value, offset) = self.entry(key)?;
        let listed = choices.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        let Some(text) = value.get_ref().as_str() else {
            self.wrong_type(key, offset, &format!("one of {listed}"), "put the value in double quotes");
            return None;
        };
        let lower = text.trim().to_lowercase();
        if let Some(found) = choices.iter().find(|c| **c == lower) {
            return Some(At { value: found, offset });
        }
        let hint = match did_you_mean(&lower, choices.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? {key} is one of {listed}"),
            None => format!("{key} is one of {listed}"),
        };
        self.report(
            self.error(offset, self.code, format!("`{key} = \"{text}\"` is not one of the choices")).hint(hint),
        );
        None
    }

    /// A table inside this one.
    pub fn table(&self, key: &'static str) -> Option<Keys<'a>> {
        let (value, offset) = self.entry(key)?;
        match value.get_ref() {
            DeValue::Table(table) => Some(self.child(table, offset, &format!("`[{key}]`"))),
            _ => {
                self.wrong_type(
                    key,
                    offset,
                    "a table",
                    &format!("write `[{key}]` on a line of its own, then its keys"),
                );
                None
            }
        }
    }

    /// The tables of an array of tables (`[[sources]]`).
    pub fn tables(&self, key: &'static str) -> Vec<Keys<'a>> {
        let Some((value, offset)) = self.entry(key) else { return Vec::new() };
        match value.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| match item.get_ref() {
                    DeValue::Table(table) => {
                        Some(self.child(table, self.base + item.span().start, &format!("`[[{key}]]`")))
                    }
                    _ => {
                        self.wrong_type(
                            key,
                            self.base + item.span().start,
                            "a list of tables",
                            &format!("write each as `[[{key}]]` followed by its keys"),
                        );
                        None
                    }
                })
                .collect(),
            _ => {
                self.wrong_type(
                    key,
                    offset,
                    "a list of tables",
                    &format!("write each as `[[{key}]]` followed by its keys"),
                );
                Vec::new()
            }
        }
    }

    /// The named tables of a table (`[outputs.leaflet]`, `[outputs.booklet]`), in order.
    pub fn named_tables(&self, key: &'static str) -> Option<Vec<(At<String>, Keys<'a>)>> {
        let (value, offset) = self.entry(key)?;
        let DeValue::Table(table) = value.get_ref() else {
            self.wrong_type(key, offset, "a table of tables", &format!("write `[{key}.NAME]` then its keys"));
            return None;
        };
        let mut out = Vec::new();
        for (name, inner) in table.iter() {
            let name = At { value: name.get_ref().to_string(), offset: self.base + name.span().start };
            match inner.get_ref() {
                DeValue::Table(t) => {
                    let mut child = self.child(
                        t,
                        self.header_offset(key, &name.value).unwrap_or(name.offset),
                        &format!("`[{key}.{}]`", name.value),
                    );
                    child.profile = None;
                    out.push((name, child));
                }
                _ => self.wrong_type(
                    &name.value,
                    name.offset,
                    "a table",
                    &format!("write `[{key}.{}]` on a line of its own, then its keys", name.value),
                ),
            }
        }
        Some(out)
    }

    /// Where `[key.name]` is written, so that problems with the whole table point at it.
    fn header_offset(&self, key: &str, name: &str) -> Option<usize> {
        let header = format!("[{key}.{name}]");
        self.source.text[self.base..].find(&header).map(|i| self.base + i)
    }

    fn child(&self, table: &'a DeTable<'a>, offset: usize, what: &str) -> Keys<'a> {
        Keys {
            table,
            source: self.source,
            base: self.base,
            offset,
            problems: self.problems,
            what: what.to_string(),
            code: self.code,
            profile: self.profile.clone(),
            known: RefCell::new(Vec::new()),
        }
    }

    /// The raw value of a key, for a caller that reads it another way.
    pub fn value(&self, key: &'static str) -> Option<(&'a DeValue<'a>, usize)> {
        self.entry(key).map(|(value, offset)| (value.get_ref(), offset))
    }

    /// Every key of the table with its value, for tables whose keys are free (a language's
    /// strings, font chains by language); nothing is reported as unknown.
    pub fn all(&self) -> Vec<(At<String>, &'a DeValue<'a>)> {
        self.table
            .iter()
            .map(|(k, v)| (At { value: k.get_ref().to_string(), offset: self.base + k.span().start }, v.get_ref()))
            .collect()
    }

    /// Reports every key that was never asked for, with the nearest known key.
    pub fn finish(&self) {
        self.finish_with(|_| None);
    }

    /// [`Keys::finish`], with a hint of the caller's for a key it knows more about.
    pub fn finish_with(&self, hint_for: impl Fn(&str) -> Option<String>) {
        let known = self.known.borrow();
        for (key, _) in self.table.iter() {
            let name = key.get_ref().as_ref();
            if known.contains(&name) {
                continue;
            }
            let offset = self.base + key.span().start;
            let hint = match (hint_for(name), did_you_mean(name, known.iter().copied())) {
                (Some(hint), _) => hint,
                (None, Some(near)) => format!("did you mean `{near}`?"),
                (None, None) => {
                    format!("keys here: {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
                }
            };
            self.report(self.error(offset, self.code, format!("unknown key `{name}` in {}", self.what)).hint(hint));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, f: impl Fn(&Keys)) -> Vec<String> {
        let source = SourceText::new("t.toml", text.to_string());
        let problems = Problems::default();
        if let Some(table) = parse(&source, 0..text.len(), &problems) {
            let keys = Keys::new(&table, &source, 0, &problems, "the file", "toml");
            f(&keys);
            keys.finish();
        }
        problems
            .into_inner()
            .iter()
            .map(|d| format!("{}:{} {} | {}", d.line, d.column, d.message, d.hint.as_deref().unwrap_or("")))
            .collect()
    }

    #[test]
    fn every_unknown_key_and_bad_value_is_reported_at_its_place() {
        let found = read("subtitel = \"x\"\nlayuot = \"page\"\npaper = \"A4\"\ncolumns = \"two\"\n", |keys| {
            keys.string("subtitle");
            keys.choice("layout", &["page", "trifold"]);
            assert_eq!(keys.choice("paper", &["letter", "a4"]).map(|c| c.value), Some("a4"));
            keys.integer("columns", 1..=2, "use 1 or 2");
        });
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("4:11 `columns` should be a whole number"), "{found:?}");
        assert!(found[1].starts_with("1:1 unknown key `subtitel` in the file | did you mean `subtitle`?"), "{found:?}");
        assert!(found[2].starts_with("2:1 unknown key `layuot` in the file | did you mean `layout`?"), "{found:?}");
    }

    #[test]
    fn choices_get_the_nearest_value() {
        let found = read("paper = \"leter\"\n", |keys| {
            keys.choice("paper", &["letter", "a4"]);
        });
        assert_eq!(
            found,
            [
                "1:9 `paper = \"leter\"` is not one of the choices | did you mean `letter`? paper is one of `letter`, `a4`"
            ]
        );
    }
}
