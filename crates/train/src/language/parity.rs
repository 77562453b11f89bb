//! Parity fixtures of gpt-mini and lstm-mini: the candle forward pass (training code) of
//! the committed q8 weights on a fixed token sequence, which `brainprobe-models` must
//! reproduce on the engine. A fixture holds synthetic token ids and the outputs of our
//! own weights.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use safetensors::{Dtype, SafeTensors};

use super::gpt::{Gpt, GptConfig};
use super::lstm::{Lstm, LstmConfig};

/// Tokens in the fixture (ids 0, then a fixed arithmetic walk through the vocabulary).
pub const FIXTURE_TOKENS: usize = 12;

/// Reads a q8 / f16 / f32 safetensors file into f32 candle tensors (q8 dequantised the way
/// `brainprobe-models` does: value = i8 × scale[row]).
pub fn load_dequantised(path: &Path) -> Result<HashMap<String, Tensor>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let st = SafeTensors::deserialize(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = HashMap::new();
    for (name, view) in st.tensors() {
        if name.ends_with(".q8_scale") {
            continue;
        }
        let shape = view.shape().to_vec();
        let raw = view.data();
        let values: Vec<f32> = match view.dtype() {
            Dtype::I8 => {
                let scale = st
                    .tensor(&format!("{name}.q8_scale"))
                    .map_err(|e| format!("{name}: {e}"))?;
                let s: Vec<f32> = scale
                    .data()
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                let width = raw.len() / s.len().max(1);
                raw.iter()
                    .enumerate()
                    .map(|(i, &b)| f32::from(b as i8) * s[i / width.max(1)])
                    .collect()
            }
            Dtype::F16 => raw
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            Dtype::F32 => raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            other => return Err(format!("{name}: unsupported dtype {other:?}")),
        };
        let t = Tensor::from_vec(values, shape, &Device::Cpu).map_err(|e| e.to_string())?;
        out.insert(name, t);
    }
    Ok(out)
}

/// Loads the gpt-mini of `weights_dir` (manifest + q8 weights) into candle.
pub fn load_gpt(weights_dir: &Path) -> Result<(Gpt, VarMap), String> {
    let config: GptConfig = crate::checkpoint::read_architecture(weights_dir)?;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let model = Gpt::new(&config, vb).map_err(|e| e.to_string())?;
    let path = weights_dir.join("model.safetensors");
    crate::checkpoint::set_vars(&varmap, &load_dequantised(&path)?, &path)?;
    Ok((model, varmap))
}

/// Loads the lstm-mini of `weights_dir` (manifest + q8 weights) into candle.
pub fn load_lstm(weights_dir: &Path) -> Result<(Lstm, VarMap), String> {
    let config: LstmConfig = crate::checkpoint::read_architecture(weights_dir)?;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let model = Lstm::new(&config, vb).map_err(|e| e.to_string())?;
    let path = weights_dir.join("model.safetensors");
    crate::checkpoint::set_vars(&varmap, &load_dequantised(&path)?, &path)?;
    Ok((model, varmap))
}

/// The fixture: `input_ids` (as f32), every recorded `layer.<name>` `[T, d]`, `logits`
/// `[T, vocab]`. The architecture is read from the manifest (`heads` = gpt-mini).
pub fn fixture(weights_dir: &Path) -> Result<HashMap<String, Tensor>, String> {
    let ids: Vec<u32> = (0..FIXTURE_TOKENS as u32)
        .map(|i| if i == 0 { 0 } else { (i * 677 + 31) % 8192 })
        .collect();
    let e = |e: candle_core::Error| e.to_string();
    let x = Tensor::from_vec(ids.clone(), (1, FIXTURE_TOKENS), &Device::Cpu).map_err(e)?;
    let architecture: toml::Table = crate::checkpoint::read_architecture(weights_dir)?;
    let (layers, logits) = if architecture.contains_key("heads") {
        let (model, _vm) = load_gpt(weights_dir)?;
        let out = model.forward_all(&x, true).map_err(e)?;
        (out.layers, out.logits)
    } else {
        let (model, _vm) = load_lstm(weights_dir)?;
        let out = model.forward_all(&x, true).map_err(e)?;
        (out.layers, out.logits)
    };
    let mut fx = HashMap::new();
    let ids_f: Vec<f32> = ids.iter().map(|&i| i as f32).collect();
    fx.insert(
        "input_ids".to_string(),
        Tensor::from_vec(ids_f, FIXTURE_TOKENS, &Device::Cpu).map_err(e)?,
    );
    for (name, t) in layers {
        fx.insert(
            format!("layer.{name}"),
            t.squeeze(0).and_then(|t| t.contiguous()).map_err(e)?,
        );
    }
    fx.insert(
        "logits".to_string(),
        logits.squeeze(0).and_then(|t| t.contiguous()).map_err(e)?,
    );
    Ok(fx)
}

/// Writes the fixture of `weights_dir` to `out`.
pub fn write_fixture(weights_dir: &Path, out: &Path) -> Result<(), String> {
    let tensors = fixture(weights_dir)?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    candle_core::safetensors::save(&tensors, out).map_err(|e| format!("{}: {e}", out.display()))
}
