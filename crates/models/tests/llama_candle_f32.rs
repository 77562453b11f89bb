//! The engine's llama forward against candle-transformers' `quantized_llama` with every
//! block-quantised matrix dequantised to f32 inside candle (`CANDLE_DEQUANTIZE_ALL=1`), so
//! both compute in f32 on the same decoded weights and must agree to float rounding: the
//! logits at every position within 1e-4 of their largest magnitude, on a tiny GGUF (always)
//! and on the prepared SmolLM2-135M-Instruct file (when prepare-data has fetched it).
//! `llama_candle.rs` compares with candle's default path, which also quantises the
//! activations (Q8_1) and so agrees only to about 1e-2.
//!
//! Its own test binary: candle reads the variable once per thread, so it must not leak into
//! the other comparisons.

#![cfg(not(target_arch = "wasm32"))]

use brainprobe_models::gguf::Gguf;
use brainprobe_models::language::llama::Llama;
use candle_core::quantized::gguf_file;
use candle_core::Tensor;
use candle_transformers::models::quantized_llama::ModelWeights;

#[path = "support/tiny_llama.rs"]
mod tiny_llama;

const TOLERANCE: f32 = 1e-4;

/// candle's logits at every position of `ids` (one token at a time through its cache),
/// weights dequantised to f32.
fn candle_f32_logits(bytes: &[u8], ids: &[u32]) -> Vec<Vec<f32>> {
    // read by candle once per thread, when this thread builds its first matrix
    std::env::set_var("CANDLE_DEQUANTIZE_ALL", "1");
    let dev = candle_core::Device::Cpu;
    let mut reader = std::io::Cursor::new(bytes);
    let content = gguf_file::Content::read(&mut reader).unwrap();
    let mut model = ModelWeights::from_gguf(content, &mut reader, &dev).unwrap();
    ids.iter()
        .enumerate()
        .map(|(pos, &id)| {
            let x = Tensor::new(&[id], &dev).unwrap().unsqueeze(0).unwrap();
            let logits = model.forward(&x, pos).unwrap().squeeze(0).unwrap();
            logits.to_vec1::<f32>().unwrap()
        })
        .collect()
}

/// Largest |engine − candle| over all positions relative to the largest |logit|.
fn relative_gap(label: &str, bytes: &[u8], ids: &[u32]) -> f32 {
    let gguf = Gguf::parse(label, bytes.to_vec()).unwrap();
    let vocab = gguf.config.vocab_size;
    let model = Llama::load(label, &gguf, &brainprobe_engine::Device::Cpu).unwrap();
    let ours = pollster::block_on(model.forward(ids).unwrap().logits.to_vec()).unwrap();
    let theirs = candle_f32_logits(bytes, ids);
    let (mut gap, mut scale) = (0f32, 0f32);
    for (t, want) in theirs.iter().enumerate() {
        let got = &ours[t * vocab..(t + 1) * vocab];
        for (a, b) in got.iter().zip(want) {
            gap = gap.max((a - b).abs());
            scale = scale.max(b.abs());
        }
    }
    println!(
        "{label}: {} positions, max |engine - candle f32| = {gap:.3e}, {:.3e} of the largest \
         |logit| {scale:.2}",
        ids.len(),
        gap / scale
    );
    gap / scale
}

#[test]
fn the_engine_forward_equals_candle_in_f32_on_a_tiny_gguf() {
    let ids: Vec<u32> = (0..11u32).map(|i| (i * 7 + 3) % 40).collect();
    let gap = relative_gap("tiny", &tiny_llama::tiny_llama_gguf(), &ids);
    assert!(gap < TOLERANCE, "tiny: {gap}");
}

#[test]
fn the_engine_forward_equals_candle_in_f32_on_the_prepared_gguf() {
    use brainprobe_data::prepare_smollm2::{GGUF_FILE, SMOLLM2_ID};
    let path = brainprobe_models::native::prepared_root()
        .join(SMOLLM2_ID)
        .join(GGUF_FILE);
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!(
            "skipped: {} is not there; `cargo xtask prepare-data` fetches it",
            path.display()
        );
        return;
    };
    // <|endoftext|>, "The capital of France is" and two more tokens
    let ids = [0, 504, 3575, 282, 4649, 314, 7042, 30];
    let gap = relative_gap("smollm2-135m", &bytes, &ids);
    assert!(gap < TOLERANCE, "smollm2-135m: {gap}");
}
