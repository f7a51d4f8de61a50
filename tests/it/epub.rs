//! EPUB booklets: EPUBCheck on every book, and the unzipped package checked piece by piece.

use std::collections::BTreeMap;
use std::io::Read;

use regex::Regex;

use crate::util::{Dir, epubcheck, run_epubcheck};

/// The book's entries in zip order: name → bytes, plus whether each was stored uncompressed.
fn unzip(bytes: &[u8]) -> (Vec<(String, bool)>, BTreeMap<String, String>) {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut order = Vec::new();
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        order.push((file.name().to_string(), file.compression() == zip::CompressionMethod::Stored));
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        files.insert(file.name().to_string(), String::from_utf8_lossy(&data).into_owned());
    }
    (order, files)
}

fn assert_valid(dir: &Dir, relative: &str) {
    let Some(command) = epubcheck() else { return };
    if let Err(report) = run_epubcheck(&command, &dir.path().join(relative)) {
        panic!("EPUBCheck on {relative}:\n{report}");
    }
}

/// Every note reference resolves to an endnote, and every endnote links back to an anchor
/// that exists.
fn assert_notes_link_both_ways(files: &BTreeMap<String, String>) -> usize {
    let noteref = Regex::new(
        r##"<a href="references\.xhtml#([^"]+)" epub:type="noteref" role="doc-noteref"(?: id="([^"]+)")?>"##,
    )
    .unwrap();
    let backlink = Regex::new(r##"<a class="backlink" href="([^"#]+)#([^"]+)" role="doc-backlink""##).unwrap();
    let references = &files["OEBPS/references.xhtml"];
    let mut count = 0;
    for (name, text) in files.iter().filter(|(n, _)| n.ends_with(".xhtml")) {
        for found in noteref.captures_iter(text) {
            count += 1;
            let target = &found[1];
            assert!(
                references.contains(&format!("<li id=\"{target}\" epub:type=\"endnote\"")),
                "{name}: noteref to missing {target}"
            );
        }
    }
    let mut backlinks = 0;
    for found in backlink.captures_iter(references) {
        backlinks += 1;
        let file = &files[&format!("OEBPS/{}", &found[1])];
        assert!(file.contains(&format!("id=\"{}\"", &found[2])), "backlink to missing {}#{}", &found[1], &found[2]);
    }
    let entries = references.matches("epub:type=\"endnote\"").count();
    // Every place a source is cited has a back link, so every endnote has at least one.
    let places: usize = files.values().map(|text| text.matches("class=\"cite\"").count()).sum();
    assert!(
        backlinks >= entries && backlinks >= places,
        "{backlinks} back links for {entries} endnotes cited in {places} places"
    );
    for entry in references.split("epub:type=\"endnote\"").skip(1) {
        assert!(
            entry[..entry.find("</li>").unwrap()].contains("doc-backlink"),
            "an endnote without a back link: {entry}"
        );
    }
    count
}

#[test]
fn sample_booklet_is_valid_and_complete() {
    let dir = Dir::with_sample();
    dir.run(&["build", "--profile", "booklet"]).success();
    let bytes = dir.read("dist/emotional-numbness/booklet.epub");
    let (order, files) = unzip(&bytes);
    assert_eq!(order[0], ("mimetype".to_string(), true), "mimetype first and stored");
    assert_eq!(files["mimetype"], "application/epub+zip");
    for section in
        ["intro", "what-it-is", "symptoms", "causes", "treatment", "coping", "get-help", "references", "cover", "nav"]
    {
        assert!(files.contains_key(&format!("OEBPS/{section}.xhtml")), "{section}.xhtml missing: {:?}", files.keys());
    }
    let opf = &files["OEBPS/content.opf"];
    let uuid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"urn:handout:emotional-numbness");
    for expected in [
        "<dc:title>Emotional Numbness</dc:title>".to_string(),
        ">en</dc:language>".to_string(),
        format!(">urn:uuid:{uuid}</dc:identifier>"),
        "<dc:publisher>Riverbend Community Clinic</dc:publisher>".to_string(),
        "<dc:description>Emotional numbness means you feel flat or cut off from your feelings.".to_string(),
        "<dc:subject>emotional numbness</dc:subject>".to_string(),
        // `reviewed = 2026-11-01` fixes the modification time when SOURCE_DATE_EPOCH is unset.
        "<meta property=\"dcterms:modified\">2026-11-01T00:00:00Z</meta>".to_string(),
        "<meta property=\"schema:accessMode\">textual</meta>".to_string(),
        "<meta property=\"schema:accessModeSufficient\">textual</meta>".to_string(),
        "<meta property=\"schema:accessibilityFeature\">structuralNavigation</meta>".to_string(),
        "<meta property=\"schema:accessibilityFeature\">tableOfContents</meta>".to_string(),
        "<meta property=\"schema:accessibilityHazard\">none</meta>".to_string(),
        "<meta property=\"schema:accessibilitySummary\">".to_string(),
    ] {
        assert!(opf.contains(&expected), "{expected} missing:\n{opf}");
    }
    let intro = &files["OEBPS/intro.xhtml"];
    assert!(intro.contains("lang=\"en\" xml:lang=\"en\" dir=\"ltr\""), "{intro}");
    assert!(intro.contains("href=\"tel:18006624357\""), "help line with a tel: link");
    assert!(files["OEBPS/nav.xhtml"].contains("lang=\"en\""));
    assert!(files["OEBPS/get-help.xhtml"].contains("<aside class=\"callout callout-important\""));
    assert!(files["OEBPS/coping.xhtml"].contains("<table>"));
    let notes = assert_notes_link_both_ways(&files);
    assert!(notes >= 16, "{notes} note references");
    // The same numbers and text as every other format: entry 1 is Kerig.
    assert!(
        files["OEBPS/references.xhtml"].contains("<span class=\"ref-label\">1.</span> Kerig PK, Bennett DC"),
        "{}",
        files["OEBPS/references.xhtml"]
    );
    assert_valid(&dir, "dist/emotional-numbness/booklet.epub");
}

