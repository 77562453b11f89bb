//! The recording contract (METRICS §7.1) for the BERT encoder and the embedding models, on
//! small seeded models (no download): one row per part, context = parts 0..=i, empty
//! parts, truncation notes, out-of-vocabulary counts, awkward text (emoji, right-to-left,
//! 10 000 characters), and Gpu = Cpu for a BERT recording.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;

use brainprobe_engine::{Device, GpuOptions, Tensor};
use brainprobe_models::language::bert::{untrained_weights, Bert, BertConfig};
use brainprobe_models::language::embedding::{embedding_words, RandomEmbedding, WordEmbedding};
use brainprobe_models::language::{LanguageModel, LayerSelection, Passage, Readout};
use brainprobe_models::{HostTensor, Weights};

const VOCAB: &str = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\nsat\non\nmat\n.\n,\ndog\nran\n";

fn small_bert() -> Bert {
    let cfg = BertConfig {
        vocab_size: 16,
        hidden_size: 32,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        intermediate_size: 64,
        max_position_embeddings: 64,
        ..BertConfig::minilm_l6()
    };
    let weights = untrained_weights("small", &cfg, 3);
    let tk = brainprobe_text::wordpiece_from_vocab(VOCAB.as_bytes(), true, "vocab").unwrap();
    Bert::load("small-bert", cfg, &weights, tk, &Device::Cpu).unwrap()
}

fn passage(parts: &[&str]) -> Passage {
    parts.iter().map(|s| s.to_string()).collect()
}

fn record(
    m: &LanguageModel,
    passages: &[Passage],
    device: &Device,
) -> brainprobe_models::language::PartRecording {
    record_as(m, passages, device, Readout::LastToken)
}

fn record_as(
    m: &LanguageModel,
    passages: &[Passage],
    device: &Device,
    readout: Readout,
) -> brainprobe_models::language::PartRecording {
    pollster::block_on(m.record(passages, &LayerSelection::All, readout, device, |_, _| {}))
        .unwrap()
}

/// The state before [SEP] of `[CLS] ids [SEP]` in every layer.
fn last_rows(bert: &Bert, ids: &[u32]) -> Vec<Vec<f32>> {
    let mut seq = vec![2];
    seq.extend_from_slice(ids);
    seq.push(3);
    let states = bert.forward(&seq, 1, seq.len()).unwrap();
    let d = bert.config.hidden_size;
    states
        .iter()
        .map(|s| {
            let v = pollster::block_on(s.to_vec()).unwrap();
            v[(seq.len() - 2) * d..(seq.len() - 1) * d].to_vec()
        })
        .collect()
}

#[test]
fn bert_rows_are_the_last_token_of_the_running_context() {
    let bert = small_bert();
    let model = LanguageModel::Bert(small_bert());
    let passages = vec![
        passage(&["The cat", "", "sat on the mat."]),
        passage(&["dog"]),
    ];
    let rec = record(&model, &passages, &Device::Cpu);
    assert_eq!(rec.layers.len(), 3);
    assert_eq!(rec.layers[2].name, "layer.1");
    let l = &rec.layers[2].values;
    assert_eq!(l.dim(), (4, 32));
    // part 0: "the cat"; part 2: the whole passage, read at "."
    let want0 = last_rows(&bert, &[5, 6]);
    let want2 = last_rows(&bert, &[5, 6, 7, 8, 5, 9, 10]);
    let close = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5);
    assert!(close(l.row(0).as_slice().unwrap(), &want0[2]));
    assert!(close(l.row(2).as_slice().unwrap(), &want2[2]));
    // the empty part repeats part 0, with a note
    assert_eq!(l.row(1), l.row(0));
    assert!(
        rec.notes.iter().any(|n| n.contains("empty parts")),
        "{:?}",
        rec.notes
    );
    // a new passage starts a new context
    assert!(close(
        l.row(3).as_slice().unwrap(),
        &last_rows(&bert, &[12])[2]
    ));
}

/// Every layer's states of `[CLS] ids [SEP]`, row-major `[seq × d]`.
fn all_rows(bert: &Bert, ids: &[u32]) -> Vec<Vec<f32>> {
    let mut seq = vec![2];
    seq.extend_from_slice(ids);
    seq.push(3);
    let states = bert.forward(&seq, 1, seq.len()).unwrap();
    states
        .iter()
        .map(|s| pollster::block_on(s.to_vec()).unwrap())
        .collect()
}

/// Mean of rows `positions` of a row-major `[seq × d]` matrix.
fn mean_rows(rows: &[f32], d: usize, positions: std::ops::Range<usize>) -> Vec<f32> {
    let n = positions.len() as f32;
    (0..d)
        .map(|j| positions.clone().map(|p| rows[p * d + j]).sum::<f32>() / n)
        .collect()
}

