//! The `handout` binary: parse arguments, call the library, print problems once, exit.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use handout::cli::{Cli, Command};
use handout::diagnostic::Diagnostic;

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
    // No transparent huge pages: each first touch of one zeroes 2 MiB, most of which a
    // short-lived build never uses. Measured: up to 60 % of a build's CPU in the kernel clearing
    // pages, and about a third more memory (see BENCHMARKS.md).
    #[cfg(target_os = "linux")]
    // SAFETY: a process flag, read by the kernel at each later page fault; no memory is touched.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
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
    let clock = handout::clock();
    match command {
        Command::Build { paths, output, profile, quiet, force, shard, json, review } => {
            let started = std::time::Instant::now();
            let mut loaded = handout::load(handout::find(&paths)?);
            if let Some((k, n)) = shard {
                loaded.keep_shard(k, n);
            }
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
            let report = handout::build(&loaded, &renderers, &options, &clock, &|| {
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
            });
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            // The process ends here: freeing every handout's tree node by node cost about 5 % of
            // a warm catalog build, and the system takes the memory back at once.
            std::mem::forget(loaded);
            let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
            if json {
                print_json(&report);
                return Ok(exit(errors));
            }
            print_diagnostics(&report.diagnostics);
            if !quiet {
                for path in &report.written {
                    println!("wrote {}", path.display());
                }
            }
            // The summary always, so that a run that built nothing says so.
            let mut counts = vec![plural(report.written.len(), "file")];
            if report.up_to_date > 0 {
                counts.push(format!("{} up to date", report.up_to_date));
            }
            if report.failed > 0 {
                counts.push(format!("{} not built", report.failed));
            }
            counts.push(plural(errors, "error"));
            let warnings = report.diagnostics.len() - errors;
            if warnings > 0 {
                counts.push(plural(warnings, "warning"));
            }
            let summary = format!(
                "built {} for {} in {:.2} s ({})",
                counts.remove(0),
                plural(report.handouts, "handout"),
                started.elapsed().as_secs_f64(),
                counts.join(", ")
            );
            if errors > 0 {
                eprintln!("{summary}")
            } else {
                println!("{summary}")
            }
            Ok(exit(errors))
        }
        Command::Check { paths, json, review } => {
            let loaded = handout::load(handout::find(&paths)?);
            let checked = handout::check::run(&loaded, &handout::Renderers::new(&review.font_path), &clock);
            let mut diagnostics = checked.diagnostics;
            // Grouped by file, each file's findings in the order found.
            diagnostics.sort_by(|a, b| a.path.cmp(&b.path));
            if review.deny.is_some() {
                handout::diagnostic::deny_warnings(&mut diagnostics);
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            if json {
                print_json(&serde_json::json!({ "diagnostics": diagnostics, "handouts": checked.scores }));
                return Ok(exit(errors));
            }
            print_diagnostics(&diagnostics);
            print_scores(&checked.scores);
            let warnings = diagnostics.len() - errors;
            let found = if diagnostics.is_empty() {
                "no problems".to_string()
            } else {
                format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
            };
            let summary = format!("checked {}: {found}", plural(loaded.found, "handout"));
            if errors > 0 {
                eprintln!("{summary}")
            } else {
                println!("{summary}")
            }
            Ok(exit(errors))
        }
        Command::List { paths, json } => {
            let loaded = handout::load(handout::find(&paths)?);
            let errors = print_diagnostics(&loaded.diagnostics);
            let listing = handout::report::listing(&loaded);
            if json {
                print_json(&listing);
            } else {
                print_listing(&listing);
            }
            Ok(exit(errors))
        }
        Command::Sms { paths, json } => {
            let loaded = handout::load(handout::find(&paths)?);
            let mut errors = print_diagnostics(&loaded.diagnostics);
            let listings = handout::report::messages(&loaded, &handout::cite::Styles::default());
            errors += listings.iter().flat_map(|l| &l.problems).filter(|d| d.is_error()).count();
            if json {
                print_json(&listings);
            } else {
                print_messages(&listings);
            }
            Ok(exit(errors))
        }
        Command::New { slug } => new(&slug, &clock),
        Command::Serve { paths, host, port, open, font_path } => {
            let options = handout::serve::ServeOptions { paths, host, port, open, font_paths: font_path };
            handout::serve::run(options, clock)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `handout new SLUG`: `content/SLUG.md` in the project the command runs in.
fn new(slug: &str, clock: &handout::model::Clock) -> Result<ExitCode, String> {
    if !handout::text::is_slug(slug) {
        return Err(format!(
            "`{slug}` is not a valid slug: use lower-case letters, digits and `-`, e.g. `sleep-hygiene`"
        ));
    }
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let root = handout::settings::find_root(&cwd).unwrap_or(cwd);
    let path = handout::diagnostic::display_path(&root.join(handout::load::DEFAULT_FOLDER).join(format!("{slug}.md")));
    if path.exists() {
        return Err(format!("{} already exists; choose another slug or edit that file", path.display()));
    }
    handout::output::write_atomic(&path, handout::new_handout_text(slug, clock.today()).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!(
        "created {}\nnext: replace the text marked \"Replace\" and the example source, then run `handout check {}`",
        path.display(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(json) => println!("{json}"),
        Err(e) => eprintln!("error: cannot write the report as JSON: {e}"),
    }
}

fn print_listing(listing: &[handout::report::HandoutListing]) {
    let mut out = std::io::stdout().lock();
    for h in listing {
        let _ = writeln!(out, "{}  {}  [{}]  {}", h.slug, h.title, h.lang, h.path.display());
        let _ = writeln!(out, "  sections:");
        for s in &h.sections {
            let _ = writeln!(out, "    {:<20} {}", s.id, s.title);
        }
        let _ = writeln!(out, "  outputs:");
        for o in &h.outputs {
            let files: Vec<String> = o.files.iter().map(|f| f.display().to_string()).collect();
            let _ = writeln!(out, "    {:<20} {:<5} sections: {}", o.profile, o.format, o.sections.join(", "));
            let _ = writeln!(out, "    {:<20}       -> {}", "", files.join(", "));
        }
    }
}

fn print_messages(listings: &[handout::report::SmsListing]) {
    let mark = std::io::stdout().is_terminal();
    for listing in listings {
        println!("{} / {}  ({})", listing.slug, listing.profile, listing.path.display());
        print_diagnostics(&listing.problems);
        for (i, m) in listing.messages.iter().enumerate() {
            // A series reads as a timeline: when each message goes out.
            let label = match m.when() {
                Some(when) => format!("{when:<15}"),
                None => format!("message {}:", i + 1),
            };
            println!("  {label} {}", figures(&m.encoded));
            print_text(&m.encoded.text, mark);
        }
        if let Some(replies) = &listing.replies {
            for (keyword, reply) in [("HELP", &replies.help), ("STOP", &replies.stop)] {
                println!("  reply to {keyword:<6} {}", figures(reply));
                print_text(&reply.text, mark);
            }
        }
    }
}

/// "GSM-7 · 147 characters · 147 septets · 1 segment"
fn figures(m: &handout::render::sms::encoding::Encoded) -> String {
    let unit = if m.encoding.name() == "GSM-7" { "septets" } else { "UTF-16 units" };
    format!(
        "{} · {} · {} {unit} · {}",
        m.encoding.name(),
        plural(m.characters, "character"),
        m.units,
        plural(m.segments, "segment")
    )
}

/// A message's text, and the characters that force UCS-2 if any.
fn print_text(text: &str, mark: bool) {
    println!("    {}", marked(text, mark));
    let forced = handout::render::sms::encoding::unencodable(text);
    if !forced.is_empty() {
        // Accents alone: GSM-7 can carry the message without them.
        let suggestion = if handout::render::sms::encoding::transliterate(text).is_ok() {
            "; `encoding = \"gsm7\"` in the profile sends it as GSM-7 without accents"
        } else {
            ""
        };
        println!("    UCS-2 because of: {}{suggestion}", handout::render::sms::list(&forced));
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

/// One line per handout: the plain-language checklist items met and the figures.
fn print_scores(scores: &[handout::check::HandoutScores]) {
    let mut out = std::io::stdout().lock();
    for handout in scores {
        let s = &handout.scores;
        let share = |items: &handout::check::plain::Items| {
            format!("{}/{}", items.met.values().filter(|m| **m).count(), items.met.len())
        };
        let _ = writeln!(
            out,
            "{}: plain language: PEMAT-P understandability {} ({} %), actionability {}; Clear Communication Index {} ({} %); complex words {} %, passive sentences {} %, lexical density {}",
            handout.path.display(),
            share(&s.pemat_understandability),
            s.pemat_understandability.percent_met,
            share(&s.pemat_actionability),
            share(&s.clear_communication_index),
            s.clear_communication_index.percent_met,
            s.complex_words_percent,
            s.passive_sentences_percent,
            s.lexical_density,
        );
    }
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
