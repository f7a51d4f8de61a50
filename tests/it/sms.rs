//! Text messages: exact counts at every boundary, the composed sample message, and agreement
//! with Twilio's open-source segment calculator on generated strings.

use std::io::Write;
use std::process::{Command, Stdio};

use handout::render::sms::encoding::{Encoding, encode, unencodable};

use crate::util::{Dir, repo, skip_or_fail};

/// Counts as Twilio's calculator does (no smart replacements): the text's natural encoding.
fn natural(text: &str) -> handout::render::sms::encoding::Encoded {
    encode(text, if unencodable(text).is_empty() { Encoding::Gsm7 } else { Encoding::Ucs2 })
}

/// A few hundred strings around the segment boundaries, mixing every kind of character.
fn generated() -> Vec<String> {
    let alphabet: Vec<&str> = vec![
        "a",
        "Z",
        "7",
        " ",
        ".",
        "\n",
        "@",
        "£",
        "é",
        "Ç",
        "Δ",
        "ñ",
        "¿", // basic table
        "€",
        "[",
        "]",
        "{",
        "}",
        "\\",
        "^",
        "~",
        "|", // extension table
        "’",
        "“",
        "—",
        "…",
        "á",
        "ç",
        "ú",
        "中",
        "ة",
        "😀",
        "👍🏽",
        "é",
        "\r\n", // UCS-2
        // Clusters the calculator splits or keeps whole (Unicode 10 rules): Indic conjuncts,
        // family and flag sequences, combining accents.
        "क्ष",
        "श्री",
        "ক্ষ",
        "👩‍👩‍👧‍👦",
        "🇺🇸",
        "🏳️‍🌈",
        "👨🏽‍⚕️",
        "e\u{301}\u{301}",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut texts = Vec::new();
    for i in 0..400 {
        // Mostly one kind of character plus a few others, at lengths near 67/70/153/160 and beyond.
        let length =
            [60, 66, 67, 68, 69, 70, 71, 130, 134, 140, 152, 153, 154, 159, 160, 161, 200, 306, 307, 320][i % 20];
        let pool = if i % 3 == 0 {
            &alphabet[..13]
        } else if i % 3 == 1 {
            &alphabet[..22]
        } else {
            &alphabet[..]
        };
        let mut text = String::new();
        while text.chars().count() < length {
            text.push_str(if next(4) == 0 { pool[next(pool.len())] } else { "a" });
        }
        texts.push(text);
    }
    texts
}

/// Twilio's calculator's result for each text (encoding, segments, units, parts), or `None`
/// (said loudly, and a failure under CI) when it is not installed.
pub fn reference_counts(texts: &serde_json::Value) -> Option<Vec<serde_json::Value>> {
    let oracle_dir = repo().join("tests/js");
    if !oracle_dir.join("node_modules/sms-segments-calculator").is_dir() {
        skip_or_fail("the SMS reference calculator is not installed (cd tests/js && npm ci)");
        return None;
    }
    let mut child = match Command::new("node")
        .arg("oracle.js")
        .current_dir(&oracle_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            skip_or_fail(&format!("node cannot run ({e})"));
            return None;
        }
    };
    child.stdin.take().unwrap().write_all(texts.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let expected: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(expected.len(), texts.as_array().map_or(0, Vec::len));
    Some(expected)
}

#[test]
fn counts_agree_with_the_reference_calculator() {
    let texts = generated();
    let Some(expected) = reference_counts(&serde_json::json!(texts)) else { return };
    let mut by_encoding = [0, 0];
    for (text, reference) in texts.iter().zip(&expected) {
        let ours = natural(text);
        assert_eq!(ours.encoding.name(), reference["encoding"], "encoding of {text:?}");
        assert_eq!(ours.segments as u64, reference["segments"], "segments of {text:?}");
        let parts: Vec<String> = serde_json::from_value(reference["parts"].clone()).unwrap();
        assert_eq!(ours.parts, parts, "parts of {text:?}");
        if ours.encoding == Encoding::Gsm7 {
            assert_eq!(ours.units as u64, reference["units"], "septets of {text:?}");
            by_encoding[0] += 1;
        } else {
            by_encoding[1] += 1;
        }
    }
    // The generated set exercises both encodings and multi-part messages.
    assert!(by_encoding[0] > 100 && by_encoding[1] > 100, "{by_encoding:?}");
    assert!(texts.iter().map(|t| natural(t).segments).max().unwrap() >= 3);
}

#[test]
fn the_sample_composes_one_segment_with_the_phone_intact() {
    let dir = Dir::with_sample();
    dir.run(&["build", "--profile", "sms"]).success();
    let json: serde_json::Value = serde_json::from_slice(&dir.read("dist/emotional-numbness/sms.json")).unwrap();
    let message = &json["messages"][0];
    assert_eq!(message["segments"], 1, "{message}");
    assert_eq!(message["encoding"], "GSM-7");
    let text = message["text"].as_str().unwrap();
    assert!(text.contains("1-800-662-4357"), "{text}");
    assert_eq!(message["parts"][0], text);
    let counted = natural(text);
    assert_eq!(message["units"].as_u64().unwrap() as usize, counted.units);
    let csv = dir.read_text("dist/emotional-numbness/sms.csv");
    assert!(
        csv.starts_with("handout,lang,message,day,hour,encoding,segments,text\r\nemotional-numbness,en,1,,,GSM-7,1,"),
        "{csv}"
    );
    let txt = dir.read_text("dist/emotional-numbness/sms.txt");
    assert!(txt.contains(text), "{txt}");
}

const HEAD: &str = "+++\ntitle = \"T\"\nsummary = \"S.\"\nlang = \"LANG\"\n[contact]\nphone = \"1-800-662-4357\"\n[outputs.sms]\nformat = \"sms\"\nENCODING\n+++\nText.\n";

fn project(lang: &str, encoding: &str, sms: &[&str]) -> Dir {
    let dir = Dir::new();
    let list = sms.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ");
    let text = HEAD.replace("LANG", lang).replace("ENCODING", encoding).replacen(
        "lang =",
        &format!("sms = [{list}]\nlang ="),
        1,
    );
    dir.write("content/x.md", &text);
    dir
}

#[test]
fn handwritten_message_over_budget_names_the_characters_forcing_ucs2() {
    // 75 characters with one curly quote is fine in `auto` (the quote becomes straight)...
    let text = format!("{}Call 1-800-662-4357. It\u{2019}s ok", "a".repeat(47));
    let dir = project("en", "", &[&text]);
    dir.run(&["build"]).success();
    let json: serde_json::Value = serde_json::from_slice(&dir.read("dist/x/sms.json")).unwrap();
    assert_eq!(json["messages"][0]["encoding"], "GSM-7");
    assert_eq!(json["messages"][0]["text"], format!("{}Call 1-800-662-4357. It's ok", "a".repeat(47)));
    // ...but over budget in `ucs2`, with the reason and place.
    let dir = project("en", "encoding = \"ucs2\"", &[&text]);
    let run = dir.run(&["build"]);
    run.fails_with(1, "content/x.md:4:8: error[sms]: text message is 2 segments, over the budget of 1: UCS-2 75 units (limit 70 units in one segment); UCS-2 is forced by '’' (U+2019) at character 71");
    assert!(dir.files("dist").is_empty());
}

#[test]
fn spanish_pays_ucs2_in_auto_and_transliterates_in_gsm7() {
    let text = "Llame al 1-800-662-4357. Ayuda gratuita y confidencial, todo el día.";
    let dir = project("es", "", &[text]);
    dir.run(&["build"]).success();
    let json: serde_json::Value = serde_json::from_slice(&dir.read("dist/x/sms.json")).unwrap();
    assert_eq!(json["messages"][0]["encoding"], "UCS-2");
    assert_eq!(json["messages"][0]["text"], text);
    let dir = project("es", "encoding = \"gsm7\"", &[text]);
    dir.run(&["build"]).success();
    let json: serde_json::Value = serde_json::from_slice(&dir.read("dist/x/sms.json")).unwrap();
    assert_eq!(json["messages"][0]["encoding"], "GSM-7");
    assert_eq!(json["messages"][0]["text"], text.replace("día", "dia"));
}

#[test]
fn arabic_in_gsm7_is_a_clear_error() {
    let dir = project("ar", "encoding = \"gsm7\"", &["اتصل بالرقم 1-800-662-4357"]);
    dir.run(&["build"]).fails_with(
        1,
        "content/x.md:4:8: error[sms]: this message cannot be sent as GSM-7: 'ا' (U+0627) at character 1",
    );
    let dir = project("ar", "", &["اتصل بالرقم 1-800-662-4357"]);
    dir.run(&["build"]).success();
    let json: serde_json::Value = serde_json::from_slice(&dir.read("dist/x/sms.json")).unwrap();
    assert_eq!(json["messages"][0]["encoding"], "UCS-2");
}

#[test]
fn composed_message_shortens_the_summary_never_the_phone() {
    let dir = Dir::new();
    let long = "Feeling numb can happen after stress or loss and it is common. Talking to someone you trust helps a lot. Exercise, sleep and time outdoors help too, and there are treatments that work well.";
    dir.write("content/x.md", &format!("+++\ntitle = \"T\"\nsummary = \"{long}\"\n[contact]\nname = \"SAMHSA National Helpline\"\nphone = \"1-800-662-4357\"\n+++\nText.\n"));
    dir.run(&["build", "--profile", "sms"]).success();
    let json: serde_json::Value = serde_json::from_slice(&dir.read("dist/x/sms.json")).unwrap();
    let text = json["messages"][0]["text"].as_str().unwrap();
    assert_eq!(json["messages"][0]["segments"], 1);
    assert!(text.len() <= 160, "{text}");
    assert!(text.starts_with("Feeling numb can happen after stress or loss and it is common. "), "{text}");
    assert!(text.ends_with("1-800-662-4357. Reply STOP to opt out."), "{text}");
}

#[test]
fn handwritten_messages_must_carry_the_help_line() {
    let dir = project("en", "", &["Sleep well tonight.", "See you soon."]);
    dir.run(&["build"])
        .fails_with(1, "content/x.md:4:8: error[sms]: no text message carries the help line 1-800-662-4357");
    assert!(dir.files("dist").is_empty());
}

/// A project with one handout whose summary, language and profile keys are given.
fn composed(summary: &str, lang: &str, profile: &str) -> Dir {
    let dir = Dir::new();
    dir.write("handout.toml", "organisation = \"Eastside Clinic\"\n");
    dir.write(
        "content/x.md",
        &format!("+++\ntitle = \"T\"\nsummary = \"{summary}\"\nlang = \"{lang}\"\n[contact]\nphone = \"1-800-342-2383\"\n[outputs.sms]\nformat = \"sms\"\n{profile}\n+++\nText.\n"),
    );
    dir
}

#[test]
fn a_composed_message_keeps_whole_sentences_or_says_why_it_cannot() {
    let summary = "Numbness after stress is common and it often passes with time. Talk to someone you trust about how you feel. Exercise, sleep and time outdoors help too, and so do the treatments a counselor can offer.";
    let dir = composed(summary, "en", "");
    dir.run(&["build"]).success();
    let message = &json_of(&dir)["messages"][0];
    let text = message["text"].as_str().unwrap();
    assert_eq!(message["segments"], 1);
    assert_eq!(
        text,
        "Eastside Clinic: Numbness after stress is common and it often passes with time. Call 1-800-342-2383. Reply STOP to opt out."
    );
    assert_eq!(
        message["composed"],
        serde_json::json!({ "from": "summary", "sentences": 1, "of": 3, "accents_removed": false })
    );
    assert!(dir.read_text("dist/x/sms.txt").contains("composed from the first of the summary's 3 sentences"));
    // Raising the budget keeps more of it.
    let dir = composed(summary, "en", "segments = 2");
    dir.run(&["build"]).success();
    assert_eq!(json_of(&dir)["messages"][0]["composed"]["sentences"], 3);
    // When not even the first sentence fits, the summary is pointed at, never cut.
    let long = "When you feel numb for weeks after a loss, a trauma or a long stretch of stress, it can help a great deal to talk with a doctor or a counselor you trust about it soon.";
    let dir = composed(long, "en", "");
    dir.run(&["build"])
        .fails_with(1, "content/x.md:3:1: error[sms]: the summary's first sentence (“When you feel numb");
    let run = dir.run(&["check"]);
    assert!(run.stderr.contains("hint: shorten the summary's first sentence, raise `segments` in the sms profile, or write the messages yourself"), "{}", run.stderr);
}

fn json_of(dir: &Dir) -> serde_json::Value {
    serde_json::from_slice(&dir.read("dist/x/sms.json")).unwrap()
}

#[test]
fn spanish_prefers_the_whole_text_without_accents_to_a_shortened_one_and_says_so() {
    let dir = composed("¿Siente un vacío? Es común y tiene tratamiento.", "es", "");
    dir.run(&["build"]).success();
    let message = &json_of(&dir)["messages"][0];
    assert_eq!(message["encoding"], "GSM-7");
    assert_eq!(
        message["text"],
        "Eastside Clinic: ¿Siente un vacio? Es comun y tiene tratamiento. Llame al 1-800-342-2383. Responda STOP para no recibir mas mensajes."
    );
    assert_eq!(message["composed"]["accents_removed"], true);
    assert!(dir.read_text("dist/x/sms.txt").contains("composed from the whole summary, accents removed to fit GSM-7"));
    // With room for UCS-2, the accents stay.
    let dir = composed("¿Siente un vacío? Es común.", "es", "segments = 3");
    dir.run(&["build"]).success();
    let message = &json_of(&dir)["messages"][0];
    assert_eq!(message["encoding"], "UCS-2");
    assert_eq!(message["composed"]["accents_removed"], false);
}

#[test]
fn the_opt_out_is_in_the_handout_s_language_and_the_project_may_word_it() {
    let dir = composed("Cuide sus pies.", "es", "");
    dir.run(&["build"]).success();
    let text = json_of(&dir)["messages"][0]["text"].as_str().unwrap().to_string();
    assert!(text.ends_with("Responda STOP para no recibir mas mensajes."), "{text}");
    assert!(!text.contains("Reply STOP"), "{text}");
    // A profile words it its own way, per language.
    let dir = composed("Cuide sus pies.", "es", "opt-out = { es = \"Envie STOP para salir.\" }");
    dir.run(&["build"]).success();
    assert!(json_of(&dir)["messages"][0]["text"].as_str().unwrap().ends_with("Envie STOP para salir."));
    let dir = composed("Cuide sus pies.", "es", "opt-out = \"Reply STOP to end\"");
    dir.run(&["check"]).fails_with(
        1,
        "content/x.md:9:11: error[profile]: `opt-out = \"Reply STOP to end\"` does not say which language it is in",
    );
    // The project-wide setting of the first version is refused with the way to do it now.
    dir.write("handout.toml", "organisation = \"Eastside Clinic\"\nopt-out = false\n");
    dir.run(&["check"]).fails_with(1, "handout.toml:2:11: error[settings]: `opt-out` is no longer a project setting");
    let dir = composed("Cuide sus pies.", "es", "opt-out = false");
    dir.run(&["build"]).success();
    assert!(!json_of(&dir)["messages"][0]["text"].as_str().unwrap().contains("STOP"));
}

#[test]
fn arabic_messages_show_the_help_line_in_its_own_order_on_a_phone() {
    let dir = composed("اعتن بقدميك كل يوم.", "ar", "segments = 2");
    dir.run(&["build"]).success();
    let text = json_of(&dir)["messages"][0]["text"].as_str().unwrap().to_string();
    assert!(text.contains("\u{2066}1-800-342-2383\u{2069}"), "{text:?}");
    assert!(text.ends_with("أرسل STOP لإيقاف الرسائل."), "{text}");
    // What a phone shows, by the Unicode bidirectional algorithm (python-bidi).
    let probe = Command::new("python3").args(["-c", "import bidi"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        skip_or_fail("the Python module `bidi` (python-bidi) is not installed (see .ci/run)");
        return;
    }
    let shown = crate::util::output_of(
        "python3",
        &["-c", "import sys; from bidi import get_display; print(get_display(sys.argv[1]))", &text],
    );
    assert!(shown.contains("1-800-342-2383"), "the help line reads in order: {shown}");
    // Without the isolates the algorithm reverses its groups, as the first version did.
    let bare = text.replace(['\u{2066}', '\u{2069}'], "");
    let shown = crate::util::output_of(
        "python3",
        &["-c", "import sys; from bidi import get_display; print(get_display(sys.argv[1]))", &bare],
    );
    assert!(!shown.contains("1-800-342-2383"), "{shown}");
}

#[test]
fn addresses_in_quotes_and_in_capitals_are_left_whole() {
    let dir =
        project("en", "", &["See “https://x.org/help-now” or HTTPS://X.ORG/Help_Now today – call 1-800-662-4357"]);
    dir.run(&["build"]).success();
    let text = json_of(&dir)["messages"][0]["text"].as_str().unwrap().to_string();
    // The closing quote is not part of the address, so it can become a straight one.
    assert_eq!(text, "See \"https://x.org/help-now\" or HTTPS://X.ORG/Help_Now today - call 1-800-662-4357");
    // Inside an address nothing is rewritten, even what would otherwise be.
    let dir = project("en", "segments = 2", &["See https://x.org/a–b – call 1-800-662-4357"]);
    dir.run(&["build"]).success();
    assert_eq!(json_of(&dir)["messages"][0]["text"], "See https://x.org/a–b – call 1-800-662-4357");
}

#[test]
fn the_help_line_is_found_however_it_is_written() {
    let dir = project("en", "", &["Call (800) 662-4357 any time."]);
    dir.run(&["build"]).success();
    let dir = project("ar", "encoding = \"ucs2\"\nsegments = 2", &["اتصل بالرقم ١-٨٠٠-٦٦٢-٤٣٥٧ الآن"]);
    dir.run(&["build"]).success();
}

#[test]
fn the_csv_is_safe_to_open_in_a_spreadsheet() {
    let dir = project("en", "", &["=HYPERLINK(\"x\") call 1-800-662-4357", "-1 dose; call 1-800-662-4357"]);
    dir.run(&["build"]).success();
    let csv = dir.read_text("dist/x/sms.csv");
    assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\") call 1-800-662-4357\""), "{csv}");
    assert!(csv.contains(",'-1 dose; call 1-800-662-4357\r\n"), "{csv}");
}
