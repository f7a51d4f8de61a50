//! The content format, model, citations and the four subcommands.

use crate::util::Dir;

const MINIMAL: &str = r#"+++
title = "Sleep"
summary = "How to sleep better."
[contact]
phone = "1-800-555-0100"
+++

Sleep matters [@a].

## Tips

Keep a routine.
"#;

fn with_source(front: &str, body: &str) -> String {
    format!(
        "+++\n{front}\n[[sources]]\nid = \"a\"\ntitle = \"A source\"\nauthors = [\"Doe, Jane\"]\nyear = 2020\n\n[contact]\nphone = \"1-800-555-0100\"\n+++\n{body}"
    )
}

#[test]
fn check_is_clean_on_the_sample() {
    let dir = Dir::with_sample();
    let run = dir.run(&["check", "content"]);
    run.success();
    assert!(run.stdout.contains("no problems"), "{}", run.stdout);
}

#[test]
fn new_handout_passes_check() {
    let dir = Dir::new();
    dir.run(&["new", "sleep-hygiene"]).success();
    assert!(dir.path().join("content/sleep-hygiene.md").is_file());
    dir.run(&["check", "content/sleep-hygiene.md"]).success();
    // A second `new` with the same slug refuses to overwrite.
    dir.run(&["new", "sleep-hygiene"]).fails_with(2, "already exists");
    dir.run(&["new", "Bad Slug"]).fails_with(2, "not a valid slug");
}

