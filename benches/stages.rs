//! The stages of a build on the sample handout: parse, citations (select), and each renderer.
//! Run with `cargo bench`; see BENCHMARKS.md for whole-process figures.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use handout::diagnostic::SourceText;
use handout::settings::Project;

fn stages(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let project = Project::load(&root).expect("the repository is a project");
    let path = root.join("content/emotional-numbness.md");
    let text = std::fs::read_to_string(&path).expect("the sample");
    let dir = root.join("content");
    c.bench_function("parse", |b| {
        b.iter(|| handout::content::parse(SourceText::new(&path, text.clone()), &dir, &project).is_ok())
    });
    let (handout, _) = handout::content::load(&path, &project).expect("the sample parses");
    let styles = handout::cite::Styles::default();
    let booklet = handout.profile("booklet").expect("the sample has a booklet");
    c.bench_function("citations", |b| b.iter(|| handout::select::select(&handout, booklet, &styles).is_ok()));
    let renderers = handout::Renderers::new(&[]);
    for (stage, profile) in [("pdf", "leaflet"), ("epub", "booklet"), ("sms", "sms")] {
        let profile = handout.profile(profile).expect("the sample's profiles");
        c.bench_function(stage, |b| b.iter(|| renderers.render(&handout, profile, &project).is_ok()));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = stages
}
criterion_main!(benches);
