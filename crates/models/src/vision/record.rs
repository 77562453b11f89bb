//! Recording: run a vision model over a set of images in batches and collect each named
//! layer as an `(n_images × features)` matrix (C·H·W flattened in NCHW order).

use brainprobe_engine::{Device, Tensor};
use ndarray::Array2;

use super::model::VisionModel;
use crate::error::{ModelError, Result};

/// Which layers to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerSelection {
    /// Every recorded layer.
    All,
    /// These names (errors on an unknown one).
    Named(Vec<String>),
}

/// Activations of one layer over all images.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerActivations {
    /// Layer name (`V1`, `V4.t2`, `IT`, `decoder`, `logits`).
    pub name: String,
    /// `[n_images, features]`.
    pub values: Array2<f32>,
}

/// Runs `images` (each a normalised CHW `[3, side, side]` vector, `side` the model's input) through `model` on
/// `device`, `batch` at a time, calling `progress(done, total)` after each batch.
pub async fn record(
    model: &VisionModel,
    images: &[Vec<f32>],
    layers: &LayerSelection,
    steps: Option<usize>,
    batch: usize,
    device: &Device,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<LayerActivations>> {
    let names = model.layer_names(steps);
    let wanted: Vec<String> = match layers {
        LayerSelection::All => names.clone(),
        LayerSelection::Named(list) => {
            for l in list {
                if !names.contains(l) {
                    return Err(ModelError::UnknownLayer {
                        model: model.id().to_string(),
                        layer: l.clone(),
                        available: names.join(", "),
                    });
                }
            }
            list.clone()
        }
    };
    let side = model.input_side();
    let plane = 3 * side * side;
    if model.is_pixels() {
        return pixels(images, wanted, plane, progress);
    }
    let mut rows: Vec<Vec<f32>> = vec![Vec::new(); wanted.len()];
    let mut widths = vec![0usize; wanted.len()];
    let batch = batch.max(1);
    for (i, chunk) in images.chunks(batch).enumerate() {
        let mut x = Vec::with_capacity(chunk.len() * plane);
        for img in chunk {
            if img.len() != plane {
                return Err(ModelError::Image(format!(
                    "expected {plane} input values per image, got {}",
                    img.len()
                )));
            }
            x.extend_from_slice(img);
        }
        let input = Tensor::from_vec(x, &[chunk.len(), 3, side, side], device)?;
        let out = model.forward(&input, steps)?;
        let picked: Vec<&Tensor> = wanted
            .iter()
            .map(|w| {
                out.layers
                    .iter()
                    .find(|(n, _)| n == w)
                    .map(|(_, t)| t)
                    .expect("names come from layer_names")
            })
            .collect();
        let values = Tensor::read_all(&picked).await?;
        for (k, v) in values.into_iter().enumerate() {
            widths[k] = v.len() / chunk.len();
            rows[k].extend(v);
        }
        progress(((i + 1) * batch).min(images.len()), images.len());
    }
    wanted
        .into_iter()
        .zip(rows.into_iter().zip(widths))
        .map(|(name, (data, width))| {
            let values = Array2::from_shape_vec((images.len(), width), data)
                .map_err(|e| ModelError::Image(e.to_string()))?;
            Ok(LayerActivations { name, values })
        })
        .collect()
}

/// The pixel control's recording: each selected layer (only `pixels` exists) is the
/// normalised images themselves, `[n_images, 3·32·32]` in CHW order.
fn pixels(
    images: &[Vec<f32>],
    wanted: Vec<String>,
    plane: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<LayerActivations>> {
    let mut data = Vec::with_capacity(images.len() * plane);
    for img in images {
        if img.len() != plane {
            return Err(ModelError::Image(format!(
                "expected {plane} input values per image, got {}",
                img.len()
            )));
        }
        data.extend_from_slice(img);
    }
    let values = Array2::from_shape_vec((images.len(), plane), data)
        .map_err(|e| ModelError::Image(e.to_string()))?;
    progress(images.len(), images.len());
    Ok(wanted
        .into_iter()
        .map(|name| LayerActivations {
            name,
            values: values.clone(),
        })
        .collect())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::vision::cornet::Cornet;
    use crate::vision::preprocess::SIDE;
    use brainprobe_arch::Normalisation;

    #[test]
    fn the_pixel_control_records_its_input() {
        let norm = Normalisation {
            mean: [0.5; 3],
            std: [0.25; 3],
        };
        let model = VisionModel::Cornet(Cornet::pixels("baseline-pixels", norm));
        assert_eq!(model.layer_names(None), ["pixels"]);
        assert!(!model.is_recurrent());
        let plane = 3 * SIDE * SIDE;
        let images: Vec<Vec<f32>> = (0..3)
            .map(|k| (0..plane).map(|i| (k * plane + i) as f32).collect())
            .collect();
        let mut calls = 0;
        let rec = pollster::block_on(record(
            &model,
            &images,
            &LayerSelection::All,
            None,
            2,
            &Device::Cpu,
            |_, _| calls += 1,
        ))
        .unwrap();
        assert_eq!((rec.len(), calls), (1, 1));
        assert_eq!(rec[0].name, "pixels");
        assert_eq!(rec[0].values.shape(), &[3, plane]);
        assert_eq!(rec[0].values[[2, 5]], (2 * plane + 5) as f32);
        let logits = LayerSelection::Named(vec!["logits".into()]);
        let err = pollster::block_on(record(
            &model,
            &images,
            &logits,
            None,
            2,
            &Device::Cpu,
            |_, _| {},
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("logits") && err.contains("pixels"), "{err}");
        assert!(pollster::block_on(record(
            &model,
            &[vec![0.0; 5]],
            &LayerSelection::All,
            None,
            2,
            &Device::Cpu,
            |_, _| {}
        ))
        .is_err());
        let x = Tensor::from_vec(images.concat(), &[3, 3, SIDE, SIDE], &Device::Cpu).unwrap();
        assert!(model.forward(&x, None).is_err(), "no network to run");
    }
}
