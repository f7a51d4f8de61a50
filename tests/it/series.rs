//! Text-message series: the sample's campaign counted by Twilio's calculator, every rule a
//! located error, translations held to the original's schedule, and the exports (RapidPro
//! campaign, schedule CSV) parsed back.

use std::collections::BTreeSet;

use crate::util::{Dir, skip_or_fail};

fn json(dir: &Dir, relative: &str) -> serde_json::Value {
    serde_json::from_slice(&dir.read(relative)).unwrap()
}

/// A handout with three sections and a `texts` profile whose extra keys and series are given.
fn series_project(keys: &str, series: &str, body: &str) -> Dir {
    let dir = Dir::new();
    dir.write("handout.toml", "organisation = \"Eastside Clinic\"\n");
    dir.write(
        "content/x.md",
        &format!(
            "+++\ntitle = \"Foot care\"\nsummary = \"Look after your feet.\"\n[contact]\nphone = \"1-800-342-2383\"\n[outputs.texts]\nformat = \"sms\"\n{keys}\nseries = [\n{series}]\n+++\n{body}"
        ),
    );
    dir
}

const BODY: &str = "Check your feet every day. Use a mirror for the soles.\n\n## Shoes {#shoes}\n\nWear shoes that fit. Never walk barefoot, even at home.\n\n## Call {#call}\n\nCall your care team if a sore does not heal in two days.\n";

const HEALTHCARE: &str = "purpose = \"healthcare\"\ntime-zone = \"America/Chicago\"";

#[test]
fn the_sample_series_passes_every_rule_and_counts_as_the_reference_calculator() {
    let dir = Dir::with_sample();
    let check = dir.run(&["check"]);
    check.success();
    assert!(!check.stderr.contains("[sms]") && !check.stderr.contains("[translation]"), "{}", check.stderr);
    dir.run(&["build", "--profile", "texts"]).success();
    let mut texts = Vec::new();
    for (slug, lang) in [("emotional-numbness", "en"), ("emotional-numbness-es", "es")] {
        let file = json(&dir, &format!("dist/{slug}/texts.json"));
        assert_eq!(file["lang"], lang);
        assert_eq!(file["purpose"], "healthcare");
        assert_eq!(file["time_zone"], "America/New_York");
        let messages = file["messages"].as_array().unwrap();
        let schedule: Vec<(u64, u64)> =
            messages.iter().map(|m| (m["day"].as_u64().unwrap(), m["hour"].as_u64().unwrap())).collect();
        assert_eq!(schedule, [(0, 10), (2, 10), (7, 10)], "{slug}");
        for message in messages.iter().chain([&file["replies"]["help"], &file["replies"]["stop"]]) {
            let text = message["text"].as_str().unwrap();
            assert_eq!(message["segments"], 1, "{text}");
            assert_eq!(message["encoding"], "GSM-7", "{text}");
            assert!(text.chars().count() <= 160, "{text}");
            texts.push((text.to_string(), message.clone()));
        }
        // The plain-text file is a timeline, the replies after it.
        let txt = dir.read_text(&format!("dist/{slug}/texts.txt"));
        assert!(txt.contains("# Message 2 of 3 (day 2, 10:00): GSM-7"), "{txt}");
        assert!(txt.contains("# Reply to STOP: GSM-7"), "{txt}");
    }
    // Every message and reply, counted by Twilio's calculator as by us.
    let input = serde_json::json!(texts.iter().map(|(t, _)| t).collect::<Vec<_>>());
    let Some(reference) = crate::sms::reference_counts(&input) else { return };
    for ((text, ours), theirs) in texts.iter().zip(reference) {
        assert_eq!(ours["encoding"], theirs["encoding"], "{text}");
        assert_eq!(ours["segments"], theirs["segments"], "{text}");
        assert_eq!(ours["units"], theirs["units"], "{text}");
        assert_eq!(ours["parts"], theirs["parts"], "{text}");
    }
}

