//! GGUF files of the llama architecture (SmolLM2): candle's maintained reader
//! (`candle_core::quantized::gguf_file`) parses the header and metadata; this module checks
//! what it returns against what the forward needs and hands out the tensors' bytes as they
//! are stored (block-quantised, never dequantised on the way).
//!
//! What is checked, each failure naming the model and what is wrong:
//! - before candle allocates anything: every length the header declares (strings, arrays,
//!   tensor and key counts, dimensions) against the bytes that follow it, so a truncated or
//!   corrupt header is an error instead of a multi-gigabyte allocation (candle allocates what
//!   the header says before it reads);
//! - the architecture ([`LlamaConfig`], from the `llama.*` keys, validated);
//! - the tensor set: exactly the llama names for the configured blocks, each with its shape
//!   and storage type — Q4_1 for every linear layer, Q8_0 for the tied token embedding, F32
//!   for the RMSNorm weights — and its bytes inside the file;
//! - the tokenizer's vocabulary: `gpt2` (byte-level BPE), one token per embedding row, and
//!   its merges (see [`GgufVocab`]).

use std::collections::BTreeMap;

use brainprobe_arch::LlamaConfig;
use brainprobe_engine::{Device, QMatrix, QuantType};
use candle_core::quantized::gguf_file::{Content, Value};
use candle_core::quantized::GgmlDType;

use crate::error::{ModelError, Result};

/// How a tensor is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// Little-endian f32 values.
    F32,
    /// Blocks of a format the engine computes with directly.
    Quant(QuantType),
}

impl Storage {
    fn name(self) -> &'static str {
        match self {
            Storage::F32 => "F32",
            Storage::Quant(q) => q.name(),
        }
    }
}

/// One tensor of the file: how it is stored, its shape (rows first: a GGUF tensor of
/// `ne = [cols, rows]` is `[rows, cols]` here) and where its bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorEntry {
    /// Storage type.
    pub storage: Storage,
    /// Shape, rows first.
    pub shape: Vec<usize>,
    /// Byte range in the file.
    pub range: std::ops::Range<usize>,
}

/// The tokenizer a GGUF carries (`tokenizer.ggml.*`).
#[derive(Debug, Clone, PartialEq)]
pub struct GgufVocab {
    /// `tokenizer.ggml.model` (`gpt2`: byte-level BPE).
    pub model: String,
    /// `tokenizer.ggml.pre`: the pre-tokenizer's name in llama.cpp (`smollm`).
    pub pre: String,
    /// Token strings by id (byte-level BPE symbols).
    pub tokens: Vec<String>,
    /// llama.cpp token types by id (1 normal, 3 control, …); empty when absent.
    pub token_types: Vec<i32>,
    /// Merges in rank order, each `"left right"`.
    pub merges: Vec<String>,
    /// Beginning-of-sequence token id.
    pub bos: Option<u32>,
    /// End-of-sequence token id.
    pub eos: Option<u32>,
}

impl GgufVocab {
    /// llama.cpp's token type of control (special) tokens.
    pub const CONTROL: i32 = 3;
}

/// A parsed, checked llama GGUF and its bytes.
#[derive(Debug)]
pub struct Gguf {
    model: String,
    bytes: Vec<u8>,
    /// The architecture from the metadata, validated.
    pub config: LlamaConfig,
    /// The tokenizer's vocabulary and merges.
    pub vocab: GgufVocab,
    tensors: BTreeMap<String, TensorEntry>,
}

/// Largest string (key, tensor name, metadata string) accepted from a header.
const MAX_STRING: u64 = 1 << 20;
/// Largest metadata array (SmolLM2: 49 152 tokens, 48 900 merges).
const MAX_ARRAY: u64 = 1 << 22;
/// Most tensors and metadata keys.
const MAX_ENTRIES: u64 = 1 << 16;
/// Most dimensions of a tensor (ggml's `GGML_MAX_DIMS`).
const MAX_DIMS: u64 = 4;
/// Deepest array nesting.
const MAX_DEPTH: usize = 2;