#[test]
fn bert_readouts_read_the_named_word_pieces() {
    let bert = small_bert();
    let model = LanguageModel::Bert(small_bert());
    let d = bert.config.hidden_size;
    // the(5) cat(6) | sat(7) on(8) the(5) mat(9) .(10) | dog(12)
    let passages = vec![passage(&["the cat", "sat on the mat."]), passage(&["dog"])];
    let first = all_rows(&bert, &[5, 6]);
    let whole = all_rows(&bert, &[5, 6, 7, 8, 5, 9, 10]);
    let dog = all_rows(&bert, &[12]);
    let close = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5);
    let row = |rows: &[f32], p: usize| rows[p * d..(p + 1) * d].to_vec();
    let last_word = record_as(&model, &passages, &Device::Cpu, Readout::LastWord);
    let mean = record_as(&model, &passages, &Device::Cpu, Readout::Mean);
    let last_token = record(&model, &passages, &Device::Cpu);
    for k in 0..3 {
        let (lw, m, lt) = (
            &last_word.layers[k].values,
            &mean.layers[k].values,
            &last_token.layers[k].values,
        );
        // "sat on the mat.": last word = "mat" (position 6), mean over positions 3..=7
        assert!(close(lw.row(1).as_slice().unwrap(), &row(&whole[k], 6)));
        assert!(close(lt.row(1).as_slice().unwrap(), &row(&whole[k], 7)));
        assert!(close(
            m.row(1).as_slice().unwrap(),
            &mean_rows(&whole[k], d, 3..8)
        ));
        // "the cat" in its own context: no punctuation, so last word = last token
        assert_eq!(lw.row(0), lt.row(0));
        assert!(close(
            m.row(0).as_slice().unwrap(),
            &mean_rows(&first[k], d, 1..3)
        ));
        // a one-piece part: every readout reads the same state
        assert!(close(m.row(2).as_slice().unwrap(), &row(&dog[k], 1)));
        assert_eq!(lw.row(2), lt.row(2));
    }
}

#[test]
fn bert_truncates_long_contexts_on_the_left_with_a_note() {
    let bert = small_bert().with_context_tokens(6).unwrap();
    let model = LanguageModel::Bert(bert);
    let words: Vec<String> = "the cat sat on the mat the dog ran"
        .split(' ')
        .map(String::from)
        .collect();
    let rec = record(&model, &[words], &Device::Cpu);
    assert_eq!(rec.layers[0].values.nrows(), 9);
    assert!(
        rec.notes
            .iter()
            .any(|n| n.contains("truncated on the left")),
        "{:?}",
        rec.notes
    );
    // the last word saw only "the dog ran" (4 word pieces max): equal to that context alone
    let alone = record(
        &LanguageModel::Bert(small_bert()),
        &[passage(&["mat the dog ran"])],
        &Device::Cpu,
    );
    let (a, b) = (rec.layers[2].values.row(8), alone.layers[2].values.row(0));
    assert!(a.iter().zip(b.iter()).all(|(x, y)| (x - y).abs() < 1e-5));
    assert!(small_bert().with_context_tokens(2).is_err());
    assert!(small_bert().with_context_tokens(65).is_err());
}

#[test]
fn awkward_text_records_or_fails_clearly() {
    let model = LanguageModel::Bert(small_bert());
    let long = "cat ".repeat(2500); // 10 000 characters, 2 500 tokens > 64 positions
    let passages = vec![
        passage(&["مرحبا بالعالم", "😊 🐈", "  "]),
        passage(&[long.as_str()]),
        Vec::new(),
    ];
    let rec = record(&model, &passages, &Device::Cpu);
    assert_eq!(rec.layers[0].values.nrows(), 4);
    assert!(rec
        .layers
        .iter()
        .all(|l| l.values.iter().all(|v| v.is_finite())));
    assert!(rec.notes.iter().any(|n| n.contains("truncated")));
    // a part the normaliser deletes entirely is an error that names the passage
    let err = pollster::block_on(model.record(
        &[passage(&["the", "\u{7}"])],
        &LayerSelection::All,
        Readout::LastToken,
        &Device::Cpu,
        |_, _| {},
    ))
    .expect_err("an error");
    assert!(err.to_string().contains("passage 0"), "{err}");
    let err = pollster::block_on(model.record(
        &[passage(&["the"])],
        &LayerSelection::Named(vec!["layer.9".into()]),
        Readout::LastToken,
        &Device::Cpu,
        |_, _| {},
    ))
    .expect_err("an error");
    assert!(err.to_string().contains("layer.9"), "{err}");
}

