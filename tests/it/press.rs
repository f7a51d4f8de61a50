//! The press PDF (`press = true`): PDF/X-4 structure read back with qpdf, ink measured on
//! Ghostscript's separations, the brand colour compared on Ghostscript's renderings, and the
//! screen PDFs left as they were. No open PDF/X validator exists, so each point of the
//! standard that matters to a print shop is asserted here one by one.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use serde_json::Value;

use crate::util::{Dir, output_of, repo, sample_with_profiles, tool};

/// The sample's press leaflet and press tri-fold, with the screen profiles beside them.
fn sample_built() -> Option<Dir> {
    tool("qpdf", &["--version"])?;
    let dir = Dir::with_sample();
    dir.run(&["build"]).success();
    Some(dir)
}

/// qpdf's JSON of a PDF: its objects by id (streams with their decoded data) and the trailer.
struct Qpdf {
    objects: BTreeMap<String, Value>,
    trailer: Value,
    pdf_version: String,
}

impl Qpdf {
    fn read(pdf: &Path) -> Qpdf {
        let json = output_of(
            "qpdf",
            &["--json", "--json-stream-data=inline", "--decode-level=generalized", pdf.to_str().unwrap()],
        );
        let mut all: Value = serde_json::from_str(&json).unwrap();
        let pdf_version = all["qpdf"][0]["pdfversion"].as_str().unwrap().to_string();
        let mut objects: BTreeMap<String, Value> = serde_json::from_value(all["qpdf"][1].take()).unwrap();
        let trailer = objects.remove("trailer").unwrap()["value"].clone();
        Qpdf { objects, trailer, pdf_version }
    }

    /// The dictionary of an object (a stream's own dictionary for a stream).
    fn dict(&self, reference: &Value) -> Value {
        let object = &self.objects[&format!("obj:{}", reference.as_str().unwrap())];
        if object.get("stream").is_some() { object["stream"]["dict"].clone() } else { object["value"].clone() }
    }

    fn data(&self, reference: &Value) -> Vec<u8> {
        let object = &self.objects[&format!("obj:{}", reference.as_str().unwrap())];
        base64::engine::general_purpose::STANDARD.decode(object["stream"]["data"].as_str().unwrap()).unwrap()
    }

    /// A value, following a reference.
    fn resolve(&self, value: &Value) -> Value {
        match value.as_str() {
            Some(s) if s.ends_with(" R") => self.dict(value),
            _ => value.clone(),
        }
    }

    fn catalog(&self) -> Value {
        self.dict(&self.trailer["/Root"])
    }

    fn pages(&self) -> Vec<Value> {
        let root = self.dict(&self.catalog()["/Pages"]);
        root["/Kids"].as_array().unwrap().iter().map(|kid| self.dict(kid)).collect()
    }

    /// Every dictionary in the file, streams' dictionaries included.
    fn dictionaries(&self) -> Vec<&Value> {
        self.objects
            .values()
            .map(|o| if o.get("stream").is_some() { &o["stream"]["dict"] } else { &o["value"] })
            .collect()
    }
}

/// qpdf writes text strings as "u:…".
fn text(value: &Value) -> &str {
    value.as_str().map(|s| s.trim_start_matches("u:")).unwrap_or("")
}

fn numbers(value: &Value) -> Vec<f64> {
    value.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
}

fn inside(inner: &[f64], outer: &[f64]) -> bool {
    inner[0] >= outer[0] - 0.01
        && inner[1] >= outer[1] - 0.01
        && inner[2] <= outer[2] + 0.01
        && inner[3] <= outer[3] + 0.01
}

