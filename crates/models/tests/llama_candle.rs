//! The native reference for `smollm2-135m`: candle-transformers' `quantized_llama` run on the
//! prepared SmolLM2-135M-Instruct GGUF (Q4_1 / Q8_0, CPU), tokenised with the tokenizer
//! `models::gguf` builds from the same file. It prints the next-token prediction for an easy
//! English prefix and per-token surprisal, and checks that they are sensible, so the
//! engine's llama forward has a reference that is known to have learned English. Skipped,
//! with the reason printed, when `cargo xtask prepare-data` has not fetched the file here.

#![cfg(not(target_arch = "wasm32"))]

use brainprobe_models::gguf::Gguf;
use candle_core::quantized::gguf_file;
use candle_core::{Device, Tensor, D};
use candle_transformers::models::quantized_llama::ModelWeights;

#[path = "support/tiny_llama.rs"]
mod tiny_llama;

fn real_smollm2() -> Option<Vec<u8>> {
    use brainprobe_data::prepare_smollm2::{GGUF_FILE, SMOLLM2_ID};
    brainprobe_models::native::prepared_or_skip(SMOLLM2_ID, GGUF_FILE)
}

/// candle's model over `bytes`.
fn candle_model(bytes: &[u8]) -> ModelWeights {
    let mut reader = std::io::Cursor::new(bytes);
    let content = gguf_file::Content::read(&mut reader).unwrap();
    ModelWeights::from_gguf(content, &mut reader, &Device::Cpu).unwrap()
}

/// Logits (or, with `log_softmax`, log-probabilities) over the vocabulary after each token
/// of `ids` (one forward per token, through candle's key-value cache): row `t` predicts
/// token `t + 1`.
fn candle_rows(model: &mut ModelWeights, ids: &[u32], log_softmax: bool) -> Vec<Vec<f32>> {
    ids.iter()
        .enumerate()
        .map(|(pos, &id)| {
            let x = Tensor::new(&[id], &Device::Cpu)
                .unwrap()
                .unsqueeze(0)
                .unwrap();
            let logits = model.forward(&x, pos).unwrap().squeeze(0).unwrap();
            let row = if log_softmax {
                candle_nn::ops::log_softmax(&logits, D::Minus1).unwrap()
            } else {
                logits
            };
            row.to_vec1::<f32>().unwrap()
        })
        .collect()
}

/// Log-probabilities after each token of `ids` ([`candle_rows`]).
fn log_probs_per_position(model: &mut ModelWeights, ids: &[u32]) -> Vec<Vec<f32>> {
    candle_rows(model, ids, true)
}

fn top(logp: &[f32], k: usize) -> Vec<(u32, f32)> {
    let mut order: Vec<(u32, f32)> = logp
        .iter()
        .enumerate()
        .map(|(i, &p)| (i as u32, p))
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1));
    order.truncate(k);
    order
}

#[test]
fn candle_quantized_llama_predicts_english_on_the_prepared_gguf() {
    let Some(bytes) = real_smollm2() else { return };
    let gguf = Gguf::parse("smollm2-135m", bytes.clone()).unwrap();
    let tk = gguf.tokenizer().unwrap();
    let vocab = gguf.config.vocab_size;

    // next token after an easy prefix
    let prefix = "The capital of France is";
    let ids = tk.encode_text(prefix, false).unwrap().ids;
    assert_eq!(ids, [504, 3575, 282, 4649, 314]);
    let mut model = candle_model(&bytes);
    let start = std::time::Instant::now();
    let rows = log_probs_per_position(&mut model, &ids);
    let secs = start.elapsed().as_secs_f64();
    assert!(rows
        .iter()
        .all(|r| r.len() == vocab && r.iter().all(|p| p.is_finite())));
    let best = top(rows.last().unwrap(), 5);
    let shown: Vec<String> = best
        .iter()
        .map(|&(id, lp)| format!("{:?} p={:.3}", tk.decode(&[id], false).unwrap(), lp.exp()))
        .collect();
    println!(
        "candle quantized_llama, CPU: {prefix:?} -> {} ({} tokens one by one in {secs:.2} s, {:.1} tokens/s)",
        shown.join(", "),
        ids.len(),
        ids.len() as f64 / secs
    );
    let paris = tk.encode_text(" Paris", false).unwrap().ids;
    assert_eq!(paris.len(), 1);
    assert!(
        best.iter().any(|&(id, _)| id == paris[0]),
        "\" Paris\" is not among the 5 most likely next tokens: {shown:?}"
    );

    // the whole prefix in one forward (causal mask path) ends with the same logits
    let x = Tensor::new(ids.as_slice(), &Device::Cpu)
        .unwrap()
        .unsqueeze(0)
        .unwrap();
    let mut fresh = candle_model(&bytes);
    let last = candle_nn::ops::log_softmax(
        &fresh.forward(&x, 0).unwrap().squeeze(0).unwrap(),
        D::Minus1,
    )
    .unwrap()
    .to_vec1::<f32>()
    .unwrap();
    let gap = last
        .iter()
        .zip(rows.last().unwrap())
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(gap < 1e-2, "one-shot vs cached log-probs differ by {gap}");

    // surprisal of an ordinary sentence: well below the unigram plateau (~7.2 nats/token)
    let sentence = "The children walked to school together because it was raining and their mother had the car.";
    let ids = tk.encode_text(sentence, false).unwrap().ids;
    let mut model = candle_model(&bytes);
    let rows = log_probs_per_position(&mut model, &ids);
    let nats: Vec<f32> = (1..ids.len())
        .map(|t| -rows[t - 1][ids[t] as usize])
        .collect();
    let mean = nats.iter().sum::<f32>() / nats.len() as f32;
    println!(
        "candle quantized_llama, CPU: {} tokens of {sentence:?}: mean surprisal {mean:.2} nats/token \
         (perplexity {:.1}); per token {:?}",
        ids.len(),
        mean.exp(),
        nats.iter().map(|n| (n * 100.0).round() / 100.0).collect::<Vec<_>>()
    );
    assert!(mean < 5.0, "mean surprisal {mean} nats/token");
}

