//! Hostile and broken input: located errors and no panic on a corpus of bad handouts,
//! untouched outputs after a killed build, identical bytes from identical input, and a
//! property test (fuzzer) over the parser.

use std::collections::BTreeMap;
use std::time::Duration;

use proptest::prelude::*;
use regex::Regex;

use crate::util::{Dir, repo};

#[test]
fn every_bad_input_in_the_corpus_fails_with_a_located_error() {
    let dir = Dir::fixture("bad");
    // The corpus holds a symlink that points outside the project; copying made it a file.
    #[cfg(unix)]
    {
        std::fs::remove_file(dir.path().join("assets/link-out.png")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("assets/link-out.png")).unwrap();
    }
    let located = Regex::new(r"(?m)^(content|assets)/[^:\n]+:\d+:\d+: error\[[a-z-]+\]: .+").unwrap();
    let mut files: Vec<String> = dir.files("content");
    files.sort();
    assert!(files.len() >= 40, "{} bad inputs", files.len());
    for file in &files {
        let run = dir.run(&["build", file]);
        assert_eq!(run.code, 1, "{file}: exit {}\n{}", run.code, run.stderr);
        assert!(located.is_match(&run.stderr), "{file}: no path:line:column error:\n{}", run.stderr);
        for forbidden in ["panicked", "RUST_BACKTRACE", "Os {", "Some(", "Error {"] {
            assert!(!run.stderr.contains(forbidden), "{file}: {forbidden:?} in:\n{}", run.stderr);
        }
        assert!(dir.files("dist").is_empty(), "{file} wrote {:?}", dir.files("dist"));
    }
}

#[test]
fn an_image_damaged_past_its_header_is_found_by_check_and_build_at_its_place() {
    let dir = Dir::new();
    dir.write_png("assets/chart.png", 400, 300, [0, 90, 120]);
    // The header still reads (400 × 300), but the pixels stop halfway.
    let png = dir.read("assets/chart.png");
    std::fs::write(dir.path().join("assets/chart.png"), &png[..png.len() / 2]).unwrap();
    dir.write(
        "content/x.md",
        "+++\ntitle = \"x\"\nsummary = \"s\"\n[contact]\nphone = \"988\"\n+++\nText.\n\n![A chart](../assets/chart.png)\n",
    );
    for command in ["check", "build"] {
        dir.run(&[command]).fails_with(
            1,
            "content/x.md:9:12: error[path]: image `../assets/chart.png`: it cannot be decoded (damaged, or not what it claims to be)",
        );
    }
    assert!(dir.files("dist").iter().all(|f| f.contains(".handout-cache")), "{:?}", dir.files("dist"));
}

/// Every output under `dist/`; the build cache is left out, since it records when each output
/// was written.
fn snapshot(dir: &Dir) -> BTreeMap<String, Vec<u8>> {
    assert!(dir.path().join("dist/.handout-cache").is_dir(), "no build cache in {:?}", dir.files("dist"));
    dir.files("dist").into_iter().filter(|f| !f.contains(".handout-cache")).map(|f| (f.clone(), dir.read(&f))).collect()
}

#[test]
fn a_killed_build_leaves_every_file_whole() {
    // Twelve handouts, so that a build takes long enough to be interrupted.
    let dir = Dir::with_sample();
    let sample = dir.read_text("content/emotional-numbness.md");
    for i in 0..12 {
        dir.write(
            &format!("content/copy-{i}.md"),
            &sample.replace("title = \"Emotional Numbness\"", &format!("title = \"Copy {i}\"\nslug = \"copy-{i}\"")),
        );
    }
    dir.run(&["build"]).success();
    let before = snapshot(&dir);
    // The same project with every title changed: what a finished second build would write.
    let changed = Dir::with_sample();
    for entry in dir.files("content") {
        let text = dir.read_text(&entry).replace("Emotional Numbness", "Feeling Numb").replace("Copy ", "Second copy ");
        dir.write(&entry, &text);
        changed.write(&entry, &text);
    }
    changed.run(&["build"]).success();
    let after = snapshot(&changed);
    for delay in [30, 150, 400] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_handout"))
            .arg("build")
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Every output is either the old file or the new one, never a mix or a fragment.
        for (name, bytes) in snapshot(&dir).into_iter().filter(|(n, _)| !n.contains(".handout-tmp-")) {
            assert!(
                before.get(&name) == Some(&bytes) || after.get(&name) == Some(&bytes),
                "{name} is neither the old nor the new file after a kill at {delay} ms"
            );
        }
    }
    // The next build finishes the job and sweeps any temporary file a kill left behind.
    dir.run(&["build"]).success();
    assert_eq!(snapshot(&dir), after);
}

