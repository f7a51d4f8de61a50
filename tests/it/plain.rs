//! The plain-language review through the command: findings at their place, settings in
//! handout.toml and per handout, silencing a finding, a project's own word list, and the
//! scores in `check --json`.

use crate::util::Dir;

const HEAD: &str =
    "+++\ntitle = \"Foot care\"\nsummary = \"Check your feet every day.\"\n[contact]\nphone = \"1-800-555-0100\"\n";

fn handout(front: &str, body: &str) -> String {
    format!("{HEAD}{front}+++\n{body}")
}

const BODY: &str = "Patients should utilize a mirror to see the soles. Your feet are checked by the nurse at each visit.\n\n## Other\n\nCall us if a sore does not heal.\n";

#[test]
fn findings_are_warnings_at_their_place_with_a_plain_alternative() {
    let dir = Dir::new();
    dir.write("content/feet.md", &handout("", BODY));
    let run = dir.run(&["check"]);
    run.success();
    for expected in [
        "content/feet.md:7:1: warning[plain-language]: \"Patients should\" speaks about the reader, not to them [speak-to-reader]",
        "content/feet.md:7:17: warning[plain-language]: \"utilize\" is a word many readers do not know [complex-words]\n  hint: write \"use\"",
        "content/feet.md:7:62: warning[plain-language]: passive voice (\"are checked\") in \"Your feet are checked by the nurse at each visit.\" [passive-voice]",
        "content/feet.md:9:4: warning[plain-language]: the heading \"Other\" does not say what follows [headings]",
    ] {
        assert!(run.stderr.contains(expected), "missing {expected:?} in:\n{}", run.stderr);
    }
    assert!(run.stdout.contains("content/feet.md: plain language: PEMAT-P understandability"), "{}", run.stdout);
}

#[test]
fn settings_turn_rules_off_per_project_and_per_handout_and_a_comment_silences_one_place() {
    let dir = Dir::new();
    dir.write("handout.toml", "[plain-language]\noff = [\"speak-to-reader\"]\nsentence-words = 8\n");
    let silenced = BODY.replace(" Your feet", "\n\n<!-- plain: ignore -->\nYour feet");
    dir.write("content/feet.md", &handout("[plain-language]\noff = [\"headings\"]\n", &silenced));
    let run = dir.run(&["check"]);
    assert!(!run.stderr.contains("[speak-to-reader]"), "{}", run.stderr);
    assert!(!run.stderr.contains("[headings]"), "{}", run.stderr);
    assert!(!run.stderr.contains("[passive-voice]"), "the comment silences the next paragraph:\n{}", run.stderr);
    assert!(run.stderr.contains("a long sentence: 9 words [long-sentences]"), "{}", run.stderr);
    dir.write("handout.toml", "[plain-language]\noff = [\"passive\"]\nsentence-wrds = 8\n");
    let run = dir.run(&["check"]);
    run.fails_with(1, "handout.toml:2:8: error[settings]: unknown plain-language rule `passive`\n  hint: did you mean \"passive-voice\"?");
    assert!(run.stderr.contains("handout.toml:3:1: error[settings]: unknown key `sentence-wrds`"), "{}", run.stderr);
}

#[test]
fn a_project_word_list_adds_and_takes_out_words_and_its_faults_are_located() {
    let dir = Dir::new();
    dir.write("assets/plain-words/en.toml", "[words]\n\"mirror\" = \"looking glass\"\n\"utilize\" = \"\"\n");
    dir.write("content/feet.md", &handout("", BODY));
    let run = dir.run(&["check"]);
    assert!(run.stderr.contains("\"mirror\" is a word many readers do not know"), "{}", run.stderr);
    assert!(!run.stderr.contains("\"utilize\""), "{}", run.stderr);
    dir.write("assets/plain-words/en.toml", "[words]\n\"mirror\" = 3\n[extra]\n");
    dir.run(&["check"]).fails_with(
        1,
        "assets/plain-words/en.toml:2:1: error[plain-language]: `mirror` should be its plain alternative",
    );
}

#[test]
fn check_json_gives_each_handout_its_scores() {
    let dir = Dir::new();
    dir.write("content/feet.md", &handout("", BODY));
    let run = dir.run(&["check", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let scores = &report["handouts"][0]["scores"];
    assert_eq!(report["handouts"][0]["slug"], "feet");
    assert_eq!(scores["sentences"], 4, "{scores}");
    assert_eq!(scores["passive_sentences_percent"], 25.0, "{scores}");
    let understandability = &scores["pemat_understandability"];
    assert_eq!(understandability["met"]["5 active voice"], false, "{scores}");
    assert_eq!(understandability["met"]["11 informative headers"], false, "{scores}");
    assert_eq!(scores["pemat_actionability"]["met"]["20 at least one action"], true, "{scores}");
    assert!(understandability["for_a_person"].as_array().unwrap().len() >= 5);
}

#[test]
fn the_samples_meet_every_item_a_program_can_decide() {
    let dir = Dir::with_sample();
    let run = dir.run(&["check", "--json"]);
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(!report["diagnostics"].to_string().contains("plain-language"), "{}", report["diagnostics"]);
    let handouts = report["handouts"].as_array().unwrap();
    assert_eq!(handouts.len(), 2);
    for handout in handouts {
        for items in ["pemat_understandability", "pemat_actionability", "clear_communication_index"] {
            assert_eq!(
                handout["scores"][items]["percent_met"], 100.0,
                "{} {items}: {}",
                handout["slug"], handout["scores"]
            );
        }
    }
}
