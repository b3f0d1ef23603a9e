//! Micro-benchmarks of the build's hot stages on the bundled plan: `cargo bench --bench stages`.
//! Kept short (10 samples, a few seconds each); see BENCHMARKS.md for figures.

use criterion::{Criterion, criterion_group, criterion_main};
use planbook::config::RawHtml;
use planbook::linker::Linker;
use planbook::markdown::{self, Context};
use planbook::model::Lang;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stages(c: &mut Criterion) {
    let root = root();
    let (loaded, diags) = planbook::load(&root);
    let loaded = loaded.unwrap_or_else(|| panic!("the bundled plan does not load:\n{diags}"));
    let site = &loaded.site;
    let names = |lang: Lang| -> Vec<Vec<String>> {
        site.enterprises
            .iter()
            .map(|e| {
                let mut v = vec![e.name.get(lang).clone()];
                v.extend(e.aliases.get(lang).iter().cloned());
                v
            })
            .collect()
    };
    let linker = Linker::new(&names(Lang::Zh), false);
    let ids: Vec<String> = site.enterprises.iter().map(|e| e.id.clone()).collect();

    // The longest chapter, in Chinese.
    let long = site
        .pages
        .iter()
        .max_by_key(|p| p.source.zh.text.len())
        .expect("the plan has chapters");
    let cx = Context {
        lang: Lang::Zh,
        page_id: &long.id,
        linker: &linker,
        enterprise_ids: &ids,
        raw_html: RawHtml::Sanitize,
    };
    c.bench_function(
        &format!(
            "markdown::render (chapter `{}`, {} KB zh)",
            long.id,
            long.source.zh.text.len() / 1024
        ),
        |b| b.iter(|| markdown::render(black_box(&long.source.zh), &cx)),
    );

    // Entity linking over the whole Chinese text.
    let all_zh: String = site
        .pages
        .iter()
        .map(|p| p.source.zh.text.as_str())
        .collect();
    c.bench_function(
        &format!(
            "linker::split (whole zh text, {} KB, {} enterprises)",
            all_zh.len() / 1024,
            site.enterprises.len()
        ),
        |b| b.iter(|| linker.split(black_box(&all_zh)).len()),
    );

    // Page rendering: every page, asset, data file and the sitemap, in memory.
    let files = planbook::render_all(&root, &loaded).expect("the plan renders");
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    c.bench_function(
        &format!("render_all ({} files, {} KB)", files.len(), bytes / 1024),
        |b| b.iter(|| planbook::render_all(black_box(&root), &loaded).map(|f| f.len())),
    );

    // Writing the rendered site to a fresh folder (staging folder, then renames).
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out: &Path = &dir.path().join("public");
    c.bench_function(&format!("write::atomically ({} files)", files.len()), |b| {
        b.iter(|| planbook::write::atomically(&root, black_box(out), &files))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = stages
}
criterion_main!(benches);
