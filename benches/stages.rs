//! The stages of a build on the sample handout: parse, citations (select), and each format.
//! Run with `cargo bench`; see BENCHMARKS.md for whole-process figures. Each iteration of a
//! stage starts from an empty Typst cache (a new document), except the one named memoized.

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
        let render = || {
            let selection = handout::select::select(handout, &output.profile, &renderers.styles);
            selection.is_ok_and(|s| renderers.render(&s, &output.options, project, &clock, &[]).is_ok())
        };
        // Typst memoizes layout across compiles: without emptying its cache first, the PDF
        // stage would time a re-render of a document it has already laid out, not a new one.
        // The fonts stay loaded, as they do over a catalog.
        c.bench_function(stage, |b| {
            b.iter_batched(|| typst::comemo::evict(0), |()| render(), criterion::BatchSize::PerIteration)
        });
        if stage == "pdf" {
            c.bench_function("pdf (re-render, memoized)", |b| b.iter(render));
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = stages
}
criterion_main!(benches);
