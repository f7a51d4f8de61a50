//! The handout's prose as a reviewer reads it, straight from the Markdown source so that every
//! finding has its exact place: headings, paragraphs and list items (table rows and notes are
//! items), with the markup taken out and each character's offset in the file kept.

use std::ops::Range;

/// What a block of prose is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Heading,
    Paragraph,
    /// A list item, a table row or a note.
    Item,
}

/// A heading, paragraph or item: its text without markup, and where each byte came from.
#[derive(Debug)]
pub struct Block {
    pub kind: Kind,
    pub text: String,
    /// For each byte of `text`, its offset in the file.
    offsets: Vec<usize>,
    /// Under a `<!-- plain: ignore -->` comment: reviewed for the scores, never marked.
    pub ignored: bool,
}

impl Block {
    fn new(kind: Kind, ignored: bool) -> Block {
        Block { kind, text: String::new(), offsets: Vec::new(), ignored }
    }

    /// The file offset of byte `at` of the text.
    pub fn offset(&self, at: usize) -> usize {
        self.offsets.get(at).or(self.offsets.last()).copied().unwrap_or(0)
    }

    fn push(&mut self, c: char, offset: usize) {
        self.text.push(c);
        self.offsets.extend(std::iter::repeat_n(offset, c.len_utf8()));
    }

    /// A space between joined lines (none at the start, none doubled).
    fn space(&mut self, offset: usize) {
        if !self.text.is_empty() && !self.text.ends_with(' ') {
            self.push(' ', offset);
        }
    }

    /// The sentences, as byte ranges of the text.
    pub fn sentences(&self) -> Vec<Range<usize>> {
        sentences(&self.text)
    }
}

/// A word of a text: its byte range and its lower-case form.
pub struct Word {
    pub range: Range<usize>,
    pub lower: String,
}

/// The words of `text[range]` (letters and digits, with inner apostrophes and hyphens).
pub fn words(text: &str, range: Range<usize>) -> Vec<Word> {
    let mut found = Vec::new();
    let mut start: Option<usize> = None;
    let slice = &text[range.clone()];
    let chars: Vec<(usize, char)> = slice.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let next_is_letter = chars.get(i + 1).is_some_and(|(_, n)| n.is_alphanumeric());
        let inner = matches!(c, '\'' | '’' | '-') && start.is_some() && next_is_letter;
        if c.is_alphanumeric() || inner {
            start.get_or_insert(at);
        } else if let Some(s) = start.take() {
            found.push(Word { range: range.start + s..range.start + at, lower: slice[s..at].to_lowercase() });
        }
    }
    if let Some(s) = start {
        found.push(Word { range: range.start + s..range.end, lower: slice[s..].to_lowercase() });
    }
    found
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] =
    &["e.g", "i.e", "dr", "mr", "mrs", "ms", "etc", "vs", "st", "no", "sr", "sra", "dra", "ej", "p", "approx", "aprox"];

/// Sentences of `text` as byte ranges: ending at `.`, `!` or `?` (and a closing quote or
/// bracket) followed by a space or the end.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut start = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if start.is_none() && (c.is_alphanumeric() || matches!(c, '¿' | '¡' | '"' | '“' | '(')) {
            start = Some(at);
        }
        if let Some(s) = start
            && matches!(c, '.' | '!' | '?')
        {
            let mut end = i;
            while end + 1 < chars.len() && matches!(chars[end + 1].1, '.' | '!' | '?' | '"' | '”' | '’' | ')') {
                end += 1;
            }
            let at_break = chars.get(end + 1).is_none_or(|(_, n)| n.is_whitespace());
            let before = text[s..at].rsplit(|ch: char| ch.is_whitespace()).next().unwrap_or("").to_lowercase();
            let abbreviation = c == '.' && ABBREVIATIONS.contains(&before.trim_start_matches(['(', '"', '“']));
            let number = c == '.' && chars.get(end + 1).is_some_and(|(_, n)| n.is_ascii_digit());
            if at_break && !abbreviation && !number {
                let last = chars[end];
                found.push(s..last.0 + last.1.len_utf8());
                start = None;
                i = end;
            }
        }
        i += 1;
    }
    if let Some(s) = start {
        let trimmed = text[s..].trim_end();
        if !trimmed.is_empty() {
            found.push(s..s + trimmed.len());
        }
    }
    found
}

/// The body's prose blocks. `body` is the byte range of the Markdown after the front matter.
pub fn blocks(source: &str, body: Range<usize>) -> Vec<Block> {
    let mut scanner = Scanner { blocks: Vec::new(), current: None, ignore_next: false, fence: None, comment: false };
    let mut offset = body.start;
    for line in source[body].split_inclusive('\n') {
        scanner.line(line.trim_end_matches(['\n', '\r']), offset);
        offset += line.len();
    }
    scanner.flush();
    scanner.blocks
}

struct Scanner {
    blocks: Vec<Block>,
    current: Option<Block>,
    /// A `<!-- plain: ignore -->` comment was the last thing seen.
    ignore_next: bool,
    /// Inside a fenced code block: its fence.
    fence: Option<String>,
    /// Inside a multi-line HTML comment.
    comment: bool,
}

impl Scanner {
    fn flush(&mut self) {
        if let Some(mut block) = self.current.take()
            && !block.text.trim().is_empty()
        {
            let kept = block.text.trim_end().len();
            block.text.truncate(kept);
            block.offsets.truncate(kept);
            self.blocks.push(block);
        }
    }

    fn start(&mut self, kind: Kind) {
        self.flush();
        let ignored = std::mem::take(&mut self.ignore_next);
        self.current = Some(Block::new(kind, ignored));
    }

