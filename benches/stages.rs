//! The stages of a build on the sample handout: parse, citations (select), and each format.
//! Run with `cargo bench`; see BENCHMARKS.md for whole-process figures.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use handout::diagnostic::SourceText;

fn stages(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("content/emotional-numbness.md");
    let loaded = handout::load(vec![path.clone()]);
    let entry = loaded.handouts.first().expect("the sample loads");
    let project = loaded.project_of(entry);
    let text = entry.text.clone();
    let dir = root.join("content");
    c.bench_function("parse", |b| {
        b.iter(|| handout::content::parse(SourceText::new(&path, text.clone()), &dir, project).is_ok())
    });
    let handout = &entry.handout;
    let styles = handout::cite::Styles::default();
    let output = |name: &str| entry.output(name).expect("the sample's profiles");
    let booklet = output("booklet");
    c.bench_function("citations", |b| b.iter(|| handout::select::select(handout, &booklet.profile, &styles).is_ok()));
    let renderers = handout::Renderers::new(&[]);
    let clock = handout::clock();
    for (stage, name) in [("pdf", "leaflet"), ("epub", "booklet"), ("sms", "sms"), ("html", "web")] {
        let output = output(name);
        c.bench_function(stage, |b| {
            b.iter(|| {
                let selection = handout::select::select(handout, &output.profile, &renderers.styles);
                selection.is_ok_and(|s| renderers.render(&s, &output.options, project, &clock, &[]).is_ok())
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = stages
}
criterion_main!(benches);