impl Gguf {
    /// Parses and checks `bytes` as the llama GGUF of `model`.
    pub fn parse(model: &str, bytes: Vec<u8>) -> Result<Gguf> {
        let bad = |detail: String| ModelError::Weights {
            model: model.to_string(),
            detail: format!("GGUF: {detail}"),
        };
        check_header(&bytes).map_err(bad)?;
        let content = Content::read(&mut std::io::Cursor::new(&bytes[..]))
            .map_err(|e| bad(format!("unreadable ({e})")))?;
        let config = llama_config(&content.metadata).map_err(bad)?;
        let vocab = vocab(&content.metadata, &config).map_err(bad)?;
        let mut tensors = BTreeMap::new();
        for (name, info) in &content.tensor_infos {
            let entry = tensor_entry(info, content.tensor_data_offset, bytes.len())
                .map_err(|e| bad(format!("tensor `{name}`: {e}")))?;
            tensors.insert(name.clone(), entry);
        }
        check_tensors(&tensors, &config).map_err(bad)?;
        Ok(Gguf {
            model: model.to_string(),
            bytes,
            config,
            vocab,
            tensors,
        })
    }

    /// The byte-level BPE its vocabulary describes (control tokens registered as special).
    pub fn tokenizer(&self) -> Result<brainprobe_text::Tokenizer> {
        let v = &self.vocab;
        let special: Vec<u32> = (0..v.tokens.len() as u32)
            .filter(|&i| v.token_types.get(i as usize) == Some(&GgufVocab::CONTROL))
            .collect();
        brainprobe_text::byte_level_bpe(&v.tokens, &v.merges, &v.pre, &special, &self.model)
            .map_err(|e| ModelError::Text(e.to_string()))
    }

    /// The tensors by name.
    pub fn tensors(&self) -> &BTreeMap<String, TensorEntry> {
        &self.tensors
    }

    /// The stored bytes of tensor `name`.
    pub fn tensor_bytes(&self, name: &str) -> Result<&[u8]> {
        let entry = self.entry(name)?;
        Ok(&self.bytes[entry.range.clone()])
    }

    /// Block-quantised matrix `name` (`[rows, cols]`) placed on `device` as it is stored.
    pub fn qmatrix(&self, name: &str, device: &Device) -> Result<QMatrix> {
        let entry = self.entry(name)?;
        match (entry.storage, entry.shape.as_slice()) {
            (Storage::Quant(q), &[rows, cols]) => Ok(QMatrix::from_bytes(
                q,
                [rows, cols],
                &self.bytes[entry.range.clone()],
                device,
            )?),
            (storage, shape) => Err(self.weights_error(format!(
                "tensor `{name}` is {} {shape:?}, not a block-quantised matrix",
                storage.name()
            ))),
        }
    }

