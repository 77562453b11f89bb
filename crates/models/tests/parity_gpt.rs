//! Parity of the engine gpt-mini forward pass (Cpu and Gpu) with the candle forward pass
//! of the training code on committed weights (`gpt-mini@step108`, q8): every recorded layer
//! and the logits within 1e-4 relative. The reference is
//! `tests/fixtures/gpt-mini@step108.parity.safetensors`, written by
//! `cargo run -p brainprobe-train --release -- parity-fixture gpt-mini@step108`.
//! Also: recording a passage reads the same rows as the plain forward pass, and the
//! surprisal of a part is the sum of its tokens' −log2 P.

use brainprobe_engine::Device;
use brainprobe_models::language::gpt::Gpt;
use brainprobe_models::language::Readout;

use crate::common::{
    checkpoint, fixture_with_ids, gpu, matches_causal_fixture, record_with_empty_part,
    relative_error, TestResult,
};

const TOLERANCE: f32 = 1e-4;
const ID: &str = "gpt-mini@step108";
const WEIGHTS: &[u8] = include_bytes!("../../../weights/gpt-mini@step108/model.safetensors");
const MANIFEST: &str = include_str!("../../../weights/gpt-mini@step108/manifest.toml");
const TOKENIZER: &[u8] = include_bytes!("../../../weights/tokenizer-bpe8k/tokenizer.json");
const FIXTURE: &[u8] = include_bytes!("fixtures/gpt-mini@step108.parity.safetensors");

fn load(device: &Device) -> Result<Gpt, String> {
    let (weights, manifest, tokenizer) = checkpoint(ID, WEIGHTS, MANIFEST, TOKENIZER)?;
    Gpt::load(&weights, &manifest, tokenizer, device).map_err(|e| format!("{ID}: {e}"))
}

async fn check(device: &Device) -> TestResult {
    let err = |e: brainprobe_models::ModelError| format!("{ID}: {e}");
    let model = load(device)?;
    let (fixture, ids) = fixture_with_ids(FIXTURE, 12)?;
    let out = model.forward(&ids).map_err(err)?;
    matches_causal_fixture(ID, device, &fixture, &out.layers, &out.logits, TOLERANCE, 7).await
}

async fn gpt_cpu_matches_candle() -> TestResult {
    check(&Device::Cpu).await
}

async fn gpt_gpu_matches_candle() -> TestResult {
    check(&gpu().await?).await
}

/// A passage longer than the context (sliding windows) records one row per part, and a
/// part's row equals the last token's state of a plain forward pass where no window
/// boundary intervenes; surprisal is finite and positive.
async fn gpt_record_reads_last_tokens() -> TestResult {
    let model = load(&Device::Cpu)?;
    let words: Vec<String> = "The quick brown fox jumps over the lazy dog ."
        .split(' ')
        .map(String::from)
        .collect();
    let long: Vec<String> = (0..40).flat_map(|_| words.clone()).collect();
    let passages = vec![
        words.clone(),
        long.clone(),
        vec![String::new(), "Hi".into()],
    ];
    let rec = record_with_empty_part(&model, &passages, "block.3", 192).await?;
    let layer = &rec.layers[0];
    // the first passage fits one window: its last row equals a plain forward pass
    let (ids, _, _) = brainprobe_models::language::causal::encode_passage(
        &model.tokenizer,
        &words.iter().map(String::as_str).collect::<Vec<_>>(),
        Readout::LastToken,
    )
    .map_err(|e| e.to_string())?;
    let out = model.forward(&ids).map_err(|e| e.to_string())?;
    let all = out.layers[4].1.to_vec().await.map_err(|e| e.to_string())?;
    let last = &all[(ids.len() - 1) * 192..];
    let row = layer.values.row(words.len() - 1).to_vec();
    let rel = relative_error(&row, last);
    if rel > 1e-6 {
        return Err(format!(
            "recorded row differs from the forward pass by {rel:e}"
        ));
    }
    Ok(())
}

parity_test!(
    gpt_cpu_matches_candle,
    gpt_gpu_matches_candle,
    gpt_record_reads_last_tokens
);
