//! Named f32 tensors read from the project's f16 (or f32) safetensors files, and the
//! `manifest.toml` written beside them by `brainprobe-train`.
//!
//! Matrices may also be stored as "q8": an I8 tensor `name` plus an F32 tensor
//! `name.q8_scale` with one scale per row (value = i8 × scale[row]). The language models
//! use it for their checkpoints so that every checkpoint fits the repository's 40 MB
//! weights budget; the loader dequantises, so inference always sees f32.

use std::collections::HashMap;

use brainprobe_arch::WeightsManifest;
use brainprobe_engine::{Device, Tensor};
use safetensors::{Dtype, SafeTensors};
use serde::de::DeserializeOwned;

use crate::error::{ModelError, Result};

/// One host tensor: shape and row-major values.
#[derive(Debug, Clone, PartialEq)]
pub struct HostTensor {
    /// Dimensions.
    pub shape: Vec<usize>,
    /// Values (f16 files are widened exactly).
    pub data: Vec<f32>,
}

/// All tensors of a weights file, by name.
#[derive(Debug, Clone)]
pub struct Weights {
    model: String,
    tensors: HashMap<String, HostTensor>,
}

impl Weights {
    /// Parses safetensors `bytes` (f16, bf16 or f32 tensors) of model `model`.
    pub fn from_safetensors(model: &str, bytes: &[u8]) -> Result<Self> {
        let bad = |detail: String| ModelError::Weights {
            model: model.to_string(),
            detail,
        };
        let st =
            SafeTensors::deserialize(bytes).map_err(|e| bad(format!("not safetensors: {e}")))?;
        let mut tensors = HashMap::new();
        let mut quantised = Vec::new();
        for (name, view) in st.tensors() {
            let raw = view.data();
            let data: Vec<f32> = match view.dtype() {
                Dtype::I8 => {
                    quantised.push(name.clone());
                    raw.iter().map(|&b| f32::from(b as i8)).collect()
                }
                Dtype::F16 => raw
                    .chunks_exact(2)
                    .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                    .collect(),
                Dtype::BF16 => raw
                    .chunks_exact(2)
                    .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
                    .collect(),
                Dtype::F32 => raw
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect(),
                other => {
                    return Err(bad(format!(
                        "tensor `{name}` has unsupported dtype {other:?}"
                    )))
                }
            };
            let shape = view.shape().to_vec();
            if shape.iter().product::<usize>() != data.len() {
                return Err(bad(format!(
                    "tensor `{name}`: shape {shape:?} does not match its data"
                )));
            }
            tensors.insert(name, HostTensor { shape, data });
        }
        for name in quantised {
            dequantise_rows(&mut tensors, &name).map_err(bad)?;
        }
        Ok(Self {
            model: model.to_string(),
            tensors,
        })
    }

    /// Builds weights from host tensors (tests, converters).
    pub fn from_tensors(model: &str, tensors: HashMap<String, HostTensor>) -> Self {
        Self {
            model: model.to_string(),
            tensors,
        }
    }

    /// The tensor `name`, which must have `shape`.
    pub fn get(&self, name: &str, shape: &[usize]) -> Result<&HostTensor> {
        let t = self.tensors.get(name).ok_or_else(|| ModelError::Weights {
            model: self.model.clone(),
            detail: format!("missing tensor `{name}`"),
        })?;
        if t.shape != shape {
            return Err(ModelError::Weights {
                model: self.model.clone(),
                detail: format!(
                    "tensor `{name}` has shape {:?}, expected {shape:?}",
                    t.shape
                ),
            });
        }
        Ok(t)
    }

    /// The tensor `name` (checked to have `shape`, as [`Weights::get`]) uploaded to
    /// `device`: how every model's loader places its parameters.
    pub fn upload(&self, name: &str, shape: &[usize], device: &Device) -> Result<Tensor> {
        let t = self.get(name, shape)?;
        Ok(Tensor::from_vec(t.data.clone(), shape, device)?)
    }

    /// The stored shape of tensor `name`, if present.
    pub fn shape_of(&self, name: &str) -> Option<&[usize]> {
        self.tensors.get(name).map(|t| t.shape.as_slice())
    }