/// Asserts every point of PDF/X-4 (ISO 15930-7) that can be read from the file's structure.
fn assert_pdf_x4(pdf: &Path, identifier: &str) {
    let file = std::fs::read(pdf).unwrap();
    assert!(file.starts_with(b"%PDF-1.6") || file.starts_with(b"%PDF-1.5"), "PDF/X-4 is PDF 1.6 at most");
    let q = Qpdf::read(pdf);
    assert_eq!(q.pdf_version, "1.6");
    let what = pdf.display();

    // No encryption, and the document's ID.
    assert!(q.trailer.get("/Encrypt").is_none(), "{what}: encrypted");
    assert_eq!(q.trailer["/ID"].as_array().map(Vec::len), Some(2), "{what}: no ID");

    // The Info dictionary.
    let info = q.dict(&q.trailer["/Info"]);
    assert_eq!(text(&info["/GTS_PDFXVersion"]), "PDF/X-4", "{what}: {info}");
    assert_eq!(info["/Trapped"], "/False");
    for key in ["/Title", "/CreationDate", "/ModDate"] {
        assert!(!text(&info[key]).is_empty(), "{what}: Info has no {key}");
    }

    // The XMP metadata says the same.
    let catalog = q.catalog();
    let xmp = String::from_utf8(q.data(&catalog["/Metadata"])).unwrap();
    for needed in [
        "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>",
        "<pdf:Trapped>False</pdf:Trapped>",
        "<xmpMM:DocumentID>",
        "<xmpMM:VersionID>",
        "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
        "<xmp:CreateDate>",
        "<xmp:ModifyDate>",
        "<xmp:MetadataDate>",
        "<dc:title>",
        "<pdf:PDFVersion>1.6</pdf:PDFVersion>",
    ] {
        assert!(xmp.contains(needed), "{what}: XMP lacks {needed}:\n{xmp}");
    }

    // One output intent with an embedded CMYK output profile.
    let intents = catalog["/OutputIntents"].as_array().expect("OutputIntents");
    assert_eq!(intents.len(), 1);
    let intent = q.resolve(&intents[0]);
    assert_eq!(intent["/S"], "/GTS_PDFX");
    assert_eq!(text(&intent["/OutputConditionIdentifier"]), identifier);
    assert!(!text(&intent["/Info"]).is_empty());
    let profile_ref = &intent["/DestOutputProfile"];
    assert_eq!(q.dict(profile_ref)["/N"], 4);
    let icc = q.data(profile_ref);
    assert_eq!(&icc[12..20], b"prtrCMYK", "an output (printer) profile for CMYK");
    assert_eq!(u32::from_be_bytes(icc[0..4].try_into().unwrap()) as usize, icc.len());

    // No interactive content: no annotations, forms or scripts.
    assert!(catalog.get("/AcroForm").is_none() && catalog.get("/OpenAction").is_none());
    for page in q.pages() {
        assert!(page.get("/Annots").is_none(), "{what}: a page has annotations");
        let media = numbers(&page["/MediaBox"]);
        let trim = numbers(page.get("/TrimBox").expect("every page has a TrimBox"));
        let bleed = numbers(page.get("/BleedBox").expect("every page has a BleedBox"));
        assert!(inside(&trim, &bleed) && inside(&bleed, &media), "{what}: boxes {trim:?} {bleed:?} {media:?}");
    }
    let mut fonts = 0;
    for dict in q.dictionaries() {
        assert!(dict.get("/JS").is_none() && dict.get("/S") != Some(&Value::from("/JavaScript")));
        // Every font embedded.
        if dict.get("/Type") == Some(&Value::from("/FontDescriptor")) {
            fonts += 1;
            assert!(
                ["/FontFile", "/FontFile2", "/FontFile3"].iter().any(|k| dict.get(*k).is_some()),
                "{what}: a font is not embedded: {dict}"
            );
        }
    }
    assert!(fonts > 0);
    assert_cmyk_only(&q, pdf);
}

/// No RGB anywhere: no RGB colour space object, no RGB operator in any content stream, every
/// picture CMYK or grey.
fn assert_cmyk_only(q: &Qpdf, pdf: &Path) {
    let what = pdf.display();
    for (id, object) in &q.objects {
        let value = if object.get("stream").is_some() { &object["stream"]["dict"] } else { &object["value"] };
        let printed = value.to_string();
        assert!(
            !printed.contains("/DeviceRGB") && !printed.contains("/CalRGB"),
            "{what}: {id} names an RGB colour space: {printed}"
        );
        if let Some(array) = value.as_array()
            && array.first() == Some(&Value::from("/ICCBased"))
        {
            let components = q.dict(&array[1])["/N"].as_i64();
            assert_ne!(components, Some(3), "{what}: an RGB ICC colour space");
            assert_ne!(components, Some(1), "{what}: a grey ICC colour space (it would print in four colours)");
        }
        if value.get("/Subtype") == Some(&Value::from("/Image")) && value.get("/ImageMask").is_none() {
            let space = value["/ColorSpace"].as_str().unwrap_or("");
            assert!(["/DeviceCMYK", "/DeviceGray"].contains(&space), "{what}: picture in {space}");
        }
    }
    for page in q.pages() {
        let contents = match &page["/Contents"] {
            Value::Array(items) => items.clone(),
            one => vec![one.clone()],
        };
        for content in contents {
            let ops = String::from_utf8_lossy(&q.data(&content)).into_owned();
            for line in ops.lines() {
                let op = line.rsplit(' ').next().unwrap_or("");
                assert!(!["rg", "RG", "g", "G"].contains(&op), "{what}: an RGB or grey operator: {line}");
            }
        }
    }
}

