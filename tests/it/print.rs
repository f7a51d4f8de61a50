//! Print geometry and typography, measured on the PDFs: tri-fold balance, marks against the
//! TrimBox, type sizes, line lengths, breaks, and the structure screen readers follow.

use std::path::Path;

use handout::model::Direction;
use handout::render::pdf::geometry::{Geometry, MM};
use handout::render::pdf::{Layout, Options as PdfOptions, Paper};

use crate::util::{Dir, output_of, python_tool, sample_with_profiles, tool};

/// poppler's tools, or `None` (a loud skip; a failure under CI=true).
fn poppler() -> Option<()> {
    tool("pdftotext", &["-v"])?;
    tool("pdfinfo", &["-v"])?;
    Some(())
}

/// A word and its box, from `pdftotext -bbox` (y grows downwards).
#[derive(Debug)]
pub struct Word {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

fn attribute(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    tag[start..start + tag[start..].find('"').unwrap()].parse().unwrap()
}

pub fn words(pdf: &Path, page: usize) -> Vec<Word> {
    let page = page.to_string();
    let xml = output_of("pdftotext", &["-bbox", "-f", &page, "-l", &page, pdf.to_str().unwrap(), "-"]);
    xml.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let text = l[l.find('>').unwrap() + 1..l.rfind("</word>").unwrap()].to_string();
            Word {
                x0: attribute(l, "xMin"),
                y0: attribute(l, "yMin"),
                x1: attribute(l, "xMax"),
                y1: attribute(l, "yMax"),
                text,
            }
        })
        .collect()
}

/// How much height text takes in each panel of a tri-fold's inside (page 2).
fn panel_extents(pdf: &Path, geometry: &Geometry) -> Vec<f64> {
    let folds = geometry.panels.as_ref().unwrap().folds(1);
    let edges = [vec![0.0], folds, vec![geometry.width]].concat();
    let words = words(pdf, 2);
    (0..3)
        .map(|i| {
            let inside: Vec<&Word> = words.iter().filter(|w| w.x0 >= edges[i] && w.x1 <= edges[i + 1] + 1.0).collect();
            let top = inside.iter().map(|w| w.y0).fold(f64::INFINITY, f64::min);
            let bottom = inside.iter().map(|w| w.y1).fold(0.0, f64::max);
            if inside.is_empty() { 0.0 } else { bottom - top }
        })
        .collect()
}

fn trifold(direction: Direction) -> Geometry {
    Geometry::new(&PdfOptions { layout: Layout::Trifold, ..PdfOptions::default() }, direction)
}

#[test]
fn trifold_panels_are_used_in_balance_for_short_medium_and_right_to_left_handouts() {
    if poppler().is_none() {
        return;
    }
    let short = Dir::fixture("footcare");
    short.run(&["build", "--profile", "trifold"]).success();
    let medium = sample_with_profiles(
        "[outputs.trifold]\nformat = \"pdf\"\nlayout = \"trifold\"\nsections = [\"intro\", \"symptoms\", \"get-help\"]\n",
    );
    medium.run(&["build", "content/emotional-numbness.md"]).success();
    for (pdf, direction) in [
        (short.path().join("dist/foot-care/trifold.pdf"), Direction::Ltr),
        (short.path().join("dist/foot-care-ar/trifold.pdf"), Direction::Rtl),
        (medium.path().join("dist/emotional-numbness/trifold.pdf"), Direction::Ltr),
    ] {
        let geometry = trifold(direction);
        let extents = panel_extents(&pdf, &geometry);
        let fullest = extents.iter().copied().fold(0.0, f64::max);
        println!("{}: text height per inside panel {extents:.0?} of {:.0} pt", pdf.display(), geometry.column_height());
        for extent in &extents {
            assert!(*extent >= 0.6 * fullest, "{}: a panel is far emptier than another: {extents:?}", pdf.display());
        }
        assert!(
            fullest >= 0.6 * geometry.column_height(),
            "{}: the panels are mostly empty: {extents:?}",
            pdf.display()
        );
    }
}

