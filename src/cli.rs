//! The command line. The doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Write a patient handout once; get a print-ready, accessible PDF leaflet, an EPUB booklet,
/// SMS-length text messages and a web page from it.
///
/// A handout is a Markdown file with TOML front matter between `+++` lines, usually in
/// `content/`. Settings shared by all handouts live in `handout.toml` at the project root.
///
/// Exit codes: 0 success, 1 problems in the content (each printed as path:line:column),
/// 2 usage errors.
#[derive(Debug, Parser)]
#[command(name = "handout", version, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build handouts into every format their output profiles ask for.
    ///
    /// Output goes to DIR/<slug>/<profile>.<ext>. Files are written atomically: a failed build
    /// never leaves a partial file, and one bad handout does not stop the others.
    Build {
        /// Handout files or folders of handouts.
        #[arg(default_value = "content")]
        paths: Vec<PathBuf>,
        /// Output folder [default: dist/ in the project root].
        #[arg(short, long, value_name = "DIR", value_parser = output_folder)]
        output: Option<PathBuf>,
        /// Build only this profile (repeatable), e.g. `--profile leaflet`.
        #[arg(long, value_name = "NAME")]
        profile: Vec<String>,
        /// Print only errors.
        #[arg(short, long)]
        quiet: bool,
        /// Rebuild every handout, even those unchanged since the last build.
        #[arg(long)]
        force: bool,
        /// Build only share K of N of the handouts (1/4 … 4/4), for a CI matrix: each handout is
        /// always in the same share (chosen by its slug; a translation with its original), and
        /// the shares' output folders merge by copying into what one build writes.
        #[arg(long, value_name = "K/N", value_parser = shard)]
        shard: Option<(usize, usize)>,
        /// Print the report as JSON (files written, handouts, up to date, findings) for scripts.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        review: Review,
    },
    /// Parse and validate handouts without writing anything.
    ///
    /// Every problem is printed as `path:line:column: error[code]: message` with a hint.
    Check {
        /// Handout files or folders of handouts.
        #[arg(default_value = "content")]
        paths: Vec<PathBuf>,
        /// Print the findings as one JSON array (path, line, column, severity, code, message,
        /// hint, profile).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        review: Review,
    },
    /// List handouts, their sections (id and title) and their output profiles.
    List {
        /// Handout files or folders of handouts.
        #[arg(default_value = "content")]
        paths: Vec<PathBuf>,
        /// Print the list as JSON (slug, title, lang, path, sections, outputs with their files).
        #[arg(long)]
        json: bool,
    },
    /// Print each SMS profile's messages with their encoding, counts and segments, marking the
    /// characters that force UCS-2 (which cuts a segment from 160 to 70 characters).
    Sms {
        /// Handout files or folders of handouts.
        #[arg(default_value = "content")]
        paths: Vec<PathBuf>,
        /// Print the messages as JSON (text, encoding, characters, units, segments, problems).
        #[arg(long)]
        json: bool,
    },
    /// Preview while you write: a local web page per handout with its source beside a live
    /// preview of every output (PDF pages, the EPUB on a phone, the web page, the text
    /// messages) and every finding; saving in the page or in any editor updates it.
    ///
    /// Prints the address to open, with a token that saving needs. Listens on this computer
    /// only unless --host says otherwise. Writes only the handouts you save; never dist/.
    Serve {
        /// Handout files or folders of handouts.
        #[arg(default_value = "content")]
        paths: Vec<PathBuf>,
        /// The address to listen on; anything but 127.0.0.1 lets other computers read the handouts.
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        /// The port (0 picks a free one).
        #[arg(long, default_value_t = 4000)]
        port: u16,
        /// Open the page in the browser.
        #[arg(long)]
        open: bool,
        /// An extra folder of fonts (.ttf, .otf) for PDFs; repeatable.
        #[arg(long, value_name = "DIR", value_parser = existing_folder)]
        font_path: Vec<PathBuf>,
    },
    /// Create content/SLUG.md from a template that passes `check`.
    New {
        /// The new handout's slug: lower-case letters, digits and `-`, e.g. `sleep-hygiene`.
        slug: String,
    },
}

/// Options `build` and `check` share.
#[derive(Debug, clap::Args)]
pub struct Review {
    /// `--deny warnings`: treat warnings as errors (exit 1; `build` writes nothing for that handout).
    #[arg(long, value_name = "warnings", value_parser = ["warnings"])]
    pub deny: Option<String>,
    /// An extra folder of fonts (.ttf, .otf) for PDFs; repeatable.
    #[arg(long, value_name = "DIR", value_parser = existing_folder)]
    pub font_path: Vec<PathBuf>,
}

/// `K/N` with 1 ≤ K ≤ N.
fn shard(value: &str) -> Result<(usize, usize), String> {
    let parsed = value
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<usize>().ok()?, n.trim().parse::<usize>().ok()?)));
    match parsed {
        Some((k, n)) if k >= 1 && k <= n => Ok((k, n)),
        _ => Err("write the share as K/N with 1 ≤ K ≤ N, e.g. `--shard 2/4`".to_string()),
    }
}

/// A folder that is there (`--font-path`): a usage error at once, not a fault of every handout.
fn existing_folder(value: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(value);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Ok(path),
        Ok(_) => Err("it is a file, not a folder of fonts".to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err("no such folder".to_string()),
        Err(e) => Err(format!("cannot open it: {e}")),
    }
}

/// A folder to write into, made if missing (`-o`); an existing file is a usage error.
fn output_folder(value: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(value);
    match std::fs::metadata(&path) {
        Ok(meta) if !meta.is_dir() => Err("it is a file; give a folder (it is made if missing)".to_string()),
        _ => Ok(path),
    }
}