#[test]
fn the_sample_press_leaflet_and_trifold_are_pdf_x4() {
    let Some(dir) = sample_built() else { return };
    for slug in ["emotional-numbness", "emotional-numbness-es"] {
        // Letter paper: the US printing condition.
        assert_pdf_x4(&dir.path().join(format!("dist/{slug}/press-leaflet.pdf")), "CGATS TR 006");
        assert_pdf_x4(&dir.path().join(format!("dist/{slug}/press-trifold.pdf")), "CGATS TR 006");
    }
    // The slug line tells the shop what the file is made for.
    if tool("pdftotext", &["-v"]).is_some() {
        let pdf = dir.path().join("dist/emotional-numbness/press-trifold.pdf");
        let slug = output_of("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        assert!(slug.contains("PDF/X-4, CGATS TR 006"), "{slug}");
    }
    // The screen PDF of the same handout keeps its links and tags.
    let screen = Qpdf::read(&dir.path().join("dist/emotional-numbness/leaflet.pdf"));
    assert!(screen.catalog().get("/StructTreeRoot").is_some());
    assert!(screen.pages().iter().any(|p| p.get("/Annots").is_some()));
    assert!(screen.catalog().get("/OutputIntents").is_none());
}

#[test]
fn the_screen_pdfs_are_the_same_bytes_with_or_without_a_press_profile() {
    if tool("qpdf", &["--version"]).is_none() {
        return;
    }
    let with_press = Dir::with_sample();
    with_press.run(&["build"]).success();
    let leaflet = std::fs::read_to_string(repo().join("content/emotional-numbness.md")).unwrap();
    let start = leaflet.find("[outputs.leaflet]").unwrap();
    let end = start + leaflet[start..].find("\n\n").unwrap();
    let alone = sample_with_profiles(&format!("{}\n", &leaflet[start..end]));
    alone.run(&["build"]).success();
    assert_eq!(
        with_press.read("dist/emotional-numbness/leaflet.pdf"),
        alone.read("dist/emotional-numbness/leaflet.pdf"),
        "the screen leaflet changed when press profiles were added beside it"
    );
}

/// Ghostscript, or a loud skip (a failure under CI=true).
fn ghostscript() -> Option<()> {
    tool("gs", &["--version"]).map(|_| ())
}

/// The four process separations of page `page` at `dpi`, from Ghostscript's `tiffsep`: each
/// plate's ink per pixel, 0 (none) to 255 (solid). Any other plate (a spot colour) fails.
fn separations(pdf: &Path, page: usize, dpi: u32) -> (usize, usize, [Vec<u8>; 4]) {
    let out = tempfile::tempdir().unwrap();
    let pattern = out.path().join("p.tif");
    output_of(
        "gs",
        &[
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-sDEVICE=tiffsep",
            &format!("-r{dpi}"),
            &format!("-dFirstPage={page}"),
            &format!("-dLastPage={page}"),
            &format!("-sOutputFile={}", pattern.display()),
            pdf.to_str().unwrap(),
        ],
    );
    let mut names: Vec<String> =
        std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["p(Black).tif", "p(Cyan).tif", "p(Magenta).tif", "p(Yellow).tif", "p.tif"], "plates");
    let plate = |name: &str| {
        let file = std::fs::File::open(out.path().join(format!("p({name}).tif"))).unwrap();
        let mut decoder = tiff::decoder::Decoder::new(std::io::BufReader::new(file)).unwrap();
        let (width, height) = decoder.dimensions().unwrap();
        let tiff::decoder::DecodingResult::U8(data) = decoder.read_image().unwrap() else { panic!("8-bit plates") };
        // tiffsep writes 255 for no ink.
        (width as usize, height as usize, data.into_iter().map(|v| 255 - v).collect::<Vec<u8>>())
    };
    let (width, height, cyan) = plate("Cyan");
    let (_, _, magenta) = plate("Magenta");
    let (_, _, yellow) = plate("Yellow");
    let (_, _, black) = plate("Black");
    (width, height, [cyan, magenta, yellow, black])
}

