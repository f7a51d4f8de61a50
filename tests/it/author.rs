//! The author's first hour: every fault of a file in one run, at its place, with a hint that
//! leads to the fix; the cause once, not its echoes; a summary line always.

use crate::util::Dir;

const CONTACT: &str = "[contact]\nphone = \"1-800-555-0100\"\n";

/// The lines of stderr that are findings or hints, in order.
fn findings(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(": error[") || l.contains(": warning[") || l.starts_with("  hint:")).collect()
}

#[test]
fn every_fault_of_a_file_is_reported_in_one_run_at_its_place() {
    let dir = Dir::new();
    dir.write(
        "content/x.md",
        &format!(
            "+++\ntitle = \"Skin care\"\nsubtitel = \"x\"\nsummary = \"Care for your skin.\"\n{CONTACT}[outputs.t]\nformat = \"pdf\"\npaper = \"A4\"\nlayuot = \"page\"\ncolumns = \"2\"\nsections = [\"skn\", \"intro\", \"bogus\"]\n[outputs.u]\nformat = \"pdf\"\npaper = \"leter\"\n+++\nIntro.\n\n## Skin {{#skin}}\n\nText.\n"
        ),
    );
    let run = dir.run(&["check"]);
    run.fails_with(1, "");
    assert_eq!(
        findings(&run.stderr),
        [
            "content/x.md:3:1: error[front-matter]: unknown key `subtitel` in the front matter",
            "  hint: did you mean `subtitle`?",
            "content/x.md:12:13: error[profile]: there is no section `skn` in this handout (profile `t`)",
            "  hint: did you mean `skin`? this handout's sections are: intro, skin",
            "content/x.md:12:29: error[profile]: there is no section `bogus` in this handout (profile `t`)",
            "  hint: this handout's sections are: intro, skin",
            "content/x.md:11:11: error[profile]: `columns` should be a whole number (profile `t`)",
            "  hint: write a whole number without quotes, e.g. `columns = 2`",
            "content/x.md:10:1: error[profile]: unknown key `layuot` in `[outputs.t]` (profile `t`)",
            "  hint: did you mean `layout`?",
            "content/x.md:15:9: error[profile]: `paper = \"leter\"` is not one of the choices (profile `u`)",
            "  hint: did you mean `letter`? paper is one of `letter`, `a4`, `a5`, `legal`",
        ],
        "{}",
        run.stderr
    );
    assert!(run.stderr.ends_with("checked 1 handout: 6 errors, 0 warnings\n"), "{}", run.stderr);
}

#[test]
fn a_missing_file_is_reported_once_with_a_hint_and_not_echoed() {
    let dir = Dir::new();
    dir.write("content/shared.bib", "@misc{a, title = {A}, author = {Doe, Jane}, year = {2020}}\n");
    dir.write("content/own.bib", "@misc{b, title = {B}, author = {Roe, Rick}, year = {2021}}\n");
    let text = |bibliography: &str| {
        format!(
            "+++\ntitle = \"T\"\nsummary = \"S.\"\nbibliography = {bibliography}\n{CONTACT}+++\nOne [@a], two [@b], three [@a; @b].\n\n![A foot](foot.png)\n"
        )
    };
    dir.write("content/x.md", &text("[\"shared.bib\", \"missing.bib\"]"));
    let run = dir.run(&["check"]);
    run.fails_with(1, "");
    assert_eq!(
        findings(&run.stderr),
        [
            "content/x.md:4:31: error[path]: bibliography `missing.bib`: no such file (looked for content/missing.bib)",
            "  hint: write the path of the .bib file relative to this handout, e.g. `bibliography = \"sources.bib\"`; the citations from it are not checked until it is found",
            "content/x.md:10:11: error[path]: image `foot.png`: no such file (looked for content/foot.png)",
            "  hint: the path is relative to this handout: from content/, an image in assets/ is `../assets/name.png`",
        ],
        "{}",
        run.stderr
    );
    // A list of bibliographies: a shared one and the handout's own.
    dir.write("content/x.md", &text("[\"shared.bib\", \"own.bib\"]").replace("\n![A foot](foot.png)\n", ""));
    dir.run(&["check"]).success();
}

