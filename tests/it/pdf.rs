//! PDF leaflets, checked with poppler (`pdftotext`, `pdfinfo`, `pdffonts`) and `qpdf`.

use crate::util::{Dir, output_of, sample_with_profiles, tool};

/// The poppler and qpdf tools, or `None` (a loud skip; a failure under CI=true).
fn tools() -> Option<()> {
    tool("pdftotext", &["-v"])?;
    tool("pdfinfo", &["-v"])?;
    tool("pdffonts", &["-v"])?;
    tool("qpdf", &["--version"])?;
    Some(())
}

fn text_of(pdf: &std::path::Path) -> String {
    output_of("pdftotext", &[pdf.to_str().unwrap(), "-"])
}

fn info_of(pdf: &std::path::Path) -> String {
    output_of("pdfinfo", &["-box", pdf.to_str().unwrap()])
}

/// qpdf finds no damage, and every font is embedded and subset.
fn assert_sound(pdf: &std::path::Path) {
    output_of("qpdf", &["--check", pdf.to_str().unwrap()]);
    let fonts = output_of("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts:\n{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        // name type... emb sub uni object-id generation
        assert_eq!((cols[n - 5], cols[n - 4]), ("yes", "yes"), "font not embedded and subset: {row}");
        assert!(cols[0].contains('+'), "subset fonts carry a tag: {row}");
    }
}

fn field<'a>(info: &'a str, name: &str) -> &'a str {
    info.lines()
        .find_map(|l| l.strip_prefix(name))
        .map(|v| v.trim_start_matches(':').trim())
        .unwrap_or_else(|| panic!("{name} missing in:\n{info}"))
}

