//! `check`'s reviewer checks, each with input that triggers it and input that passes it.

use crate::util::Dir;

fn handout(front: &str, body: &str) -> String {
    format!("+++\ntitle = \"T\"\nsummary = \"S.\"\n{front}\n+++\n{body}\n")
}

const CONTACT: &str = "[contact]\nphone = \"1-800-662-4357\"";

#[test]
fn sources_uncited_and_malformed_identifiers() {
    let dir = Dir::new();
    let sources = "[[sources]]\nid = \"a\"\ntitle = \"A\"\ndoi = \"10.1002/jts.22087\"\npmid = \"22346334\"\n[[sources]]\nid = \"b\"\ntitle = \"B\"\ndoi = \"doi:jts\"\npmid = \"PMC123\"\n";
    dir.write("content/x.md", &handout(&format!("{sources}{CONTACT}"), "Text [@a]."));
    let run = dir.run(&["check"]);
    run.fails_with(1, "content/x.md:9:1: warning[citation]: source `b` is defined but never cited");
    assert!(run.stderr.contains("error[citation]: source `b` has a malformed DOI `doi:jts`"), "{}", run.stderr);
    assert!(run.stderr.contains("error[citation]: source `b` has a malformed PMID `PMC123`"), "{}", run.stderr);
    assert!(!run.stderr.contains("source `a`"), "{}", run.stderr);
    // `build` refuses what `check` calls an error.
    dir.run(&["build"]).fails_with(1, "malformed DOI");
    assert!(dir.files("dist").is_empty());
}

#[test]
fn review_dates_and_phone_numbers() {
    let dir = Dir::new();
    dir.write(
        "content/x.md",
        &handout(&format!("reviewed = 2020-01-01\nnext-review = 2021-01-01\n{CONTACT}"), "Text."),
    );
    let run = dir.run(&["check"]);
    run.success();
    assert!(
        run.stderr.contains("content/x.md:5:1: warning[review]: next-review 2021-01-01 has passed"),
        "{}",
        run.stderr
    );
    dir.write(
        "content/x.md",
        &handout(&format!("reviewed = 2026-01-01\nnext-review = 2099-01-01\n{CONTACT}"), "Text."),
    );
    let run = dir.run(&["check"]);
    assert!(!run.stderr.contains("review"), "{}", run.stderr);
    dir.write("content/x.md", &handout("[contact]\nphone = \"call the front desk\"", "Text."));
    dir.run(&["check"]).fails_with(
        1,
        "content/x.md:5:10: error[contact]: the help-line number `call the front desk` is not a phone number",
    );
    dir.write("content/x.md", &handout("[contact]\nphone = \"988\"", "Text."));
    dir.run(&["check"]).success();
}

#[test]
fn translations_keep_the_original_sections() {
    let dir = Dir::new();
    dir.write(
        "content/a.md",
        &handout(&format!("reviewed = 2026-05-01\n{CONTACT}"), "Intro.\n\n## One {#one}\n\nx\n\n## Two {#two}\n\ny"),
    );
    dir.write(
        "content/a.es.md",
        &handout(
            &format!("lang = \"es\"\nslug = \"a-es\"\ntranslation-of = \"a\"\nreviewed = 2026-01-01\n{CONTACT}"),
            "Intro.\n\n## Uno {#one}\n\nx",
        ),
    );
    let run = dir.run(&["check"]);
    run.fails_with(1, "content/a.es.md:6:1: error[translation]: section `two` of the original is missing");
    assert!(
        run.stderr.contains(
            "warning[translation]: the original was reviewed on 2026-05-01, after this translation (2026-01-01)"
        ),
        "{}",
        run.stderr
    );
    dir.write(
        "content/a.es.md",
        &handout(
            &format!("lang = \"es\"\nslug = \"a-es\"\ntranslation-of = \"a\"\nreviewed = 2026-06-01\n{CONTACT}"),
            "Intro.\n\n## Uno {#one}\n\nx\n\n## Dos {#two}\n\ny",
        ),
    );
    let run = dir.run(&["check"]);
    run.success();
    assert!(!run.stderr.contains("translation"), "{}", run.stderr);
}

#[test]
fn print_images_below_300_dpi_warn() {
    let dir = Dir::new();
    dir.write_png("assets/small.png", 300, 200, [0, 90, 120]);
    dir.write_png("assets/large.png", 2000, 1000, [0, 90, 120]);
    dir.write(
        "content/x.md",
        &handout(
            &format!("{CONTACT}\n[outputs.p]\nformat = \"pdf\""),
            "![A small chart](../assets/small.png)\n\n![A large chart](../assets/large.png)",
        ),
    );
    let run = dir.run(&["check"]);
    run.success();
    assert!(
        run.stderr
            .contains("content/x.md:9:18: warning[image]: image `../assets/small.png` prints at 65 dpi, below 300"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("large.png"), "{}", run.stderr);
    // `--deny warnings` turns it into an error, for `check` and for `build`.
    dir.run(&["check", "--deny", "warnings"]).fails_with(1, "error[image]");
    dir.run(&["build", "--deny", "warnings"]).fails_with(1, "error[image]");
    assert!(dir.files("dist").is_empty());
    // Piped output has no colour codes.
    assert!(!run.stderr.contains('\u{1b}'));
}
