//! Parity of the engine gpt-mini forward pass (Cpu and Gpu) with the candle forward pass
//! of the training code on committed weights (`gpt-mini@step108`, q8): every recorded layer
//! and the logits within 1e-4 relative. The reference is
//! `tests/fixtures/gpt-mini@step108.parity.safetensors`, written by
//! `cargo run -p brainprobe-train --release -- parity-fixture gpt-mini@step108`.
//! Also: recording a passage reads the same rows as the plain forward pass, and the
//! surprisal of a part is the sum of its tokens' −log2 P.

use brainprobe_engine::Device;
use brainprobe_models::language::causal::record_model;
use brainprobe_models::language::gpt::Gpt;
use brainprobe_models::language::{LayerSelection, Readout};
use brainprobe_models::{parse_manifest, Weights};
use brainprobe_text::Tokenizer;

use crate::common::{gpu, matches_causal_fixture, relative_error, TestResult};

const TOLERANCE: f32 = 1e-4;
const ID: &str = "gpt-mini@step108";
const WEIGHTS: &[u8] = include_bytes!("../../../weights/gpt-mini@step108/model.safetensors");
const MANIFEST: &str = include_str!("../../../weights/gpt-mini@step108/manifest.toml");
const TOKENIZER: &[u8] = include_bytes!("../../../weights/tokenizer-bpe8k/tokenizer.json");
const FIXTURE: &[u8] = include_bytes!("fixtures/gpt-mini@step108.parity.safetensors");

fn load(device: &Device) -> Result<Gpt, String> {
    let err = |e: brainprobe_models::ModelError| format!("{ID}: {e}");
    let weights = Weights::from_safetensors(ID, WEIGHTS).map_err(err)?;
    let manifest = parse_manifest(ID, MANIFEST).map_err(err)?;
    let tokenizer =
        Tokenizer::from_json_bytes(TOKENIZER, "tokenizer.json").map_err(|e| e.to_string())?;
    Gpt::load(&weights, &manifest, tokenizer, device).map_err(err)
}

async fn check(device: &Device) -> TestResult {
    let err = |e: brainprobe_models::ModelError| format!("{ID}: {e}");
    let model = load(device)?;
    let fixture = Weights::from_safetensors("fixture", FIXTURE).map_err(err)?;
    let ids: Vec<u32> = fixture
        .names()
        .contains(&"input_ids")
        .then(|| fixture.get("input_ids", &[12]))
        .ok_or("fixture has no input_ids")?
        .map_err(err)?
        .data
        .iter()
        .map(|&v| v as u32)
        .collect();
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
    let rec = record_model(
        &model,
        &passages,
        &LayerSelection::Named(vec!["block.3".into()]),
        Readout::LastToken,
        |_, _| {},
    )
    .await
    .map_err(|e| e.to_string())?;
    let n = words.len() + long.len() + 2;
    let layer = &rec.layers[0];
    if layer.values.dim() != (n, 192) {
        return Err(format!(
            "rows {:?}, expected ({n}, 192)",
            layer.values.dim()
        ));
    }
    let s = rec.surprisal_bits.as_ref().ok_or("no surprisal")?;
    if !s[..n - 2].iter().all(|v| v.is_finite() && *v > 0.0) || !s[n - 2].is_nan() {
        return Err(format!("surprisal not as expected: {:?}", &s[..4]));
    }
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