#[test]
fn handout_sms_prints_the_series_as_a_timeline() {
    let dir = Dir::with_sample();
    let run = dir.run(&["sms"]);
    run.success();
    let out = &run.stdout;
    let block = &out[out.find("emotional-numbness / texts").unwrap()..];
    let days: Vec<usize> = ["day 0, 10:00", "day 2, 10:00", "day 7, 10:00", "reply to HELP", "reply to STOP"]
        .iter()
        .map(|w| block.find(w).unwrap_or_else(|| panic!("{w} in {block}")))
        .collect();
    assert!(days.windows(2).all(|w| w[0] < w[1]), "in order: {block}");
    assert!(block.contains("GSM-7 · 147 characters · 147 septets · 1 segment"), "{block}");
    let listed: serde_json::Value = serde_json::from_str(&dir.run(&["sms", "--json"]).stdout).unwrap();
    let texts = listed.as_array().unwrap().iter().find(|l| l["profile"] == "texts").unwrap();
    assert_eq!(texts["messages"][2]["day"], 7);
    assert!(texts["replies"]["help"]["text"].as_str().unwrap().contains("1-800-662-4357"));
}

#[test]
fn a_series_composes_from_sections_in_whole_sentences_and_takes_the_authors_own_text() {
    let dir = series_project(
        "",
        "{ day = 0, hour = 9, section = \"intro\" },\n{ day = 3, hour = 9, section = \"shoes\" },\n{ day = 5, hour = 18, text = \"Sore that will not heal? Call 1-800-342-2383.\" },\n",
        &BODY.replace(
            "## Shoes {#shoes}\n",
            "## Shoes {#shoes}\n\n```sms\nNew shoes? Wear them an hour a day at first.\n```\n",
        ),
    );
    dir.run(&["build"]).success();
    let file = json(&dir, "dist/x/texts.json");
    let texts: Vec<&str> = file["messages"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    // The first names the sender and says how to stop (a general series: only the first).
    assert!(
        texts[0].starts_with("Eastside Clinic: Check your feet every day. Use a mirror for the soles."),
        "{}",
        texts[0]
    );
    assert!(texts[0].contains("1-800-342-2383") && texts[0].ends_with("Reply STOP to opt out."), "{}", texts[0]);
    assert_eq!(file["messages"][0]["composed"]["from"], "intro");
    assert_eq!(texts[1], "New shoes? Wear them an hour a day at first.");
    assert_eq!(texts[2], "Sore that will not heal? Call 1-800-342-2383.");
}

#[test]
fn the_sms_blocks_are_never_printed() {
    let dir = Dir::with_sample();
    dir.run(&["build", "--profile", "web", "--profile", "texts"]).success();
    assert!(dir.read_text("dist/emotional-numbness/texts.txt").contains("One thing to try today"));
    assert!(!dir.read_text("dist/emotional-numbness/web.html").contains("One thing to try today"));
}

#[test]
fn every_broken_rule_is_an_error_at_its_message_all_in_one_run() {
    let series = [
        "{ day = 0, hour = 7, text = \"Eastside Clinic: check your feet. Call 1-800-342-2383. Reply STOP to opt out.\" },",
        "{ day = 1, hour = 10, text = \"Check your shoes today. Reply STOP to opt out.\" },",
        "{ day = 1, hour = 12, text = \"Eastside Clinic: dry between your toes. Reply STOP to opt out.\" },",
        "{ day = 3, hour = 21, text = \"Eastside Clinic: socks matter. Reply STOP to opt out.\" },",
        "{ day = 4, hour = 10, text = \"Eastside Clinic: call us if a sore does not heal. Text us back any time you like.\" },",
        "{ day = 5, hour = 10, text = \"Eastside Clinic: 👣 Trim nails straight across and file the edges. Reply STOP to opt out.\" },",
    ];
    let dir = series_project(HEALTHCARE, &(series.join("\n") + "\n"), BODY);
    let run = dir.run(&["check"]);
    let line = |i: usize| 11 + i;
    // Each message is reported where its entry starts.
    for (i, expected) in [
        (0, "sent at 07:00, outside 8:00–21:00 in America/Chicago"),
        (1, "each message of a health-care series names its sender, “Eastside Clinic”, and this one does not"),
        (2, "a second message on day 1 (message 2 is sent that day too)"),
        (3, "sent at 21:00, outside 8:00–21:00 in America/Chicago"),
        (4, "a fourth message within seven days (days 0, 1, 3, 4)"),
        (4, "each message of a health-care series says how to stop the messages (reply STOP), and this one does not"),
        (
            5,
            "a health-care message fits one segment of 160 GSM-7 characters (the TCPA exemption, FCC 2015); this one is 2 segments: UCS-2 89 units",
        ),
    ] {
        run.fails_with(1, &format!("content/x.md:{}:1: error[sms]: {expected}", line(i)));
    }
    // A build fails the same way and writes nothing.
    dir.run(&["build"]).fails_with(1, "sent at 07:00");
    assert!(dir.files("dist").is_empty());
}

#[test]
fn a_general_series_asks_the_sender_and_opt_out_of_the_first_message_only() {
    let ok = "{ day = 0, hour = 9, text = \"Eastside Clinic: check your feet daily. Call 1-800-342-2383. Reply STOP to opt out.\" },\n{ day = 0, hour = 18, text = \"Did you check them?\" },\n";
    series_project("", ok, BODY).run(&["build"]).success();
    let late = "{ day = 2, hour = 9, text = \"Eastside Clinic: check your feet daily. Call 1-800-342-2383. Reply STOP.\" },\n{ day = 1, hour = 9, text = \"Did you check them?\" },\n";
    series_project("", late, BODY)
        .run(&["check"])
        .fails_with(1, "content/x.md:11:1: error[sms]: message 2 is sent before message 1");
    let anonymous = "{ day = 0, hour = 9, text = \"Check your feet daily. Call 1-800-342-2383.\" },\n";
    let run = series_project("", anonymous, BODY).run(&["check"]);
    run.fails_with(1, "content/x.md:10:1: error[sms]: the first message of a series names its sender, “Eastside Clinic”, and this one does not");
    run.fails_with(1, "content/x.md:10:1: error[sms]: the first message of a series says how to stop the messages (reply STOP), and this one does not");
}

#[test]
fn profile_keys_of_a_series_are_checked_where_they_are_written() {
    let dir = series_project(
        "purpose = \"healthcare\"\ntime-zone = \"America/New_Yrok\"\nsegments = 2\ndate-field = \"Enrolled On\"",
        "{ day = 0, hour = 9, section = \"shoe\" },\n{ day = 400, hour = 9, text = \"x\" },\n{ hour = 9, section = \"call\", text = \"y\" },\n",
        BODY,
    );
    let run = dir.run(&["check"]);
    run.fails_with(1, "content/x.md:9:13: error[profile]: `America/New_Yrok` is not a time zone");
    run.fails_with(1, "did you mean \"America/New_York\"?");
    run.fails_with(1, "content/x.md:10:12: error[profile]: health-care messages fit one segment each");
    run.fails_with(1, "content/x.md:11:14: error[profile]: `date-field = \"Enrolled On\"` is not a contact field key");
    run.fails_with(1, "content/x.md:14:9: error[profile]: `day = 400` is out of range");
    run.fails_with(1, "content/x.md:15:1: error[profile]: a message of the series has no `day`");
    run.fails_with(1, "a message of the series has both `section` and `text`");
    // A section the series names must exist.
    series_project("", "{ day = 0, hour = 9, section = \"shoe\" },\n", BODY)
        .run(&["check"])
        .fails_with(1, "content/x.md:10:1: error[sms]: the series names section `shoe`, which x does not have")
        .fails_with(1, "did you mean `shoes`?");
    // Health care without a time zone cannot say when 8:00 is.
    series_project("purpose = \"healthcare\"", "{ day = 0, hour = 9, section = \"intro\" },\n", BODY)
        .run(&["check"])
        .fails_with(1, "content/x.md:8:11: error[profile]: health-care messages are sent between 8:00 and 21:00 in the recipients' time zone, and the profile does not say which");
}

#[test]
fn sms_blocks_in_the_wrong_place_are_errors_at_the_block() {
    let series = "{ day = 0, hour = 9, section = \"intro\" },\n";
    for (body, expected) in [
        ("Text.\n\n```sms\n```\n", "content/x.md:15:1: error[markdown]: the ```sms block is empty"),
        (
            "Text.\n\n```sms\nOne.\n```\n\n```sms\nTwo.\n```\n",
            "content/x.md:19:1: error[markdown]: a second ```sms block in this section (the first is at line 15)",
        ),
        (
            "- item\n\n  ```sms\n  One.\n  ```\n",
            "content/x.md:15:3: error[markdown]: a ```sms block inside a list, quote or table",
        ),
    ] {
        series_project("", series, body).run(&["check"]).fails_with(1, expected);
    }
}

#[test]
fn replies_are_the_language_s_own_or_the_profile_s_and_say_what_ctia_asks() {
    let series = "{ day = 0, hour = 9, section = \"intro\" },\n";
    let dir = series_project(
        "help-reply = { en = \"{sender}: foot care texts. Call {phone}. Reply STOP to end.\" }",
        series,
        BODY,
    );
    dir.run(&["build"]).success();
    assert_eq!(
        json(&dir, "dist/x/texts.json")["replies"]["help"]["text"],
        "Eastside Clinic: foot care texts. Call 1-800-342-2383. Reply STOP to end."
    );
    let dir = series_project("help-reply = { en = \"Foot care texts.\" }", series, BODY);
    dir.run(&["check"]).fails_with(
        1,
        "content/x.md:8:1: error[sms]: the reply to HELP does not give the sender or the help line or how to stop (STOP)",
    );
}

#[test]
fn a_translation_sends_the_original_s_messages_at_the_same_times() {
    let series = "{ day = 0, hour = 9, section = \"intro\" },\n{ day = 3, hour = 9, section = \"shoes\" },\n";
    let dir = series_project("", series, BODY);
    let spanish = "+++\ntitle = \"Pies\"\nsummary = \"Cuide sus pies.\"\nlang = \"es\"\ntranslation-of = \"x\"\n[contact]\nphone = \"1-800-342-2383\"\n[outputs.texts]\nformat = \"sms\"\nencoding = \"gsm7\"\nseries = [\n{ day = 0, hour = 9, section = \"intro\" },\n{ day = 4, hour = 9, section = \"shoes\" },\n]\n+++\nRevise sus pies cada día.\n\n## Zapatos {#shoes}\n\nUse zapatos cómodos.\n\n## Llamar {#call}\n\nLlame si una herida no sana.\n";
    dir.write("content/x.es.md", spanish);
    let run = dir.run(&["check"]);
    run.fails_with(
        1,
        "content/x.es.md:8:1: error[translation]: message 2 of the original's series `texts` (day 3, 09:00) is missing",
    );
    run.fails_with(
        1,
        "content/x.es.md:13:1: error[translation]: this message (day 4, 09:00) is not in the original's series `texts`",
    );
    // Same schedule: the original's campaign carries the Spanish messages as its other language.
    dir.write("content/x.es.md", &spanish.replace("day = 4", "day = 3"));
    dir.run(&["check"]).success();
    dir.run(&["build"]).success();
    let campaign = json(&dir, "dist/x/texts.rapidpro.json");
    let spanish_texts = json(&dir, "dist/x.es/texts.json");
    for (i, event) in campaign["campaigns"][0]["events"].as_array().unwrap().iter().enumerate() {
        let languages: BTreeSet<&str> = event["message"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(languages, BTreeSet::from(["eng", "spa"]));
        assert_eq!(event["message"]["spa"], spanish_texts["messages"][i]["text"]);
    }
    assert!(spanish_texts["messages"][0]["text"].as_str().unwrap().contains("Responda STOP"));
    // A translation without the series at all.
    dir.write("content/x.es.md", &spanish.replace("[outputs.texts]\nformat = \"sms\"\nencoding = \"gsm7\"\nseries = [\n{ day = 0, hour = 9, section = \"intro\" },\n{ day = 4, hour = 9, section = \"shoes\" },\n]\n", ""));
    dir.run(&["check"])
        .fails_with(1, "content/x.es.md:5:1: error[translation]: the original's series `texts` is missing");
}

#[test]
fn the_rapidpro_campaign_has_the_structure_rapidpro_imports() {
    let dir = Dir::with_sample();
    dir.run(&["build", "--profile", "texts"]).success();
    let export = json(&dir, "dist/emotional-numbness/texts.rapidpro.json");
    let english = json(&dir, "dist/emotional-numbness/texts.json");
    let spanish = json(&dir, "dist/emotional-numbness-es/texts.json");
    // Org.import_app: the export version, and the lists it reads (flows even when empty).
    assert_eq!(export["version"], "13");
    assert_eq!(export["flows"], serde_json::json!([]));
    assert_eq!(export["triggers"], serde_json::json!([]));
    let keys: BTreeSet<&str> = export.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["version", "flows", "campaigns", "triggers", "fields", "groups"]));
    // The date field the events count from, declared as a datetime field.
    assert_eq!(
        export["fields"],
        serde_json::json!([{ "key": "enrolled_on", "name": "Enrolled On", "type": "datetime" }])
    );
    let campaigns = export["campaigns"].as_array().unwrap();
    assert_eq!(campaigns.len(), 1);
    let campaign = &campaigns[0];
    assert_eq!(campaign["name"], "Emotional Numbness");
    // The campaign's group is one of the export's groups (imported by name: no `site`).
    assert_eq!(export["groups"][0]["name"], campaign["group"]["name"]);
    assert_eq!(export["groups"][0]["uuid"], campaign["group"]["uuid"]);
    assert!(export["groups"][0]["query"].is_null());
    assert!(export.get("site").is_none());
    let events = campaign["events"].as_array().unwrap();
    assert_eq!(events.len(), 3);
    let mut uuids = BTreeSet::new();
    for (i, event) in events.iter().enumerate() {
        let keys: BTreeSet<&str> = event.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from([
                "uuid",
                "event_type",
                "relative_to",
                "offset",
                "unit",
                "delivery_hour",
                "start_mode",
                "base_language",
                "message"
            ])
        );
        assert_eq!(event["event_type"], "M");
        assert_eq!(event["unit"], "D");
        assert_eq!(event["start_mode"], "I");
        assert_eq!(event["relative_to"], serde_json::json!({ "key": "enrolled_on", "label": "Enrolled On" }));
        assert_eq!(event["offset"], english["messages"][i]["day"]);
        assert_eq!(event["delivery_hour"], english["messages"][i]["hour"]);
        assert_eq!(event["base_language"], "eng");
        assert_eq!(event["message"]["eng"], english["messages"][i]["text"]);
        assert_eq!(event["message"]["spa"], spanish["messages"][i]["text"]);
        let uuid = event["uuid"].as_str().unwrap();
        assert!(uuid.len() == 36 && uuid.chars().filter(|&c| c == '-').count() == 4, "{uuid}");
        uuids.insert(uuid.to_string());
    }
    uuids.insert(campaign["uuid"].as_str().unwrap().to_string());
    uuids.insert(campaign["group"]["uuid"].as_str().unwrap().to_string());
    assert_eq!(uuids.len(), 5, "every UUID distinct");
    // The same handout gives the same file, so a re-import updates rather than duplicates.
    let before = dir.read("dist/emotional-numbness/texts.rapidpro.json");
    dir.run(&["build", "--force", "--profile", "texts"]).success();
    assert_eq!(before, dir.read("dist/emotional-numbness/texts.rapidpro.json"));
}