/// The most ink on any pixel inside the BleedBox (the marks outside it are in registration
/// colour, on every plate by design), in percent.
fn most_ink(pdf: &Path, page: usize, dpi: u32) -> f64 {
    let q = Qpdf::read(pdf);
    let page_dict = &q.pages()[page - 1];
    let media = numbers(&page_dict["/MediaBox"]);
    let bleed = numbers(&page_dict["/BleedBox"]);
    let (width, height, plates) = separations(pdf, page, dpi);
    let scale = f64::from(dpi) / 72.0;
    let (x0, x1) = ((bleed[0] * scale).ceil() as usize, ((bleed[2] * scale).floor() as usize).min(width));
    // Pixel rows count from the top.
    let (y0, y1) = (
        ((media[3] - bleed[3]) * scale).ceil() as usize,
        (((media[3] - bleed[1]) * scale).floor() as usize).min(height),
    );
    let mut most = 0u32;
    for y in y0..y1 {
        for x in x0..x1 {
            let i = y * width + x;
            most = most.max(plates.iter().map(|p| u32::from(p[i])).sum());
        }
    }
    f64::from(most) / 255.0 * 100.0
}

#[test]
fn press_text_is_on_the_black_plate_only_and_ink_stays_under_300_percent() {
    let Some(dir) = sample_built() else { return };
    if ghostscript().is_none() || tool("pdftotext", &["-v"]).is_none() {
        return;
    }
    let dpi = 100;
    for (file, page, sentence) in [
        ("press-leaflet.pdf", 1, "Many people feel this way at some point."),
        ("press-trifold.pdf", 2, "Many people feel this way at some point."),
    ] {
        let pdf = dir.path().join("dist/emotional-numbness").join(file);
        let (width, _, plates) = separations(&pdf, page, dpi);
        let words = crate::print::words(&pdf, page);
        let wanted: Vec<&str> = sentence.split(' ').collect();
        let start = words
            .windows(wanted.len())
            .position(|w| w.iter().zip(&wanted).all(|(a, b)| a.text == *b))
            .unwrap_or_else(|| panic!("{file}: the sentence is not on page {page}"));
        let scale = f64::from(dpi) / 72.0;
        for word in &words[start..start + wanted.len()] {
            let (mut colour, mut black) = (0u32, 0u32);
            for y in (word.y0 * scale) as usize..(word.y1 * scale) as usize {
                for x in (word.x0 * scale) as usize..(word.x1 * scale) as usize {
                    let i = y * width + x;
                    colour += u32::from(plates[0][i]) + u32::from(plates[1][i]) + u32::from(plates[2][i]);
                    black += u32::from(plates[3][i]);
                }
            }
            assert_eq!(colour, 0, "{file}: body text `{}` has cyan, magenta or yellow ink", word.text);
            assert!(black > 0, "{file}: body text `{}` is not on the black plate", word.text);
        }
        for page in [1, 2] {
            let most = most_ink(&pdf, page, 72);
            assert!(most <= 300.5, "{file} page {page}: {most:.1} % ink");
        }
    }
}

