//! Named f32 tensors read from the project's f16 (or f32) safetensors files, and the
//! `manifest.toml` written beside them by `brainprobe-train`.

use std::collections::HashMap;

use safetensors::{Dtype, SafeTensors};
use serde::Deserialize;

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
        for (name, view) in st.tensors() {
            let raw = view.data();
            let data: Vec<f32> = match view.dtype() {
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

    /// Tensor names, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.tensors.keys().map(String::as_str).collect();
        v.sort();
        v
    }
}

/// The fields of `manifest.toml` that inference needs (the file holds more: provenance,
/// evaluation, training command).
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// Model identifier.
    pub id: String,
    /// Architecture table, read by each family.
    pub architecture: toml::Value,
    /// Vision input normalisation.
    pub normalisation: Option<Normalisation>,
    /// Supervised updates (images or tokens seen).
    #[serde(default)]
    pub updates: u64,
    /// Fraction of the full training run.
    #[serde(default)]
    pub fraction_of_training: f64,
    /// Held-out evaluation numbers.
    #[serde(default)]
    pub evaluation: toml::Table,
    /// sha256 of the weights file.
    #[serde(default)]
    pub sha256: String,
}

/// RGB mean and std of training pixels in [0, 1].
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
pub struct Normalisation {
    /// Per-channel mean.
    pub mean: [f32; 3],
    /// Per-channel standard deviation.
    pub std: [f32; 3],
}

impl Manifest {
    /// Parses `manifest.toml` text of model `model`.
    pub fn parse(model: &str, text: &str) -> Result<Self> {
        toml::from_str(text).map_err(|e| ModelError::Manifest {
            model: model.to_string(),
            detail: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_clear_error() {
        let err = Weights::from_safetensors("m", b"not a file").unwrap_err();
        assert!(err.to_string().contains("not safetensors"), "{err}");
        let err = Manifest::parse("m", "id = ").unwrap_err();
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
}
