//! "q8" export: 2-D+ tensors as I8 with one f32 scale per row (`name.q8_scale`), 1-D
//! tensors as f16. Four times smaller than f32, twice smaller than f16; the language
//! checkpoints use it so that all of them fit the repository's weights budget. The models
//! crate dequantises on load (value = i8 × scale[row]).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use candle_core::{DType, Tensor};
use safetensors::tensor::TensorView;
use safetensors::Dtype;
use sha2::{Digest, Sha256};

use crate::checkpoint::write_atomic;

/// Symmetric per-row quantisation of row-major `values` with `width` columns: the scale
/// maps each row's largest magnitude to 127 (an all-zero row gets scale 0).
pub fn quantise_rows(values: &[f32], width: usize) -> (Vec<i8>, Vec<f32>) {
    let width = width.max(1);
    let mut q = Vec::with_capacity(values.len());
    let mut scales = Vec::with_capacity(values.len() / width);
    for row in values.chunks(width) {
        let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
        let scale = max / 127.0;
        scales.push(scale);
        for v in row {
            let level = if scale > 0.0 {
                (v / scale).round()
            } else {
                0.0
            };
            q.push(level.clamp(-127.0, 127.0) as i8);
        }
    }
    (q, scales)
}

/// Writes `tensors` to `out/model.safetensors` in q8 form; returns the file's sha256.
pub fn export_q8(tensors: &HashMap<String, Tensor>, out: &Path) -> Result<String, String> {
    // owned byte buffers first: the views borrow them
    let mut buffers: BTreeMap<String, (Dtype, Vec<usize>, Vec<u8>)> = BTreeMap::new();
    for (name, t) in tensors {
        let shape = t.dims().to_vec();
        let values: Vec<f32> = t
            .to_dtype(DType::F32)
            .and_then(|t| t.flatten_all())
            .and_then(|t| t.to_vec1())
            .map_err(|e| format!("{name}: {e}"))?;
        if shape.len() >= 2 {
            let width: usize = shape[1..].iter().product();
            let (q, scales) = quantise_rows(&values, width);
            let bytes = q.iter().map(|v| *v as u8).collect();
            buffers.insert(name.clone(), (Dtype::I8, shape.clone(), bytes));
            let scale_bytes = scales.iter().flat_map(|s| s.to_le_bytes()).collect();
            buffers.insert(
                format!("{name}.q8_scale"),
                (Dtype::F32, vec![shape[0]], scale_bytes),
            );
        } else {
            let bytes = values
                .iter()
                .flat_map(|v| half::f16::from_f32(*v).to_le_bytes())
                .collect();
            buffers.insert(name.clone(), (Dtype::F16, shape, bytes));
        }
    }
    let views = buffers
        .iter()
        .map(|(name, (dtype, shape, bytes))| {
            TensorView::new(*dtype, shape.clone(), bytes)
                .map(|v| (name.clone(), v))
                .map_err(|e| format!("{name}: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let bytes = safetensors::serialize(views, None).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let path = out.join("model.safetensors");
    write_atomic(&path, &bytes)?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// The values a q8 file stores for `values` (what inference will see), for evaluating the
/// exported model rather than the f32 one.
pub fn q8_roundtrip(values: &[f32], width: usize) -> Vec<f32> {
    let (q, scales) = quantise_rows(values, width);
    q.chunks(width.max(1))
        .zip(&scales)
        .flat_map(|(row, s)| row.iter().map(move |v| f32::from(*v) * s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_their_largest_value_and_error_is_bounded() {
        let values = [0.5f32, -1.0, 0.25, 0.0, 0.0, 0.0, 3.0, 2.0, -1.5];
        let back = q8_roundtrip(&values, 3);
        assert_eq!(back[1], -1.0);
        assert_eq!(&back[3..6], &[0.0, 0.0, 0.0]);
        assert_eq!(back[6], 3.0);
        for (a, b) in values.iter().zip(&back) {
            assert!((a - b).abs() <= 3.0 / 254.0 + 1e-6, "{a} vs {b}");
        }
    }
}
