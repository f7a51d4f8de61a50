//! Handouts in other languages: localized interface strings and dates, right-to-left text,
//! and the SMS encoding each language needs.

use crate::util::{Dir, epubcheck, output_of, run_epubcheck, tool};

fn json(dir: &Dir, relative: &str) -> serde_json::Value {
    serde_json::from_slice(&dir.read(relative)).unwrap()
}

fn unzip_entry(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn spanish_sample_in_every_format() {
    let dir = Dir::with_sample();
    let run = dir.run(&["build"]);
    run.success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    // SMS: the accents make it UCS-2 in `auto`, and the message fits one segment.
    let sms = json(&dir, "dist/emotional-numbness-es/sms.json");
    assert_eq!(sms["lang"], "es");
    assert_eq!(sms["messages"][0]["encoding"], "UCS-2");
    assert_eq!(sms["messages"][0]["segments"], 1);
    assert!(sms["messages"][0]["text"].as_str().unwrap().contains("1-800-662-4357"));
    // EPUB: language, localized navigation and references.
    let epub = dir.read("dist/emotional-numbness-es/booklet.epub");
    assert!(unzip_entry(&epub, "OEBPS/content.opf").contains(">es</dc:language>"));
    let nav = unzip_entry(&epub, "OEBPS/nav.xhtml");
    assert!(nav.contains("lang=\"es\"") && nav.contains("Contenido"), "{nav}");
    let references = unzip_entry(&epub, "OEBPS/references.xhtml");
    assert!(references.contains(">Referencias</h1>") && references.contains("Disponible en:"), "{references}");
    assert!(unzip_entry(&epub, "OEBPS/intro.xhtml").contains("Revisado: noviembre de 2026"));
    if let Some(command) = epubcheck() {
        run_epubcheck(&command, &dir.path().join("dist/emotional-numbness-es/booklet.epub"))
            .unwrap_or_else(|r| panic!("{r}"));
    }
    // PDF: localized strings and dates.
    if tool("pdftotext", &["-v"]).is_none() {
        return;
    }
    let text =
        output_of("pdftotext", &[dir.path().join("dist/emotional-numbness-es/leaflet.pdf").to_str().unwrap(), "-"]);
    for expected in [
        "Adormecimiento emocional",
        "¿Necesita ayuda ahora?",
        "Llame al",
        "Referencias",
        "Página 1 de ",
        "Revisado: noviembre de 2026",
        "Escanee para visitar",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
}

#[test]
fn arabic_in_every_format() {
    let dir = Dir::fixture("arabic");
    dir.run(&["build"]).success();
    let sms = json(&dir, "dist/numbness-ar/sms.json");
    assert_eq!(sms["messages"][0]["encoding"], "UCS-2");
    let text = sms["messages"][0]["text"].as_str().unwrap();
    // The help line is isolated left to right, so that a phone shows it in its own order.
    assert!(text.contains("اتصل بالرقم \u{2066}1-800-662-4357\u{2069}"), "{text}");
    let epub = dir.read("dist/numbness-ar/booklet.epub");
    assert!(unzip_entry(&epub, "OEBPS/content.opf").contains("page-progression-direction=\"rtl\""));
    assert!(unzip_entry(&epub, "OEBPS/symptoms.xhtml").contains("<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\">"));
    assert!(unzip_entry(&epub, "OEBPS/references.xhtml").contains(">المراجع</h1>"));
    if let Some(command) = epubcheck() {
        run_epubcheck(&command, &dir.path().join("dist/numbness-ar/booklet.epub")).unwrap_or_else(|r| panic!("{r}"));
    }
    if tool("pdftotext", &["-v"]).is_none() {
        return;
    }
    let pdf = dir.path().join("dist/numbness-ar/leaflet.pdf");
    // pdftotext wraps right-to-left lines in bidi controls; drop them. (It also writes the
    // lam-alef ligatures of "إلى" and "الآن" in reversed order, so those words are not compared.)
    let text: String = output_of("pdftotext", &[pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !('\u{202a}'..='\u{202e}').contains(c))
        .collect();
    // Its spacing around numbers and colons in right-to-left lines is approximate: compare
    // without spaces.
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for expected in
        ["الخدر العاطفي", "المراجع", "هل تحتاج", "خط المساعدة الوطني", "صفحة 1 من 1", "تمت المراجعة", "نوفمبر 2026"]
    {
        let expected: String = expected.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(squeezed.contains(&expected), "{expected:?} missing:\n{text}");
    }
    // The help line reads left to right inside right-to-left text, in the box and in the body.
    let words = output_of("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    assert_eq!(words.matches(">1-800-662-4357").count(), 2, "{words}");
    let info = output_of("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    let fonts = output_of("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(fonts.contains("NotoSansArabic"), "{fonts}");
}

#[test]
fn a_language_without_strings_falls_back_to_english_with_a_warning() {
    let dir = Dir::new();
    dir.write("content/x.md", "+++\ntitle = \"Schlaf\"\nsummary = \"Gut schlafen.\"\nlang = \"de\"\n[contact]\nphone = \"1-800-555-0100\"\n[outputs.text]\nformat = \"sms\"\n+++\nText.\n");
    let run = dir.run(&["check"]);
    assert!(
        run.stderr.contains("content/x.md:4:8: warning[locale]: no `de` text for interface strings"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint: add them to assets/locales/de.toml"), "{}", run.stderr);
    // A project locale file fills the gap; an unknown key in it is an error at its line.
    dir.write("assets/locales/de.toml", "call = \"Rufen Sie an:\"\nrefernces = \"Quellen\"\n");
    dir.run(&["check"])
        .fails_with(1, "assets/locales/de.toml:2:1: error[locale]: unknown interface string `refernces`");
    // A text message never gets the English opt-out: the language needs its own.
    dir.write("assets/locales/de.toml", "call = \"Rufen Sie an:\"\n");
    dir.run(&["build"]).fails_with(
        1,
        "content/x.md:3:1: error[sms]: there is no German (`de`) text that says how to stop the messages",
    );
    dir.write(
        "assets/locales/de.toml",
        "call = \"Rufen Sie an:\"\nsms-opt-out = \"Antworten Sie STOP, um sich abzumelden.\"\n",
    );
    dir.run(&["build"]).success();
    let sms = json(&dir, "dist/x/text.json");
    assert_eq!(
        sms["messages"][0]["text"],
        "Gut schlafen. Rufen Sie an: 1-800-555-0100. Antworten Sie STOP, um sich abzumelden."
    );
}

#[test]
fn vietnamese_and_russian_use_the_wide_font_first() {
    let dir = Dir::new();
    for (lang, title, body) in [
        ("vi", "Tê liệt cảm xúc", "Bạn có cảm thấy trống rỗng không? Hãy gọi cho chúng tôi."),
        ("ru", "Эмоциональное онемение", "Вы чувствуете пустоту? Позвоните нам."),
    ] {
        dir.write(&format!("content/{lang}.md"), &format!("+++\ntitle = \"{title}\"\nsummary = \"s\"\nlang = \"{lang}\"\n[contact]\nphone = \"1-800-555-0100\"\n[outputs.p]\nformat = \"pdf\"\n+++\n{body}\n"));
    }
    dir.run(&["build"]).success();
    if tool("pdffonts", &["-v"]).is_none() {
        return;
    }
    for lang in ["vi", "ru"] {
        let pdf = dir.path().join(format!("dist/{lang}/p.pdf"));
        let fonts = output_of("pdffonts", &[pdf.to_str().unwrap()]);
        assert!(fonts.contains("NotoSans-"), "{lang}: {fonts}");
        let text = output_of("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        assert!(
            text.contains(if lang == "vi" {
                "Tê liệt cảm xúc"
            } else {
                "Эмоциональное онемение"
            }),
            "{text}"
        );
    }
}

#[test]
fn a_project_font_chain_per_language_is_used() {
    let dir = Dir::new();
    // A font folder of the project's own, and a chain naming its family for English.
    std::fs::create_dir_all(dir.path().join("fonts")).unwrap();
    for file in ["NotoSans-Regular.ttf", "NotoSans-Bold.ttf"] {
        dir.write_bytes(
            &format!("fonts/{file}"),
            &std::fs::read(crate::util::repo().join("fonts").join(file)).unwrap(),
        );
    }
    dir.write("handout.toml", "[fonts]\nen = [\"Noto Sans\"]\n");
    dir.write("content/x.md", "+++\ntitle = \"Sleep\"\nsummary = \"s\"\n[contact]\nphone = \"988\"\n[outputs.p]\nformat = \"pdf\"\n+++\nSleep well.\n");
    dir.run(&["build"]).success();
    if tool("pdffonts", &["-v"]).is_none() {
        return;
    }
    let fonts = output_of("pdffonts", &[dir.path().join("dist/x/p.pdf").to_str().unwrap()]);
    assert!(fonts.contains("NotoSans-") && !fonts.contains("Atkinson"), "{fonts}");
    // A family nobody has is an error, not a silent fallback.
    dir.write("handout.toml", "[fonts]\nen = [\"Noto Sanz\"]\n");
    dir.run(&["build"]).fails_with(1, "font family \"Noto Sanz\" (from [fonts] in handout.toml) is not available");
}
