//! Text pipeline throughput: decode, parse (grammar + tables) and serialize
//! one record, per text seed. Figures go into the README.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use referat::ingest::{Options, process_bytes};
use referat::profile::Profiles;
use referat::record::Format;
use referat::walk::InputFile;
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn text_pipeline(c: &mut Criterion) {
    let profiles = Profiles::load_dir(Path::new("grammars")).unwrap();
    let options = Options::default();
    let mut group = c.benchmark_group("text_pipeline");
    let mut seeds: Vec<PathBuf> = std::fs::read_dir("fixtures")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    seeds.sort();
    let mut all = Vec::new();
    for path in &seeds {
        let bytes = std::fs::read(path).unwrap();
        let file = InputFile {
            path: path.clone(),
            rel_path: path.display().to_string(),
            format: Format::Text,
        };
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(&name, |b| {
            b.iter(|| {
                serde_json::to_string(&process_bytes(
                    black_box(&bytes),
                    &file,
                    &profiles,
                    &options,
                ))
                .unwrap()
            })
        });
        all.push((bytes, file));
    }
    let total: usize = all.iter().map(|(b, _)| b.len()).sum();
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("all_text_seeds", |b| {
        b.iter(|| {
            for (bytes, file) in &all {
                black_box(
                    serde_json::to_string(&process_bytes(bytes, file, &profiles, &options))
                        .unwrap(),
                );
            }
        })
    });
    group.finish();
}

criterion_group!(benches, text_pipeline);
criterion_main!(benches);
