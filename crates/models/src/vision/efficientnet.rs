//! EfficientNet-Lite0 inference on engine ops (Cpu and Gpu unchanged): the pretrained
//! ImageNet network `efficientnet-lite0` (prepared by prepare-data from the PyTorch state
//! dict) and its seeded twin `efficientnet-lite0-untrained`.
//!
//! The forward follows `efficientnet-lite-pytorch==0.1.0` in eval mode: TensorFlow "same"
//! padding (asymmetric for stride 2), ReLU6 after the stem, every expand and depthwise conv
//! and the head; no activation after the projection; the input added back where stride is
//! 1 and the channels match; no squeeze-and-excitation (the Lite variant); dropout and drop
//! connect are training-only. Batch norms are folded into the preceding convolution at load
//! time (f32). Recorded layers: `stem`, `stage1` … `stage7` (each stage's last block),
//! `head`, `pool` (global average of the head: the penultimate features), `logits`.

use brainprobe_arch::{EfficientNetConfig, MbConvBlock, Normalisation, WeightsManifest};
use brainprobe_engine::{Conv2dParams, Device, Tensor};

use super::folded::{ConvLoader, FoldedConv};

use super::model::VisionOutput;
use crate::error::{ModelError, Result};
use crate::language::seeded::uniform_values;
use crate::weights::{HostTensor, Weights};

/// One MBConv block's convolutions.
struct Block {
    spec: MbConvBlock,
    expand: Option<FoldedConv>,
    depthwise: FoldedConv,
    project: FoldedConv,
}

/// A loaded EfficientNet-Lite.
pub struct EfficientNet {
    /// Model identifier.
    pub id: String,
    /// Architecture.
    pub config: EfficientNetConfig,
    /// Input normalisation the weights expect.
    pub normalisation: Normalisation,
    /// Short ImageNet class names, by logit index (set by the loader from prepare-data's
    /// `classes.tsv`; empty when they are not available, e.g. the twin before prepare-data).
    pub class_names: Vec<String>,
    stem: FoldedConv,
    blocks: Vec<Block>,
    head: FoldedConv,
    classifier: (Tensor, Tensor),
}

/// TensorFlow "same" padding for a square `side` input: `(before, after)`.
pub fn same_padding(side: usize, kernel: usize, stride: usize) -> (usize, usize) {
    let out = side.div_ceil(stride.max(1));
    let total = ((out - 1) * stride + kernel).saturating_sub(side);
    (total / 2, total - total / 2)
}

/// Conv parameters of a same-padded conv on a `side` input.
fn same(side: usize, kernel: usize, stride: usize, groups: usize) -> Conv2dParams {
    let (pad_begin, pad_end) = same_padding(side, kernel, stride);
    Conv2dParams {
        stride,
        pad_begin,
        pad_end,
        groups,
    }
}

impl EfficientNet {
    /// The architecture a manifest names (only `efficientnet-lite0` is known), checked
    /// against the manifest's input size and class count.
    pub fn config_of(manifest: &WeightsManifest) -> Result<EfficientNetConfig> {
        let bad = |detail: String| ModelError::Manifest {
            model: manifest.id.clone(),
            detail,
        };
        let arch = manifest
            .architecture
            .as_table()
            .ok_or_else(|| bad("[architecture] is not a table".into()))?;
        let family = arch
            .get("family")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let config = match family {
            "efficientnet-lite0" => EfficientNetConfig::lite0(),
            other => return Err(bad(format!("unknown EfficientNet family `{other}`"))),
        };
        for (key, want) in [
            ("image_size", config.image_size),
            ("classes", config.classes),
        ] {
            let have = arch.get(key).and_then(|v| v.as_integer());
            if have != Some(want as i64) {
                return Err(bad(format!("{key} is {have:?}, {family} has {want}")));
            }
        }
        Ok(config)
    }