#[test]
fn a_failed_build_keeps_the_previous_outputs() {
    let dir = Dir::with_sample();
    dir.run(&["build"]).success();
    let before = snapshot(&dir);
    let text = dir.read_text("content/emotional-numbness.md").replace("[@kerig2016]", "[@nosuch]");
    dir.write("content/emotional-numbness.md", &text);
    dir.run(&["build"]).fails_with(1, "citation `@nosuch` has no source");
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn the_same_input_gives_the_same_bytes_in_another_folder() {
    let a = Dir::with_sample();
    let b = Dir::with_sample();
    a.run(&["build"]).success();
    b.run(&["build"]).success();
    let (a, b) = (snapshot(&a), snapshot(&b));
    assert!(a.len() >= 10, "{:?}", a.keys());
    assert_eq!(a, b);
}

/// Pieces of handouts, good and bad, for the property test to shuffle.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("+++\n".to_string()),
        Just("title = \"T\"\n".to_string()),
        Just("summary = \"S.\"\n".to_string()),
        Just("[contact]\nphone = \"1-800-555-0100\"\n".to_string()),
        Just("[[sources]]\nid = \"a\"\ntitle = \"A\"\n".to_string()),
        Just("[outputs.p]\nformat = \"pdf\"\nsections = [\"intro\", \"b\"]\n".to_string()),
        Just("lang = \"ar\"\n".to_string()),
        Just("## B {#b}\n\n".to_string()),
        Just("> [!IMPORTANT]\n> x\n".to_string()),
        Just("| a | b |\n|---|:-:|\n| 1 |\n".to_string()),
        Just("- one\n  - two\n".to_string()),
        Just("Text [@a] and [@a; @b] and [@ x] [@".to_string()),
        Just("![alt](x.png) [l](#b) <a@b.c> *x **y** `z`".to_string()),
        Just("\r\n".to_string()),
        "[ -~]{0,40}".prop_map(String::from),
        "\\PC{0,20}".prop_map(String::from),
        prop::collection::vec(
            prop::sample::select(vec![
                '>', '-', '*', '#', '[', ']', '(', ')', '!', '`', '|', '\n', ' ', '\u{a0}', 'é', 'ا', '😀'
            ]),
            0..60
        )
        .prop_map(|c| c.into_iter().collect()),
    ]
}

proptest! {
    // 256 cases in `cargo test`; PROPTEST_CASES=N for a long run (see BENCHMARKS.md).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any text: parsing never panics, and a handout that parses can be selected and sent as SMS.
    #[test]
    fn parsing_and_selecting_never_panic(pieces in prop::collection::vec(fragment(), 0..24)) {
        let text: String = pieces.concat();
        let empty = tempfile::tempdir().unwrap();
        let root = empty.path().to_path_buf();
        let project = handout::settings::Project::load(&root).expect("an empty project");
        let source = handout::diagnostic::SourceText::new("fuzz.md", text);
        if let Ok(read) = handout::content::parse(source, &root, &project)
            && let ids = read.handout.sections.iter().map(|s| s.id.clone()).collect::<Vec<_>>()
            && let Ok((outputs, _)) = handout::profile::outputs(&read.handout.path, &ids, Some(&read.front), &project, &root)
        {
            let styles = handout::cite::Styles::default();
            for output in &outputs {
                let selection = handout::select::select(&read.handout, &output.profile, &styles);
                if let (Ok(selection), handout::render::FormatOptions::Sms(options)) = (selection, &output.options) {
                    let _ = handout::render::sms::messages(&selection, options);
                }
            }
        }
    }
}