#[test]
fn pictures_become_cmyk_under_the_ink_limit_and_a_soft_one_is_an_error() {
    if tool("qpdf", &["--version"]).is_none() || ghostscript().is_none() {
        return;
    }
    let dir = Dir::new();
    dir.write("handout.toml", "organisation = \"Picture Clinic\"\n[contact]\nphone = \"1-800-555-0100\"\n");
    // Dark, saturated colours that a plain conversion would lay down at well over 300 %.
    let (w, h) = (1800u32, 900u32);
    let photo = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 60 / w) as u8, (y * 40 / h) as u8, 30 + (x % 90) as u8])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    photo.write_to(&mut png, image::ImageFormat::Png).unwrap();
    dir.write_bytes("assets/dark.png", png.get_ref());
    let mut jpeg = std::io::Cursor::new(Vec::new());
    photo.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    dir.write_bytes("assets/dark.jpg", jpeg.get_ref());
    let grey = image::GrayImage::from_fn(w, h, |x, _| image::Luma([(x * 255 / w) as u8]));
    let mut grey_png = std::io::Cursor::new(Vec::new());
    grey.write_to(&mut grey_png, image::ImageFormat::Png).unwrap();
    dir.write_bytes("assets/grey.png", grey_png.get_ref());
    dir.write(
        "assets/shapes.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"100\"><rect width=\"100\" height=\"100\" fill=\"#e4002b\"/><rect x=\"100\" width=\"100\" height=\"100\" fill=\"#000000\"/><rect x=\"200\" width=\"100\" height=\"100\" fill=\"#777777\"/></svg>",
    );
    let handout = "+++\ntitle = \"Pictures\"\nsummary = \"Pictures. Call us.\"\nreviewed = 2026-11-01\n\n[outputs.press]\nformat = \"pdf\"\npaper = \"a4\"\npress = true\n+++\nCall us if you need help.\n\n![A dark photo](../assets/dark.png)\n\n![The same as JPEG](../assets/dark.jpg)\n\n![A grey ramp](../assets/grey.png)\n\n![Three squares](../assets/shapes.svg)\n";
    dir.write("content/pictures.md", handout);
    dir.run(&["build"]).success();
    let pdf = dir.path().join("dist/pictures/press.pdf");
    // A4: the European printing condition.
    assert_pdf_x4(&pdf, "FOGRA39");
    let inks: Vec<f64> = (1..=Qpdf::read(&pdf).pages().len()).map(|page| most_ink(&pdf, page, 72)).collect();
    assert!(inks.iter().all(|&most| most <= 300.5), "{inks:?} % ink");
    assert!(inks.iter().any(|&most| most > 250.0), "the dark photo should come near the limit: {inks:?} %");

    // A picture below 300 dpi at its printed size: an error for the press, a warning on screen.
    let small = image::RgbImage::from_pixel(400, 200, image::Rgb([200, 30, 30]));
    let mut small_png = std::io::Cursor::new(Vec::new());
    small.write_to(&mut small_png, image::ImageFormat::Png).unwrap();
    dir.write_bytes("assets/small.png", small_png.get_ref());
    let soft = handout
        .replace("dark.png", "small.png")
        .replace("press = true\n", "press = true\n\n[outputs.screen]\nformat = \"pdf\"\npaper = \"a4\"\n");
    dir.write("content/pictures.md", &soft);
    let line = soft.lines().position(|l| l.contains("small.png")).unwrap() + 1;
    let column = soft.lines().nth(line - 1).unwrap().find("../assets").unwrap() + 1;
    let before = std::fs::read(&pdf).unwrap();
    let run = dir.run(&["build"]);
    run.fails_with(
        1,
        &format!("content/pictures.md:{line}:{column}: error[image]: image `../assets/small.png` prints at"),
    );
    assert!(run.stderr.contains("which a press PDF does not accept"), "{}", run.stderr);
    assert!(run.stderr.contains("warning[image]"), "the screen profile warns: {}", run.stderr);
    assert_eq!(std::fs::read(&pdf).unwrap(), before, "a refused handout keeps its previous files");
    assert!(!dir.path().join("dist/pictures/screen.pdf").exists(), "a refused handout writes nothing");
}

/// sRGB (0–255) to CIE L*a*b* (D65), for comparing colours as people see them.
fn lab([r, g, b]: [u8; 3]) -> [f64; 3] {
    let linear = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    let (r, g, b) = (linear(r), linear(g), linear(b));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
    [116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))]
}

