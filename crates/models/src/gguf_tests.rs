//! GGUF reading on a tiny llama written by candle's GGUF writer (a few kilobytes), every
//! truncation of it, corrupted headers and wrong tensors; and, when `prepare-data` has
//! prepared it, the real SmolLM2 file's header and a truncated copy of it (in memory).
use super::*;

/// One block, d = 32, 2 query heads / 1 key-value head of 16, MLP 64, 6 tokens.
pub(crate) fn tiny_config() -> LlamaConfig {
    LlamaConfig {
        vocab_size: 6,
        context_length: 16,
        embedding_length: 32,
        block_count: 1,
        feed_forward_length: 64,
        attention_head_count: 2,
        attention_head_count_kv: 1,
        rope_dimension_count: 16,
        ..LlamaConfig::smollm2_135m()
    }
}

pub(crate) fn tiny_vocab() -> GgufVocab {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    GgufVocab {
        model: "gpt2".into(),
        pre: "smollm".into(),
        tokens: s(&["<|endoftext|>", "a", "b", "Ġ", "ab", "Ġab"]),
        token_types: vec![3, 1, 1, 1, 1, 1],
        merges: s(&["a b", "Ġ ab"]),
        bos: Some(0),
        eos: Some(0),
    }
}

/// Deterministic values: a small sine pattern per tensor, norms near 1.
pub(crate) fn tiny_values(name: &str, shape: &[usize]) -> Vec<f32> {
    let n: usize = shape.iter().product();
    let seed = name.bytes().map(|b| b as f32).sum::<f32>();
    (0..n)
        .map(|i| {
            let x = (i as f32 * 0.37 + seed).sin() * 0.05;
            if name.ends_with("norm.weight") {
                1.0 + x
            } else {
                x
            }
        })
        .collect()
}

fn tiny_gguf() -> Vec<u8> {
    write_llama_gguf(&tiny_config(), &tiny_vocab(), tiny_values).unwrap()
}

fn err(bytes: Vec<u8>) -> String {
    Gguf::parse("tiny", bytes).unwrap_err().to_string()
}

#[test]
fn a_tiny_llama_reads_back_with_its_config_vocab_and_tensors() {
    let bytes = tiny_gguf();
    assert!(bytes.len() < 16 * 1024, "{} bytes", bytes.len());
    let g = Gguf::parse("tiny", bytes).unwrap();
    assert_eq!(g.config, tiny_config());
    assert_eq!(g.vocab, tiny_vocab());
    assert_eq!(g.tensors().len(), 2 + 9);
    let e = &g.tensors()["blk.0.attn_k.weight"];
    assert_eq!(
        (e.storage, e.shape.as_slice()),
        (Storage::Quant(QuantType::Q4_1), &[16, 32][..])
    );
    assert_eq!(e.range.len(), 16 * 20);
    // the engine decodes the stored blocks to what candle's dequantiser gives
    let w = g.qmatrix("token_embd.weight", &Device::Cpu).unwrap();
    assert_eq!(w.shape(), [6, 32]);
    let engine = pollster::block_on(w.dequantize_cpu().unwrap().to_vec()).unwrap();
    let qt = candle_core::quantized::QTensor::quantize(
        &candle_core::Tensor::from_vec(
            tiny_values("token_embd.weight", &[6, 32]),
            (6, 32),
            &candle_core::Device::Cpu,
        )
        .unwrap(),
        GgmlDType::Q8_0,
    )
    .unwrap();
    let candle: Vec<f32> = qt
        .dequantize(&candle_core::Device::Cpu)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    assert_eq!(engine, candle);
    assert_eq!(
        g.vector("output_norm.weight").unwrap(),
        tiny_values("output_norm.weight", &[32])
    );
    let e = g.vector("blk.0.attn_q.weight").unwrap_err().to_string();
    assert!(e.contains("not an F32 vector"), "{e}");
    let e = g.qmatrix("nope", &Device::Cpu).unwrap_err().to_string();
    assert!(e.contains("no tensor `nope`"), "{e}");
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let bytes = tiny_gguf();
    for cut in 0..bytes.len() {
        let e = err(bytes[..cut].to_vec());
        assert!(e.contains("GGUF"), "cut at {cut}: {e}");
    }
    let e = err(bytes[..bytes.len() - 1].to_vec());
    assert!(e.contains("past the end of the file"), "{e}");
}

