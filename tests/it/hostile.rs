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
    assert!(dir.files("dist").iter().all(|f| f.ends_with(".handout-cache")), "{:?}", dir.files("dist"));
}

/// Every output under `dist/`; the build cache is left out, since it records when each output
/// was written.
fn snapshot(dir: &Dir) -> BTreeMap<String, Vec<u8>> {
    assert!(dir.path().join("dist/.handout-cache").is_file(), "no build cache in {:?}", dir.files("dist"));
    dir.files("dist")
        .into_iter()
        .filter(|f| !f.ends_with(".handout-cache"))
        .map(|f| (f.clone(), dir.read(&f)))
        .collect()
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