    /// Builds the network from `weights` (EfficientNet-PyTorch names) onto `device`.
    pub fn load(
        id: &str,
        config: EfficientNetConfig,
        normalisation: Normalisation,
        weights: &Weights,
        device: &Device,
    ) -> Result<Self> {
        let l = ConvLoader {
            weights,
            device,
            eps: config.bn_eps as f32,
        };
        // Every convolution here is followed by a batch norm and has no bias of its own.
        let conv = |name: &str, bn: &str, shape: [usize; 4], params: Conv2dParams| {
            l.folded(name, Some(bn), shape, false, params)
        };
        let mut side = config.image_size;
        let stem = conv(
            "_conv_stem",
            "_bn0",
            [config.stem, 3, 3, 3],
            same(side, 3, 2, 1),
        )?;
        side = side.div_ceil(2);
        let mut blocks = Vec::new();
        for (i, b) in config.blocks().into_iter().enumerate() {
            let p = format!("_blocks.{i}");
            let expand = if b.has_expand {
                Some(conv(
                    &format!("{p}._expand_conv"),
                    &format!("{p}._bn0"),
                    [b.expanded, b.input, 1, 1],
                    same(side, 1, 1, 1),
                )?)
            } else {
                None
            };
            let depthwise = conv(
                &format!("{p}._depthwise_conv"),
                &format!("{p}._bn1"),
                [b.expanded, 1, b.kernel, b.kernel],
                same(side, b.kernel, b.stride, b.expanded),
            )?;
            side = side.div_ceil(b.stride);
            let project = conv(
                &format!("{p}._project_conv"),
                &format!("{p}._bn2"),
                [b.output, b.expanded, 1, 1],
                same(side, 1, 1, 1),
            )?;
            blocks.push(Block {
                spec: b,
                expand,
                depthwise,
                project,
            });
        }
        let last = config.stages.last().map_or(config.stem, |s| s.output);
        let head = conv(
            "_conv_head",
            "_bn1",
            [config.head, last, 1, 1],
            same(side, 1, 1, 1),
        )?;
        Ok(Self {
            id: id.to_string(),
            classifier: (
                weights.upload("_fc.weight", &[config.classes, config.head], device)?,
                weights.upload("_fc.bias", &[config.classes], device)?,
            ),
            config,
            normalisation,
            class_names: Vec::new(),
            stem,
            blocks,
            head,
        })
    }

    /// The recorded layer names.
    pub fn layer_names(&self) -> Vec<String> {
        self.config.layer_names()
    }

    /// Runs `x` `[b, 3, side, side]` (normalised, `side` = the config's image size).
    pub fn forward(&self, x: &Tensor) -> Result<VisionOutput> {
        let side = self.config.image_size;
        if x.shape().len() != 4 || x.shape()[1..] != [3, side, side] {
            return Err(ModelError::Image(format!(
                "{} takes [batch, 3, {side}, {side}] inputs, got {:?}",
                self.id,
                x.shape()
            )));
        }
        let mut layers = Vec::new();
        let mut h = self.stem.run(x)?.relu6()?;
        layers.push(("stem".to_string(), h.clone()));
        for (i, block) in self.blocks.iter().enumerate() {
            let input = h.clone();
            let mut y = match &block.expand {
                Some(c) => c.run(&h)?.relu6()?,
                None => h.clone(),
            };
            y = block.depthwise.run(&y)?.relu6()?;
            y = block.project.run(&y)?;
            h = if block.spec.skip { y.add(&input)? } else { y };
            let stage_ends = self
                .blocks
                .get(i + 1)
                .is_none_or(|next| next.spec.stage != block.spec.stage);
            if stage_ends {
                layers.push((format!("stage{}", block.spec.stage + 1), h.clone()));
            }
        }
        h = self.head.run(&h)?.relu6()?;
        layers.push(("head".into(), h.clone()));
        let pooled = h.global_avg_pool()?;
        layers.push(("pool".into(), pooled.clone()));
        let (w, b) = &self.classifier;
        let logits = pooled.matmul_t(w, false, true)?.add(b)?;
        layers.push(("logits".into(), logits.clone()));
        Ok(VisionOutput { logits, layers })
    }
}

/// The seeded initialisation of the reference code (PyTorch's defaults, which
/// EfficientNet-PyTorch keeps): every conv and linear weight uniform(±1/√fan_in) (Kaiming
/// uniform with a = √5), the classifier bias likewise, batch norms at weight 1, bias 0,
/// running mean 0 and variance 1. One ChaCha8 stream per tensor, keyed `id/name`.
pub fn untrained_weights(id: &str, config: &EfficientNetConfig) -> Weights {
    let mut tensors = std::collections::HashMap::new();
    for (name, shape) in config.tensor_shapes() {
        let n: usize = shape.iter().product();
        let data = if name.ends_with("running_var")
            || (name.contains("_bn") && name.ends_with(".weight"))
        {
            vec![1.0; n]
        } else if name.contains("_bn") {
            vec![0.0; n]
        } else {
            // fan_in of a weight [out, in/groups, k, k] or [out, in]; the bias of `_fc`
            // uses the weight's fan_in.
            let fan_in = if name == "_fc.bias" {
                config.head
            } else {
                shape[1..].iter().product()
            };
            uniform_values(&format!("{id}/{name}"), n, 1.0 / (fan_in as f32).sqrt())
        };
        tensors.insert(name, HostTensor { shape, data });
    }
    Weights::from_tensors(id, tensors)
}

#[cfg(test)]
#[path = "efficientnet_tests.rs"]
mod tests;