/// Parses RFC 4180 CSV: fields separated by commas, records by CRLF, quoted fields with
/// doubled quotes; panics on anything else.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = vec![vec![String::new()]];
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        let field = records.last_mut().unwrap().last_mut().unwrap();
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => {
                assert!(field.is_empty(), "a quote inside an unquoted field");
                quoted = true;
            }
            (false, ',') => records.last_mut().unwrap().push(String::new()),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "records end with CRLF");
                records.push(vec![String::new()]);
            }
            (false, '\n') => panic!("a bare LF ends a record"),
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "an unclosed quote");
    assert_eq!(records.pop(), Some(vec![String::new()]), "the file ends with CRLF");
    records
}

#[test]
fn the_schedule_csv_parses_back_to_the_series_and_is_formula_safe() {
    let series = "{ day = 0, hour = 9, text = \"Eastside Clinic: check your feet, call 1-800-342-2383. Reply STOP to opt out.\" },\n{ day = 2, hour = 9, text = \"=1+1 or \\\"-2\\\"? Shoes, socks\\nand a mirror.\" },\n{ day = 2, hour = 17, text = \"+ @ tonight\" },\n";
    let dir = series_project("", series, BODY);
    dir.run(&["build"]).success();
    let records = parse_csv(&dir.read_text("dist/x/texts.csv"));
    assert_eq!(records[0], ["handout", "lang", "message", "day", "hour", "encoding", "segments", "text"]);
    let file = json(&dir, "dist/x/texts.json");
    assert_eq!(records.len(), 4);
    for (i, record) in records[1..].iter().enumerate() {
        let message = &file["messages"][i];
        assert_eq!(record.len(), 8, "{record:?}");
        assert_eq!(record[..3], ["x".to_string(), "en".into(), (i + 1).to_string()]);
        assert_eq!(record[3], message["day"].to_string());
        assert_eq!(record[4], message["hour"].to_string());
        assert_eq!(record[5], message["encoding"].as_str().unwrap());
        assert_eq!(record[6], message["segments"].to_string());
        let text = message["text"].as_str().unwrap();
        // A text a spreadsheet would run as a formula starts with an apostrophe.
        let safe = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_string() };
        assert_eq!(record[7], safe);
    }
    assert!(records[2][7].starts_with("'=1+1") && records[2][7].contains("socks\nand"));
    assert!(records[3][7].starts_with("'+ @"));
}

