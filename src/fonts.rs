//! The fonts every build can use: those embedded in the binary, plus a project's own.
//!
//! Embedded: Atkinson Hyperlegible Next (the default, for low-vision readers) and Noto Sans
//! Arabic (right-to-left fallback). See `fonts/README.md` for sources and licences.

use std::path::Path;
use std::sync::Arc;

/// The family used for body text unless a project names another.
pub const DEFAULT_FAMILY: &str = "Atkinson Hyperlegible Next";
/// The family tried after the default, for Arabic script.
pub const ARABIC_FAMILY: &str = "Noto Sans Arabic";

/// A font file's bytes, shared without copying.
#[derive(Debug, Clone)]
pub struct FontFile {
    pub name: String,
    pub bytes: Arc<Vec<u8>>,
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
    "NotoSansArabic-Regular.ttf",
    "NotoSansArabic-Bold.ttf",
);

/// The embedded fonts.
pub fn embedded() -> Vec<FontFile> {
    EMBEDDED.iter().map(|(name, bytes)| FontFile { name: name.to_string(), bytes: Arc::new(bytes.to_vec()) }).collect()
}

/// Font files (`.ttf`, `.otf`, `.ttc`, `.otc`) directly in `dir`, sorted by name.
pub fn in_folder(dir: &Path) -> std::io::Result<Vec<FontFile>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let is_font = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["ttf", "otf", "ttc", "otc"].contains(&e.to_ascii_lowercase().as_str()));
        if is_font && path.is_file() {
            files.push(FontFile {
                name: path.file_name().unwrap_or_default().to_string_lossy().to_string(),
                bytes: Arc::new(std::fs::read(&path)?),
            });
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}
