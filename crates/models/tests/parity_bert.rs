//! Parity of the engine BERT forward pass (Cpu and Gpu; natively lavapipe, in the browser
//! WebGPU/SwiftShader) with `candle-transformers`' BERT, on a **reduced** seeded copy of
//! minilm-l6-untrained's architecture (2 layers, 1 000-token vocabulary, 64 positions;
//! hidden 384, 12 heads, intermediate 1536 as MiniLM) so that the browser test needs no
//! download: every hidden state within 1e-4 relative. The weights are regenerated from
//! their seed (the same ChaCha8 streams on both targets); the reference is
//! `tests/fixtures/bert-2l.parity.safetensors`, written and checked against candle by
//! `crates/cli/tests/bert_parity.rs` (which also tests the full-size untrained and the
//! pretrained minilm-l6 natively).

use brainprobe_engine::{Device, Tensor};
use brainprobe_models::language::bert::{untrained_weights, Bert, BertConfig};
use brainprobe_models::Weights;

use crate::common::{gpu, relative_error, TestResult};

const TOLERANCE: f32 = 1e-4;
const FIXTURE: &[u8] = include_bytes!("fixtures/bert-2l.parity.safetensors");

async fn check(device: &Device) -> TestResult {
    let err = |e: brainprobe_models::ModelError| format!("bert-2l: {e}");
    let cfg = BertConfig::parity_2l();
    let weights = untrained_weights("bert-2l-parity", &cfg, 1);
    let tokenizer =
        brainprobe_text::wordpiece_from_vocab(b"[PAD]\n[UNK]\n[CLS]\n[SEP]\n", true, "t")
            .map_err(|e| e.to_string())?;
    let model = Bert::load("bert-2l", cfg.clone(), &weights, tokenizer, device).map_err(err)?;
    let fixture = Weights::from_safetensors("fixture", FIXTURE).map_err(err)?;
    let n = fixture
        .shape_of("input_ids")
        .map(|s| s[1])
        .ok_or("fixture lacks input_ids")?;
    let ids: Vec<u32> = fixture
        .get("input_ids", &[1, n])
        .map_err(err)?
        .data
        .iter()
        .map(|&v| v as u32)
        .collect();
    let states = model.forward(&ids, 1, n).map_err(err)?;
    let got = Tensor::read_all(&states.iter().collect::<Vec<_>>())
        .await
        .map_err(|e| e.to_string())?;
    for (k, g) in got.iter().enumerate() {
        let want = fixture
            .get(&format!("hidden.{k}"), &[1, n, cfg.hidden_size])
            .map_err(err)?;
        let rel = relative_error(g, &want.data);
        if rel.is_nan() || rel > TOLERANCE {
            return Err(format!(
                "bert-2l on {}: hidden state {k} differs from candle by {rel:e}",
                device.describe()
            ));
        }
    }
    if got.len() != 3 {
        return Err(format!("bert-2l: {} hidden states, expected 3", got.len()));
    }
    Ok(())
}

async fn bert_cpu_matches_candle() -> TestResult {
    check(&Device::Cpu).await
}

async fn bert_gpu_matches_candle() -> TestResult {
    check(&gpu().await?).await
}

parity_test!(bert_cpu_matches_candle, bert_gpu_matches_candle);
