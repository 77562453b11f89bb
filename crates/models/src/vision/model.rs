//! Every vision network behind one type, so benchmarks, the CLI and the app record any of
//! them the same way: the CORnet-minis (and the pixel control) at 32 px, EfficientNet-Lite0
//! at 224 px.

use brainprobe_arch::Normalisation;
use brainprobe_engine::Tensor;

use super::cornet::Cornet;
use super::efficientnet::EfficientNet;
use crate::error::Result;

/// What one forward pass produced.
pub struct VisionOutput {
    /// Class logits `[b, classes]`.
    pub logits: Tensor,
    /// Recorded layers in order: name and tensor (`[b, c, h, w]`, or `[b, c]`).
    pub layers: Vec<(String, Tensor)>,
}

/// A loaded vision network of any family. Made once per run and passed by reference, so
/// the variants' size difference does not matter.
#[allow(clippy::large_enum_variant)]
pub enum VisionModel {
    /// A CORnet-mini or the pixel control (32 × 32 inputs, CIFAR-10 classes).
    Cornet(Cornet),
    /// EfficientNet-Lite0 or its twin (224 × 224 inputs, ImageNet-1k classes).
    EfficientNet(EfficientNet),
}

impl VisionModel {
    /// Model identifier.
    pub fn id(&self) -> &str {
        match self {
            Self::Cornet(m) => &m.id,
            Self::EfficientNet(m) => &m.id,
        }
    }

    /// The input normalisation stored with the weights.
    pub fn normalisation(&self) -> &Normalisation {
        match self {
            Self::Cornet(m) => &m.normalisation,
            Self::EfficientNet(m) => &m.normalisation,
        }
    }

    /// Input side in pixels (images are centre-cropped and resized to it).
    pub fn input_side(&self) -> usize {
        match self {
            Self::Cornet(_) => super::preprocess::SIDE,
            Self::EfficientNet(m) => m.config.image_size,
        }
    }

    /// Number of classes the logits cover (0 for the pixel control).
    pub fn classes(&self) -> usize {
        match self {
            Self::Cornet(m) => m.config.classes,
            Self::EfficientNet(m) => m.config.classes,
        }
    }

    /// ImageNet short class names by logit index for an ImageNet network (`class N` where
    /// prepare-data's names are not available); `None` for the CIFAR-10 CORnet-minis, whose
    /// class list is `brainprobe_data::datasets::cifar::CLASSES`.
    pub fn imagenet_class_names(&self) -> Option<Vec<String>> {
        match self {
            Self::Cornet(_) => None,
            Self::EfficientNet(m) if m.class_names.len() == m.config.classes => {
                Some(m.class_names.clone())
            }
            Self::EfficientNet(m) => Some(
                (0..m.config.classes)
                    .map(|i| format!("class {i}"))
                    .collect(),
            ),
        }
    }

    /// The pooled features before the classifier (the readout layer of the occlusion
    /// benchmarks).
    pub fn penultimate_layer(&self) -> &'static str {
        match self {
            Self::Cornet(_) => "decoder",
            Self::EfficientNet(_) => "pool",
        }
    }

    /// Whether some area runs more than one time step (CORnet-S).
    pub fn is_recurrent(&self) -> bool {
        match self {
            Self::Cornet(m) => {
                m.config.family != "cornet-z" && m.config.timesteps.iter().any(|&t| t > 1)
            }
            Self::EfficientNet(_) => false,
        }
    }

    /// Whether this is the pixel control (no network).
    pub fn is_pixels(&self) -> bool {
        matches!(self, Self::Cornet(m) if m.is_pixels())
    }

    /// Recorded layer names at time-step cap `steps` (ignored by feedforward networks).
    pub fn layer_names(&self, steps: Option<usize>) -> Vec<String> {
        match self {
            Self::Cornet(m) => m.layer_names(steps),
            Self::EfficientNet(m) => m.layer_names(),
        }
    }

    /// Runs normalised `x` `[b, 3, side, side]`.
    pub fn forward(&self, x: &Tensor, steps: Option<usize>) -> Result<VisionOutput> {
        match self {
            Self::Cornet(m) => m.forward(x, steps),
            Self::EfficientNet(m) => m.forward(x),
        }
    }

    /// Images per forward pass that keep every activation of one pass well under the
    /// 128 MiB a WebGPU storage binding may hold by default.
    pub fn batch(&self) -> usize {
        match self {
            Self::Cornet(_) => 50,
            Self::EfficientNet(_) => 4,
        }
    }
}