#[test]
fn fuzz_regressions_still_parse() {
    // Inputs the property test found or that once broke a parser of this kind.
    let empty = tempfile::tempdir().unwrap();
    let root = empty.path().to_path_buf();
    let project = handout::settings::Project::load(&root).unwrap();
    let corpus = std::fs::read_dir(repo().join("tests/fuzz-corpus")).unwrap();
    let mut count = 0;
    for entry in corpus {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let _ = handout::content::parse(handout::diagnostic::SourceText::new(&path, text), &root, &project);
        count += 1;
    }
    assert!(count > 0);
}

/// A minimal handout that builds.
const SMALL: &str =
    "+++\ntitle = \"T\"\nsummary = \"Short.\"\n[contact]\nphone = \"1-800-555-0100\"\n+++\nText here.\n";

#[cfg(unix)]
#[test]
fn output_folders_that_are_links_out_of_the_project_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    // `dist/<slug>` a link to another folder.
    let dir = Dir::new();
    dir.write("content/a.md", SMALL);
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("dist/a")).unwrap();
    dir.run(&["build"]).fails_with(1, "dist/a:1:1: error[io]: dist/a is a link; remove it");
    // `dist` itself a link out of the project.
    let dir = Dir::new();
    dir.write("content/a.md", SMALL);
    std::os::unix::fs::symlink(outside.path(), dir.path().join("dist")).unwrap();
    dir.run(&["build"]).fails_with(1, "dist is a link out of the project; remove it, or give the folder with `-o`");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "something was written through a link");
    // A folder outside the project given with `-o` is the author's choice.
    let out = outside.path().join("chosen");
    dir.run(&["build", "-o", out.to_str().unwrap()]).success();
    assert!(out.join("a/leaflet.pdf").is_file());
}

#[test]
fn a_missing_font_folder_or_an_output_file_is_a_usage_error() {
    let dir = Dir::new();
    dir.write("content/a.md", SMALL);
    dir.write("a-file", "x");
    dir.run(&["build", "--font-path", "no-such-folder"]).fails_with(2, "'--font-path <DIR>': no such folder");
    dir.run(&["check", "--font-path", "a-file"]).fails_with(2, "it is a file, not a folder of fonts");
    dir.run(&["build", "-o", "a-file"]).fails_with(2, "it is a file; give a folder");
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_reported_in_json() {
    use std::os::unix::ffi::OsStrExt;
    let dir = Dir::new();
    let name = std::ffi::OsStr::from_bytes(b"content/b\xff.md");
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join(name), SMALL).unwrap();
    for command in ["check", "build"] {
        let run = dir.run(&[command, "--json"]);
        assert_eq!(run.code, 1, "{command}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert!(report.to_string().contains("content/b\u{fffd}.md"), "{command}: {report}");
    }
}

#[test]
fn two_builds_at_once_both_finish() {
    let dir = Dir::with_sample();
    let start = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_handout"))
            .args(["build", "--force", "-q"])
            .current_dir(dir.path())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    for round in 0..4 {
        let (a, b) = (start(), start());
        for child in [a, b] {
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "round {round}: {stderr}");
        }
    }
    assert!(!dir.files("dist").iter().any(|f| f.contains(".handout-tmp-")), "{:?}", dir.files("dist"));
}

#[test]
fn many_unknown_long_citations_are_each_reported_once() {
    let dir = Dir::new();
    let keys: Vec<String> = (0..400).map(|i| format!("verylongkeyname{i:0200}")).collect();
    let bib: String = keys
        .iter()
        .map(|k| format!("@article{{{k}, title={{T}}, author={{A, B}}, year={{2020}}, journal={{J}}}}\n"))
        .collect();
    dir.write("content/a.bib", &bib);
    let cites: Vec<String> = (0..400).map(|i| format!("[@unknownkey{i:0200}]")).collect();
    let head = SMALL.replace("[contact]", "bibliography = \"a.bib\"\n[contact]").replace("Text here.\n", "");
    dir.write("content/a.md", &format!("{head}Text {}.\n", cites.join(" ")));
    let run = dir.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains("unknown key"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("has no source").count(), 400, "{}", &run.stderr[..2000.min(run.stderr.len())]);
}