#[test]
fn the_right_to_left_trifold_is_mirrored_and_starts_behind_the_cover() {
    if poppler().is_none() {
        return;
    }
    let dir = Dir::fixture("footcare");
    dir.run(&["build", "--profile", "trifold"]).success();
    let pdf = dir.path().join("dist/foot-care-ar/trifold.pdf");
    let geometry = trifold(Direction::Rtl);
    // The cover (with the title) is the left panel outside; the first inside panel, behind it,
    // is the right one and holds the introduction's first words.
    let cover = geometry.panels.as_ref().unwrap().outside[0].width;
    let organisation = words(&pdf, 1).into_iter().find(|w| w.text == "Eastside").unwrap();
    assert!(organisation.x1 < cover, "the cover should be the left panel: {organisation:?}");
    // poppler gives each Arabic word's letters in the order they are drawn, right to left.
    let drawn: String = "السكري".chars().rev().collect();
    let first = words(&pdf, 2).into_iter().find(|w| w.text.contains(&drawn)).unwrap();
    assert!(first.x0 > 2.0 * geometry.width / 3.0, "the inside should start on the right panel: {first:?}");
}

/// The effective size of every character, per page, from pdfminer.
fn sizes(pdf: &Path) -> Option<Vec<(u64, f64, String)>> {
    let json = python_tool("pdf_layout.py", &["sizes", pdf.to_str().unwrap()], "pdfminer")?;
    let chars: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    Some(
        chars
            .iter()
            .map(|c| {
                (c["page"].as_u64().unwrap(), c["size"].as_f64().unwrap(), c["text"].as_str().unwrap().to_string())
            })
            .collect(),
    )
}

fn most_common(sizes: &[(u64, f64, String)], page: u64) -> f64 {
    let mut counts: Vec<(i64, usize)> = Vec::new();
    for (_, size, _) in sizes.iter().filter(|(p, ..)| *p == page) {
        let key = (size * 10.0).round() as i64;
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).map_or(0.0, |(k, _)| *k as f64 / 10.0)
}

#[test]
fn type_is_large_enough_to_read_in_every_layout() {
    let dir = sample_with_profiles(
        "[outputs.trifold]\nformat = \"pdf\"\nlayout = \"trifold\"\nsections = [\"intro\", \"symptoms\", \"get-help\"]\n[outputs.large]\nformat = \"pdf\"\nlarge-print = true\n[outputs.leaflet]\nformat = \"pdf\"\n",
    );
    dir.run(&["build", "content/emotional-numbness.md"]).success();
    let pdf = |name: &str| dir.path().join(format!("dist/emotional-numbness/{name}.pdf"));
    let Some(trifold) = sizes(&pdf("trifold")) else { return };
    let smallest = trifold.iter().map(|(_, s, _)| *s).fold(f64::INFINITY, f64::min);
    assert!(smallest >= 8.95, "tri-fold text under 9 pt: {smallest}");
    assert!(most_common(&trifold, 2) >= 10.95, "tri-fold body under 11 pt: {}", most_common(&trifold, 2));
    let large = sizes(&pdf("large")).unwrap();
    let small: Vec<&(u64, f64, String)> = large.iter().filter(|(_, s, _)| *s < 17.95).take(5).collect();
    assert!(small.is_empty(), "large print under 18 pt (page, size, character): {small:?}");
    let leaflet = sizes(&pdf("leaflet")).unwrap();
    assert!(most_common(&leaflet, 1) >= 11.95, "leaflet body under 12 pt: {}", most_common(&leaflet, 1));
    assert!(leaflet.iter().all(|(_, s, _)| *s >= 8.95), "leaflet text under 9 pt");
}

/// The segments drawn in registration colour on a page: ([x0, y0, x1, y1], dashed).
fn marks(document: &lopdf::Document, page: lopdf::ObjectId) -> Vec<([f64; 4], bool)> {
    let content = String::from_utf8_lossy(&document.get_page_content(page).unwrap()).to_string();
    let start = content.find("/HandoutRegistration CS").expect("marks in registration colour");
    let block = &content[start..start + content[start..].find("EMC").unwrap()];
    block
        .lines()
        .filter(|l| l.ends_with(" l S"))
        .map(|l| {
            let numbers: Vec<f64> = l.split_whitespace().filter_map(|w| w.parse().ok()).collect();
            let n = numbers.len();
            ([numbers[n - 4], numbers[n - 3], numbers[n - 2], numbers[n - 1]], l.starts_with("[3 2]"))
        })
        .collect()
}