/// `bytes` with the little-endian u64 at `at` replaced by `v`.
fn patch_u64(mut bytes: Vec<u8>, at: usize, v: u64) -> Vec<u8> {
    bytes[at..at + 8].copy_from_slice(&v.to_le_bytes());
    bytes
}

#[test]
fn corrupt_headers_fail_before_allocating() {
    let bytes = tiny_gguf();
    // header: magic, version, tensor count (u64 at 8), key count (u64 at 16), first key's
    // length (u64 at 24)
    for (at, v, want) in [
        (8, u64::MAX, "tensor count"),
        (16, 1 << 40, "metadata key count"),
        (24, u64::MAX, "metadata key"),
        (24, 500_000, "truncated or corrupt"),
    ] {
        let e = err(patch_u64(bytes.clone(), at, v));
        assert!(e.contains(want), "{want}: {e}");
    }
    let mut bad = bytes.clone();
    bad[0] = b'X';
    assert!(err(bad).contains("bad magic"));
    let mut v1 = bytes.clone();
    v1[4..8].copy_from_slice(&1u32.to_le_bytes());
    assert!(err(v1).contains("version 1"));
    assert!(err(Vec::new()).contains("magic"));
}

#[test]
fn wrong_tensors_and_metadata_are_named() {
    let config = tiny_config();
    let vocab = tiny_vocab();
    // vocabulary that does not match the embedding
    let mut short = vocab.clone();
    short.tokens.pop();
    short.token_types.pop();
    let e = err(write_llama_gguf(&config, &short, tiny_values).unwrap());
    assert!(e.contains("5 tokens for a 6-row embedding"), "{e}");
    let mut sp = vocab.clone();
    sp.model = "llama".into();
    let e = err(write_llama_gguf(&config, &sp, tiny_values).unwrap());
    assert!(e.contains("only `gpt2`"), "{e}");
    let mut bad_heads = config.clone();
    bad_heads.attention_head_count_kv = 3;
    bad_heads.attention_head_count = 2;
    let e = write_llama_gguf(&bad_heads, &vocab, tiny_values)
        .map(err)
        .unwrap_or_else(|e| e);
    assert!(e.contains("evenly") || e.contains("shape"), "{e}");
}

#[test]
fn tensor_checks_name_the_tensor_and_what_was_expected() {
    let config = tiny_config();
    let mut tensors = BTreeMap::new();
    for (name, shape, storage) in llama_tensors(&config) {
        tensors.insert(
            name,
            TensorEntry {
                storage,
                shape,
                range: 0..0,
            },
        );
    }
    check_tensors(&tensors, &config).unwrap();
    let mut wrong = tensors.clone();
    wrong.get_mut("token_embd.weight").unwrap().storage = Storage::Quant(QuantType::Q4_1);
    let e = check_tensors(&wrong, &config).unwrap_err();
    assert!(
        e.contains("`token_embd.weight` is Q4_1") && e.contains("expected Q8_0"),
        "{e}"
    );
    let mut wrong = tensors.clone();
    wrong.get_mut("blk.0.ffn_down.weight").unwrap().shape = vec![64, 32];
    let e = check_tensors(&wrong, &config).unwrap_err();
    assert!(e.contains("ffn_down") && e.contains("[32, 64]"), "{e}");
    let mut wrong = tensors.clone();
    wrong.remove("blk.0.ffn_norm.weight");
    let e = check_tensors(&wrong, &config).unwrap_err();
    assert!(e.contains("`blk.0.ffn_norm.weight` is missing"), "{e}");
    let mut wrong = tensors.clone();
    wrong.insert("output.weight".into(), tensors["token_embd.weight"].clone());
    let e = check_tensors(&wrong, &config).unwrap_err();
    assert!(e.contains("output.weight"), "{e}");
}