#[test]
fn a_bibliography_that_does_not_parse_is_reported_once_without_its_echoes() {
    let dir = Dir::new();
    dir.write("content/a.bib", "@article{k, title={T}, author={A, B}, year={2020}, journal={J}\n");
    let head = SMALL.replace("[contact]", "bibliography = \"a.bib\"\n[contact]").replace("Text here.\n", "");
    dir.write("content/a.md", &format!("{head}Text [@k] and [@k].\n"));
    let run = dir.run(&["check"]);
    assert!(run.stderr.contains("content/a.bib:"), "{}", run.stderr);
    assert!(!run.stderr.contains("has no source"), "{}", run.stderr);
}

#[test]
fn a_locale_string_cannot_multiply_into_gigabytes() {
    let dir = Dir::new();
    dir.write("content/a.md", SMALL);
    let places = "{date}".repeat(300);
    let month = "M".repeat(5000);
    let months = vec![format!("\"{month}\""); 12].join(", ");
    dir.write(
        "assets/locales/en.toml",
        &format!("reviewed = \"{places}\"\nmonth-year = \"{}\"\nmonths = [{months}]\n", "{month}".repeat(300)),
    );
    let run = dir.run(&["build"]);
    run.fails_with(
        1,
        "assets/locales/en.toml:1:1: error[locale]: `reviewed` must be a string of at most 300 characters",
    );
    assert!(
        run.stderr.contains("assets/locales/en.toml:3:1: error[locale]: `months` must list 12 strings of at most 40")
    );
}

#[test]
fn lists_and_quotes_as_deep_as_documented_build_in_every_format_and_deeper_is_located() {
    let dir = Dir::new();
    let list: String = (0..8).map(|i| format!("{}- item {i}\n", "  ".repeat(i))).collect();
    let quotes: String = (1..=8).map(|i| format!("{} quote {i}\n{}\n", ">".repeat(i), ">".repeat(i))).collect();
    dir.write("content/a.md", &format!("{SMALL}\n{list}\n{quotes}"));
    dir.run(&["build"]).success();
    dir.write("content/a.md", &format!("{SMALL}\n{list}{}- one more\n", "  ".repeat(8)));
    dir.run(&["build"])
        .fails_with(1, "content/a.md:17:17: error[markdown]: lists and quotes are nested more than 8 deep");
}

#[test]
fn a_broken_style_file_is_reported_once_in_the_file_whoever_names_it() {
    let dir = Dir::new();
    dir.write(
        "content/bad.csl",
        "<?xml version=\"1.0\"?>\n<style xmlns=\"http://purl.org/net/citationstyles\" class=\"in-text\" version=\"1.0\">\n<info><title>x</title></info>\n<citation><layout><text variable=\"title\"/></layout></citation>\n</style>\n",
    );
    let with_style = SMALL.replace("[contact]", "citation-style = \"bad.csl\"\n[contact]");
    dir.write("content/a.md", &with_style);
    dir.write("content/b.md", &with_style.replace("title = \"T\"", "title = \"U\""));
    let run = dir.run(&["check"]);
    run.fails_with(1, "content/bad.csl:3:1: error[citation]: not a valid CSL style");
    assert_eq!(run.stderr.matches("error[").count(), 1, "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_linked_content_folder_or_settings_file_does_not_move_the_project_outside() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("content")).unwrap();
    std::fs::write(outside.path().join("content/a.md"), SMALL).unwrap();
    std::fs::write(outside.path().join("handout.toml"), "organisation = \"Somewhere else\"\n").unwrap();
    let dir = Dir::new();
    std::os::unix::fs::symlink(outside.path().join("content"), dir.path().join("content")).unwrap();
    dir.run(&["check"])
        .fails_with(1, "content/a.md:1:1: error[io]: cannot read the file: it is outside the project root");
    std::os::unix::fs::symlink(outside.path().join("handout.toml"), dir.path().join("handout.toml")).unwrap();
    let run = dir.run(&["build"]);
    run.fails_with(1, "handout.toml:1:1: error[io]: cannot read the file: it is outside the project root");
    assert!(!outside.path().join("dist").exists(), "built into the folder a link leads to");
}
