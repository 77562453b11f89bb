//! A tiny llama GGUF for the candle comparisons (2 blocks, d = 64, 4 query / 2 key-value
//! heads of 16, MLP 128 — candle's Q4_1 dot product wants an even number of blocks per row —
//! 40 tokens, token 0 `<|endoftext|>`), written by candle's writer from a sine pattern.

use brainprobe_models::gguf::{write_llama_gguf, GgufVocab};
use brainprobe_models::language::llama::LlamaConfig;

/// The file's bytes.
pub fn tiny_llama_gguf() -> Vec<u8> {
    let config = LlamaConfig {
        vocab_size: 40,
        context_length: 16,
        embedding_length: 64,
        block_count: 2,
        feed_forward_length: 128,
        attention_head_count: 4,
        attention_head_count_kv: 2,
        rope_dimension_count: 16,
        ..LlamaConfig::smollm2_135m()
    };
    let mut tokens: Vec<String> = (0..40).map(|i| format!("t{i}")).collect();
    tokens[0] = "<|endoftext|>".into();
    let vocab = GgufVocab {
        model: "gpt2".into(),
        pre: "smollm".into(),
        tokens,
        token_types: vec![],
        merges: vec![],
        bos: None,
        eos: None,
    };
    write_llama_gguf(&config, &vocab, |name, shape| {
        let n: usize = shape.iter().product();
        let seed = name.bytes().map(|b| b as f32).sum::<f32>();
        (0..n)
            .map(|i| {
                let x = (i as f32 * 0.731 + seed).sin() * 0.3;
                if name.ends_with("norm.weight") {
                    1.0 + x
                } else {
                    x
                }
            })
            .collect()
    })
    .expect("the tiny llama is a valid GGUF")
}
