//! The keys of a web-page profile.

use crate::keys::Keys;

/// The keys only HTML profiles take.
pub const KEYS: &[&str] = &["standalone"];

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// A whole page (`true`), or only the article, to paste into a clinic website's editor.
    pub standalone: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { standalone: true }
    }
}

impl Options {
    pub fn read(keys: &Keys) -> Options {
        Options { standalone: keys.boolean("standalone").is_none_or(|s| s.value) }
    }
}

impl crate::render::Options for Options {
    fn files(&self, profile: &str) -> Vec<String> {
        vec![format!("{profile}.html")]
    }
}