#[test]
fn builds_are_byte_identical_and_follow_source_date_epoch() {
    let a = Dir::with_sample();
    let b = Dir::with_sample();
    a.run(&["build", "--profile", "booklet"]).success();
    b.run(&["build", "--profile", "booklet"]).success();
    assert_eq!(a.read("dist/emotional-numbness/booklet.epub"), b.read("dist/emotional-numbness/booklet.epub"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_handout"))
        .args(["build", "--profile", "booklet"])
        .current_dir(a.path())
        .env("SOURCE_DATE_EPOCH", "1800000000")
        .output()
        .unwrap();
    assert!(output.status.success());
    let (_, files) = unzip(&a.read("dist/emotional-numbness/booklet.epub"));
    assert!(files["OEBPS/content.opf"].contains("<meta property=\"dcterms:modified\">2027-01-15T08:00:00Z</meta>"));
}

#[test]
fn tables_images_callouts_citations_and_scripts_are_valid() {
    let dir = Dir::fixture("rich");
    dir.write_png("assets/red.png", 8, 8, [200, 0, 0]);
    dir.write_png("assets/blue.png", 300, 200, [0, 0, 200]);
    dir.run(&["build"]).success();
    let (_, files) = unzip(&dir.read("dist/rich/book.epub"));
    assert!(
        files.contains_key("OEBPS/images/image-1.png") && files.contains_key("OEBPS/images/image-2.png"),
        "{:?}",
        files.keys()
    );
    assert!(files.contains_key("OEBPS/fonts/AtkinsonHyperlegibleNext_400Regular.ttf"), "embed-fonts");
    let opf = &files["OEBPS/content.opf"];
    assert!(opf.contains("<dc:publisher>Test Clinic &amp; Partners &lt;QA&gt;</dc:publisher>"), "{opf}");
    assert!(files["OEBPS/intro.xhtml"].contains("<img src=\"images/image-1.png\" alt=\"A small red square\"/>"));
    assert!(files["OEBPS/tables.xhtml"].contains("<th scope=\"col\" class=\"align-right\">Right</th>"));
    for kind in ["note", "tip", "important", "warning", "caution"] {
        assert!(files["OEBPS/callouts.xhtml"].contains(&format!("callout-{kind}")), "{kind}");
    }
    let notes = assert_notes_link_both_ways(&files);
    assert_eq!(notes, 7, "[1] [2] [3] [1–20] (two links) [1, 5]");
    assert_eq!(files["OEBPS/references.xhtml"].matches("epub:type=\"endnote\"").count(), 20);
    assert!(
        files["OEBPS/scripts.xhtml"].contains("情绪麻木") && files["OEBPS/scripts.xhtml"].contains("الخدر العاطفي")
    );
    assert_valid(&dir, "dist/rich/book.epub");
    // A profile's section choice: `tables` only (intro listed but excluded).
    let (_, short) = unzip(&dir.read("dist/rich/short.epub"));
    assert!(short.contains_key("OEBPS/tables.xhtml") && short.contains_key("OEBPS/title.xhtml"));
    for absent in ["intro", "callouts", "citations", "scripts"] {
        assert!(!short.contains_key(&format!("OEBPS/{absent}.xhtml")), "{absent}.xhtml should be absent");
    }
    assert_eq!(
        short["OEBPS/references.xhtml"].matches("epub:type=\"endnote\"").count(),
        1,
        "only s2 is cited in `tables`"
    );
    assert_valid(&dir, "dist/rich/short.epub");
}

#[test]
fn arabic_booklet_is_right_to_left() {
    let dir = Dir::fixture("arabic");
    dir.run(&["build", "--profile", "booklet"]).success();
    let (_, files) = unzip(&dir.read("dist/numbness-ar/booklet.epub"));
    assert!(files["OEBPS/content.opf"].contains("page-progression-direction=\"rtl\""));
    assert!(files["OEBPS/intro.xhtml"].contains("lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\""));
    assert!(files["OEBPS/nav.xhtml"].contains("dir=\"rtl\""));
    assert_valid(&dir, "dist/numbness-ar/booklet.epub");
}

#[test]
fn section_links_mail_links_and_a_references_section_are_valid() {
    let dir = Dir::new();
    dir.write(
        "content/x.md",
        "+++\ntitle = \"x\"\nsummary = \"s\"\n[contact]\nphone = \"988\"\n[outputs.book]\nformat = \"epub\"\n+++\nSee [the tips](#tips) or mail <nurse@example.org>.\n\n## Tips\n\nBack to [the start](#intro).\n\n## References\n\nA section an author called References.\n",
    );
    dir.run(&["build"]).success();
    let (_, files) = unzip(&dir.read("dist/x/book.epub"));
    assert!(files["OEBPS/intro.xhtml"].contains("<a href=\"tips.xhtml\">the tips</a>"));
    assert!(files["OEBPS/intro.xhtml"].contains("<a href=\"mailto:nurse@example.org\">"));
    assert!(files["OEBPS/tips.xhtml"].contains("<a href=\"intro.xhtml\">the start</a>"));
    assert!(files.contains_key("OEBPS/section-references.xhtml"), "{:?}", files.keys());
    assert_valid(&dir, "dist/x/book.epub");
}

/// Every booklet the fixtures produce, with the folder it was built in.
fn fixture_booklets() -> Vec<(Dir, String)> {
    let mut books = Vec::new();
    let sample = Dir::with_sample();
    sample.run(&["build", "--profile", "booklet"]).success();
    books.push((sample, "emotional-numbness".to_string()));
    books.push((Dir::with_sample(), "emotional-numbness-es".to_string()));
    books[1].0.run(&["build", "--profile", "booklet"]).success();
    for (fixture, slugs) in [
        ("footcare", vec!["foot-care", "foot-care-es", "foot-care-ar"]),
        ("long", vec!["sleep-and-health"]),
        ("arabic", vec!["numbness-ar"]),
    ] {
        for slug in slugs {
            let dir = Dir::fixture(fixture);
            dir.run(&["build"]).success();
            books.push((dir, slug.to_string()));
        }
    }
    books
}

#[test]
fn every_booklet_passes_epubcheck_4_and_5_and_ace_with_nothing_to_report() {
    for (dir, slug) in fixture_booklets() {
        let epub = dir.path().join(format!("dist/{slug}/booklet.epub"));
        if let Some(command) = epubcheck() {
            run_epubcheck(&command, &epub).unwrap_or_else(|r| panic!("EPUBCheck 4 on {slug}:\n{r}"));
        }
        if let Some(command) = crate::util::epubcheck5() {
            run_epubcheck(&command, &epub).unwrap_or_else(|r| panic!("EPUBCheck 5 on {slug}:\n{r}"));
        }
        if let Some((outcome, violations)) = crate::util::ace(&epub) {
            assert!(outcome == "pass" && violations.is_empty(), "Ace on {slug}: {outcome}\n{}", violations.join("\n"));
        }
    }
}

#[test]
fn the_contents_nest_subsections_and_the_package_says_who_and_what_language() {
    let dir = Dir::fixture("long");
    dir.run(&["build", "--profile", "booklet"]).success();
    let (_, files) = unzip(&dir.read("dist/sleep-and-health/booklet.epub"));
    let nav = &files["OEBPS/nav.xhtml"];
    assert!(nav.contains("<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">"), "{nav}");
    // A `###` heading is listed under its section, and links to its anchor.
    let nested =
        Regex::new(r#"<li><a href="([a-z-]+\.xhtml)">[^<]+</a>\n<ol>\n<li><a href="([a-z-]+\.xhtml)#(sub-\d+)">"#)
            .unwrap();
    let found = nested.captures(nav).expect("subsections nested under their section");
    assert_eq!(&found[1], &found[2]);
    assert!(files[&format!("OEBPS/{}", &found[1])].contains(&format!("<h2 id=\"{}\">", &found[3])));
    // Landmarks, labelled: the contents and the first page of the text.
    assert!(nav.contains("<nav epub:type=\"landmarks\" id=\"landmarks\" aria-label=\"Guide\""), "{nav}");
    assert!(
        nav.contains("<a epub:type=\"toc\" href=\"nav.xhtml#toc\">") && nav.contains("epub:type=\"bodymatter\""),
        "{nav}"
    );
    let opf = &files["OEBPS/content.opf"];
    assert!(opf.contains("xml:lang=\"en\""), "{opf}");
    assert!(opf.contains("property=\"file-as\""), "{opf}");
    // No deprecated roles.
    let references = &files["OEBPS/references.xhtml"];
    assert!(!references.contains("doc-endnote\"") && !references.contains("role=\"doc-endnote\""), "{references}");
}

#[test]
fn pages_fit_a_narrow_phone_and_right_to_left_numbers_read_in_order() {
    let books = [("long", "sleep-and-health"), ("footcare", "foot-care-ar")];
    let mut jobs = Vec::new();
    let mut folders = Vec::new();
    for (fixture, slug) in books {
        let dir = Dir::fixture(fixture);
        dir.run(&["build", "--profile", "booklet"]).success();
        let into = dir.path().join("book");
        crate::util::unzip_to(&dir.path().join(format!("dist/{slug}/booklet.epub")), &into);
        for page in std::fs::read_dir(into.join("OEBPS")).unwrap().flatten().map(|e| e.path()) {
            if page.extension().is_some_and(|e| e == "xhtml") {
                let url = format!("file://{}", page.display());
                jobs.push(serde_json::json!({ "page": url, "width": 320, "do": "scroll" }));
            }
        }
        folders.push((dir, into));
    }
    let arabic = format!("file://{}", folders[1].1.join("OEBPS/intro.xhtml").display());
    jobs.push(serde_json::json!({ "page": arabic, "do": "order", "text": "800" }));
    jobs.push(serde_json::json!({ "page": arabic, "do": "screenshot", "path": folders[1].0.path().join("intro.png") }));
    let Some(results) = crate::util::browser(&serde_json::Value::Array(jobs.clone())) else { return };
    for (job, result) in jobs.iter().zip(&results) {
        if job["do"] == "scroll" {
            assert!(
                result["scrollWidth"].as_u64() <= result["clientWidth"].as_u64(),
                "{}: scrolls sideways at 320 px: {result}",
                job["page"]
            );
        }
    }
    let order = &results[results.len() - 2];
    assert!(order["visual"].as_str().unwrap().contains("1-800-342-2383"), "the help line as drawn: {order}");
}

#[test]
fn embedded_fonts_are_only_those_the_text_uses() {
    let dir = crate::util::sample_with_profiles("[outputs.book]\nformat = \"epub\"\nembed-fonts = true\n");
    dir.run(&["build", "content/emotional-numbness.md"]).success();
    let (order, _) = unzip(&dir.read("dist/emotional-numbness/book.epub"));
    let fonts: Vec<&str> = order.iter().map(|(n, _)| n.as_str()).filter(|n| n.starts_with("OEBPS/fonts/")).collect();
    assert!(fonts.iter().all(|f| f.contains("AtkinsonHyperlegibleNext")), "{fonts:?}");
    assert!(!fonts.is_empty());
    let size = dir.read("dist/emotional-numbness/book.epub").len();
    assert!(size < 600_000, "an English booklet with its fonts is {size} bytes");
}

#[test]
fn notes_become_notes_in_every_format_and_a_missing_one_is_an_error_at_its_place() {
    let dir = Dir::new();
    let head = "+++\ntitle = \"Notes\"\nsummary = \"A handout with notes.\"\n[contact]\nphone = \"1-800-555-0100\"\n[outputs.leaflet]\nformat = \"pdf\"\n[outputs.booklet]\nformat = \"epub\"\n[outputs.sms]\nformat = \"sms\"\n+++\n";
    dir.write("content/n.md", &format!("{head}Most adults need 7 hours of sleep.[^hours]\n\n[^hours]: The exact number differs from person to person.\n"));
    dir.run(&["build"]).success();
    let (_, files) = unzip(&dir.read("dist/n/booklet.epub"));
    let intro = &files["OEBPS/intro.xhtml"];
    assert!(intro.contains("epub:type=\"noteref\" role=\"doc-noteref\">1</a>"), "{intro}");
    assert!(
        intro.contains("epub:type=\"footnote\" role=\"doc-footnote\"") && intro.contains("The exact number differs"),
        "{intro}"
    );
    for (name, text) in &files {
        assert!(!text.contains("[^"), "{name} prints the note's label");
    }
    assert_valid(&dir, "dist/n/booklet.epub");
    if crate::util::tool("pdftotext", &["-v"]).is_some() {
        let text = crate::util::output_of("pdftotext", &[dir.path().join("dist/n/leaflet.pdf").to_str().unwrap(), "-"]);
        assert!(text.contains("The exact number differs") && !text.contains("[^"), "{text}");
    }
    // A reference without its note, and a note never referenced.
    dir.write("content/n.md", &format!("{head}Sleep well.[^hour]\n\n[^hours]: The exact number differs.\n"));
    let run = dir.run(&["check"]);
    run.fails_with(
        1,
        "content/n.md:13:12: error[markdown]: note `[^hour]` has no text\n  hint: did you mean `[^hours]`?",
    );
    assert!(
        run.stderr.contains("content/n.md:15:1: warning[markdown]: note `[^hours]` is never referenced"),
        "{}",
        run.stderr
    );
}
