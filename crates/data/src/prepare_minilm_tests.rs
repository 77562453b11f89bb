//! Tests of the MiniLM wheel conversion on a small fake wheel.
use super::*;
use safetensors::tensor::TensorView;
use std::io::Write;

/// A wheel-shaped zip holding a tiny f32 BERT-like file and the text files.
fn fake_wheel() -> Vec<u8> {
    let f32s = |v: &[f32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    let (w, p) = (f32s(&[1.5, -0.25, 3.0, 0.0]), f32s(&[9.0, 9.0]));
    let ids: Vec<u8> = [0i64, 1].iter().flat_map(|x| x.to_le_bytes()).collect();
    let views = vec![
        (
            "embeddings.word_embeddings.weight",
            TensorView::new(Dtype::F32, vec![2, 2], &w).unwrap(),
        ),
        (
            "pooler.dense.bias",
            TensorView::new(Dtype::F32, vec![2], &p).unwrap(),
        ),
        (
            "embeddings.position_ids",
            TensorView::new(Dtype::I64, vec![1, 2], &ids).unwrap(),
        ),
    ];
    let st = safetensors::serialize(views, None).unwrap();
    let config = br#"{"vocab_size": 2, "hidden_size": 2, "num_hidden_layers": 1,
        "num_attention_heads": 1, "intermediate_size": 4, "max_position_embeddings": 8,
        "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu"}"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in [
        ("model.safetensors", st.as_slice()),
        ("vocab.txt", b"[PAD]\n[UNK]\n".as_slice()),
        ("tokenizer.json", b"{}".as_slice()),
        ("config.json", config.as_slice()),
    ] {
        zip.start_file(format!("{WHEEL_DIR}/{name}"), opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_wheel_converts_to_f16_with_a_manifest_and_copies_once() {
    let files = convert_wheel(&fake_wheel(), "fake.whl").unwrap();
    let st = SafeTensors::deserialize(&files["model.safetensors"]).unwrap();
    assert_eq!(st.names(), vec!["embeddings.word_embeddings.weight"]);
    let t = st.tensor("embeddings.word_embeddings.weight").unwrap();
    assert_eq!(t.dtype(), Dtype::F16);
    assert_eq!(
        half::f16::from_le_bytes([t.data()[2], t.data()[3]]).to_f32(),
        -0.25
    );
    let manifest: toml::Table =
        toml::from_str(std::str::from_utf8(&files["manifest.toml"]).unwrap()).unwrap();
    assert_eq!(
        manifest["architecture"]["hidden_act"].as_str(),
        Some("gelu")
    );
    assert_eq!(
        manifest["architecture"]["layer_norm_eps"].as_float(),
        Some(1e-12)
    );
    assert!(manifest["licence"].as_str().unwrap().contains("Apache-2.0"));
    assert_eq!(files["vocab.txt"], b"[PAD]\n[UNK]\n");
    STEP.check_cache_round_trip(&files);
    assert!(convert_wheel(b"not a zip", "bad.whl").is_err());
}