    fn line(&mut self, line: &str, offset: usize) {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(fence) = &self.fence {
            if trimmed.starts_with(fence.as_str()) {
                self.fence = None;
            }
            return;
        }
        if self.comment {
            self.comment = !trimmed.contains("-->");
            return;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            self.flush();
            self.fence = Some(trimmed[..3].to_string());
            return;
        }
        if trimmed.starts_with("<!--") {
            if trimmed.contains("plain: ignore") || trimmed.contains("plain:ignore") {
                self.flush();
                self.ignore_next = true;
            }
            self.comment = !trimmed.contains("-->");
            return;
        }
        // Quote markers, then what the line is.
        let (rest, at) = strip_quotes(trimmed, offset + indent);
        if rest.trim().is_empty() {
            self.flush();
            return;
        }
        if rest.starts_with("[!") {
            return; // a call-out's `> [!NOTE]` line
        }
        if let Some(level) = heading_level(rest) {
            self.start(Kind::Heading);
            self.inline(&rest[level..], at + level);
            self.flush();
            return;
        }
        if rest.starts_with('|') {
            if rest.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
                return;
            }
            self.start(Kind::Item);
            self.inline(&rest.replace('|', " "), at);
            self.flush();
            return;
        }
        if let Some(marker) = list_marker(rest).or_else(|| note_label(rest)) {
            self.start(Kind::Item);
            self.inline(&rest[marker..], at + marker);
            return;
        }
        if self.current.is_none() {
            self.start(Kind::Paragraph);
        }
        self.inline(rest, at);
    }

    /// Appends a line's text without its inline markup.
    fn inline(&mut self, text: &str, offset: usize) {
        let Some(block) = self.current.as_mut() else { return };
        block.space(offset);
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (at, c) = chars[i];
            let rest = &text[at..];
            let skip_to = |close: &str| rest.find(close).map(|end| at + end + close.len());
            let skipped = if rest.starts_with("<!--") {
                skip_to("-->")
            } else if rest.starts_with("![") {
                rest.find("](").and_then(|_| skip_to(")"))
            } else if rest.starts_with("[@") || rest.starts_with("[^") || rest.starts_with("{#") {
                skip_to(if c == '{' { "}" } else { "]" })
            } else if rest.starts_with("<http") || rest.starts_with("<mailto") {
                skip_to(">")
            } else if rest.starts_with("](") {
                skip_to(")") // the address of a link whose text was kept
            } else {
                None
            };
            if let Some(end) = skipped {
                while i < chars.len() && chars[i].0 < end {
                    i += 1;
                }
                continue;
            }
            let neighbour_is_word =
                |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(|(_, n)| n.is_alphanumeric());
            let markup = match c {
                '*' | '`' | '[' | ']' => true,
                '_' => !(neighbour_is_word(i.checked_sub(1)) && neighbour_is_word(Some(i + 1))),
                '\\' => {
                    if let Some(&(next_at, next)) = chars.get(i + 1) {
                        block.push(next, offset + next_at);
                    }
                    i += 2;
                    continue;
                }
                _ => false,
            };
            if !markup {
                // A citation taken out before a full stop leaves no space before it.
                if matches!(c, '.' | ',' | ';' | ':' | '!' | '?') && block.text.ends_with(' ') {
                    block.text.pop();
                    block.offsets.pop();
                }
                block.push(c, offset + at);
            }
            i += 1;
        }
    }
}

/// The line without its `>` quote markers, and the offset where the rest starts.
fn strip_quotes(line: &str, offset: usize) -> (&str, usize) {
    let mut rest = line;
    while let Some(inner) = rest.strip_prefix('>') {
        rest = inner.trim_start();
    }
    (rest, offset + (line.len() - rest.len()))
}

/// `## Heading`: the length of the markers and the space after them.
fn heading_level(line: &str) -> Option<usize> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    ((1..=6).contains(&hashes) && line[hashes..].starts_with(' ')).then_some(hashes + 1)
}

/// `- `, `* `, `+ `, `1. ` or `1) `: the marker's length with its space.
fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 4 && (rest.starts_with(". ") || rest.starts_with(") "))).then_some(digits + 2)
}

/// `[^label]: ` at the start of a note's definition.
fn note_label(line: &str) -> Option<usize> {
    line.starts_with("[^").then(|| line.find("]: ").map(|end| end + 3)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_taken_out_and_places_are_kept() {
        let text =
            "Intro with **bold** and a [link](https://x.org) [@cite].\n\n## Step one {#one}\n\n- Call *us* now.\n";
        let found = blocks(text, 0..text.len());
        let shown: Vec<(&str, Kind)> = found.iter().map(|b| (b.text.as_str(), b.kind)).collect();
        assert_eq!(
            shown,
            [
                ("Intro with bold and a link.", Kind::Paragraph),
                ("Step one", Kind::Heading),
                ("Call us now.", Kind::Item)
            ]
        );
        let call = &found[2];
        assert_eq!(&text[call.offset(0)..call.offset(0) + 4], "Call");
    }

    #[test]
    fn sentences_end_at_stops_not_at_abbreviations_or_decimals() {
        let text = "Take 2.5 mg, e.g. with food. Dr. Lee said so! Is it? yes";
        let found: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["Take 2.5 mg, e.g. with food.", "Dr. Lee said so!", "Is it?", "yes"]);
    }

    #[test]
    fn an_ignore_comment_marks_the_next_block() {
        let text = "<!-- plain: ignore -->\nUtilize this.\n\nUtilize that.\n";
        let found = blocks(text, 0..text.len());
        assert_eq!(found.iter().map(|b| b.ignored).collect::<Vec<_>>(), [true, false]);
    }
}