/// Per-position logits of candle's model (one token at a time through its cache).
fn candle_logits(bytes: &[u8], ids: &[u32]) -> Vec<Vec<f32>> {
    candle_rows(&mut candle_model(bytes), ids, false)
}

/// The engine's llama forward on the Cpu against candle's: per-position logits (max
/// absolute difference relative to the logits' spread, and the same top token wherever
/// candle's top-2 margin is clear of that difference). They are not expected to agree to
/// float precision: both decode the same blocks, but candle's CPU quantised matmul first
/// quantises the activations (to Q8_1 for Q4_1 weights, Q8_0 for Q8_0), the engine does not.
fn compare_with_candle(label: &str, bytes: &[u8], ids: &[u32], max_rel: f32) {
    use brainprobe_models::language::llama::Llama;
    let gguf = Gguf::parse(label, bytes.to_vec()).unwrap();
    let model = Llama::load(label, &gguf, &brainprobe_engine::Device::Cpu).unwrap();
    let start = std::time::Instant::now();
    let fwd = model.forward(ids).unwrap();
    let engine_secs = start.elapsed().as_secs_f64();
    assert_eq!(fwd.layers.len(), gguf.config.block_count + 2);
    let vocab = gguf.config.vocab_size;
    let ours = pollster::block_on(fwd.logits.to_vec()).unwrap();
    let theirs = candle_logits(bytes, ids);
    for (t, want) in theirs.iter().enumerate() {
        let got = &ours[t * vocab..(t + 1) * vocab];
        let spread = want.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b))
            - want.iter().fold(f32::INFINITY, |a, &b| a.min(b));
        let gap = got
            .iter()
            .zip(want)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        let argmax = |v: &[f32]| {
            v.iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(i, _)| i)
                .unwrap()
        };
        println!(
            "{label}: position {t}: max |engine - candle| = {gap:.4} ({:.2e} of the spread \
             {spread:.2}); top token engine {} candle {} (engine Cpu forward {engine_secs:.2} s)",
            gap / spread,
            argmax(got),
            argmax(want)
        );
        assert!(
            gap / spread < max_rel,
            "{label}: position {t}: {gap} of {spread}"
        );
        // the top token must agree wherever candle's own margin exceeds twice the gap
        let mut sorted = want.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        if sorted[0] - sorted[1] > 2.0 * gap {
            assert_eq!(argmax(got), argmax(want), "{label}: position {t}");
        }
    }
}

#[test]
fn the_engine_forward_matches_candle_on_a_tiny_gguf() {
    let ids: Vec<u32> = (0..9u32).map(|i| (i * 7 + 3) % 40).collect();
    compare_with_candle("tiny", &tiny_llama::tiny_llama_gguf(), &ids, 0.1);
}

#[test]
fn the_engine_forward_matches_candle_on_the_prepared_gguf() {
    let Some(bytes) = real_smollm2() else { return };
    let ids = [504, 3575, 282, 4649, 314]; // "The capital of France is"
    compare_with_candle("smollm2-135m", &bytes, &ids, 5e-2);
}
