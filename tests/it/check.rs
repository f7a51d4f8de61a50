//! The reviewer's checks: reading level compared with textstat, the reference implementation.

use std::io::Write;
use std::process::{Command, Stdio};

use handout::check::readability;

use crate::util::{Dir, repo, skip_or_fail};

/// A dozen texts: every section of the English and Spanish samples, and two harder ones.
fn texts() -> Vec<(String, String)> {
    let root = repo();
    let project = handout::settings::Project::load(&root).unwrap();
    let mut texts = Vec::new();
    for (file, lang) in [("content/emotional-numbness.md", "en"), ("content/emotional-numbness.es.md", "es")] {
        let handout = handout::content::load(&root.join(file), &project).unwrap().handout;
        for section in &handout.sections {
            texts.push((readability::section_text(section), lang.to_string()));
        }
    }
    texts.push((
        "Notwithstanding the multifactorial pathophysiological considerations, clinicians should individualize pharmacotherapeutic interventions. Psychotherapeutic modalities demonstrate considerable effectiveness. Comorbidity complicates diagnostic categorization substantially.".into(),
        "en".into(),
    ));
    texts.push((
        "La desregulación emocional constituye una manifestación frecuentemente observada en diversas psicopatologías. Los profesionales sanitarios deben considerar intervenciones psicoterapéuticas individualizadas. La comorbilidad dificulta considerablemente la categorización diagnóstica.".into(),
        "es".into(),
    ));
    texts
}

#[test]
fn reading_level_agrees_with_textstat_within_half_a_grade() {
    let texts = texts();
    assert!(texts.len() >= 12, "{}", texts.len());
    let input: Vec<serde_json::Value> =
        texts.iter().map(|(text, lang)| serde_json::json!({ "text": text, "lang": lang })).collect();
    let child = Command::new("python3")
        .arg(repo().join("tests/readability-oracle.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        skip_or_fail("python3 is not installed");
        return;
    };
    child.stdin.take().unwrap().write_all(serde_json::to_string(&input).unwrap().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    if !output.status.success() {
        skip_or_fail(&format!(
            "textstat 0.7.4 is not installed (pip install textstat==0.7.4): {}",
            String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or("")
        ));
        return;
    }
    let reference: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    for ((text, lang), expected) in texts.iter().zip(&reference) {
        let ours = readability::measure(text, &handout::model::Lang(lang.clone())).unwrap();
        let close = |name: &str, value: f64, tolerance: f64| {
            let want = expected[name].as_f64().unwrap();
            assert!(
                (value - want).abs() <= tolerance,
                "{name}: ours {value:.2}, textstat {want:.2} for {lang} text:\n{text}"
            );
        };
        let reference_ease = expected["fernandez_huerta"].as_f64().unwrap();
        if lang == "en" {
            close("flesch_kincaid", ours.flesch_kincaid, 0.5);
            close("smog", ours.smog, 0.5);
        } else if reference_ease > 30.0 {
            // An ease score from 0 to 100: half a grade is about 5 points.
            close("fernandez_huerta", ours.fernandez_huerta, 5.0);
        } else {
            // Very difficult Spanish (below 30): the Spanish patterns split more vowel pairs
            // than pyphen's, so the scores part, but both say "very difficult".
            assert!(ours.fernandez_huerta < 30.0, "{} vs {reference_ease}", ours.fernandez_huerta);
        }
        assert_eq!(ours.sentences as u64, expected["sentences"].as_u64().unwrap(), "sentences in {text}");
        assert_eq!(ours.words as u64, expected["words"].as_u64().unwrap(), "words in {text}");
    }
}

#[test]
fn check_warns_above_max_grade_with_the_hardest_sentences() {
    let dir = Dir::new();
    dir.write("handout.toml", "max-grade = 8\n");
    dir.write(
        "content/x.md",
        "+++\ntitle = \"x\"\nsummary = \"s\"\n[contact]\nphone = \"988\"\n[outputs.p]\nformat = \"epub\"\n+++\nSleep helps. You feel better. Rest is good.\n\n## Hard {#hard}\n\nNotwithstanding the multifactorial pathophysiological considerations, clinicians should individualize pharmacotherapeutic interventions. Psychotherapeutic modalities demonstrate considerable effectiveness. Comorbidity complicates diagnostic categorization.\n",
    );
    let run = dir.run(&["check"]);
    run.success();
    assert!(
        run.stderr.contains("content/x.md:11:1: warning[reading-level]: section `hard` (in output `p`) reads at grade"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hardest sentences: \"Notwithstanding"), "{}", run.stderr);
    assert!(run.stderr.contains("pharmacotherapeutic"), "{}", run.stderr);
    assert!(!run.stderr.contains("the introduction reads"), "{}", run.stderr);
    // Easy text passes.
    dir.write("content/x.md", "+++\ntitle = \"x\"\nsummary = \"s\"\n[contact]\nphone = \"988\"\n+++\nSleep helps. You feel better. Rest is good. Call us if you need help.\n");
    let run = dir.run(&["check"]);
    assert!(!run.stderr.contains("reading-level"), "{}", run.stderr);
}