#[test]
fn list_shows_sections_and_profiles_in_order() {
    let dir = Dir::with_sample();
    let run = dir.run(&["list"]);
    run.success();
    let out = &run.stdout;
    let order: Vec<usize> = ["intro", "what-it-is", "symptoms", "causes", "treatment", "coping", "get-help"]
        .iter()
        .map(|id| out.find(&format!("    {id} ")).unwrap_or_else(|| panic!("{id} missing:\n{out}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{out}");
    assert!(out.contains("leaflet") && out.contains("booklet") && out.contains("sms"), "{out}");
    assert!(out.contains("sections: intro, symptoms, treatment, get-help"), "{out}");
}

#[test]
fn every_front_matter_key_is_read() {
    let dir = Dir::new();
    dir.write("content/b.bib", "@article{k1, author={Doe, Jane}, title={T}, journal={J}, year={2020}}\n");
    dir.write(
        "content/x.md",
        r#"+++
title = "Título"
subtitle = "Sub"
summary = "Sum."
lang = "es-MX"
slug = "custom-slug"
translation-of = "original"
authors = ["A. Author", "B. Author"]
reviewed = 2026-11-01
next-review = 2027-11-01
keywords = ["k1", "k2"]
bibliography = "b.bib"
citation-style = "ama"
sms = ["Hola. Llame al 1-800-555-0100."]

[[sources]]
id = "inline"
type = "webpage"
title = "Web"
authors = ["Org"]
url = "https://example.org/"
year = 2024
accessed = 2026-11-01

[contact]
name = "Línea"
phone = "1-800-555-0100"
url = "https://example.org/help"
hours = "24/7"

[outputs.hoja]
format = "pdf"
sections = ["tips", "intro"]
citations = "none"
paper = "a4"
layout = "page"
columns = 2
large-print = true
accessible = true
bleed = 3.0
crop-marks = true

[outputs.libro]
format = "epub"
exclude = ["intro"]
embed-fonts = true

[outputs.texto]
format = "sms"
segments = 2
encoding = "gsm7"
include-url = true
opt-out = { es = "STOP para salir" }
+++
Intro [@k1; @inline].

## Tips

Text.
"#,
    );
    let run = dir.run(&["list", "content/x.md"]);
    run.success();
    assert!(run.stdout.contains("custom-slug  Título  [es-MX]"), "{}", run.stdout);
    assert!(run.stdout.contains("sections: tips, intro"), "{}", run.stdout);
    let libro = run.stdout.lines().find(|l| l.trim_start().starts_with("libro")).unwrap();
    assert!(libro.ends_with("epub  sections: tips"), "{}", run.stdout);
    dir.run(&["check", "content/x.md"]).success();
}

#[test]
fn errors_point_at_path_line_and_column() {
    let cases: &[(&str, &str, &str)] = &[
        // Unknown key with a suggestion.
        (
            "+++\ntitel = \"x\"\nsummary = \"s\"\n+++\nText\n",
            "content/x.md:2:1: error[front-matter]: unknown key `titel` in the front matter",
            "did you mean `title`?",
        ),
        // Missing required key: reported at the opening fence.
        (
            "+++\nsummary = \"s\"\n+++\nText\n",
            "content/x.md:2:1: error[front-matter]: the front matter has no `title`",
            "add `title = \"...\"`",
        ),
        // Wrong type.
        (
            "+++\ntitle = 5\nsummary = \"s\"\n+++\nText\n",
            "content/x.md:2:9: error[front-matter]: `title` should be text",
            "double quotes",
        ),
        // No closing fence.
        (
            "+++\ntitle = \"x\"\n",
            "content/x.md:1:1: error[front-matter]: the front matter opened here is never closed",
            "add a line",
        ),
        // No opening fence.
        ("# Title\n", "content/x.md:1:1: error[front-matter]: expected `+++`", ""),
        // Empty file.
        ("", "content/x.md:1:1: error[front-matter]: the file is empty", ""),
        // Undefined citation, with its own line and column.
        (
            &with_source("title = \"x\"\nsummary = \"s\"", "\nLine.\n\nSee [@b] now.\n"),
            "content/x.md:16:6: error[citation]: citation `@b` has no source",
            "",
        ),
        // Near-miss citation key.
        (
            &with_source("title = \"x\"\nsummary = \"s\"", "\nSee [@aa].\n"),
            "content/x.md:14:6: error[citation]",
            "did you mean `@a`?",
        ),
        // Unknown section in a profile.
        (
            &with_source(
                "title = \"x\"\nsummary = \"s\"\n[outputs.p]\nformat = \"pdf\"\nsections = [\"tipz\"]",
                "\nIntro [@a].\n\n## Tips\n\nx\n",
            ),
            "content/x.md:6:13: error[profile]: there is no section `tipz` in this handout (profile `p`)",
            "did you mean `tips`?",
        ),
        // A key of another format.
        (
            &with_source(
                "title = \"x\"\nsummary = \"s\"\n[outputs.p]\nformat = \"epub\"\nsegments = 2",
                "\nIntro [@a].\n",
            ),
            "content/x.md:6:1: error[profile]: unknown key `segments` in `[outputs.p]`",
            "`segments` is a sms key, and profile `p` has format `epub`",
        ),
        // Unknown format.
        (
            &with_source("title = \"x\"\nsummary = \"s\"\n[outputs.p]\nformat = \"pfd\"", "\nIntro [@a].\n"),
            "content/x.md:5:10: error[profile]: `format = \"pfd\"` is not one of the choices",
            "did you mean `pdf`?",
        ),
        // A date with a time.
        (
            &with_source("title = \"x\"\nsummary = \"s\"\nreviewed = 2026-11-01T10:00:00", "\nIntro [@a].\n"),
            "content/x.md:4:12: error[front-matter]: `reviewed` must be a date without a time",
            "",
        ),
        // Bad language tag.
        (
            &with_source("title = \"x\"\nsummary = \"s\"\nlang = \"english language\"", "\nIntro [@a].\n"),
            "content/x.md:4:8: error[front-matter]: `lang = \"english language\"` is not a language tag",
            "",
        ),
        // Image without alt text, and one outside the project.
        (
            &with_source("title = \"x\"\nsummary = \"s\"", "\nIntro [@a].\n\n![](pic.png)\n"),
            "content/x.md:16:1: error[image]: image `pic.png` has no alt text",
            "",
        ),
        (
            &with_source("title = \"x\"\nsummary = \"s\"", "\nIntro [@a].\n\n![A pic](../../../etc/passwd)\n"),
            "content/x.md:16:10: error[path]: image `../../../etc/passwd`: it is outside the project root",
            "copy the image into the project",
        ),
        // Bibliography outside the project root.
        (
            &with_source("title = \"x\"\nsummary = \"s\"\nbibliography = \"/etc/hostname\"", "\nIntro [@a].\n"),
            "content/x.md:4:16: error[path]: bibliography `/etc/hostname`: absolute paths are not allowed",
            "",
        ),
        // Raw HTML.
        (
            &with_source("title = \"x\"\nsummary = \"s\"", "\nIntro [@a].\n\n<script>alert(1)</script>\n"),
            "content/x.md:16:1: error[markdown]: raw HTML",
            "",
        ),
        // Duplicate section ids.
        (
            &with_source("title = \"x\"\nsummary = \"s\"", "\nIntro [@a].\n\n## Tips\n\nx\n\n## Tips\n\ny\n"),
            "content/x.md:20:1: error[section]: section id `tips` is used twice",
            "",
        ),
        // A `#` heading.
        (
            &with_source("title = \"x\"\nsummary = \"s\"", "\n# Big\n\nIntro [@a].\n"),
            "content/x.md:14:1: error[markdown]: a `#` heading",
            "start sections with `##`",
        ),
        // No help line anywhere.
        (
            "+++\ntitle = \"x\"\nsummary = \"s\"\n+++\nText\n",
            "content/x.md:1:1: error[contact]: the handout has no help-line phone number",
            "",
        ),
        // Unknown citation style.
        (
            &with_source("title = \"x\"\nsummary = \"s\"\ncitation-style = \"vancover\"", "\nIntro [@a].\n"),
            "content/x.md:4:18: error[citation]: unknown citation style `vancover`",
            "",
        ),
    ];
    for (text, expected, hint) in cases {
        let dir = Dir::new();
        dir.write("content/x.md", text);
        let run = dir.run(&["check", "content/x.md"]);
        run.fails_with(1, expected);
        assert!(run.stderr.contains(hint), "hint {hint:?} missing:\n{}", run.stderr);
        // `build` refuses the same input and writes nothing.
        dir.run(&["build", "content/x.md"]).fails_with(1, expected);
        assert!(dir.files("dist").is_empty(), "{:?}", dir.files("dist"));
    }
}

#[test]
fn bom_crlf_and_invalid_utf8() {
    let dir = Dir::new();
    let crlf = MINIMAL.replace('\n', "\r\n").replace("[@a]", "");
    dir.write_bytes("content/x.md", &[b"\xEF\xBB\xBF".as_slice(), crlf.as_bytes()].concat());
    dir.run(&["check", "content/x.md"]).success();
    dir.write_bytes("content/x.md", b"+++\ntitle = \"a\xFF\"\n");
    dir.run(&["check", "content/x.md"])
        .fails_with(1, "content/x.md:2:11: error[encoding]: the file is not valid UTF-8 (at byte offset 14)");
}

#[test]
fn bibtex_errors_point_into_the_bib_file() {
    let dir = Dir::new();
    dir.write("content/s.bib", "@article{ok, title={T}, year={2020}}\n\n@article{bad, title={T} year={2020}}\n");
    dir.write(
        "content/x.md",
        &MINIMAL.replace("[contact]", "bibliography = \"s.bib\"\n[contact]").replace("[@a]", "[@ok]"),
    );
    dir.run(&["check", "content/x.md"])
        .fails_with(1, "content/s.bib:3:25: error[bibliography]: BibTeX: expected comma");
}

#[test]
fn duplicate_source_ids_are_an_error() {
    let dir = Dir::new();
    dir.write("content/s.bib", "@article{a, title={T}, year={2020}}\n");
    dir.write(
        "content/x.md",
        &with_source("title = \"x\"\nsummary = \"s\"\nbibliography = \"s.bib\"", "\nIntro [@a].\n"),
    );
    dir.run(&["check", "content/x.md"]).fails_with(1, "source `a` is defined twice");
}

#[test]
fn usage_errors_exit_2() {
    let dir = Dir::new();
    dir.run(&["build", "nowhere"]).fails_with(2, "nowhere does not exist");
    dir.run(&["frobnicate"]).fails_with(2, "unrecognized subcommand");
}

#[test]
fn one_bad_handout_does_not_stop_the_others() {
    let dir = Dir::new();
    dir.write("content/good.md", &MINIMAL.replace(" [@a]", ""));
    dir.write("content/bad.md", "+++\ntitle = 1\n+++\n");
    let run = dir.run(&["build", "--profile", "sms"]);
    run.fails_with(1, "content/bad.md:2:9");
    assert_eq!(
        dir.files("dist"),
        ["dist/.handout-cache/good.json", "dist/good/sms.csv", "dist/good/sms.json", "dist/good/sms.txt"]
    );
}

#[test]
fn the_project_root_is_found_upward_and_its_settings_apply() {
    let dir = Dir::new();
    dir.write("handout.toml", "organisation = \"Riverside Clinic\"\n[contact]\nphone = \"1-800-555-0199\"\n[outputs.text]\nformat = \"sms\"\n");
    dir.write("content/deep/x.md", "+++\ntitle = \"Sleep\"\nsummary = \"Sleep well.\"\n+++\nText.\n");
    let run = dir.run(&["build", "content"]);
    run.success();
    let sms = dir.read_text("dist/x/text.txt");
    assert!(sms.contains("Riverside Clinic: Sleep well. Call 1-800-555-0199. Reply STOP to opt out."), "{sms}");
    // A misspelt key in handout.toml is reported there.
    dir.write("handout.toml", "organization = \"x\"\nbrand-colr = \"#fff\"\n");
    dir.run(&["check", "content"])
        .fails_with(1, "handout.toml:2:1: error[settings]: unknown key `brand-colr` in handout.toml");
}

/// Formats every source of the sample's bibliography with Vancouver, each cited once in order.
fn sample_references() -> Vec<(String, String)> {
    use handout::cite;
    let path = crate::util::repo().join("content/emotional-numbness.bib");
    let source = handout::diagnostic::SourceText::new(&path, std::fs::read_to_string(&path).unwrap());
    let sources = cite::parse_bibtex(&source).unwrap();
    let groups: Vec<Vec<String>> = sources.iter().map(|s| vec![s.key.clone()]).collect();
    let styles = cite::Styles::default();
    let style = styles.get(&handout::model::CitationStyle::Vancouver).unwrap();
    let formatted = cite::format(&sources, &groups, &style, &styles.locales("en"));
    assert!(formatted.numeric);
    formatted.entries.into_iter().map(|e| (e.label, cite::plain(&e.runs))).collect()
}

#[test]
fn vancouver_text_of_the_sample_sources() {
    let references = sample_references();
    assert_eq!(references.len(), 16);
    assert_eq!(
        references[0],
        (
            "1.".to_string(),
            "Kerig PK, Bennett DC, Chaplo SD, Modrowski CA, McGee AB. Numbing of positive, negative, and general emotions: Associations with trauma exposure, posttraumatic stress, and depressive symptoms among justice-involved youth. Journal of Traumatic Stress. 2016;29(2):111–9. doi:10.1002/jts.22087".to_string()
        )
    );
    assert_eq!(
        references[5].1,
        "U.S. Department of Veterans Affairs, National Center for PTSD. Avoidance [Internet]. [cited 2026 Nov 1]. Available from: https://www.ptsd.va.gov/understand/what/avoidance.asp"
    );
    assert_eq!(
        references[14].1,
        "Alexander W. Pharmacotherapy for post-traumatic stress disorder in combat veterans: Focus on antidepressants and atypical antipsychotic agents. Pharmacy and Therapeutics. 2012;37(1):32–8. PMID: 22346334"
    );
    assert_eq!(references[15].0, "16.");
}

#[test]
fn vancouver_matches_citeproc() {
    let Some(pandoc) = crate::util::tool("pandoc", &["--version"]) else { return };
    let dir = Dir::new();
    dir.write("nocite.md", "---\nnocite: '@*'\n---\n");
    let style = crate::util::repo().join("assets/styles/vancouver.csl");
    let bib = crate::util::repo().join("content/emotional-numbness.bib");
    let output = std::process::Command::new(pandoc)
        .args(["-t", "plain", "--wrap=none", "--citeproc", "--csl"])
        .arg(&style)
        .arg("--bibliography")
        .arg(&bib)
        .arg(dir.path().join("nocite.md"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // Pandoc's plain writer turns ' into ’ (smart typography); handout keeps what the .bib says.
    let expected: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.replace('\u{2019}', "'"))
        .collect();
    let ours = sample_references();
    assert_eq!(ours.len(), expected.len());
    let identifiers = regex::Regex::new(r"^( doi:\S+)?( PMID: \d+)?$").unwrap();
    for ((label, text), reference) in ours.iter().zip(&expected) {
        let reference_text =
            reference.strip_prefix(&format!("{label} ")).unwrap_or_else(|| panic!("{reference} lacks {label}"));
        // Pandoc's Vancouver output, then only the DOI/PMID that handout adds where the style prints none.
        let rest =
            text.strip_prefix(reference_text).unwrap_or_else(|| panic!("\nours:   {text}\npandoc: {reference_text}"));
        assert!(identifiers.is_match(rest), "unexpected tail {rest:?}");
    }
}

#[test]
fn citations_are_numbered_by_first_use_within_the_profile() {
    let dir = Dir::new();
    let sources: String = ["a", "b", "c", "d"]
        .iter()
        .map(|k| format!("[[sources]]\nid = \"{k}\"\ntitle = \"Source {k}\"\nauthors = [\"Doe, Jane\"]\nyear = 2020\n"))
        .collect();
    dir.write(
        "content/x.md",
        &format!("+++\ntitle = \"x\"\nsummary = \"s\"\n{sources}[contact]\nphone = \"988\"\n[outputs.all]\nformat = \"epub\"\n[outputs.reversed]\nformat = \"epub\"\nsections = [\"two\", \"one\"]\n+++\n\n## One\n\nFirst [@b; @a], then [@b].\n\n## Two\n\nLater [@c].\n"),
    );
    let loaded = handout::load(vec![dir.path().join("content/x.md")]);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let entry = &loaded.handouts[0];
    let handout = &entry.handout;
    let styles = handout::cite::Styles::default();
    let numbers = |profile: &str| -> Vec<(String, usize)> {
        let selection = handout::select::select(handout, &entry.output(profile).unwrap().profile, &styles).unwrap();
        selection.references.iter().map(|r| (r.key.clone(), r.number.unwrap())).collect()
    };
    // `d` is never cited: it is left out. Numbers follow first use in the profile's own order.
    assert_eq!(numbers("all"), [("b".into(), 1), ("a".into(), 2), ("c".into(), 3)]);
    assert_eq!(numbers("reversed"), [("c".into(), 1), ("b".into(), 2), ("a".into(), 3)]);
    let selection = handout::select::select(handout, &entry.output("all").unwrap().profile, &styles).unwrap();
    assert_eq!(selection.marker(&["b".into(), "a".into()]).unwrap().text(), "[1, 2]");
}

#[test]
fn check_json_lists_findings_with_places() {
    let dir = Dir::new();
    dir.write("content/x.md", "+++\ntitel = \"x\"\n+++\n");
    let run = dir.run(&["check", "--json"]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = report["diagnostics"].as_array().unwrap();
    assert!(report["handouts"].as_array().unwrap().is_empty(), "a handout that does not load has no scores");
    let first = findings.iter().find(|f| f["message"].as_str().unwrap().contains("titel")).unwrap();
    assert_eq!(first["path"], "content/x.md");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(2), Some(1)));
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "front-matter");
    assert_eq!(first["hint"], "did you mean `title`?");
}

#[test]
fn sms_subcommand_marks_what_forces_ucs2() {
    let dir = Dir::new();
    dir.write("content/x.md", "+++\ntitle = \"x\"\nsummary = \"s\"\nsms = [\"It\u{2019}s fine. Call 1-800-555-0100.\"]\n[contact]\nphone = \"1-800-555-0100\"\n[outputs.text]\nformat = \"sms\"\nencoding = \"ucs2\"\n+++\nx\n");
    let run = dir.run(&["sms"]);
    run.success();
    assert!(run.stdout.contains("message 1: UCS-2 · 31 characters · 31 UTF-16 units · 1 segment"), "{}", run.stdout);
    assert!(run.stdout.contains("It«\u{2019}»s fine."), "{}", run.stdout);
    assert!(run.stdout.contains("UCS-2 because of: '\u{2019}' (U+2019) at character 3"), "{}", run.stdout);
}

#[test]
fn duplicate_slugs_refuse_both_handouts() {
    let dir = Dir::new();
    dir.write(
        "content/a.md",
        "+++\ntitle = \"A\"\nsummary = \"s\"\nslug = \"same\"\n[contact]\nphone = \"988\"\n+++\nx\n",
    );
    dir.write(
        "content/b.md",
        "+++\ntitle = \"B\"\nsummary = \"s\"\nslug = \"same\"\n[contact]\nphone = \"988\"\n+++\nx\n",
    );
    let run = dir.run(&["build"]);
    run.fails_with(1, "content/a.md:4:1: error[slug]: slug `same` is also used by content/b.md");
    assert!(run.stderr.contains("content/b.md:4:1: error[slug]"), "{}", run.stderr);
    assert!(dir.files("dist").is_empty(), "{:?}", dir.files("dist"));
}

#[test]
fn an_unknown_profile_on_the_command_line_is_a_usage_error() {
    let dir = Dir::with_sample();
    dir.run(&["build", "--profile", "leaflt"])
        .fails_with(2, "no handout has a profile named `leaflt`; did you mean `leaflet`?");
}

#[test]
fn citation_like_text_and_bad_links_are_reported() {
    let dir = Dir::new();
    dir.write(
        "content/x.md",
        &with_source(
            "title = \"x\"\nsummary = \"s\"",
            "\nAs @a says, and [see @a] too.\n\nMail <nurse@example.org>, [go](#tips), [bad](javascript:alert(1)), [file](other.md), [gone](#nowhere).\n\n## Tips\n\nx\n",
        ),
    );
    let run = dir.run(&["check"]);
    run.fails_with(1, "content/x.md:14:4: warning[citation]: `@a` is not a citation and will print as typed");
    assert!(run.stderr.contains("content/x.md:14:22: warning[citation]"), "{}", run.stderr);
    assert!(run.stderr.contains("error[link]: link target `javascript:alert(1)` cannot be followed"), "{}", run.stderr);
    assert!(run.stderr.contains("error[link]: link target `other.md` cannot be followed"), "{}", run.stderr);
    assert!(
        run.stderr.contains("error[link]: link to `#nowhere`, a section this handout does not have"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("nurse@example.org"), "an e-mail autolink is fine: {}", run.stderr);
    assert!(!run.stderr.contains("`#tips`"), "{}", run.stderr);
}

#[test]
fn toml_mistakes_get_plain_hints() {
    let dir = Dir::new();
    dir.write("content/x.md", "+++\ntitle = \u{201c}x\u{201d}\nsummary = \"s\"\n+++\nx\n");
    dir.run(&["check"]).fails_with(1, "hint: this line has the character U+201C (a curly quote)");
    dir.write(
        "content/x.md",
        "+++\ntitle = \"x\"\nsummary = \"s\"\n[outputs.t]\nformat = \"sms\"\nsegments = \"2\"\n+++\nx\n",
    );
    dir.run(&["check"]).fails_with(1, "hint: write a whole number without quotes, e.g. `segments = 2`");
}

#[test]
fn unchanged_handouts_are_not_rebuilt() {
    let dir = Dir::new();
    for name in ["a", "b", "c"] {
        dir.write(&format!("content/{name}.md"), &format!("+++\ntitle = \"{name}\"\nsummary = \"s\"\n[contact]\nphone = \"988\"\n[outputs.t]\nformat = \"sms\"\n+++\nx\n"));
    }
    let last_line = |run: &crate::util::Run| run.stdout.lines().last().unwrap_or_default().to_string();
    assert!(last_line(dir.run(&["build"]).success()).starts_with("built 9 files for 3 handouts"));
    let modified = std::fs::metadata(dir.path().join("dist/a/t.txt")).unwrap().modified().unwrap();
    let run = dir.run(&["build"]);
    assert!(last_line(run.success()).ends_with("(3 up to date, 0 errors)"), "{}", run.stdout);
    assert_eq!(
        std::fs::metadata(dir.path().join("dist/a/t.txt")).unwrap().modified().unwrap(),
        modified,
        "nothing rewritten"
    );
    // One handout changed: only it is rebuilt.
    dir.write("content/b.md", &dir.read_text("content/b.md").replace("x\n", "y\n"));
    let run = dir.run(&["build"]);
    assert!(
        last_line(run.success()).starts_with("built 3 files for 3 handouts") && run.stdout.contains("dist/b/t.txt"),
        "{}",
        run.stdout
    );
    // A deleted output is written again.
    std::fs::remove_file(dir.path().join("dist/c/t.json")).unwrap();
    assert!(dir.run(&["build"]).success().stdout.contains("dist/c/t.json"));
    // An output edited by hand is written again, and only it.
    dir.write("dist/a/t.txt", "edited\n");
    let run = dir.run(&["build"]);
    assert!(last_line(run.success()).starts_with("built 3 files for 3 handouts"), "{}", run.stdout);
    assert_ne!(dir.read_text("dist/a/t.txt"), "edited\n");
    // The project's settings changed: everything is rebuilt; --force rebuilds regardless.
    dir.write("handout.toml", "organisation = \"Clinic\"\n");
    assert!(last_line(dir.run(&["build"]).success()).starts_with("built 9 files"));
    assert!(last_line(dir.run(&["build", "--force"]).success()).starts_with("built 9 files"));
}

#[test]
fn building_some_profiles_keeps_the_others_up_to_date() {
    let dir = Dir::new();
    let handout = |summary: &str| {
        format!(
            "+++\ntitle = \"a\"\nsummary = \"{summary}\"\n[contact]\nphone = \"988\"\n[outputs.t]\nformat = \"sms\"\n[outputs.u]\nformat = \"sms\"\nsegments = 2\n+++\nx\n"
        )
    };
    dir.write("content/a.md", &handout("Rest."));
    let last_line = |args: &[&str]| dir.run(args).success().stdout.lines().last().unwrap_or_default().to_string();
    assert!(last_line(&["build"]).starts_with("built 6 files for 1 handout"));
    for args in [&["build", "--profile", "t"][..], &["build"], &["build", "--profile", "u"]] {
        let line = last_line(args);
        assert!(line.ends_with("(1 up to date, 0 errors)"), "{args:?}: {line}");
    }
    // The handout changed: building one profile leaves the other to the next build.
    dir.write("content/a.md", &handout("Sleep well."));
    assert!(last_line(&["build", "--profile", "t"]).starts_with("built 3 files"));
    assert!(!dir.read_text("dist/a/u.txt").contains("Sleep well."));
    assert!(last_line(&["build"]).starts_with("built 3 files"));
    assert!(dir.read_text("dist/a/u.txt").contains("Sleep well."));
    assert!(last_line(&["build"]).ends_with("(1 up to date, 0 errors)"));
}

#[cfg(unix)]
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let dir = Dir::with_sample();
    let script = format!("'{}' build --force --json 2>err.txt | true", env!("CARGO_BIN_EXE_handout"));
    let status = std::process::Command::new("sh").arg("-c").arg(&script).current_dir(dir.path()).status().unwrap();
    assert!(status.success());
    let errors = dir.read_text("err.txt");
    assert!(!errors.contains("panicked") && !errors.contains("Broken pipe"), "{errors}");
}