    /// F32 vector `name`.
    pub fn vector(&self, name: &str) -> Result<Vec<f32>> {
        let entry = self.entry(name)?;
        if entry.storage != Storage::F32 || entry.shape.len() != 1 {
            return Err(self.weights_error(format!(
                "tensor `{name}` is {} {:?}, not an F32 vector",
                entry.storage.name(),
                entry.shape
            )));
        }
        Ok(self.bytes[entry.range.clone()]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    fn entry(&self, name: &str) -> Result<&TensorEntry> {
        self.tensors
            .get(name)
            .ok_or_else(|| self.weights_error(format!("no tensor `{name}`")))
    }

    fn weights_error(&self, detail: String) -> ModelError {
        ModelError::Weights {
            model: self.model.clone(),
            detail: format!("GGUF: {detail}"),
        }
    }
}

/// The tensors a llama GGUF of `config` holds: name, shape (rows first) and storage.
pub fn llama_tensors(config: &LlamaConfig) -> Vec<(String, Vec<usize>, Storage)> {
    let (d, ffn, kv) = (
        config.embedding_length,
        config.feed_forward_length,
        config.kv_dim(),
    );
    let q4 = Storage::Quant(QuantType::Q4_1);
    let mut out = vec![
        (
            "token_embd.weight".to_string(),
            vec![config.vocab_size, d],
            Storage::Quant(QuantType::Q8_0),
        ),
        ("output_norm.weight".to_string(), vec![d], Storage::F32),
    ];
    for i in 0..config.block_count {
        for (suffix, shape, storage) in [
            ("attn_norm", vec![d], Storage::F32),
            ("attn_q", vec![d, d], q4),
            ("attn_k", vec![kv, d], q4),
            ("attn_v", vec![kv, d], q4),
            ("attn_output", vec![d, d], q4),
            ("ffn_norm", vec![d], Storage::F32),
            ("ffn_gate", vec![ffn, d], q4),
            ("ffn_up", vec![ffn, d], q4),
            ("ffn_down", vec![d, ffn], q4),
        ] {
            out.push((format!("blk.{i}.{suffix}.weight"), shape, storage));
        }
    }
    out
}

/// Exactly [`llama_tensors`]: every name present with its shape and storage, nothing else.
fn check_tensors(
    tensors: &BTreeMap<String, TensorEntry>,
    config: &LlamaConfig,
) -> std::result::Result<(), String> {
    let expected = llama_tensors(config);
    for (name, shape, storage) in &expected {
        let Some(entry) = tensors.get(name) else {
            return Err(format!("tensor `{name}` is missing"));
        };
        if (&entry.shape, entry.storage) != (shape, *storage) {
            return Err(format!(
                "tensor `{name}` is {} {:?}, expected {} {shape:?}",
                entry.storage.name(),
                entry.shape,
                storage.name()
            ));
        }
    }
    if tensors.len() != expected.len() {
        let known: std::collections::HashSet<&str> =
            expected.iter().map(|(n, _, _)| n.as_str()).collect();
        let extra: Vec<&str> = tensors
            .keys()
            .map(String::as_str)
            .filter(|n| !known.contains(n))
            .collect();
        return Err(format!(
            "unexpected tensors {extra:?} (an untied `output.weight` or other extras are \
             not supported)"
        ));
    }
    Ok(())
}

/// A tensor's storage, shape and byte range, checked to lie inside a file of `file_len`.
fn tensor_entry(
    info: &candle_core::quantized::gguf_file::TensorInfo,
    data_offset: u64,
    file_len: usize,
) -> std::result::Result<TensorEntry, String> {
    let storage = match info.ggml_dtype {
        GgmlDType::F32 => Storage::F32,
        GgmlDType::Q4_1 => Storage::Quant(QuantType::Q4_1),
        GgmlDType::Q8_0 => Storage::Quant(QuantType::Q8_0),
        other => return Err(format!("storage type {other:?} is not supported")),
    };
    let shape = info.shape.dims().to_vec();
    let elems = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .ok_or("element count overflows")?;
    let (block, block_bytes) = (info.ggml_dtype.block_size(), info.ggml_dtype.type_size());
    if !elems.is_multiple_of(block) || shape.last().is_some_and(|c| !c.is_multiple_of(block)) {
        return Err(format!(
            "shape {shape:?} is not whole {block}-value blocks along its rows"
        ));
    }
    let len = (elems / block)
        .checked_mul(block_bytes)
        .ok_or("byte size overflows")?;
    let start = data_offset
        .checked_add(info.offset)
        .and_then(|s| usize::try_from(s).ok())
        .ok_or("offset overflows")?;
    let end = start.checked_add(len).ok_or("offset overflows")?;
    if end > file_len {
        return Err(format!(
            "bytes {start}..{end} lie past the end of the file ({file_len} bytes): truncated"
        ));
    }
    Ok(TensorEntry {
        storage,
        shape,
        range: start..end,
    })
}

/// The `llama.*` metadata read into [`LlamaConfig`] (keys with `llama.` dropped and `.`
/// written `_`), validated.
fn llama_config(
    md: &std::collections::HashMap<String, Value>,
) -> std::result::Result<LlamaConfig, String> {
    let arch = match md.get("general.architecture") {
        Some(Value::String(a)) => a.clone(),
        _ => return Err("metadata lacks `general.architecture`".into()),
    };
    if arch != "llama" {
        return Err(format!("general.architecture is `{arch}`, not `llama`"));
    }
    let mut table = toml::Table::new();
    table.insert("architecture".into(), toml::Value::String(arch));
    for key in LlamaConfig::GGUF_KEYS {
        let full = format!("llama.{key}");
        let v = match md.get(&full) {
            Some(Value::F32(v)) => toml::Value::Float(*v as f64),
            Some(Value::F64(v)) => toml::Value::Float(*v),
            Some(Value::I32(v)) => toml::Value::Integer(*v as i64),
            Some(Value::I64(v)) => toml::Value::Integer(*v),
            Some(other) => match other.to_u64().ok().and_then(|v| i64::try_from(v).ok()) {
                Some(v) => toml::Value::Integer(v),
                None => return Err(format!("metadata `{full}` is {other:?}, not a number")),
            },
            None => return Err(format!("metadata lacks `{full}`")),
        };
        table.insert(key.replace('.', "_"), v);
    }
    let config: LlamaConfig = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| format!("llama metadata: {}", e.message()))?;
    config
        .validate()
        .map_err(|e| format!("llama metadata: {e}"))?;
    Ok(config)
}

/// The `tokenizer.ggml.*` vocabulary: a `gpt2` BPE with one token per embedding row.
fn vocab(
    md: &std::collections::HashMap<String, Value>,
    config: &LlamaConfig,
) -> std::result::Result<GgufVocab, String> {
    let text = |key: &str| match md.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(format!("metadata lacks the string `{key}`")),
    };
    let strings = |key: &str| -> std::result::Result<Vec<String>, String> {
        match md.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(format!("`{key}` holds {other:?}, not strings")),
                })
                .collect(),
            _ => Err(format!("metadata lacks the array `{key}`")),
        }
    };
    let id = |key: &str| md.get(key).and_then(|v| v.to_u64().ok()).map(|v| v as u32);
    let model = text("tokenizer.ggml.model")?;
    if model != "gpt2" {
        return Err(format!(
            "tokenizer.ggml.model is `{model}`; only `gpt2` (byte-level BPE) is supported"
        ));
    }
    let tokens = strings("tokenizer.ggml.tokens")?;
    if tokens.len() != config.vocab_size {
        return Err(format!(
            "{} tokens for a {}-row embedding",
            tokens.len(),
            config.vocab_size
        ));
    }
    let token_types = match md.get("tokenizer.ggml.token_type") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::I32(t) => Ok(*t),
                other => Err(format!("token_type holds {other:?}")),
            })
            .collect::<std::result::Result<Vec<i32>, String>>()?,
        _ => Vec::new(),
    };
    if !token_types.is_empty() && token_types.len() != tokens.len() {
        return Err(format!(
            "{} token types for {} tokens",
            token_types.len(),
            tokens.len()
        ));
    }
    let vocab = GgufVocab {
        model,
        pre: text("tokenizer.ggml.pre").unwrap_or_else(|_| "default".into()),
        merges: strings("tokenizer.ggml.merges")?,
        bos: id("tokenizer.ggml.bos_token_id"),
        eos: id("tokenizer.ggml.eos_token_id"),
        tokens,
        token_types,
    };
    for (what, id) in [("bos", vocab.bos), ("eos", vocab.eos)] {
        if id.is_some_and(|i| i as usize >= vocab.tokens.len()) {
            return Err(format!("{what} token id {id:?} is outside the vocabulary"));
        }
    }
    Ok(vocab)
}