#[test]
fn an_arabic_series_shows_its_help_line_in_order_on_a_phone() {
    let dir = Dir::new();
    dir.write(
        "content/x.md",
        "+++\ntitle = \"القدم\"\nsummary = \"اعتن بقدميك.\"\nlang = \"ar\"\n[contact]\nphone = \"1-800-342-2383\"\n[outputs.texts]\nformat = \"sms\"\nsender = \"عيادة الشرق\"\nsegments = 2\nseries = [{ day = 0, hour = 9, section = \"intro\" }]\n+++\nافحص قدميك كل يوم.\n\n```sms\nعيادة الشرق: افحص قدميك كل يوم. اتصل بالرقم 1-800-342-2383. أرسل STOP لإيقاف الرسائل.\n```\n",
    );
    dir.run(&["build"]).success();
    let file = json(&dir, "dist/x/texts.json");
    let text = file["messages"][0]["text"].as_str().unwrap();
    assert!(text.contains("\u{2066}1-800-342-2383\u{2069}"), "{text:?}");
    assert_eq!(json(&dir, "dist/x/texts.rapidpro.json")["campaigns"][0]["events"][0]["base_language"], "ara");
    let probe = std::process::Command::new("python3").args(["-c", "import bidi"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        skip_or_fail("the Python module `bidi` (python-bidi) is not installed (see .ci/run)");
        return;
    }
    for reply in [text, file["replies"]["help"]["text"].as_str().unwrap()] {
        let shown = crate::util::output_of(
            "python3",
            &["-c", "import sys; from bidi import get_display; print(get_display(sys.argv[1]))", reply],
        );
        assert!(shown.contains("1-800-342-2383"), "the help line reads in order: {shown}");
    }
}
