//! The fonts every build can use: those embedded in the binary, plus a project's own.
//!
//! Embedded: Atkinson Hyperlegible Next (the default, for low-vision readers; Latin only),
//! Noto Sans (Vietnamese, Cyrillic, Greek) and Noto Sans Arabic (right-to-left). See
//! `fonts/README.md` for sources and licences. Chinese, Japanese and Korean fonts are too large
//! to embed: a project adds one (see `[fonts]` in the README).

use std::path::Path;
use std::sync::Arc;

/// The family used for body text unless a project names another.
pub const DEFAULT_FAMILY: &str = "Atkinson Hyperlegible Next";
/// The family for scripts the default lacks (Vietnamese, Cyrillic, Greek).
pub const WIDE_FAMILY: &str = "Noto Sans";
/// The family for Arabic script.
pub const ARABIC_FAMILY: &str = "Noto Sans Arabic";

/// Languages whose letters the default family lacks: Noto Sans leads their chain, so that a
/// word is never set in two fonts.
const WIDE_FIRST: &[&str] = &["vi", "ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn", "el"];

/// The built-in font chain for a language.
pub fn default_chain(lang: &crate::model::Lang) -> Vec<&'static str> {
    if WIDE_FIRST.contains(&lang.primary().as_str()) {
        vec![WIDE_FAMILY, DEFAULT_FAMILY, ARABIC_FAMILY]
    } else {
        vec![DEFAULT_FAMILY, WIDE_FAMILY, ARABIC_FAMILY]
    }
}

/// The family of an embedded font file.
pub fn family_of(file: &str) -> &'static str {
    if file.starts_with("NotoSansArabic") {
        ARABIC_FAMILY
    } else if file.starts_with("NotoSans") {
        WIDE_FAMILY
    } else {
        DEFAULT_FAMILY
    }
}

/// A font file: its name and its bytes.
#[derive(Clone)]
pub struct FontFile {
    pub name: String,
    pub bytes: FontBytes,
}

/// A font's bytes, shared without copying: embedded in the binary or read from a folder.
#[derive(Clone)]
pub struct FontBytes(Arc<dyn AsRef<[u8]> + Send + Sync>);

impl AsRef<[u8]> for FontBytes {
    fn as_ref(&self) -> &[u8] {
        (*self.0).as_ref()
    }
}

macro_rules! embed {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_bytes!(concat!("../fonts/", $file)))),*]
    };
}

const EMBEDDED: &[(&str, &[u8])] = embed!(
    "AtkinsonHyperlegibleNext_400Regular.ttf",
    "AtkinsonHyperlegibleNext_400Regular_Italic.ttf",
    "AtkinsonHyperlegibleNext_700Bold.ttf",
    "AtkinsonHyperlegibleNext_700Bold_Italic.ttf",
    "NotoSans-Regular.ttf",
    "NotoSans-Italic.ttf",
    "NotoSans-Bold.ttf",
    "NotoSans-BoldItalic.ttf",
    "NotoSansArabic-Regular.ttf",
    "NotoSansArabic-Bold.ttf",
);

/// The embedded fonts.
pub fn embedded() -> Vec<FontFile> {
    EMBEDDED
        .iter()
        .map(|&(name, bytes)| FontFile { name: name.to_string(), bytes: FontBytes(Arc::new(bytes)) })
        .collect()
}

/// The font files (`.ttf`, `.otf`, `.ttc`, `.otc`) among `files`, read with `read`.
pub fn in_folder(
    files: &[std::path::PathBuf],
    read: &dyn Fn(&Path) -> Result<Vec<u8>, String>,
) -> Result<Vec<FontFile>, String> {
    let mut found = Vec::new();
    for path in files {
        let is_font = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["ttf", "otf", "ttc", "otc"].contains(&e.to_ascii_lowercase().as_str()));
        if is_font {
            let bytes =
                read(path).map_err(|why| format!("font {}: {why}", crate::diagnostic::display_path(path).display()))?;
            found.push(FontFile {
                name: path.file_name().unwrap_or_default().to_string_lossy().to_string(),
                bytes: FontBytes(Arc::new(bytes)),
            });
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// The embedded font files a text needs: for each character, the first family of `chain`
/// that has it, in the styles the text uses (regular always; bold for headings and
/// `<strong>`, italic for `<em>`). An English booklet needs no Arabic or Noto Sans files.
pub fn used_by(text: &str, chain: &[&str]) -> Vec<FontFile> {
    let fonts = embedded();
    let regular: Vec<(&str, Option<ttf_parser::Face>)> = chain
        .iter()
        .map(|family| {
            let file = fonts
                .iter()
                .find(|f| family_of(&f.name) == *family && !f.name.contains("Bold") && !f.name.contains("Italic"));
            (*family, file.and_then(|f| ttf_parser::Face::parse(f.bytes.as_ref(), 0).ok()))
        })
        .collect();
    let mut families: Vec<&str> = Vec::new();
    for c in text.chars().filter(|c| !c.is_whitespace() && !c.is_control()) {
        let covering = regular.iter().find(|(_, face)| face.as_ref().is_some_and(|f| f.glyph_index(c).is_some()));
        if let Some((family, _)) = covering
            && !families.contains(family)
        {
            families.push(family);
        }
    }
    let bold = ["<strong", "<b>", "<h1", "<h2", "<h3", "<th", "class=\"ref-label\""].iter().any(|t| text.contains(t));
    let italic = ["<em", "<i>", "<blockquote"].iter().any(|t| text.contains(t));
    fonts
        .into_iter()
        .filter(|font| families.contains(&family_of(&font.name)))
        .filter(|font| {
            let (is_bold, is_italic) = (font.name.contains("Bold"), font.name.contains("Italic"));
            (!is_bold || bold) && (!is_italic || italic) && (!(is_bold && is_italic) || (bold && italic))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_booklet_embeds_only_the_fonts_its_text_uses() {
        let english: Vec<String> =
            used_by("<h1>Sleep</h1><p>Plain text.</p>", &default_chain(&crate::model::Lang("en".into())))
                .into_iter()
                .map(|f| f.name)
                .collect();
        assert_eq!(english, ["AtkinsonHyperlegibleNext_400Regular.ttf", "AtkinsonHyperlegibleNext_700Bold.ttf"]);
        let arabic: Vec<String> = used_by("<p>نص عربي 988</p>", &default_chain(&crate::model::Lang("ar".into())))
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(arabic, ["AtkinsonHyperlegibleNext_400Regular.ttf", "NotoSansArabic-Regular.ttf"]);
    }
}
