//! `build --shard K/N`: shares of a catalog built apart merge, by copying, into exactly what
//! one build writes.

use std::collections::BTreeMap;

use crate::util::Dir;

/// Every file under `folder` of the project, by its path inside `folder`.
fn files_under(dir: &Dir, folder: &str) -> BTreeMap<String, Vec<u8>> {
    dir.files(folder)
        .into_iter()
        .map(|f| (f.trim_start_matches(folder).trim_start_matches('/').to_string(), dir.read(&f)))
        .collect()
}

#[test]
fn four_shards_merge_into_exactly_one_full_build_caches_included() {
    let dir = Dir::with_sample();
    let sample = dir.read_text("content/emotional-numbness.md");
    for i in 0..14 {
        dir.write(
            &format!("content/copy-{i}.md"),
            &sample.replace("title = \"Emotional Numbness\"", &format!("title = \"Copy {i}\"\nslug = \"copy-{i}\"")),
        );
    }
    dir.run(&["build", "-o", "full"]).success();
    let full = files_under(&dir, "full");
    let mut merged = BTreeMap::new();
    for k in 1..=4 {
        let out = format!("shard-{k}");
        dir.run(&["build", "--shard", &format!("{k}/4"), "-o", &out]).success();
        let share = files_under(&dir, &out);
        assert!(!share.is_empty(), "shard {k}/4 is empty");
        for (name, bytes) in share {
            assert!(merged.insert(name.clone(), bytes).is_none(), "{name} is in two shards");
        }
    }
    assert!(full.keys().any(|k| k.starts_with(".handout-cache/")), "{:?}", full.keys());
    assert_eq!(merged.keys().collect::<Vec<_>>(), full.keys().collect::<Vec<_>>());
    for (name, bytes) in &full {
        assert!(merged[name] == *bytes, "{name} differs between the shards and the full build");
    }
    // A translation is built with its original.
    for k in 1..=4 {
        let names = files_under(&dir, &format!("shard-{k}"));
        let english = names.keys().any(|n| n.starts_with("emotional-numbness/"));
        let spanish = names.keys().any(|n| n.starts_with("emotional-numbness-es/"));
        assert_eq!(english, spanish, "shard {k}");
    }
    // Merged by copying (records first, so every output is newer than its record), the next
    // build there finds everything up to date.
    for (name, bytes) in &merged {
        dir.write_bytes(&format!("merged/{name}"), bytes);
    }
    let run = dir.run(&["build", "-o", "merged", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["up_to_date"], 16, "{report}");
    dir.run(&["build", "--shard", "5/4"]).fails_with(2, "write the share as K/N");
}