fn page_box(document: &lopdf::Document, page: lopdf::ObjectId, name: &[u8]) -> [f64; 4] {
    let values: Vec<f64> = document
        .get_dictionary(page)
        .unwrap()
        .get(name)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_float().map(f64::from).or_else(|_| o.as_i64().map(|i| i as f64)).unwrap())
        .collect();
    [values[0], values[1], values[2], values[3]]
}

#[test]
fn crop_and_fold_marks_lie_on_the_trim_lines_outside_the_bleed() {
    let dir = sample_with_profiles(
        "[outputs.print]\nformat = \"pdf\"\nbleed = 3\ncrop-marks = true\n[outputs.wide]\nformat = \"pdf\"\npaper = \"a4\"\nbleed = 5\ncrop-marks = true\n[outputs.fold]\nformat = \"pdf\"\nlayout = \"trifold\"\nbleed = 3\ncrop-marks = true\nsections = [\"intro\", \"symptoms\"]\n",
    );
    dir.run(&["build", "content/emotional-numbness.md"]).success();
    for (name, bleed_mm, paper, layout) in [
        ("print", 3.0, Paper::Letter, Layout::Page),
        ("wide", 5.0, Paper::A4, Layout::Page),
        ("fold", 3.0, Paper::Letter, Layout::Trifold),
    ] {
        let document = lopdf::Document::load(dir.path().join(format!("dist/emotional-numbness/{name}.pdf"))).unwrap();
        let geometry = Geometry::new(
            &PdfOptions { paper, layout, bleed: bleed_mm, crop_marks: true, ..PdfOptions::default() },
            Direction::Ltr,
        );
        for (index, page) in document.get_pages().into_values().enumerate() {
            let [tx0, ty0, tx1, ty1] = page_box(&document, page, b"TrimBox");
            let bleed = page_box(&document, page, b"BleedBox");
            let media = page_box(&document, page, b"MediaBox");
            let b = bleed_mm * MM;
            assert!(
                (tx0 - bleed[0] - b).abs() < 0.05 && (bleed[2] - tx1 - b).abs() < 0.05,
                "{name}: BleedBox {bleed:?}"
            );
            let folds: Vec<f64> = geometry.panels.as_ref().map(|p| p.folds(index)).unwrap_or_default();
            let marks = marks(&document, page);
            assert_eq!(marks.len(), 8 + 2 * folds.len(), "{name} page {index}: {marks:?}");
            for ([x0, y0, x1, y1], dashed) in marks {
                let length = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
                assert!((length - 5.0 * MM).abs() < 0.1, "{name}: a mark of {length} pt");
                let within = |v: f64, lo: f64, hi: f64| v >= lo - 0.01 && v <= hi + 0.01;
                assert!(
                    within(x0, media[0], media[2]) && within(y1, media[1], media[3]),
                    "{name}: a mark off the page"
                );
                if y0 == y1 {
                    // Horizontal: on a trim edge's line, and wholly beyond the bleed sideways.
                    assert!(
                        !dashed && ((y0 - ty0).abs() < 0.01 || (y0 - ty1).abs() < 0.01),
                        "{name}: {y0} is not a trim edge"
                    );
                    assert!(
                        x0.max(x1) <= tx0 - b + 0.01 || x0.min(x1) >= tx1 + b - 0.01,
                        "{name}: inside the bleed: {x0}..{x1}"
                    );
                } else {
                    let on_fold = folds.iter().any(|f| (x0 - tx0 - f).abs() < 0.01);
                    assert!((x0 - x1).abs() < 0.01, "{name}: a slanted mark");
                    assert!(
                        (x0 - tx0).abs() < 0.01 || (x0 - tx1).abs() < 0.01 || on_fold,
                        "{name}: {x0} is not a trim edge or fold"
                    );
                    assert_eq!(dashed, on_fold, "{name}: fold marks are dashed, crop marks are not");
                    assert!(
                        y0.max(y1) <= ty0 - b + 0.01 || y0.min(y1) >= ty1 + b - 0.01,
                        "{name}: inside the bleed: {y0}..{y1}"
                    );
                }
            }
        }
        let content =
            String::from_utf8_lossy(&document.get_page_content(document.page_iter().next().unwrap()).unwrap())
                .to_string();
        assert!(content.contains("/Artifact BMC"), "marks are artifacts for screen readers");
    }
}