/// The colour of the pixel at a fraction of the page, as Ghostscript renders it.
fn rendered_colour(pdf: &Path, profile: Option<&Path>, at: (f64, f64)) -> [u8; 3] {
    let out = tempfile::tempdir().unwrap();
    let png = out.path().join("page.png");
    let mut args = vec![
        "-q".to_string(),
        "-dNOPAUSE".into(),
        "-dBATCH".into(),
        "-sDEVICE=png16m".into(),
        "-r36".into(),
        "-dFirstPage=1".into(),
        "-dLastPage=1".into(),
        format!("-sOutputFile={}", png.display()),
    ];
    // The press PDF's CMYK read through its own printing condition, as a proof would.
    if let Some(profile) = profile {
        args.push(format!("-sDefaultCMYKProfile={}", profile.display()));
    }
    args.push(pdf.display().to_string());
    output_of("gs", &args.iter().map(String::as_str).collect::<Vec<_>>());
    let image = image::open(&png).unwrap().to_rgb8();
    let pixel = image.get_pixel((at.0 * f64::from(image.width())) as u32, (at.1 * f64::from(image.height())) as u32);
    pixel.0
}

#[test]
fn the_brand_colour_looks_like_itself_after_conversion() {
    let Some(dir) = sample_built() else { return };
    if ghostscript().is_none() {
        return;
    }
    // The cover panel of the tri-fold (the right third of the outside) is the brand colour.
    let press = dir.path().join("dist/emotional-numbness/press-trifold.pdf");
    let profile = repo().join("assets/icc/gracol2006-300.icc");
    let proofed = rendered_colour(&press, Some(&profile), (0.9, 0.1));
    let brand = [0x1f, 0x5f, 0x73];
    let (a, b) = (lab(brand), lab(proofed));
    let difference = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
    assert!(difference < 3.0, "brand {brand:?} proofs as {proofed:?}: ΔE {difference:.1}");
}

#[test]
fn press_profile_keys_are_checked_at_their_place() {
    let dir = sample_with_profiles(
        "[outputs.press]\nformat = \"pdf\"\npress = true\naccessible = true\n\n[outputs.other]\nformat = \"pdf\"\npress = true\npress-profile = \"fogra\"\n\n[outputs.shop]\nformat = \"pdf\"\npress = true\npress-profile = \"../assets/shop.icc\"\n\n[outputs.plain]\nformat = \"pdf\"\npress-profile = \"fogra39\"\n",
    );
    dir.write("assets/shop.icc", "not a profile");
    let run = dir.run(&["check"]);
    run.fails_with(1, "error[profile]: a press PDF cannot also be the accessible PDF");
    for needed in [
        "`press-profile = \"fogra\"` is not a printing condition",
        "did you mean \"fogra39\"?",
        "press profile `../assets/shop.icc`: it is not an ICC profile",
        "warning[profile]: `press-profile` has no effect without `press = true`",
    ] {
        assert!(run.stderr.contains(needed), "missing {needed:?}:\n{}", run.stderr);
    }
    let line_of = |needle: &str| {
        let text = dir.read_text("content/emotional-numbness.md");
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    };
    assert!(run.stderr.contains(&format!("content/emotional-numbness.md:{}:", line_of("accessible = true"))));
    assert!(run.stderr.contains(&format!("content/emotional-numbness.md:{}:", line_of("\"fogra\""))));
}

#[test]
fn a_print_shops_own_profile_is_the_output_intent() {
    if tool("qpdf", &["--version"]).is_none() {
        return;
    }
    let dir = sample_with_profiles(
        "[outputs.shop]\nformat = \"pdf\"\nsections = [\"intro\"]\npress = true\npress-profile = \"../assets/shop.icc\"\n",
    );
    dir.write_bytes("assets/shop.icc", &std::fs::read(repo().join("assets/icc/fogra39-300.icc")).unwrap());
    dir.run(&["build"]).success();
    let pdf = dir.path().join("dist/emotional-numbness/shop.pdf");
    assert_pdf_x4(&pdf, "Custom");
    let q = Qpdf::read(&pdf);
    let intent = q.resolve(&q.catalog()["/OutputIntents"][0]);
    assert_eq!(text(&intent["/OutputCondition"]), "handout FOGRA39 coated, 300% total ink");
    assert!(intent.get("/RegistryName").is_none());
    // The profile is an input: changing it rebuilds.
    dir.run(&["build"]).success();
    let before = dir.read("dist/emotional-numbness/shop.pdf");
    dir.write_bytes("assets/shop.icc", &std::fs::read(repo().join("assets/icc/gracol2006-300.icc")).unwrap());
    dir.run(&["build"]).success();
    assert_ne!(before, dir.read("dist/emotional-numbness/shop.pdf"));
}
