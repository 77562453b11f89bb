//! Parity of the engine lstm-mini forward pass (Cpu and Gpu) with the candle forward pass
//! of the training code on committed weights (`lstm-mini-untrained`, q8): every recorded
//! layer and the logits within 1e-4 relative. The reference is
//! `tests/fixtures/lstm-mini-untrained.parity.safetensors`, written by
//! `cargo run -p brainprobe-train --release -- parity-fixture lstm-mini-untrained`.
//! Also: reading a sequence longer than one chunk (state carried across chunks) gives the
//! states and log-probabilities of one unchunked pass, and recording gives per-part
//! surprisal.

use brainprobe_engine::Device;
use brainprobe_models::language::causal::next_token_logprobs;
use brainprobe_models::language::lstm::{Lstm, CHUNK};

use crate::common::{
    checkpoint, fixture_with_ids, gpu, matches_causal_fixture, record_with_empty_part,
    relative_error, TestResult,
};

const TOLERANCE: f32 = 1e-4;
const ID: &str = "lstm-mini-untrained";
const WEIGHTS: &[u8] = include_bytes!("../../../weights/lstm-mini-untrained/model.safetensors");
const MANIFEST: &str = include_str!("../../../weights/lstm-mini-untrained/manifest.toml");
const TOKENIZER: &[u8] = include_bytes!("../../../weights/tokenizer-bpe8k/tokenizer.json");
const FIXTURE: &[u8] = include_bytes!("fixtures/lstm-mini-untrained.parity.safetensors");

fn load(device: &Device) -> Result<Lstm, String> {
    let (weights, manifest, tokenizer) = checkpoint(ID, WEIGHTS, MANIFEST, TOKENIZER)?;
    Lstm::load(&weights, &manifest, tokenizer, device).map_err(|e| format!("{ID}: {e}"))
}

async fn check(device: &Device) -> TestResult {
    let err = |e: brainprobe_models::ModelError| format!("{ID}: {e}");
    let model = load(device)?;
    let (fixture, ids) = fixture_with_ids(FIXTURE, 12)?;
    let out = model
        .forward(&ids, &model.zero_state().map_err(err)?)
        .map_err(err)?;
    matches_causal_fixture(ID, device, &fixture, &out.layers, &out.logits, TOLERANCE, 4).await
}

async fn lstm_cpu_matches_candle() -> TestResult {
    check(&Device::Cpu).await
}

async fn lstm_gpu_matches_candle() -> TestResult {
    check(&gpu().await?).await
}

/// Chunked reading (state carried from chunk to chunk) equals one unchunked pass:
/// the top layer's rows and every token's log-probability, including the first token of
/// the second chunk (predicted from the first chunk's last position).
async fn lstm_chunks_carry_state() -> TestResult {
    let model = load(&Device::Cpu)?;
    let n = CHUNK + 20;
    let ids: Vec<u32> = (0..n as u32).map(|i| (i * 131 + 7) % 8000).collect();
    let states = model
        .token_states(&ids, &[2])
        .await
        .map_err(|e| e.to_string())?;
    let whole = model
        .forward(&ids, &model.zero_state().map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let top = whole.layers[2]
        .1
        .to_vec()
        .await
        .map_err(|e| e.to_string())?;
    let rel = relative_error(&states.rows[0], &top);
    if rel > 1e-6 {
        return Err(format!("chunked rows differ from one pass by {rel:e}"));
    }
    let logits = whole.logits.to_vec().await.map_err(|e| e.to_string())?;
    let lp = next_token_logprobs(&logits, model.config.vocab, &ids).map_err(|e| e.to_string())?;
    if !states.logprob[0].is_nan() {
        return Err("token 0 has no prediction, expected NaN".into());
    }
    for (t, (chunked, whole)) in states.logprob.iter().zip(&lp).enumerate().skip(1) {
        if (chunked - whole).abs() > 1e-5 {
            return Err(format!(
                "token {t}: chunked log-prob {chunked} vs one pass {whole}"
            ));
        }
    }
    Ok(())
}

/// Recording passages gives one row per part and finite positive surprisal (the empty
/// part: NaN, no tokens).
async fn lstm_record_gives_rows_and_surprisal() -> TestResult {
    let model = load(&Device::Cpu)?;
    let words: Vec<String> = "Colourless green ideas sleep furiously ."
        .split(' ')
        .map(String::from)
        .collect();
    let passages = vec![words.clone(), vec![String::new(), "Hi".into()]];
    record_with_empty_part(&model, &passages, "lstm.1", 256).await?;
    Ok(())
}

parity_test!(
    lstm_cpu_matches_candle,
    lstm_gpu_matches_candle,
    lstm_chunks_carry_state,
    lstm_record_gives_rows_and_surprisal
);