#[test]
fn sample_leaflet_has_its_sections_help_line_and_references() {
    let dir = Dir::with_sample();
    dir.run(&["build", "--profile", "leaflet"]).success();
    let Some(()) = tools() else { return };
    let pdf = dir.path().join("dist/emotional-numbness/leaflet.pdf");
    assert_sound(&pdf);
    let text = text_of(&pdf);
    for expected in [
        "Emotional Numbness",
        "Signs to watch for",
        "Treatment",
        "When and where to get help",
        "1-800-662-4357",
        "References",
        "Page 1 of 2",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    // Sections the leaflet leaves out.
    for excluded in ["What emotional numbness is", "What can cause it", "Ways to cope"] {
        assert!(!text.contains(excluded), "{excluded:?} should be excluded");
    }
    // The appendix: numbered in order of first citation, with the same text as the model.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let appendix = &flat[flat.rfind("References").unwrap()..];
    let mut last = 0;
    for (n, author) in [
        (1, "Kerig PK"),
        (2, "Fujiwara T"),
        (3, "American Psychological Association"),
        (4, "Bisson JI"),
        (5, "Tull MT"),
        (6, "Alexander W"),
    ] {
        let at =
            appendix.find(&format!("{n}. {author}")).unwrap_or_else(|| panic!("{n}. {author} missing:\n{appendix}"));
        assert!(at > last, "reference {n} out of order");
        last = at;
    }
    assert!(!appendix.contains("7. "), "only cited sources appear:\n{appendix}");
    let info = info_of(&pdf);
    assert_eq!(field(&info, "Tagged"), "yes");
    assert_eq!(field(&info, "Title"), "Emotional Numbness");
    assert!(field(&info, "Page size").starts_with("612 x 792 pts"), "{info}");
    assert_eq!(field(&info, "Pages"), "2");
}

#[test]
fn layouts_sizes_and_print_boxes() {
    let dir = sample_with_profiles(
        r#"[outputs.a4]
format = "pdf"
paper = "a4"
columns = 2

[outputs.trifold]
format = "pdf"
layout = "trifold"
sections = ["intro", "symptoms", "treatment", "get-help"]

[outputs.large]
format = "pdf"
large-print = true
sections = ["intro", "symptoms"]
citations = "none"

[outputs.print]
format = "pdf"
paper = "a5"
bleed = 3
crop-marks = true
"#,
    );
    dir.run(&["build"]).success();
    let Some(()) = tools() else { return };
    let pdf = |name: &str| dir.path().join(format!("dist/emotional-numbness/{name}.pdf"));
    for name in ["a4", "trifold", "large", "print"] {
        assert_sound(&pdf(name));
        assert_eq!(field(&info_of(&pdf(name)), "Tagged"), "yes", "{name}");
    }
    assert!(field(&info_of(&pdf("a4")), "Page size").starts_with("595.276 x 841.89 pts"));
    // The tri-fold: exactly two sides of a landscape letter sheet.
    let info = info_of(&pdf("trifold"));
    assert_eq!(field(&info, "Pages"), "2");
    assert!(field(&info, "Page size").starts_with("792 x 612 pts"), "{info}");
    let text = text_of(&pdf("trifold"));
    assert!(text.contains("Need help now?") && text.contains("Scan to visit") && text.contains("References"), "{text}");
    // Large print: body words at least 18 pt tall.
    let bbox = output_of("pdftotext", &["-bbox", pdf("large").to_str().unwrap(), "-"]);
    let mut heights: Vec<f64> = bbox
        .lines()
        .filter(|l| l.contains("<word"))
        .filter_map(|l| {
            let num = |k: &str| l.split(&format!("{k}=\"")).nth(1)?.split('"').next()?.parse::<f64>().ok();
            Some(num("yMax")? - num("yMin")?)
        })
        .collect();
    heights.sort_by(f64::total_cmp);
    let median = heights[heights.len() / 2];
    assert!(median >= 18.0, "median word height {median} pt");
    assert!(!text_of(&pdf("large")).contains("References"), "citations = none");
    // Print: TrimBox is the A5 sheet, BleedBox 3 mm beyond it, MediaBox beyond that for the marks.
    let info = info_of(&pdf("print"));
    let boxes =
        |name: &str| -> Vec<f64> { field(&info, name).split_whitespace().map(|v| v.parse().unwrap()).collect() };
    let (trim, bleed, media) = (boxes("TrimBox"), boxes("BleedBox"), boxes("MediaBox"));
    let mm = 72.0 / 25.4;
    assert!((trim[2] - trim[0] - 148.0 * mm).abs() < 0.1 && (trim[3] - trim[1] - 210.0 * mm).abs() < 0.1, "{trim:?}");
    for i in 0..2 {
        assert!((trim[i] - bleed[i] - 3.0 * mm).abs() < 0.05, "{trim:?} {bleed:?}");
        assert!((bleed[i + 2] - trim[i + 2] - 3.0 * mm).abs() < 0.05, "{trim:?} {bleed:?}");
        assert!(bleed[i] - media[i] > 5.0 * mm, "room for crop marks: {media:?} {bleed:?}");
    }
}

#[test]
fn an_overflowing_trifold_names_what_does_not_fit_at_its_profile() {
    let dir = sample_with_profiles("[outputs.trifold]\nformat = \"pdf\"\nlayout = \"trifold\"\ncitations = \"none\"\n");
    let run = dir.run(&["build"]);
    let line =
        dir.read_text("content/emotional-numbness.md").lines().position(|l| l == "[outputs.trifold]").unwrap() + 1;
    run.fails_with(1, &format!("content/emotional-numbness.md:{line}:1: error[pdf]: the tri-fold's three inside panels are full: the end of “"));
    assert!(
        run.stderr.contains("“Ways to cope”, “When and where to get help” do not fit (profile `trifold`)"),
        "{}",
        run.stderr
    );
    assert!(dir.files("dist/emotional-numbness").is_empty(), "{:?}", dir.files("dist"));
    // References too long for the flap are reported at the profile too.
    let dir = sample_with_profiles(
        "[outputs.trifold]\nformat = \"pdf\"\nlayout = \"trifold\"\npaper = \"a5\"\nsections = [\"intro\", \"causes\"]\n",
    );
    dir.run(&["build"]).fails_with(
        1,
        &format!("content/emotional-numbness.md:{line}:1: error[pdf]: the tri-fold's references need about"),
    );
}

#[test]
fn markup_in_author_text_prints_literally() {
    let dir = Dir::new();
    let title = r#"#read("/etc/passwd") *x* $y$"#;
    // Straight quotes print as typographic ones; nothing else changes.
    let printed = "#read(“/etc/passwd”) *x* $y$";
    dir.write(
        "content/x.md",
        &format!("+++\ntitle = '{title}'\nsummary = \"s\"\n[contact]\nphone = \"1-800-555-0100\"\n[outputs.p]\nformat = \"pdf\"\n+++\nBody with #strong[markup] and $math$ and \\<label> and @ref.\n"),
    );
    dir.run(&["build"]).success();
    let Some(()) = tools() else { return };
    let pdf = dir.path().join("dist/x/p.pdf");
    let text = text_of(&pdf);
    assert!(text.contains(printed), "{text}");
    assert!(text.contains("Body with #strong[markup] and $math$ and <label> and @ref."), "{text}");
    assert!(!text.contains("root:"), "nothing from /etc/passwd");
    assert_eq!(field(&info_of(&pdf), "Title"), printed);
}

#[test]
fn two_builds_are_byte_identical() {
    let a = Dir::with_sample();
    let b = Dir::with_sample();
    a.run(&["build", "--profile", "leaflet"]).success();
    b.run(&["build", "--profile", "leaflet"]).success();
    assert_eq!(a.read("dist/emotional-numbness/leaflet.pdf"), b.read("dist/emotional-numbness/leaflet.pdf"));
}

#[test]
fn citations_none_leaves_no_space_before_the_full_stop() {
    let dir = sample_with_profiles("[outputs.plain]\nformat = \"pdf\"\ncitations = \"none\"\nsections = [\"intro\"]\n");
    dir.run(&["build", "content/emotional-numbness.md"]).success();
    let Some(()) = tools() else { return };
    let text = text_of(&dir.path().join("dist/emotional-numbness/plain.pdf"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("a long stretch of stress. With the right support"), "{flat}");
    assert!(!flat.contains(" ."), "{flat}");
}

#[test]
fn characters_no_font_has_are_an_error_naming_them() {
    let dir = Dir::new();
    dir.write("content/x.md", "+++\ntitle = \"x\"\nsummary = \"s\"\n[contact]\nphone = \"988\"\n[outputs.p]\nformat = \"pdf\"\naccessible = false\n+++\nFine text.\n\nSleep well: 良好的睡眠 \u{2713}\n");
    let run = dir.run(&["build"]);
    run.fails_with(
        1,
        "content/x.md:12:13: error[pdf]: no font has these characters, which would print as empty boxes: '良' (U+826F)",
    );
    assert!(
        run.stderr.contains("'\u{2713}' (U+2713)")
            && run.stderr.contains("fonts tried: Atkinson Hyperlegible Next, Noto Sans, Noto Sans Arabic"),
        "{}",
        run.stderr
    );
    assert!(dir.files("dist").is_empty());
}

#[test]
fn the_logo_and_images_are_placed_with_alt_text() {
    let dir = Dir::new();
    dir.write_png("assets/logo.png", 120, 60, [31, 95, 115]);
    dir.write_png("assets/chart.png", 600, 400, [200, 120, 40]);
    dir.write("handout.toml", "organisation = \"Riverside Clinic\"\nlogo = \"assets/logo.png\"\n");
    dir.write("content/x.md", "+++\ntitle = \"x\"\nsummary = \"s\"\n[contact]\nphone = \"988\"\n[outputs.p]\nformat = \"pdf\"\n+++\nText.\n\n![A bar chart of sleep hours](../assets/chart.png)\n");
    dir.run(&["build"]).success();
    let Some(()) = tools() else { return };
    let Some(_) = crate::util::tool("pdfimages", &["-v"]) else { return };
    let pdf = dir.path().join("dist/x/p.pdf");
    let images = output_of("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(images.lines().skip(2).count(), 2, "logo and chart:\n{images}");
    assert!(text_of(&pdf).contains("Riverside Clinic"));
    // The structure tree carries the alt text (PDF/UA).
    let qdf = output_of("qpdf", &["--qdf", "--object-streams=disable", pdf.to_str().unwrap(), "-"]);
    assert!(qdf.contains("/Alt (A bar chart of sleep hours)"), "alt text missing");
    assert!(qdf.contains("/Alt (Riverside Clinic logo)"), "logo alt text missing");
}

/// Lines of the PDF's text that end in a word broken by a hyphen the author did not type.
fn broken_words(pdf: &std::path::Path, source: &str) -> Vec<String> {
    text_of(pdf)
        .lines()
        .filter_map(|line| line.trim_end().strip_suffix(['-', '\u{2010}', '\u{ad}']))
        .filter_map(|start| start.rsplit(' ').next())
        .filter(|piece| piece.chars().last().is_some_and(char::is_alphabetic))
        .filter(|piece| !source.contains(&format!("{piece}-")))
        .map(str::to_string)
        .collect()
}

#[test]
fn words_are_not_broken_at_line_ends_unless_the_profile_asks() {
    if tools().is_none() {
        return;
    }
    let dir = sample_with_profiles(
        "[outputs.plain]\nformat = \"pdf\"\ncolumns = 2\n[outputs.broken]\nformat = \"pdf\"\ncolumns = 2\nhyphenate = true\n",
    );
    dir.run(&["build"]).success();
    let source = dir.read_text("content/emotional-numbness.md");
    let plain = broken_words(&dir.path().join("dist/emotional-numbness/plain.pdf"), &source);
    assert!(plain.is_empty(), "words broken without `hyphenate = true`: {plain:?}");
    let broken = broken_words(&dir.path().join("dist/emotional-numbness/broken.pdf"), &source);
    assert!(broken.len() >= 3, "narrow columns with `hyphenate = true` should break some words: {broken:?}");
}
