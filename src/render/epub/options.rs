//! The keys of an EPUB profile.

use std::path::{Path, PathBuf};

use crate::files::Root;
use crate::keys::Keys;

/// The keys only EPUB profiles take.
pub const KEYS: &[&str] = &["cover", "embed-fonts"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// A cover image inside the project; `None` draws one from the title and brand colour.
    pub cover: Option<PathBuf>,
    /// Puts the fonts the text uses into the book.
    pub embed_fonts: bool,
}

impl Options {
    /// `dir` is the folder the cover's path is relative to.
    pub fn read(keys: &Keys, root: &Root, dir: &Path) -> Options {
        let cover = keys.string("cover").and_then(|cover| {
            match root.resolve(dir, &cover.value).and_then(|p| crate::images::check_header(&p).map(|size| (p, size))) {
                Ok((path, (width, height))) => {
                    // Readers show covers at about 2:3 (1600 × 2400 is the common advice).
                    if width > height || height < 1000 {
                        keys.report(
                            keys.warning(cover.offset, "epub", format!("cover image `{}` is {width} × {height} pixels", cover.value))
                                .hint("a cover is upright and at least 1000 pixels tall (1600 × 2400 is best); leave `cover` out to have one drawn"),
                        );
                    }
                    Some(path)
                }
                Err(why) => {
                    keys.report(keys.error(cover.offset, "path", format!("cover image `{}`: {why}", cover.value)));
                    None
                }
            }
        });
        Options { cover, embed_fonts: keys.boolean("embed-fonts").is_some_and(|e| e.value) }
    }
}

impl crate::render::Options for Options {
    fn files(&self, profile: &str) -> Vec<String> {
        vec![format!("{profile}.epub")]
    }

    fn inputs(&self) -> Vec<PathBuf> {
        self.cover.iter().cloned().collect()
    }
}
