//! The `handout` binary: parse arguments, call the library, print problems once, exit.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use handout::cli::{Cli, Command};
use handout::diagnostic::Diagnostic;
use handout::model::Format;

/// Typst allocates heavily; over a catalog mimalloc spends far less time in the allocator
/// than the system's (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Content problems: the files need fixing.
const EXIT_CONTENT: u8 = 1;
/// Usage problems: the command line needs fixing.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    // Printing into a closed pipe (`handout build --json | head`) ends the process quietly, as
    // it does for other Unix tools, instead of panicking on the failed write.
    #[cfg(unix)]
    // SAFETY: restoring the default action of a signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Build { paths, output, profile, quiet, force, json, review } => {
            let started = std::time::Instant::now();
            let loaded = handout::load(&paths)?;
            handout::check_profile_names(&loaded, &profile)?;
            let renderers = handout::Renderers::new(&review.font_path);
            let options = handout::BuildOptions {
                out_dir: output,
                profiles: profile,
                force,
                font_paths: review.font_path.clone(),
                deny_warnings: review.deny.is_some(),
            };
            // A progress bar on a terminal, for more than a few handouts.
            let bar = (std::io::stderr().is_terminal() && !quiet && !json && loaded.handouts.len() > 4)
                .then(|| indicatif::ProgressBar::new(loaded.handouts.len() as u64));
            let report = handout::build(&loaded, &renderers, &options, &|| {
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
            });
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
            if json {
                println!("{}", serde_json::to_string_pretty(&report).expect("the report serializes"));
                return Ok(exit(errors));
            }
            print_diagnostics(&report.diagnostics);
            if !quiet {
                for path in &report.written {
                    println!("wrote {}", path.display());
                }
                let unchanged =
                    if report.up_to_date > 0 { format!(", {} up to date", report.up_to_date) } else { String::new() };
                println!(
                    "built {} for {} in {:.2} s ({}{unchanged})",
                    plural(report.written.len(), "file"),
                    plural(report.handouts, "handout"),
                    started.elapsed().as_secs_f64(),
                    plural(errors, "error")
                );
            }
            Ok(exit(errors))
        }
        Command::Check { paths, json, review } => {
            let loaded = handout::load(&paths)?;
            let mut diagnostics = handout::check(&loaded, &handout::Renderers::new(&review.font_path));
            // Grouped by file, each file's findings in the order found.
            diagnostics.sort_by(|a, b| a.path.cmp(&b.path));
            if review.deny.is_some() {
                handout::deny_warnings(&mut diagnostics);
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            if json {
                println!("{}", serde_json::to_string_pretty(&diagnostics).expect("diagnostics serialize"));
            } else {
                print_diagnostics(&diagnostics);
                if diagnostics.is_empty() {
                    println!("checked {}: no problems", plural(loaded.handouts.len(), "handout"));
                }
            }
            Ok(exit(errors))
        }
        Command::List { paths } => {
            let loaded = handout::load(&paths)?;
            let errors = print_diagnostics(&loaded.diagnostics);
            let mut out = std::io::stdout().lock();
            for (_, h) in &loaded.handouts {
                let _ = writeln!(out, "{}  {}  [{}]  {}", h.meta.slug, h.meta.title, h.meta.lang, h.path.display());
                let _ = writeln!(out, "  sections:");
                for s in &h.sections {
                    let title =
                        if s.id == handout::model::Section::INTRO { h.strings.introduction.clone() } else { s.title() };
                    let _ = writeln!(out, "    {:<20} {}", s.id, title);
                }
                let _ = writeln!(out, "  profiles:");
                for p in &h.profiles {
                    let sections = match &p.sections {
                        handout::model::SectionChoice::All => "all".to_string(),
                        handout::model::SectionChoice::List(ids) => ids.join(", "),
                    };
                    let exclude =
                        if p.exclude.is_empty() { String::new() } else { format!(" except {}", p.exclude.join(", ")) };
                    let ext = match p.format() {
                        Format::Pdf => "pdf",
                        Format::Epub => "epub",
                        Format::Sms => "txt",
                    };
                    let _ = writeln!(
                        out,
                        "    {:<20} {:<5} sections: {sections}{exclude} -> {}.{ext}",
                        p.name,
                        p.format().name(),
                        p.name
                    );
                }
            }
            Ok(exit(errors))
        }
        Command::Sms { paths } => {
            let loaded = handout::load(&paths)?;
            let mut errors = print_diagnostics(&loaded.diagnostics);
            let mark = std::io::stdout().is_terminal();
            for report in handout::sms_reports(&loaded) {
                println!("{} / {}  ({})", report.handout.meta.slug, report.profile.name, report.handout.path.display());
                match &report.messages {
                    Err(problems) => errors += print_diagnostics(problems),
                    Ok(messages) => {
                        for (i, m) in messages.iter().map(|m| &m.encoded).enumerate() {
                            let unit = if m.encoding.name() == "GSM-7" { "septets" } else { "UTF-16 units" };
                            println!(
                                "  message {}: {} · {} characters · {} {unit} · {} segment{}",
                                i + 1,
                                m.encoding.name(),
                                m.characters,
                                m.units,
                                m.segments,
                                if m.segments == 1 { "" } else { "s" }
                            );
                            let forced = handout::render::sms::encoding::unencodable(&m.text);
                            println!("  {}", marked(&m.text, mark));
                            if !forced.is_empty() {
                                println!("  UCS-2 because of: {}", handout::render::sms::list(&forced));
                            }
                        }
                    }
                }
            }
            Ok(exit(errors))
        }
        Command::New { slug } => {
            if !handout::content::is_slug(&slug) {
                return Err(format!(
                    "`{slug}` is not a valid slug: use lower-case letters, digits and `-`, e.g. `sleep-hygiene`"
                ));
            }
            // In the project's content folder, wherever in the project the command runs.
            let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
            let root = cwd.ancestors().find(|d| d.join(handout::settings::PROJECT_FILE).is_file()).unwrap_or(&cwd);
            let path = handout::diagnostic::display_path(&root.join("content").join(format!("{slug}.md")));
            if path.exists() {
                return Err(format!("{} already exists; choose another slug or edit that file", path.display()));
            }
            handout::output::write_atomic(&path, handout::new_handout_text(&slug).as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("created {}\nnext: edit it, then run `handout check {}`", path.display(), path.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints each finding once on stderr (severity in colour on a terminal, unless NO_COLOR is
/// set); returns the number of errors.
fn print_diagnostics(diagnostics: &[Diagnostic]) -> usize {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        let mut text = d.to_string();
        if colour {
            text = text
                .replacen(": error[", ": \x1b[1;31merror\x1b[0m[", 1)
                .replacen(": warning[", ": \x1b[1;33mwarning\x1b[0m[", 1)
                .replacen("\n  hint:", "\n  \x1b[1;36mhint\x1b[0m:", 1);
        }
        let _ = writeln!(err, "{text}");
    }
    diagnostics.iter().filter(|d| d.is_error()).count()
}

/// The text with the characters GSM-7 cannot carry highlighted (inverse video on a
/// terminal, «» when piped).
fn marked(text: &str, terminal: bool) -> String {
    let (open, close) = if terminal { ("\x1b[7m", "\x1b[0m") } else { ("«", "»") };
    let mut out = String::new();
    let mut inside = false;
    for c in text.chars() {
        let forced = handout::render::sms::encoding::septets(c).is_none();
        if forced != inside {
            out.push_str(if forced { open } else { close });
            inside = forced;
        }
        out.push(c);
    }
    if inside {
        out.push_str(close);
    }
    out
}

/// "1 file", "2 files".
fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

fn exit(errors: usize) -> ExitCode {
    if errors > 0 { ExitCode::from(EXIT_CONTENT) } else { ExitCode::SUCCESS }
}