/// The pixels of a page as grey values, from pdftoppm at `dpi`.
fn page_pixels(pdf: &Path, page: usize, dpi: u32) -> image::GrayImage {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    let page = page.to_string();
    output_of(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-gray",
            "-png",
            "-f",
            &page,
            "-l",
            &page,
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let file = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
    image::open(file).unwrap().to_luma8()
}

#[test]
fn without_a_bleed_the_band_keeps_the_printer_margin() {
    if tool("pdftoppm", &["-v"]).is_none() {
        return;
    }
    let dir =
        sample_with_profiles("[outputs.office]\nformat = \"pdf\"\n[outputs.press]\nformat = \"pdf\"\nbleed = 3\n");
    dir.run(&["build", "content/emotional-numbness.md"]).success();
    let office = page_pixels(&dir.path().join("dist/emotional-numbness/office.pdf"), 1, 72);
    // Nothing within 0.2 in (14 px at 72 dpi) of the paper's edge.
    let edge = (0..office.width())
        .flat_map(|x| (0..14).map(move |y| (x, y)))
        .chain((0..office.height()).flat_map(|y| (0..14).map(move |x| (x, y))));
    let inked: Vec<(u32, u32)> = edge.filter(|&(x, y)| office.get_pixel(x, y)[0] < 240).take(3).collect();
    assert!(inked.is_empty(), "ink at the paper's edge: {inked:?}");
    // With a bleed, the band runs to the trim and beyond.
    let press = page_pixels(&dir.path().join("dist/emotional-numbness/press.pdf"), 1, 72);
    assert!(press.get_pixel(press.width() / 2, 2)[0] < 200, "the band reaches into the bleed");
}

/// The median length, in characters, of the full lines of body text (lines that are not the
/// last of their paragraph), from `pdftotext -bbox-layout`.
fn characters_per_line(pdf: &Path) -> f64 {
    let xml = output_of("pdftotext", &["-bbox-layout", pdf.to_str().unwrap(), "-"]);
    let mut lines: Vec<(f64, usize, bool)> = Vec::new();
    for block in xml.split("<block ").skip(1) {
        let block_lines: Vec<&str> = block.split("<line ").skip(1).collect();
        for (i, line) in block_lines.iter().enumerate() {
            let height = attribute(line, "yMax") - attribute(line, "yMin");
            let text: Vec<String> = line
                .split("<word ")
                .skip(1)
                .map(|w| w[w.find('>').unwrap() + 1..w.find("</word>").unwrap()].replace("&amp;", "&"))
                .collect();
            lines.push((height, text.join(" ").chars().count(), i + 1 == block_lines.len()));
        }
    }
    // Body text is the most common line height.
    let mut heights: Vec<i64> = lines.iter().map(|(h, ..)| (h * 10.0).round() as i64).collect();
    heights.sort_unstable();
    let body = heights.chunk_by(|a, b| a == b).max_by_key(|c| c.len()).unwrap()[0];
    let mut full: Vec<usize> =
        lines.iter().filter(|(h, _, last)| (h * 10.0).round() as i64 == body && !last).map(|(_, n, _)| *n).collect();
    full.sort_unstable();
    full[full.len() / 2] as f64
}

#[test]
fn lines_hold_45_to_75_characters_and_unreadable_measures_are_refused() {
    if poppler().is_none() {
        return;
    }
    let dir = Dir::fixture("long");
    let text = dir.read_text("content/sleep-and-health.md");
    let start = text.find("[outputs.").unwrap();
    let end = start + text[start..].find("\n+++").unwrap();
    let profiles = "[outputs.letter]\nformat = \"pdf\"\n[outputs.a4]\nformat = \"pdf\"\npaper = \"a4\"\n[outputs.a5]\nformat = \"pdf\"\npaper = \"a5\"\n[outputs.two]\nformat = \"pdf\"\ncolumns = 2\n[outputs.two-a4]\nformat = \"pdf\"\ncolumns = 2\npaper = \"a4\"\n[outputs.large]\nformat = \"pdf\"\nlarge-print = true\n";
    dir.write("content/sleep-and-health.md", &format!("{}{profiles}{}", &text[..start], &text[end..]));
    dir.run(&["build"]).success();
    for name in ["letter", "a4", "a5", "two", "two-a4", "large"] {
        let characters = characters_per_line(&dir.path().join(format!("dist/sleep-and-health/{name}.pdf")));
        println!("{name}: {characters} characters a line");
        assert!((45.0..=75.0).contains(&characters), "{name}: {characters} characters a line");
    }
    let refused = sample_with_profiles("[outputs.narrow]\nformat = \"pdf\"\ncolumns = 3\n");
    let line = refused.read_text("content/emotional-numbness.md").lines().position(|l| l == "columns = 3").unwrap() + 1;
    refused.run(&["check"]).fails_with(
        1,
        &format!("content/emotional-numbness.md:{line}:11: error[profile]: 3 columns on letter paper gives lines of about 30 characters; readable lines hold 45 to 75 (profile `narrow`)"),
    );
}

/// A text line from pdfminer: its box (y grows upwards), its largest type, its text and its
/// place in its paragraph.
#[derive(Debug, Clone)]
struct Line {
    x0: f64,
    y0: f64,
    size: f64,
    text: String,
    index: u64,
    count: u64,
}

fn layout_lines(pdf: &Path, page: usize) -> Option<Vec<Line>> {
    let json = python_tool("pdf_layout.py", &["lines", pdf.to_str().unwrap(), &page.to_string()], "pdfminer")?;
    let lines: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    Some(
        lines
            .iter()
            .map(|l| Line {
                x0: l["x0"].as_f64().unwrap(),
                y0: l["y0"].as_f64().unwrap(),
                size: l["size"].as_f64().unwrap(),
                text: l["text"].as_str().unwrap().to_string(),
                index: l["index"].as_u64().unwrap(),
                count: l["count"].as_u64().unwrap(),
            })
            .collect(),
    )
}

#[test]
fn no_heading_ends_a_column_and_no_line_of_a_paragraph_is_left_alone() {
    if poppler().is_none() {
        return;
    }
    let dir = Dir::fixture("long");
    let text = dir.read_text("content/sleep-and-health.md");
    let start = text.find("[outputs.").unwrap();
    let end = start + text[start..].find("\n+++").unwrap();
    let profiles = "[outputs.leaflet]\nformat = \"pdf\"\n[outputs.two]\nformat = \"pdf\"\ncolumns = 2\npaper = \"a4\"\n[outputs.large]\nformat = \"pdf\"\nlarge-print = true\n";
    dir.write("content/sleep-and-health.md", &format!("{}{profiles}{}", &text[..start], &text[end..]));
    dir.run(&["build"]).success();
    for (name, columns, page_width, body) in
        [("leaflet", 1, 612.0, 12.0), ("two", 2, 595.3, 10.5), ("large", 1, 612.0, 18.0)]
    {
        let pdf = dir.path().join(format!("dist/sleep-and-health/{name}.pdf"));
        let pages = output_of("pdfinfo", &[pdf.to_str().unwrap()])
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap()
            .trim()
            .parse::<usize>()
            .unwrap();
        let mut previous_last: Option<Line> = None;
        for page in 1..=pages {
            let Some(lines) = layout_lines(&pdf, page) else { return };
            // The footer is in the bottom margin (0.9 in).
            let footer = 0.85 * 72.0;
            for column in 0..columns {
                let (left, right) =
                    (page_width * column as f64 / columns as f64, page_width * (column + 1) as f64 / columns as f64);
                let mut own: Vec<&Line> =
                    lines.iter().filter(|l| l.x0 >= left && l.x0 < right && l.y0 > footer + 1.0).collect();
                own.sort_by(|a, b| b.y0.total_cmp(&a.y0));
                let (Some(first), Some(last)) = (own.first(), own.last()) else { continue };
                assert!(last.size < body * 1.1, "{name} page {page}: the column ends with a heading: {last:?}");
                // A column that starts mid-paragraph (in lower case) holds at least two of its lines,
                // and the column before it kept at least two.
                if first.index == 0 && first.text.chars().next().is_some_and(char::is_lowercase) {
                    assert!(first.count >= 2, "{name} page {page}: one line alone at the top: {first:?}");
                    if let Some(before) = &previous_last {
                        assert!(before.count >= 2, "{name} page {page}: one line alone at the foot: {before:?}");
                    }
                }
                previous_last = Some((*last).clone());
            }
        }
    }
}

/// `pdfinfo -struct-text`: the structure tree as text.
fn structure(pdf: &Path) -> String {
    output_of("pdfinfo", &["-struct-text", pdf.to_str().unwrap()])
}

#[test]
fn screen_readers_get_reading_order_lists_groups_and_named_links() {
    if poppler().is_none() || tool("qpdf", &["--version"]).is_none() {
        return;
    }
    let dir = sample_with_profiles(
        "[outputs.trifold]\nformat = \"pdf\"\nlayout = \"trifold\"\nsections = [\"intro\", \"symptoms\", \"get-help\"]\n[outputs.leaflet]\nformat = \"pdf\"\n",
    );
    dir.run(&["build", "content/emotional-numbness.md"]).success();
    let trifold = dir.path().join("dist/emotional-numbness/trifold.pdf");
    let tree = structure(&trifold);
    let top: Vec<&str> = tree.lines().filter(|l| l.starts_with("  ") && !l.starts_with("   ")).collect();
    assert_eq!(top[0].trim(), "Div", "the cover comes first:\n{tree}");
    let at = |needle: &str| tree.find(needle).unwrap_or_else(|| panic!("{needle:?} missing:\n{tree}"));
    // Cover, inside panels, help line, references; the review-date footer is an artifact.
    assert!(at("H1 \"Emotional Numbness\"") < at("H2 \"Signs to watch for\""));
    assert!(at("H2 \"When and where to get help\"") < at("H2 \"Need help now?\""));
    assert!(at("H2 \"Need help now?\"") < at("H2 \"References\""));
    assert!(!tree.contains("Reviewed November 2026"), "the footer is an artifact:\n{tree}");
    // References are a list with labels.
    let references = &tree[at("H2 \"References\"")..];
    assert!(
        references.contains("L (block):")
            && references.contains("LI (block)")
            && references.contains("Lbl (block)\n            \"1.\""),
        "{references}"
    );
    // A call-out is one group holding its title and its text.
    let leaflet = structure(&dir.path().join("dist/emotional-numbness/leaflet.pdf"));
    let callout = leaflet.find("\"Important\"").expect("the call-out's title");
    let group = leaflet[..callout].rfind("  Div").unwrap();
    assert!(
        leaflet[group..].find("If you are thinking about").unwrap() < leaflet[group..].find("H2").unwrap_or(usize::MAX),
        "{}",
        &leaflet[group..]
    );
    // Citation links say where they go.
    let json = output_of("qpdf", &["--json", trifold.to_str().unwrap()]);
    assert!(json.contains("\"/Contents\": \"u:Reference 1\""), "citation links announce their reference");
    assert!(!json.contains("\"/Contents\": \"u:page"), "no link is announced as a page number");
    if let Some(pdfua) = tool("pdfua", &["--version"]) {
        for name in ["trifold", "leaflet"] {
            let pdf = dir.path().join(format!("dist/emotional-numbness/{name}.pdf"));
            let out = std::process::Command::new(&pdfua).arg("check").arg(&pdf).output().unwrap();
            assert!(out.status.success(), "pdfua on {name}:\n{}", String::from_utf8_lossy(&out.stdout));
        }
    }
}

#[test]
fn right_to_left_text_keeps_numbers_in_their_order_and_tags_latin_names_as_english() {
    let dir = Dir::fixture("footcare");
    dir.run(&["build", "--profile", "trifold"]).success();
    let pdf = dir.path().join("dist/foot-care-ar/trifold.pdf");
    let Some(json) = python_tool("pdf_layout.py", &["lines", pdf.to_str().unwrap(), "2"], "pdfminer") else { return };
    let lines: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let visual: Vec<&str> = lines.iter().filter_map(|l| l["visual"].as_str()).collect();
    assert!(visual.iter().any(|l| l.contains("1-800-342-2383")), "the help line, left to right as seen: {visual:?}");
    if tool("qpdf", &["--version"]).is_none() {
        return;
    }
    let qdf = output_of("qpdf", &["--qdf", "--object-streams=disable", pdf.to_str().unwrap(), "-"]);
    let english = qdf.matches("/Lang(en)").count() + qdf.matches("/Lang (en)").count();
    assert!(english >= 2, "Latin-script names carry Lang=en: {english}");
}

#[test]
fn a_word_too_wide_for_its_column_is_an_error_at_its_place() {
    let dir = Dir::new();
    dir.write(
        "content/w.md",
        "+++\ntitle = \"Wide\"\nsummary = \"s\"\n[contact]\nphone = \"1-800-555-0100\"\n[outputs.t]\nformat = \"pdf\"\nlayout = \"trifold\"\n+++\nSome text with Pneumonoultramicroscopicsilicovolcanoconiosisxxxxxxxxxxxxxxxxxxxxxxxx in it.\n",
    );
    dir.run(&["build"]).fails_with(1, "content/w.md:10:16: error[pdf]: “Pneumonoultramicroscopicsilicovolcanoconiosisxxxxxxxxxxxxxxxxxxxxxxxx” is wider than its column");
    assert!(dir.files("dist").is_empty());
}

#[test]
fn the_qr_code_is_at_least_20_mm_with_a_quiet_zone_of_four_modules() {
    let dir = Dir::with_sample();
    dir.run(&["build", "--profile", "leaflet"]).success();
    let pdf = dir.path().join("dist/emotional-numbness/leaflet.pdf");
    let Some(json) = python_tool("pdf_layout.py", &["shapes", pdf.to_str().unwrap(), "1"], "pdfminer") else { return };
    let shapes: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let size = |s: &serde_json::Value, a: &str, b: &str| s[b].as_f64().unwrap() - s[a].as_f64().unwrap();
    // The modules are the small dark squares; the quiet zone is the light square around them.
    let modules: Vec<&serde_json::Value> =
        shapes.iter().filter(|s| size(s, "x0", "x1") < 4.0 && size(s, "y0", "y1") < 4.0).collect();
    let module = modules.iter().map(|s| size(s, "x0", "x1")).fold(f64::INFINITY, f64::min);
    let left = modules.iter().map(|s| s["x0"].as_f64().unwrap()).fold(f64::INFINITY, f64::min);
    let right = modules.iter().map(|s| s["x1"].as_f64().unwrap()).fold(0.0, f64::max);
    let symbol = right - left;
    assert!(symbol >= 20.0 * MM - 0.01, "the QR code is {:.1} mm", symbol / MM);
    let zone = shapes
        .iter()
        .filter(|s| {
            s["x0"].as_f64().unwrap() < left && s["x1"].as_f64().unwrap() > right && size(s, "x0", "x1") < symbol * 1.6
        })
        .map(|s| size(s, "x0", "x1"))
        .fold(0.0, f64::max);
    assert!(
        (zone - symbol) / 2.0 >= 4.0 * module - 0.05,
        "quiet zone {:.2} pt for modules of {module:.2} pt",
        (zone - symbol) / 2.0
    );
}

#[test]
fn images_are_read_as_what_they_are_whatever_their_names() {
    let dir = Dir::new();
    // A PNG saved as .jpg, and a file whose name holds a backslash.
    dir.write_png("assets/photo.jpg", 600, 400, [40, 120, 160]);
    dir.write_png("assets/a\\b.png", 600, 400, [160, 40, 120]);
    dir.write("handout.toml", "logo = \"assets/photo.jpg\"\norganisation = \"Clinic\"\n");
    dir.write(
        "content/x.md",
        "+++\ntitle = \"Pictures\"\nsummary = \"s\"\n[contact]\nphone = \"1-800-555-0100\"\n[outputs.leaflet]\nformat = \"pdf\"\n[outputs.trifold]\nformat = \"pdf\"\nlayout = \"trifold\"\n[outputs.booklet]\nformat = \"epub\"\n+++\nText.\n\n![A blue picture](../assets/photo.jpg)\n\n![A red picture](../assets/a\\\\b.png)\n",
    );
    let run = dir.run(&["build"]);
    run.success();
    assert!(!run.stderr.contains("panicked"));
    assert_eq!(dir.files("dist/x").len(), 3, "{:?}", dir.files("dist"));
    // A Windows-style path is refused at its place, not read.
    dir.write("content/x.md", "+++\ntitle = \"Pictures\"\nsummary = \"s\"\n[contact]\nphone = \"1-800-555-0100\"\n+++\n![A picture](..\\\\assets\\\\photo.jpg)\n");
    dir.run(&["check"]).fails_with(1, "content/x.md:7:1: error[path]: image `..\\assets\\photo.jpg`");
}