#[test]
fn a_duplicate_section_names_both_places_and_an_overfull_tri_fold_its_sections() {
    let dir = Dir::new();
    dir.write(
        "content/x.md",
        &format!("+++\ntitle = \"T\"\nsummary = \"S.\"\n{CONTACT}+++\nIntro.\n\n## Skin\n\nA.\n\n## Skin\n\nB.\n"),
    );
    let run = dir.run(&["check"]);
    run.fails_with(1, "content/x.md:13:1: error[section]: section id `skin` is used twice: at line 9 and here");
    assert!(
        run.stderr
            .contains("hint: give the heading at line 13 its own id with `{#other-id}` at the end, e.g. `{#skin-2}`")
    );
    let sentence = "Wash your feet every day with warm water and dry them well between the toes. ";
    let body: String = (1..=6).map(|i| format!("## Part {i}\n\n{}\n\n", sentence.repeat(12))).collect();
    dir.write(
        "content/x.md",
        &format!("+++\ntitle = \"T\"\nsummary = \"S.\"\n{CONTACT}\n[outputs.fold]\nformat = \"pdf\"\nlayout = \"trifold\"\n+++\nIntro.\n\n{body}"),
    );
    dir.run(&["check"]).fails_with(
        1,
        "content/x.md:7:1: error[pdf]: the tri-fold's three inside panels are full: the end of “Part 5”, “Part 6” do not fit (profile `fold`)",
    );
}

#[test]
fn commands_find_the_project_from_inside_it_and_say_what_they_looked_for() {
    let dir = Dir::new();
    dir.run(&["new", "sleep"]).success();
    // No handout.toml: the nearest content/ upward is used.
    let run = dir.run_in("content", &["list"]);
    assert!(run.success().stdout.starts_with("sleep  "), "{}", run.stdout);
    dir.write("handout.toml", "organisation = \"Clinic\"\n");
    std::fs::create_dir_all(dir.path().join("content/deep")).unwrap();
    let run = dir.run_in("content/deep", &["check"]);
    assert!(run.success().stdout.lines().last().is_some_and(|l| l.starts_with("checked 1 handout")), "{}", run.stdout);
    let empty = Dir::new();
    empty.run(&["check"]).fails_with(
        2,
        "error: looked for a content/ folder and a handout.toml here and in the folders above, and found neither",
    );
}