/// A llama GGUF of `config` and `vocab` (the layout [`Gguf::parse`] accepts), each tensor's
/// values from `values(name, shape)` (row-major, rows first) encoded in its
/// [`llama_tensors`] storage by candle's quantiser and written by candle's GGUF writer.
pub fn write_llama_gguf(
    config: &LlamaConfig,
    vocab: &GgufVocab,
    mut values: impl FnMut(&str, &[usize]) -> Vec<f32>,
) -> std::result::Result<Vec<u8>, String> {
    use candle_core::quantized::{gguf_file, QTensor};
    let table = toml::Value::try_from(config).map_err(|e| e.to_string())?;
    let mut md: Vec<(String, Value)> = vec![(
        "general.architecture".into(),
        Value::String(config.architecture.clone()),
    )];
    for key in LlamaConfig::GGUF_KEYS {
        let v = match &table[key.replace('.', "_").as_str()] {
            toml::Value::Integer(i) => Value::U32(u32::try_from(*i).map_err(|e| e.to_string())?),
            toml::Value::Float(f) => Value::F32(*f as f32),
            other => return Err(format!("{key}: {other:?}")),
        };
        md.push((format!("llama.{key}"), v));
    }
    let strings =
        |xs: &[String]| Value::Array(xs.iter().map(|x| Value::String(x.clone())).collect());
    md.push((
        "tokenizer.ggml.model".into(),
        Value::String(vocab.model.clone()),
    ));
    md.push((
        "tokenizer.ggml.pre".into(),
        Value::String(vocab.pre.clone()),
    ));
    md.push(("tokenizer.ggml.tokens".into(), strings(&vocab.tokens)));
    if !vocab.token_types.is_empty() {
        let types = vocab.token_types.iter().map(|t| Value::I32(*t)).collect();
        md.push(("tokenizer.ggml.token_type".into(), Value::Array(types)));
    }
    md.push(("tokenizer.ggml.merges".into(), strings(&vocab.merges)));
    for (key, id) in [("bos", vocab.bos), ("eos", vocab.eos)] {
        if let Some(id) = id {
            md.push((format!("tokenizer.ggml.{key}_token_id"), Value::U32(id)));
        }
    }
    let dev = candle_core::Device::Cpu;
    let mut tensors = Vec::new();
    for (name, shape, storage) in llama_tensors(config) {
        let t = candle_core::Tensor::from_vec(values(&name, &shape), shape.as_slice(), &dev)
            .map_err(|e| format!("{name}: {e}"))?;
        let dtype = match storage {
            Storage::F32 => GgmlDType::F32,
            Storage::Quant(QuantType::Q4_1) => GgmlDType::Q4_1,
            Storage::Quant(QuantType::Q8_0) => GgmlDType::Q8_0,
        };
        let q = QTensor::quantize(&t, dtype).map_err(|e| format!("{name}: {e}"))?;
        tensors.push((name, q));
    }
    let md_refs: Vec<(&str, &Value)> = md.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let t_refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut out = std::io::Cursor::new(Vec::new());
    gguf_file::write(&mut out, &md_refs, &t_refs).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// Walks the header (GGUF v2/v3) checking every declared length against the bytes that
/// remain, without building anything; candle's reader then parses the same bytes.
fn check_header(bytes: &[u8]) -> std::result::Result<(), String> {
    let mut w = Walk { bytes, at: 0 };
    if w.take(4, "magic")? != b"GGUF" {
        return Err("not a GGUF file (bad magic)".into());
    }
    let version = w.u32("version")?;
    if !(2..=3).contains(&version) {
        return Err(format!("GGUF version {version} is not supported (2 or 3)"));
    }
    let tensors = w.count("tensor count", 24)?;
    let keys = w.count("metadata key count", 13)?;
    for _ in 0..keys {
        w.string("metadata key")?;
        let ty = w.u32("metadata value type")?;
        w.value(ty, 0)?;
    }
    for _ in 0..tensors {
        w.string("tensor name")?;
        let dims = w.u32("tensor dimension count")? as u64;
        if dims == 0 || dims > MAX_DIMS {
            return Err(format!(
                "a tensor declares {dims} dimensions (1 to {MAX_DIMS})"
            ));
        }
        let mut elems: u64 = 1;
        for _ in 0..dims {
            let d = w.u64("tensor dimension")?;
            elems = elems
                .checked_mul(d)
                .filter(|&e| e <= bytes.len() as u64 * 2)
                .ok_or_else(|| {
                    format!(
                        "a tensor declares more elements than a {}-byte file holds",
                        bytes.len()
                    )
                })?;
        }
        w.u32("tensor type")?;
        w.u64("tensor offset")?;
    }
    Ok(())
}

/// A cursor over header bytes that refuses to read past the end.
struct Walk<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Walk<'a> {
    fn take(&mut self, n: u64, what: &str) -> std::result::Result<&'a [u8], String> {
        let left = (self.bytes.len() - self.at) as u64;
        if n > left {
            return Err(format!(
                "{what} at byte {} needs {n} bytes but only {left} remain (truncated or corrupt)",
                self.at
            ));
        }
        let out = &self.bytes[self.at..self.at + n as usize];
        self.at += n as usize;
        Ok(out)
    }

    fn u32(&mut self, what: &str) -> std::result::Result<u32, String> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self, what: &str) -> std::result::Result<u64, String> {
        let b = self.take(8, what)?;
        Ok(u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
    }

    /// A count of records of at least `min_bytes` each, capped by the bytes that remain.
    fn count(&mut self, what: &str, min_bytes: u64) -> std::result::Result<u64, String> {
        let n = self.u64(what)?;
        let left = (self.bytes.len() - self.at) as u64;
        if n > MAX_ENTRIES || n.saturating_mul(min_bytes) > left {
            return Err(format!(
                "{what} {n} is more than the {left} remaining bytes can hold (corrupt header)"
            ));
        }
        Ok(n)
    }

    fn string(&mut self, what: &str) -> std::result::Result<(), String> {
        let n = self.u64(what)?;
        if n > MAX_STRING {
            return Err(format!("{what} declares {n} bytes (at most {MAX_STRING})"));
        }
        self.take(n, what).map(|_| ())
    }

    fn value(&mut self, ty: u32, depth: usize) -> std::result::Result<(), String> {
        match (ty, fixed_size(ty)) {
            (_, Some(size)) => self.take(size, "metadata value").map(|_| ()),
            (8, None) => self.string("metadata string"),
            (9, None) if depth < MAX_DEPTH => {
                let item = self.u32("array type")?;
                let n = self.u64("array length")?;
                if n > MAX_ARRAY {
                    return Err(format!(
                        "a metadata array declares {n} items (at most {MAX_ARRAY})"
                    ));
                }
                match fixed_size(item) {
                    Some(size) => self
                        .take(n.saturating_mul(size), "metadata array")
                        .map(|_| ()),
                    None => (0..n).try_for_each(|_| self.value(item, depth + 1)),
                }
            }
            (9, None) => Err("metadata arrays nest too deeply".into()),
            _ => Err(format!("unknown metadata value type {ty}")),
        }
    }
}

/// Bytes of a fixed-size GGUF metadata value type.
fn fixed_size(ty: u32) -> Option<u64> {
    match ty {
        0 | 1 | 7 => Some(1),
        2 | 3 => Some(2),
        4..=6 => Some(4),
        10..=12 => Some(8),
        _ => None,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))] // reads prepared files and candle natively
#[path = "gguf_tests.rs"]
pub(crate) mod tests;