/// The prepared SmolLM2 GGUF, or `None` (with the reason printed) when prepare-data has not
/// fetched it here.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn real_smollm2() -> Option<Vec<u8>> {
    use brainprobe_data::prepare_smollm2::{GGUF_FILE, SMOLLM2_ID};
    crate::native::prepared_or_skip(SMOLLM2_ID, GGUF_FILE)
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_real_smollm2_file_has_the_documented_architecture() {
    let Some(bytes) = real_smollm2() else { return };
    let len = bytes.len();
    let cut = bytes[..len / 2].to_vec();
    let g = Gguf::parse("smollm2-135m", bytes).unwrap();
    assert_eq!(g.config, LlamaConfig::smollm2_135m());
    assert_eq!(g.vocab.tokens.len(), 49152);
    assert_eq!(g.vocab.merges.len(), 48900);
    assert_eq!(
        (g.vocab.pre.as_str(), g.vocab.bos, g.vocab.eos),
        ("smollm", Some(1), Some(2))
    );
    assert_eq!(
        g.vocab
            .token_types
            .iter()
            .filter(|&&t| t == GgufVocab::CONTROL)
            .count(),
        17
    );
    assert_eq!(g.tensors().len(), 272);
    let e = err(cut);
    assert!(e.contains("past the end of the file"), "{e}");
}

/// SmolLM2's tokenizer from the GGUF on text whose ids were checked against the reference:
/// Python `tokenizers` 0.23.3 building the same BPE from the GGUF's lists (read with gguf-py
/// 0.19.0) with the pre-tokenizer of SmolLM2's `tokenizer.json`
/// (`Sequence[Digits(individual_digits=True), ByteLevel(add_prefix_space=False)]`), and,
/// for the first seven, the ids a public SmolLM tokenizer test lists for HF's own tokenizer.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_real_smollm2_tokenizer_matches_the_reference_ids() {
    let Some(bytes) = real_smollm2() else { return };
    let tk = Gguf::parse("smollm2-135m", bytes)
        .unwrap()
        .tokenizer()
        .unwrap();
    assert_eq!(tk.vocab_size(), 49152);
    let cases: [(&str, &[u32]); 15] = [
        ("Hello, we can use", &[19556, 28, 392, 416, 722]),
        ("The capital of France is", &[504, 3575, 282, 4649, 314]),
        (
            "You are a helpful AI assistant named SmolLM, trained by Hugging Face",
            &[
                2683, 359, 253, 5356, 5646, 11173, 3365, 3511, 308, 34519, 28, 7018, 411, 407,
                19712, 8182,
            ],
        ),
        ("\n", &[198]),
        ("Hello world! 123", &[19556, 905, 17, 216, 33, 34, 35]),
        (
            "Café déjà vu.",
            &[51, 1939, 2756, 32564, 90, 16739, 386, 101, 30],
        ),
        ("  multiple   spaces", &[216, 2701, 256, 5600]),
        (
            "The cat sat on the mat.",
            &[504, 2644, 2643, 335, 260, 1171, 30],
        ),
        (
            "I can't believe it's 2024!",
            &[57, 416, 982, 2875, 357, 506, 216, 34, 32, 34, 36, 17],
        ),
        (
            "naïve façade — “quoted” 😀👍🏽",
            &[
                3546, 46494, 40852, 1841, 619, 385, 5036, 573, 40303, 218, 10813, 235, 231, 10813,
                233, 138,
            ],
        ),
        (
            "مرحبا بالعالم",
            &[
                21706, 20602, 44626, 31462, 10805, 45726, 22208, 34966, 22208, 21706,
            ],
        ),
        (
            "line one\nline two\n\n\tindented",
            &[1311, 582, 198, 1311, 827, 1116, 197, 526, 6574],
        ),
        ("<|im_start|>user\nHi<|im_end|>", &[1, 4093, 198, 26843, 2]),
        (
            "3.14159 and 1,000,000",
            &[
                35, 30, 33, 36, 33, 37, 41, 284, 216, 33, 28, 32, 32, 32, 28, 32, 32, 32,
            ],
        ),
        ("", &[]),
    ];
    for (text, want) in cases {
        let ids = tk.encode_text(text, false).unwrap().ids;
        assert_eq!(ids, want, "{text:?}");
        assert_eq!(tk.decode(&ids, false).unwrap(), text);
    }
    let long = "Reading times 1 2 3, \u{5e9}\u{5dc}\u{5d5}\u{5dd} 😀\r\n".repeat(400);
    assert!(long.chars().count() >= 10_000);
    let ids = tk.encode_text(&long, false).unwrap().ids;
    assert_eq!(tk.decode(&ids, false).unwrap(), long);
}