#[test]
fn check_and_build_end_with_a_summary_and_json_counts_what_failed() {
    let dir = Dir::new();
    dir.write(
        "content/good.md",
        &format!("+++\ntitle = \"Good\"\nsummary = \"S.\"\n{CONTACT}[outputs.t]\nformat = \"sms\"\n+++\nText.\n"),
    );
    dir.write("content/bad.md", "+++\ntitle = \"Bad\"\nsummary = \"S.\"\n+++\nText.\n");
    let run = dir.run(&["build"]);
    run.fails_with(1, "content/bad.md:1:1: error[contact]: the handout has no help-line phone number");
    let summary = run.stderr.lines().last().unwrap();
    assert!(
        summary.starts_with("built 3 files for 2 handouts in ") && summary.ends_with(" s (1 not built, 1 error)"),
        "{summary}"
    );
    let json = dir.run(&["build", "--json", "--force"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!((report["handouts"].as_u64(), report["failed"].as_u64()), (Some(2), Some(1)), "{report}");
    let check = dir.run(&["check"]);
    assert_eq!(check.stderr.lines().last().unwrap(), "checked 2 handouts: 1 error, 0 warnings");
}

#[test]
fn building_one_profile_says_nothing_of_the_others() {
    let dir = Dir::new();
    // `a` has a booklet whose cover is landscape (a warning); `b` has no booklet at all.
    dir.write_png("content/wide.png", 900, 300, [40, 90, 120]);
    dir.write(
        "content/a.md",
        &format!("+++\ntitle = \"A\"\nsummary = \"S.\"\n{CONTACT}[outputs.sms]\nformat = \"sms\"\n[outputs.booklet]\nformat = \"epub\"\ncover = \"wide.png\"\n+++\nText.\n"),
    );
    dir.write(
        "content/b.md",
        &format!("+++\ntitle = \"B\"\nsummary = \"S.\"\n{CONTACT}[outputs.sms]\nformat = \"sms\"\n+++\nText.\n"),
    );
    let run = dir.run(&["build", "--profile", "booklet"]);
    run.success();
    assert!(run.stderr.contains("warning[epub]"), "the booklet's own warning is shown:\n{}", run.stderr);
    assert!(
        run.stdout.ends_with("(0 errors, 1 warning)\n"),
        "`b` is not up to date, it has no booklet:\n{}",
        run.stdout
    );
    let run = dir.run(&["build", "--profile", "sms"]);
    assert!(!run.success().stderr.contains("warning[epub]"), "{}", run.stderr);
}

#[test]
fn a_hard_section_is_one_finding_naming_its_outputs_and_its_hardest_sentences() {
    let dir = Dir::new();
    dir.write(
        "content/x.md",
        &format!(
            "+++\ntitle = \"T\"\nsummary = \"S.\"\n{CONTACT}[outputs.leaflet]\nformat = \"pdf\"\n[outputs.booklet]\nformat = \"epub\"\n[outputs.web]\nformat = \"html\"\n[outputs.sms]\nformat = \"sms\"\n+++\nSleep helps you. Rest is good.\n\n## Hard {{#hard}}\n\nEat well. Notwithstanding multifactorial pathophysiological considerations, clinicians individualize pharmacotherapeutic interventions. Walk a bit each day.\n"
        ),
    );
    let run = dir.run(&["check"]);
    let levels: Vec<&str> = run.stderr.lines().filter(|l| l.contains("reading-level")).collect();
    assert_eq!(levels.len(), 1, "{}", run.stderr);
    assert!(
        levels[0].starts_with("content/x.md:17:1: warning[reading-level]: section `hard` (in outputs `leaflet`, `booklet`, `web`) reads at grade"),
        "{}",
        levels[0]
    );
    let hint = run.stderr.lines().find(|l| l.contains("hardest sentences")).unwrap();
    assert!(hint.contains("\"Notwithstanding") && !hint.contains("Eat well") && !hint.contains("Walk a bit"), "{hint}");
}

#[test]
fn a_shared_bibliography_s_uncited_source_is_named_once() {
    let dir = Dir::new();
    dir.write(
        "content/shared.bib",
        "@misc{used, title = {U}, author = {Doe, Jane}, year = {2020}}\n@misc{unused, title = {N}, author = {Roe, Rick}, year = {2021}}\n",
    );
    for name in ["a", "b"] {
        dir.write(
            &format!("content/{name}.md"),
            &format!("+++\ntitle = \"{name}\"\nsummary = \"S.\"\nbibliography = \"shared.bib\"\n{CONTACT}+++\nText [@used].\n"),
        );
    }
    let run = dir.run(&["check"]);
    assert_eq!(
        findings(&run.stderr),
        [
            "content/shared.bib:2:6: warning[citation]: source `unused` is defined but never cited",
            "  hint: cite it with [@key] where it supports the text, or remove it",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn checking_a_translation_alone_compares_it_with_its_original() {
    let dir = Dir::new();
    dir.write(
        "content/care.md",
        &format!("+++\ntitle = \"Care\"\nsummary = \"S.\"\nreviewed = 2026-11-01\n{CONTACT}+++\nIntro.\n\n## Feet {{#feet}}\n\nA.\n\n## Shoes {{#shoes}}\n\nB.\n"),
    );
    dir.write(
        "content/care.es.md",
        &format!("+++\ntitle = \"Cuidado\"\nsummary = \"S.\"\nlang = \"es\"\ntranslation-of = \"care\"\nreviewed = 2026-10-01\n{CONTACT}+++\nIntro.\n\n## Pies {{#feet}}\n\nA.\n\n## Extra {{#extra}}\n\nC.\n"),
    );
    // Only the translation's findings here, not the plain-language review's.
    dir.write("handout.toml", "[plain-language]\nenabled = false\n");
    let run = dir.run(&["check", "content/care.es.md"]);
    run.fails_with(1, "");
    assert_eq!(
        findings(&run.stderr),
        [
            "content/care.es.md:5:1: error[translation]: section `shoes` of the original is missing",
            "  hint: translate it, keeping its id: `## ... {#shoes}`",
            "content/care.es.md:16:1: warning[translation]: section `extra` is not in the original",
            "  hint: give it the id of the original's section it translates (`{#id}` after the heading), or add it to the original",
            "content/care.es.md:5:1: warning[translation]: the original was reviewed on 2026-11-01, after this translation (2026-10-01)",
            "  hint: compare the two and update the translation",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn a_new_handout_is_dated_today_and_its_example_text_is_flagged_until_replaced() {
    let dir = Dir::new();
    dir.run(&["new", "sleep"]).success();
    let text = dir.read_text("content/sleep.md");
    let today = handout::clock().today();
    assert!(text.contains(&format!("\nreviewed = {today}\n")), "{text}");
    assert!(text.contains(&format!("\nnext-review = {}\n", today.a_year_later())), "{text}");
    assert!(text.contains("\n# [outputs.leaflet]\n# format = \"pdf\"\n"), "a commented example of outputs: {text}");
    let run = dir.run(&["check"]);
    run.success();
    assert!(
        run.stderr.starts_with("content/sleep.md:3:10: warning[placeholder]: the example text of `handout new` is still here and on lines 4, 17, 19, 26,"),
        "{}",
        run.stderr
    );
    // Replaced: the warning goes.
    let mut own = text.clone();
    for (example, replacement) in [
        ("Replace with the handout's title", "Sleep"),
        ("Replace with what this handout is about, in one plain sentence.", "Good sleep helps your body heal."),
        ("Replace this with a real source", "About sleep"),
        ("https://example.org/help", "https://clinic.test/help"),
        ("https://example.org/", "https://www.cdc.gov/sleep/"),
        (
            "Replace this with two or three short sentences that tell the reader why this matters to them",
            "Sleep helps you feel well",
        ),
        ("Replace this: explain the topic in plain words. Keep sentences short.", "Adults need 7 hours or more."),
        ("Replace this with one thing to try.", "Go to bed at the same time."),
        ("Replace this with another thing to try.", "Keep screens out of the bedroom."),
        ("Replace this: say when to call for help right away.", "Call if you cannot stay awake at work."),
    ] {
        assert!(own.contains(example), "{example}");
        own = own.replace(example, replacement);
    }
    dir.write("content/sleep.md", &own);
    let run = dir.run(&["check"]);
    assert!(!run.stderr.contains("placeholder"), "{}", run.stderr);
}

#[test]
fn list_and_sms_speak_json_and_plain_english() {
    let dir = Dir::new();
    dir.write(
        "content/x.md",
        &format!("+++\ntitle = \"T\"\nsummary = \"Está bien.\"\nlang = \"es\"\n{CONTACT}[outputs.text]\nformat = \"sms\"\nsegments = 2\nopt-out = false\n+++\nA.\n"),
    );
    let list = dir.run(&["list", "--json"]);
    let listing: serde_json::Value = serde_json::from_str(&list.success().stdout).unwrap();
    assert_eq!(
        listing[0]["outputs"][0]["files"],
        serde_json::json!(["dist/x/text.txt", "dist/x/text.json", "dist/x/text.csv"])
    );
    let sms = dir.run(&["sms", "--json"]);
    let messages: serde_json::Value = serde_json::from_str(&sms.success().stdout).unwrap();
    assert_eq!(messages[0]["messages"][0]["encoding"], "UCS-2", "{messages}");
    let plain = dir.run(&["sms"]);
    assert!(
        plain.success().stdout.contains("UCS-2 because of: 'á' (U+00E1) at character 4; `encoding = \"gsm7\"` in the profile sends it as GSM-7 without accents"),
        "{}",
        plain.stdout
    );
}
