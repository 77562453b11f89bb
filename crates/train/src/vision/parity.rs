//! Parity fixtures: the candle (training-code) forward pass of committed weights on a
//! fixed random input, which `brainprobe-models` must reproduce on the engine (Cpu, Gpu,
//! browser). The fixture holds only synthetic inputs and outputs of our own weights.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::cornet::{Cornet, CornetConfig};

/// Images in a fixture.
pub const FIXTURE_IMAGES: usize = 2;
/// Seed of the fixture input.
pub const FIXTURE_SEED: u64 = 7;

/// Loads `<weights_dir>/model.safetensors` (f16) into a candle CORnet in f32.
pub fn load_cornet(weights_dir: &Path) -> Result<(Cornet, VarMap), String> {
    let config: CornetConfig = crate::checkpoint::read_architecture(weights_dir)?;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let model = Cornet::new(&config, vb).map_err(|e| e.to_string())?;
    let path = weights_dir.join("model.safetensors");
    let tensors = candle_core::safetensors::load(&path, &Device::Cpu)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    crate::checkpoint::set_vars(&varmap, &tensors, &path)?;
    Ok((model, varmap))
}

/// The fixture of the model in `weights_dir`: `input`, every recorded `layer.<name>`,
/// and `logits`, all f32 NCHW / `[b, d]`.
pub fn fixture(weights_dir: &Path) -> Result<HashMap<String, Tensor>, String> {
    let (model, _vm) = load_cornet(weights_dir)?;
    let mut rng = ChaCha8Rng::seed_from_u64(FIXTURE_SEED);
    let normal = Normal::new(0f32, 1.0).expect("valid normal");
    let n = FIXTURE_IMAGES * 3 * 32 * 32;
    let input: Vec<f32> = (0..n).map(|_| normal.sample(&mut rng)).collect();
    let x = Tensor::from_vec(input, (FIXTURE_IMAGES, 3, 32, 32), &Device::Cpu)
        .map_err(|e| e.to_string())?;
    let mut rec = Vec::new();
    let logits = model
        .forward(&x, false, None, Some(&mut rec))
        .map_err(|e| e.to_string())?;
    let mut out = HashMap::new();
    out.insert("input".to_string(), x);
    for (name, t) in rec {
        out.insert(
            format!("layer.{name}"),
            t.contiguous().map_err(|e| e.to_string())?,
        );
    }
    out.insert("logits".to_string(), logits);
    Ok(out)
}

/// Writes the fixture of `weights_dir` to `out`.
pub fn write_fixture(weights_dir: &Path, out: &Path) -> Result<(), String> {
    let tensors = fixture(weights_dir)?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    candle_core::safetensors::save(&tensors, out).map_err(|e| format!("{}: {e}", out.display()))
}
