//! Resumable run state and the exported weights (f16 safetensors + `manifest.toml`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarMap;
use sha2::{Digest, Sha256};

use crate::adamw::AdamW;

/// Error text for run-state and export failures.
pub type Error = String;

fn io(path: &Path, e: impl std::fmt::Display) -> Error {
    format!("{}: {e}", path.display())
}

/// Writes `bytes` to `path` atomically (temp name + rename) so an interrupted run never
/// leaves a half-written file: `brainprobe_data`'s writer, with this crate's error text.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    brainprobe_data::prepare::write_atomic(path, bytes).map_err(|e| e.to_string())
}

fn save_tensors(tensors: &HashMap<String, Tensor>, path: &Path) -> Result<(), Error> {
    let tmp = path.with_extension("partial");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    candle_core::safetensors::save(tensors, &tmp).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

/// The model's variables by name.
pub fn var_tensors(varmap: &VarMap) -> HashMap<String, Tensor> {
    let data = varmap.data().lock().expect("varmap lock is never poisoned");
    data.iter()
        .map(|(k, v)| (k.clone(), v.as_tensor().clone()))
        .collect()
}

/// Saves model variables, optimiser moments and the step to `<dir>/last.safetensors`.
pub fn save_run(dir: &Path, varmap: &VarMap, opt: &AdamW) -> Result<(), Error> {
    let mut all = var_tensors(varmap);
    for (k, v) in opt.state() {
        all.insert(k, v);
    }
    let step = Tensor::new(&[opt.step as u32], &Device::Cpu).map_err(|e| e.to_string())?;
    all.insert("__step".into(), step);
    save_tensors(&all, &dir.join("last.safetensors"))
}

/// Restores a run saved by [`save_run`]; returns the step it had reached, or `None` when
/// no run state exists.
pub fn load_run(dir: &Path, varmap: &VarMap, opt: &mut AdamW) -> Result<Option<usize>, Error> {
    let path = dir.join("last.safetensors");
    if !path.exists() {
        return Ok(None);
    }
    let tensors = candle_core::safetensors::load(&path, &Device::Cpu).map_err(|e| io(&path, e))?;
    let step = tensors
        .get("__step")
        .and_then(|t| t.to_vec1::<u32>().ok())
        .and_then(|v| v.first().copied())
        .ok_or_else(|| io(&path, "no step recorded"))? as usize;
    {
        let data = varmap.data().lock().expect("varmap lock is never poisoned");
        for (name, var) in data.iter() {
            let t = tensors
                .get(name)
                .ok_or_else(|| io(&path, format!("missing `{name}`")))?;
            var.set(t)
                .map_err(|e| io(&path, format!("`{name}`: {e}")))?;
        }
    }
    opt.load_state(&tensors, step).map_err(|e| io(&path, e))?;
    Ok(Some(step))
}

/// Exports `tensors` as f16 safetensors to `<out>/model.safetensors`, returning its sha256.
pub fn export_f16(tensors: &HashMap<String, Tensor>, out: &Path) -> Result<String, Error> {
    let mut half = HashMap::new();
    for (k, v) in tensors {
        half.insert(
            k.clone(),
            v.to_dtype(DType::F16).map_err(|e| e.to_string())?,
        );
    }
    let path = out.join("model.safetensors");
    save_tensors(&half, &path)?;
    let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// The current git revision (for manifests), or "unknown" outside a checkout.
pub fn git_revision() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The command line that produced these weights.
pub fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!(
        "cargo run -p brainprobe-train --release -- {}",
        args.join(" ")
    )
}

/// `weights/<id>` under the workspace root.
pub fn weights_dir(root: &Path, id: &str) -> PathBuf {
    root.join("weights").join(id)
}

/// The `[architecture]` table of `<weights_dir>/manifest.toml`, as the training config `T`.
pub fn read_architecture<T: serde::de::DeserializeOwned>(weights_dir: &Path) -> Result<T, Error> {
    let path = weights_dir.join("manifest.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
    brainprobe_arch::WeightsManifest::parse(&text)
        .and_then(|m| m.architecture_as())
        .map_err(|e| io(&path, e))
}

/// Sets every variable of `varmap` from `tensors` (as f32); `source` names them in errors.
pub fn set_vars(
    varmap: &VarMap,
    tensors: &HashMap<String, Tensor>,
    source: &Path,
) -> Result<(), Error> {
    let data = varmap.data().lock().expect("varmap lock is never poisoned");
    for (name, var) in data.iter() {
        let t = tensors
            .get(name)
            .ok_or_else(|| io(source, format!("missing `{name}`")))?;
        var.set(&t.to_dtype(DType::F32).map_err(|e| e.to_string())?)
            .map_err(|e| format!("`{name}`: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_nn::VarBuilder;

    /// The variables of `vm` with their names, as the optimiser takes them.
    fn named_vars(vm: &VarMap) -> Vec<(String, candle_core::Var)> {
        let data = vm.data().lock().unwrap();
        data.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    #[test]
    fn run_state_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let vm = VarMap::new();
        let vb = VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu);
        let fc = candle_nn::linear(3, 2, vb.pp("fc")).unwrap();
        let vars = named_vars(&vm);
        let mut opt = AdamW::new(vars.clone(), 0.1).unwrap();
        let x = Tensor::ones((4, 3), DType::F32, &Device::Cpu).unwrap();
        let loss = candle_core::Module::forward(&fc, &x)
            .unwrap()
            .sqr()
            .unwrap()
            .sum_all()
            .unwrap();
        opt.backward_step(&loss).unwrap();
        save_run(dir.path(), &vm, &opt).unwrap();
        let before = var_tensors(&vm)["fc.weight"]
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();

        let vm2 = VarMap::new();
        let vb2 = VarBuilder::from_varmap(&vm2, DType::F32, &Device::Cpu);
        candle_nn::linear(3, 2, vb2.pp("fc")).unwrap();
        let vars2 = named_vars(&vm2);
        let mut opt2 = AdamW::new(vars2, 0.1).unwrap();
        assert_eq!(load_run(dir.path(), &vm2, &mut opt2).unwrap(), Some(1));
        let after = var_tensors(&vm2)["fc.weight"]
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        assert_eq!(before, after);
        assert_eq!(
            load_run(&dir.path().join("none"), &vm2, &mut opt2).unwrap(),
            None
        );
    }
}
