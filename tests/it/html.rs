//! The web page: valid (Nu Html Checker), accessible (axe-core in Chromium), readable on a
//! phone, the same references as the other formats, inert author text, a fragment on request.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Dir, repo, skip_or_fail};

/// The Nu Html Checker's command: the jar npm's `vnu-jar` ships, run with Java.
fn vnu() -> Option<Vec<String>> {
    let jar = repo().join("tests/js/node_modules/vnu-jar/build/dist/vnu.jar");
    if jar.is_file() && Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success()) {
        return Some(vec!["java".into(), "-jar".into(), jar.display().to_string()]);
    }
    skip_or_fail("the Nu Html Checker (npm vnu-jar, with Java) is not installed (cd tests/js && npm ci)");
    None
}

/// What the Nu Html Checker says of `pages` (errors and warnings), one message per line.
fn nu_messages(command: &[String], pages: &[PathBuf]) -> Vec<String> {
    let output = Command::new(&command[0])
        .args(&command[1..])
        .args(["--format", "json", "--also-check-css"])
        .args(pages)
        .output()
        .expect("run vnu");
    let report: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|_| {
        panic!(
            "vnu printed no report:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{}:{}: {} {}",
                m["url"].as_str().unwrap_or(""),
                m["lastLine"],
                m["type"].as_str().unwrap_or(""),
                m["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// The sample (English and Spanish) and the foot-care handouts (English, Spanish, Arabic),
/// built; the web pages' paths.
fn built_pages() -> (Vec<Dir>, Vec<PathBuf>) {
    let sample = Dir::with_sample();
    sample.run(&["build", "--profile", "web"]).success();
    let footcare = Dir::fixture("footcare");
    footcare.run(&["build", "--profile", "web"]).success();
    let mut pages = Vec::new();
    for (dir, slugs) in [
        (&sample, &["emotional-numbness", "emotional-numbness-es"][..]),
        (&footcare, &["foot-care", "foot-care-es", "foot-care-ar"][..]),
    ] {
        for slug in slugs {
            let page = dir.path().join(format!("dist/{slug}/web.html"));
            assert!(page.is_file(), "{} was not written", page.display());
            pages.push(page);
        }
    }
    (vec![sample, footcare], pages)
}

fn url(page: &Path) -> String {
    format!("file://{}", page.display())
}

#[test]
fn pages_are_valid_accessible_and_fit_a_narrow_phone() {
    let (_dirs, pages) = built_pages();
    if let Some(command) = vnu() {
        let messages = nu_messages(&command, &pages);
        assert!(messages.is_empty(), "the Nu Html Checker reports:\n{}", messages.join("\n"));
    }
    let mut jobs = Vec::new();
    for page in &pages {
        jobs.push(serde_json::json!({ "page": url(page), "do": "axe" }));
        jobs.push(serde_json::json!({ "page": url(page), "width": 320, "do": "scroll" }));
    }
    let arabic = url(&pages[4]);
    jobs.push(serde_json::json!({ "page": arabic, "do": "order", "text": "800" }));
    let Some(results) = crate::util::browser(&serde_json::Value::Array(jobs.clone())) else { return };
    for (job, result) in jobs.iter().zip(&results) {
        match job["do"].as_str() {
            Some("axe") => {
                let violations = result["violations"].as_array().unwrap();
                assert!(violations.is_empty(), "{}: axe-core reports {violations:#?}", job["page"]);
            }
            Some("scroll") => assert!(
                result["scrollWidth"].as_u64() <= result["clientWidth"].as_u64(),
                "{}: scrolls sideways at 320 px: {result}",
                job["page"]
            ),
            _ => {}
        }
    }
    let order = results.last().unwrap();
    assert!(order["visual"].as_str().unwrap().contains("1-800-342-2383"), "the help line as drawn: {order}");
}

#[test]
fn a_page_has_the_same_references_as_the_booklet_and_a_help_line_to_dial() {
    let dir = Dir::with_sample();
    dir.run(&["build", "content/emotional-numbness.md"]).success();
    let page = dir.read_text("dist/emotional-numbness/web.html");
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">"), "{}", &page[..200]);
    assert!(page.contains("href=\"tel:18006624357\""), "the help line is a tel: link");
    assert!(page.contains("Reviewed November 2026"));
    // The sample cites 16 sources: the page numbers them as the booklet does, in one list.
    let references = page.split("<ol class=\"references\"").nth(1).unwrap();
    assert_eq!(references.matches("<li ").count(), 16, "{references}");
    assert!(references.contains("Kerig PK"), "{references}");
    // Every citation marker links to its entry on the page.
    for target in page.split("href=\"#ref-").skip(1).map(|rest| &rest[..rest.find('"').unwrap()]) {
        assert!(page.contains(&format!("id=\"ref-{target}\"")), "the marker for {target} leads nowhere");
    }
    // The page is one file: styles inline, no outside address but links.
    assert!(!page.contains("<link ") && !page.contains("<script"), "the page loads nothing from outside");
    assert!(page.contains("@media print"), "printing the page gives a sheet");
}

#[test]
fn author_text_stays_text_and_links_keep_to_safe_schemes() {
    let dir = Dir::new();
    dir.write(
        "content/x.md",
        "+++\ntitle = \"Tom & Jerry <b>\"\nsummary = \"A \\\"quoted\\\" summary.\"\n[contact]\nphone = \"988\"\nurl = \"https://example.org/?a=1&b=2\"\n[outputs.web]\nformat = \"html\"\n+++\nType `<script>alert(1)</script>` as AT&T does; 5 < 6 and 7 > 2.\n\n[Mail us](mailto:care@example.org), [call](tel:988) or [read more](https://example.org/\"onmouseover=\"x).\n",
    );
    dir.run(&["build"]).success();
    let page = dir.read_text("dist/x/web.html");
    assert!(!page.contains("<script") && !page.contains("<b>"), "markup from the text reached the page");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && page.contains("AT&amp;T"), "{page}");
    assert!(page.contains("<title>Tom &amp; Jerry &lt;b&gt;</title>"), "{page}");
    assert!(!page.contains("\"onmouseover"), "an attribute broke out of its quotes");
    let hrefs: Vec<&str> = page.split("href=\"").skip(1).map(|rest| &rest[..rest.find('"').unwrap()]).collect();
    for href in &hrefs {
        let safe = ["https://", "http://", "mailto:", "tel:", "#"].iter().any(|s| href.starts_with(s));
        assert!(safe, "link `{href}` in {hrefs:?}");
    }
    // Other schemes never get that far: the build refuses them at their place.
    dir.write("content/x.md", &dir.read_text("content/x.md").replace("tel:988)", "javascript:alert(1))"));
    dir.run(&["build"]).fails_with(1, "error[link]: link target `javascript:alert(1)` cannot be followed");
}

#[test]
fn a_fragment_for_a_website_editor_and_pages_that_do_not_change_between_builds() {
    let dir = crate::util::sample_with_profiles(
        "[outputs.web]\nformat = \"html\"\n\n[outputs.cms]\nformat = \"html\"\nstandalone = false\nsections = [\"symptoms\", \"get-help\"]\n",
    );
    let run = dir.run(&["build", "content/emotional-numbness.md"]);
    run.success();
    let fragment = dir.read_text("dist/emotional-numbness/cms.html");
    assert!(fragment.starts_with("<article class=\"handout\" lang=\"en\" dir=\"ltr\">"), "{}", &fragment[..100]);
    assert!(!fragment.contains("<html") && !fragment.contains("<style"), "a fragment has no page around it");
    assert!(fragment.contains("id=\"sec-symptoms\"") && !fragment.contains("id=\"sec-treatment\""));
    // Same input, same bytes; an unchanged handout is not rebuilt.
    let first = dir.read("dist/emotional-numbness/web.html");
    dir.run(&["build", "--force", "content/emotional-numbness.md"]).success();
    assert_eq!(first, dir.read("dist/emotional-numbness/web.html"), "the page changed between builds");
    let again = dir.run(&["build", "content/emotional-numbness.md"]);
    assert!(again.success().stdout.contains("1 up to date"), "{}", again.stdout);
    // `list` names the files; `check` renders the pages too.
    let list = dir.run(&["list", "content/emotional-numbness.md"]);
    assert!(list.success().stdout.contains("dist/emotional-numbness/cms.html"), "{}", list.stdout);
    dir.write(
        "content/emotional-numbness.md",
        &dir.read_text("content/emotional-numbness.md").replace("standalone = false", "standalone = \"no\""),
    );
    dir.run(&["check", "content/emotional-numbness.md"])
        .fails_with(1, "error[profile]: `standalone` should be true or false (profile `cms`)");
}