    /// Tensor names, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.tensors.keys().map(String::as_str).collect();
        v.sort();
        v
    }
}

/// Multiplies the I8 values of `name` (already widened) by `name.q8_scale`, one scale per
/// row (first axis), and drops the scale tensor.
fn dequantise_rows(
    tensors: &mut HashMap<String, HostTensor>,
    name: &str,
) -> std::result::Result<(), String> {
    let scale_name = format!("{name}.q8_scale");
    let scale = tensors
        .remove(&scale_name)
        .ok_or_else(|| format!("i8 tensor `{name}` has no `{scale_name}`"))?;
    let t = tensors
        .get_mut(name)
        .ok_or_else(|| format!("missing tensor `{name}`"))?;
    let rows = t.shape.first().copied().unwrap_or(1).max(1);
    if scale.data.len() != rows || t.data.len() % rows != 0 {
        return Err(format!(
            "`{scale_name}` has {} values for {rows} rows of `{name}`",
            scale.data.len()
        ));
    }
    let width = t.data.len() / rows;
    for (row, s) in t.data.chunks_mut(width.max(1)).zip(&scale.data) {
        row.iter_mut().for_each(|v| *v *= s);
    }
    Ok(())
}

/// Parses `manifest.toml` text of model `model` (the shape is `brainprobe_arch`'s).
pub fn parse_manifest(model: &str, text: &str) -> Result<WeightsManifest> {
    WeightsManifest::parse(text).map_err(|detail| ModelError::Manifest {
        model: model.to_string(),
        detail,
    })
}

/// The manifest's `[architecture]` read as config `T`, errors naming the model.
pub fn architecture<T: DeserializeOwned>(manifest: &WeightsManifest) -> Result<T> {
    manifest
        .architecture_as()
        .map_err(|detail| ModelError::Manifest {
            model: manifest.id.clone(),
            detail,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_clear_error() {
        let err = Weights::from_safetensors("m", b"not a file").unwrap_err();
        assert!(err.to_string().contains("not safetensors"), "{err}");
        let err = parse_manifest("m", "id = ").unwrap_err();
        assert!(err.to_string().contains("manifest of `m`"), "{err}");
    }

    #[test]
    fn f16_values_widen_exactly_and_shapes_are_checked() {
        let values: Vec<u8> = [1.5f32, -2.0, 0.25, 3.0]
            .iter()
            .flat_map(|v| half::f16::from_f32(*v).to_le_bytes())
            .collect();
        let view = safetensors::tensor::TensorView::new(Dtype::F16, vec![2, 2], &values).unwrap();
        let bytes = safetensors::serialize([("w", view)], None).unwrap();
        let w = Weights::from_safetensors("m", &bytes).unwrap();
        assert_eq!(
            w.get("w", &[2, 2]).unwrap().data,
            vec![1.5, -2.0, 0.25, 3.0]
        );
        assert!(w.get("w", &[4]).is_err());
        assert!(w.get("missing", &[1]).is_err());
    }

    #[test]
    fn q8_rows_are_scaled_and_a_missing_scale_is_an_error() {
        let q: Vec<u8> = [1i8, -2, 127, -128].iter().map(|v| *v as u8).collect();
        let scale: Vec<u8> = [0.5f32, 0.25]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let qv = safetensors::tensor::TensorView::new(Dtype::I8, vec![2, 2], &q).unwrap();
        let sv = safetensors::tensor::TensorView::new(Dtype::F32, vec![2], &scale).unwrap();
        let bytes = safetensors::serialize([("w", qv.clone()), ("w.q8_scale", sv)], None).unwrap();
        let w = Weights::from_safetensors("m", &bytes).unwrap();
        assert_eq!(
            w.get("w", &[2, 2]).unwrap().data,
            vec![0.5, -1.0, 31.75, -32.0]
        );
        assert_eq!(w.names(), vec!["w"]);
        let bytes = safetensors::serialize([("w", qv)], None).unwrap();
        let err = Weights::from_safetensors("m", &bytes).unwrap_err();
        assert!(err.to_string().contains("q8_scale"), "{err}");
    }
}
