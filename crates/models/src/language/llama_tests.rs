//! The llama model behind the one loader, on a tiny GGUF written by candle's writer (a few
//! kilobytes; the 98 MB SmolLM2 file is not needed): windows, recording, the seeded twin,
//! and the loader's checks on a prepared directory.
use super::*;
use crate::gguf::tests::{tiny_config, tiny_values, tiny_vocab};
use crate::gguf::write_llama_gguf;
use crate::language::{LanguageModel, LayerSelection, Readout};
use crate::load::load_blocking;
use crate::registry::{SMOLLM2_DIR, SMOLLM2_GGUF};
use crate::store::WeightStore;
use sha2::{Digest, Sha256};

fn tiny_gguf() -> Vec<u8> {
    write_llama_gguf(&tiny_config(), &tiny_vocab(), tiny_values).unwrap()
}

fn tiny() -> Llama {
    let gguf = Gguf::parse("tiny", tiny_gguf()).unwrap();
    Llama::load("tiny", &gguf, &Device::Cpu).unwrap()
}

fn host(t: &Tensor) -> Vec<f32> {
    pollster::block_on(t.to_vec()).unwrap()
}

#[test]
fn long_sequences_are_read_in_half_overlapping_windows() {
    let m = tiny();
    assert_eq!(m.window(), 16); // the tiny context is shorter than RECORD_WINDOW
    let ids: Vec<u32> = (0..40).map(|i| (i * 7 % 6) as u32).collect();
    let last = m.config.layer_names().len() - 1;
    let states = pollster::block_on(m.token_states(&ids, &[1, last])).unwrap();
    let d = m.config.embedding_length;
    assert_eq!(states.widths, vec![d, d]);
    assert_eq!(states.rows[0].len(), 40 * d);
    // windows [0,16) [8,24) [16,32) [24,40): token 20 is read from [8, 24) (the first
    // window that scores it, where it has 12 tokens of context), at row 12
    let w = m.forward(&ids[8..24]).unwrap();
    let block0 = host(&w.layers[1].1);
    assert_eq!(&states.rows[0][20 * d..21 * d], &block0[12 * d..13 * d]);
    // and its log-probability is that window's prediction from row 11
    let logits = host(&w.logits);
    let lp = crate::language::causal::next_token_logprobs(&logits, 6, &ids[8..24]).unwrap();
    assert!((states.logprob[20] - lp[12]).abs() < 1e-12);
    assert!(states.logprob[0].is_nan() && states.logprob[1..].iter().all(|v| v.is_finite()));
    assert!(m.forward(&[]).is_err());
    let e = m.forward(&[0, 9]).err().unwrap().to_string();
    assert!(e.contains("token id 9"), "{e}");
}

#[test]
fn the_seeded_twin_is_deterministic_quantised_and_not_the_trained_model() {
    let tokenizer = Gguf::parse("tiny", tiny_gguf())
        .unwrap()
        .tokenizer()
        .unwrap();
    let make = |id: &str| Llama::untrained(id, tiny_config(), tokenizer.clone(), &Device::Cpu);
    let (a, b, c) = (
        make("twin").unwrap(),
        make("twin").unwrap(),
        make("other").unwrap(),
    );
    let ids = [0u32, 1, 2, 4, 5];
    let logits = |m: &Llama| host(&m.forward(&ids).unwrap().logits);
    assert_eq!(logits(&a), logits(&b));
    assert_ne!(logits(&a), logits(&c));
    assert_ne!(logits(&a), logits(&tiny()));
    // the embedding is stored Q8_0 and its values are normal(0, 0.02)
    assert_eq!(a.embedding.qtype(), brainprobe_engine::QuantType::Q8_0);
    assert_eq!(a.blocks[0].q.qtype(), brainprobe_engine::QuantType::Q4_1);
    let e = host(&a.embedding.dequantize_cpu().unwrap());
    let sd = (e.iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / e.len() as f64).sqrt();
    assert!((sd - 0.02).abs() < 0.004, "{sd}");
    assert_eq!(host(&a.output_norm), vec![1.0; 32]);
    let mut bad = tiny_config();
    bad.attention_head_count = 3;
    assert!(Llama::untrained("x", bad, tokenizer, &Device::Cpu).is_err());
}

/// A prepared directory holding the tiny GGUF as `smollm2-135m`, with a manifest whose
/// sha256 is `sha` (the file's own unless given).
fn prepared_dir(tag: &str, bytes: &[u8], sha: Option<&str>) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("bp-llama-{tag}-{}", std::process::id()));
    let dir = root.join(SMOLLM2_DIR);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(SMOLLM2_GGUF), bytes).unwrap();
    let sha = sha.map_or_else(|| hex::encode(Sha256::digest(bytes)), str::to_string);
    let manifest = format!(
        "id = \"smollm2-135m\"\nsha256 = \"{sha}\"\n[architecture]\narchitecture = \"llama\"\n"
    );
    std::fs::write(dir.join("manifest.toml"), manifest).unwrap();
    root
}

#[test]
fn the_loader_reads_both_rows_and_records_like_every_causal_model() {
    let root = prepared_dir("ok", &tiny_gguf(), None);
    let store = WeightStore::new("/nonexistent/weights", root.display().to_string());
    let passages = vec![
        vec!["ab ab".to_string(), "ab".to_string(), "".to_string()],
        vec!["a b".to_string()],
    ];
    let mut recorded = Vec::new();
    for id in ["smollm2-135m", "smollm2-135m-untrained"] {
        let loaded = load_blocking(id, &store, &Device::Cpu).unwrap();
        let m = loaded.into_language().unwrap();
        assert!(matches!(m, LanguageModel::Llama(_)) && m.is_causal());
        assert_eq!(m.causal_context(), Some(16));
        assert_eq!(m.default_readout(), Readout::LastToken);
        let mut seen = Vec::new();
        let rec = pollster::block_on(m.record(
            &passages,
            &LayerSelection::All,
            Readout::LastToken,
            &Device::Cpu,
            |done, total| seen.push((done, total)),
        ))
        .unwrap();
        assert_eq!(seen.last(), Some(&(4, 4)));
        assert_eq!(rec.layers.len(), 3); // embedding, block.0, final_norm
        assert!(rec.layers.iter().all(|l| l.values.dim() == (4, 32)));
        let s = rec.surprisal_bits.unwrap();
        assert!(
            s[0] > 0.0 && s[1] > 0.0 && s[2].is_nan() && s[3] > 0.0,
            "{s:?}"
        );
        assert!(rec.notes.iter().any(|n| n.contains("empty part")));
        recorded.push(rec.layers[1].values.clone());
    }
    assert_ne!(
        recorded[0], recorded[1],
        "the twin is not the trained model"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_corrupted_or_truncated_gguf_is_named_and_not_parsed() {
    let bytes = tiny_gguf();
    let good_sha = hex::encode(Sha256::digest(&bytes));
    let root = prepared_dir("cut", &bytes[..bytes.len() / 2], Some(&good_sha));
    let store = WeightStore::new("/nonexistent/weights", root.display().to_string());
    for id in ["smollm2-135m", "smollm2-135m-untrained"] {
        let e = load_blocking(id, &store, &Device::Cpu)
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("model.gguf") && e.contains("sha256"),
            "{id}: {e}"
        );
    }
    std::fs::remove_dir_all(&root).unwrap();
    let store = WeightStore::new("/nonexistent/weights", "/nonexistent/prepared");
    let e = load_blocking("smollm2-135m", &store, &Device::Cpu)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("prepare-data"), "{e}");
}