#[test]
fn bert_recording_on_the_gpu_equals_the_cpu() {
    let device = pollster::block_on(Device::gpu(GpuOptions::default()))
        .expect("GPU test needs an adapter (lavapipe: WGPU_BACKEND=vulkan)");
    let cfg = small_bert().config.clone();
    let weights = untrained_weights("small", &cfg, 3);
    let tk = brainprobe_text::wordpiece_from_vocab(VOCAB.as_bytes(), true, "vocab").unwrap();
    let gpu = LanguageModel::Bert(Bert::load("small-bert", cfg, &weights, tk, &device).unwrap());
    let cpu = LanguageModel::Bert(small_bert());
    let passages = vec![
        passage(&["The cat sat.", "The dog ran,", "on the mat."]),
        passage(&["the cat"]),
        passage(&["the dog sat on the cat"]),
    ];
    let pairs = [Readout::LastToken, Readout::Mean].map(|r| {
        (
            record_as(&cpu, &passages, &Device::Cpu, r),
            record_as(&gpu, &passages, &device, r),
        )
    });
    for (x, y) in pairs
        .iter()
        .flat_map(|(a, b)| a.layers.iter().zip(&b.layers))
    {
        let scale = x.values.iter().fold(0f32, |m, v| m.max(v.abs()));
        let diff = x
            .values
            .iter()
            .zip(y.values.iter())
            .fold(0f32, |m, (p, q)| m.max((p - q).abs()));
        assert!(diff <= 1e-4 * scale, "{}: {diff}", x.name);
    }
    // a Cpu model refuses a Gpu recording request
    assert!(pollster::block_on(cpu.record(
        &passages,
        &LayerSelection::All,
        Readout::LastToken,
        &device,
        |_, _| {}
    ))
    .is_err());
    let _ = Tensor::zeros(&[1], &device);
}

fn word_model() -> WordEmbedding {
    let table = HostTensor {
        shape: vec![3, 2],
        data: vec![1.0, 0.0, 0.0, 1.0, 2.0, 2.0],
    };
    let w = Weights::from_tensors("e", HashMap::from([("embedding".to_string(), table)]));
    WordEmbedding::load("embed-test", &w, "the\ncat\nking\n").unwrap()
}

#[test]
fn word_vectors_average_over_words_with_oov_as_zero() {
    let m = LanguageModel::Embedding(word_model());
    let rec = record_as(
        &m,
        &[passage(&["The cat!", "The King's unicorn.", ".,", "the"])],
        &Device::Cpu,
        Readout::Mean,
    );
    let v = &rec.layers[0].values;
    assert_eq!(rec.layers[0].name, "embedding");
    assert_eq!(v.row(0).to_vec(), [0.5, 0.5]);
    assert_eq!(v.row(1).to_vec(), [1.0, 2.0 / 3.0]); // (the + king + 0) / 3
    assert_eq!(v.row(2).to_vec(), [0.0, 0.0]);
    assert_eq!(v.row(3).to_vec(), [1.0, 0.0]);
    assert!(
        rec.notes
            .iter()
            .any(|n| n.contains("1 of 6 words") && n.contains("unicorn")),
        "{:?}",
        rec.notes
    );
    assert!(
        rec.notes.iter().any(|n| n.contains("no words")),
        "{:?}",
        rec.notes
    );
    // the last word's vector: "cat"; "unicorn" (out of vocabulary: zeros); a part whose
    // words are gone stays zero; last-word skips a trailing punctuation-only word
    let parts = [passage(&[
        "The cat!",
        "The King's unicorn.",
        ".,",
        "the cat --",
    ])];
    for r in [Readout::LastToken, Readout::LastWord] {
        let v = record_as(&m, &parts, &Device::Cpu, r).layers[0]
            .values
            .clone();
        assert_eq!(v.row(0).to_vec(), [0.0, 1.0]);
        assert_eq!(v.row(1).to_vec(), [0.0, 0.0]);
        assert_eq!(v.row(2).to_vec(), [0.0, 0.0]);
        let want = if r == Readout::LastWord {
            [0.0, 1.0]
        } else {
            [0.0, 0.0]
        };
        assert_eq!(v.row(3).to_vec(), want, "{r}");
    }
    let bad = Weights::from_tensors("e", HashMap::new());
    assert!(WordEmbedding::load("x", &bad, "a\n").is_err());
}

#[test]
fn random_embedding_is_fixed_per_word_type() {
    let m = RandomEmbedding::new("random-embedding");
    assert_eq!(m.vector("cat"), m.vector("cat"));
    assert_ne!(m.vector("cat"), m.vector("dog"));
    assert_eq!(m.vector("cat").len(), 192);
    let model = LanguageModel::Random(m);
    let long = "word ".repeat(2000);
    let rec = record_as(
        &model,
        &[passage(&[
            "Cat",
            "cat.",
            "CAT's",
            "😊 مرحبا",
            long.as_str(),
        ])],
        &Device::Cpu,
        Readout::Mean,
    );
    let v = &rec.layers[0].values;
    assert_eq!(v.dim(), (5, 192));
    assert_eq!(v.row(0), v.row(1));
    assert_eq!(v.row(0), v.row(2));
    assert!(v.iter().all(|x| x.is_finite()));
    assert_eq!(embedding_words("CAT's"), ["cat"]);
}
