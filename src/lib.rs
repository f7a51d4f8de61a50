//! `handout`: write a patient handout once, get every format a clinic hands out.
//!
//! The pipeline reads as the module tree and flows one way: [`content`] parses a Markdown file
//! into the [`model`] (plain data, the ground floor), [`profile`] reads the outputs it asks
//! for, [`select`] applies a profile, a format in [`render`] turns the selection into files,
//! and [`output`] writes them atomically. Beside it: [`cite`] formats citations once for every
//! format, [`settings`] reads `handout.toml`, [`locale`] the interface strings, [`check`] does
//! a reviewer's checks, and [`files`] is the one door through which a project is read.
//! [`load`] and [`build`] run the pipeline over many handouts; the binary only calls them.

pub mod build;
pub mod check;
pub mod cite;
pub mod cli;
pub mod content;
pub mod diagnostic;
pub mod files;
pub mod fonts;
pub mod images;
pub mod keys;
pub mod load;
pub mod locale;
pub mod model;
pub mod output;
pub mod parallel;
pub mod profile;
pub mod render;
pub mod report;
pub mod select;
pub mod serve;
pub mod settings;
pub mod text;

pub use build::{BuildOptions, BuildReport, build};
pub use load::{Loaded, LoadedHandout, find, load};
pub use render::Renderers;

use model::{Clock, Date};

/// The build's clock: `SOURCE_DATE_EPOCH` when set (reproducible builds), and now.
pub fn clock() -> Clock {
    let fixed = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse().ok());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    Clock { fixed, now }
}

/// Checks that every `--profile NAME` names an output some handout has.
pub fn check_profile_names(loaded: &Loaded, names: &[String]) -> Result<(), String> {
    let mut known: Vec<&str> =
        loaded.handouts.iter().flat_map(|h| h.outputs.iter().map(|o| o.profile.name.as_str())).collect();
    known.sort_unstable();
    known.dedup();
    for name in names {
        if !known.contains(&name.as_str()) {
            let hint = match diagnostic::did_you_mean(name, known.iter().copied()) {
                Some(near) => format!("; did you mean `{near}`?"),
                None if known.is_empty() => String::new(),
                None => format!("; the handouts have: {}", known.join(", ")),
            };
            return Err(format!("no handout has a profile named `{name}`{hint}"));
        }
    }
    Ok(())
}

/// The text of a new handout that passes `check`: reviewed `today`, due for review a year
/// later.
pub fn new_handout_text(slug: &str, today: Date) -> String {
    include_str!("../assets/new-handout.md")
        .replace("{slug}", slug)
        .replace("{reviewed}", &today.to_string())
        .replace("{next-review}", &today.a_year_later().to_string())
}
