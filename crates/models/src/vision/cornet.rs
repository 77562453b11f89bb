//! CORnet-Z-mini and CORnet-S-mini inference on engine ops (Cpu and Gpu unchanged).
//!
//! Batch norms are folded into the preceding convolution at load time (CORnet-S has one
//! set per time step, so each step gets its own folded copy of the shared kernel).
//! Recorded areas, as in training: `V1`, `V2.t0` … (per time step, CORnet-S), `V2`, `V4`,
//! `IT` (each area's final output), `decoder` (the pooled features), `logits`.
//!
//! The same type carries the pixel control `baseline-pixels` (METRICS §10.1,
//! [`Cornet::pixels`]): no network, its one layer `pixels` is the normalised 32 × 32 input
//! itself, so it is loaded by the one loader and recorded like the networks; having no
//! classifier, it has no `logits`.

use brainprobe_engine::{Conv2dParams, Device, Tensor};

use super::folded::{ConvLoader, FoldedConv};

use crate::error::{ModelError, Result};
use crate::weights::{architecture, Weights};
pub use brainprobe_arch::{CornetConfig, AREAS};
use brainprobe_arch::{Normalisation, WeightsManifest};

/// Batch-norm epsilon used in training (PyTorch default).
const BN_EPS: f32 = 1e-5;

/// One recurrent area: input projection, strided skip, and per-time-step folded convs.
struct SArea {
    conv_input: FoldedConv,
    skip: FoldedConv,
    steps: Vec<[FoldedConv; 3]>,
}

enum Body {
    /// The input itself (`baseline-pixels`).
    Pixels,
    Z(Vec<FoldedConv>),
    S {
        v1: Box<FoldedConv>,
        areas: Vec<SArea>,
    },
}

/// What one forward pass produced (the output type every vision network shares).
pub type CornetOutput = super::model::VisionOutput;

/// The one layer of the pixel control.
pub const PIXELS_LAYER: &str = "pixels";

/// A loaded CORnet-mini (or the pixel control, [`Cornet::pixels`]).
pub struct Cornet {
    /// Model identifier.
    pub id: String,
    /// Architecture.
    pub config: CornetConfig,
    /// Input normalisation stored with the weights.
    pub normalisation: Normalisation,
    body: Body,
    /// Linear readout (weight, bias); `None` for the pixel control.
    decoder: Option<(Tensor, Tensor)>,
}

impl Cornet {
    /// Loads weights exported by `brainprobe-train` onto `device`.
    pub fn load(weights: &Weights, manifest: &WeightsManifest, device: &Device) -> Result<Self> {
        let id = manifest.id.clone();
        let config: CornetConfig = architecture(manifest)?;
        let normalisation = manifest.normalisation.ok_or_else(|| ModelError::Manifest {
            model: id.clone(),
            detail: "no [normalisation] for a vision model".into(),
        })?;
        let l = ConvLoader {
            weights,
            device,
            eps: BN_EPS,
        };
        // Square kernels, "same" padding for odd sizes; the stride is the last argument.
        let conv = |name: &str, bn: Option<&str>, shape: [usize; 4], bias: bool, stride: usize| {
            l.folded(
                name,
                bn,
                shape,
                bias,
                Conv2dParams::new(stride, shape[2] / 2),
            )
        };
        let c = config.channels;
        let body = match config.family.as_str() {
            "cornet-z" => {
                let mut convs = Vec::new();
                let mut cin = 3;
                for (i, area) in AREAS.iter().enumerate() {
                    convs.push(conv(
                        &format!("{area}.conv"),
                        None,
                        [c[i], cin, 3, 3],
                        true,
                        1,
                    )?);
                    cin = c[i];
                }
                Body::Z(convs)
            }
            "cornet-s" => {
                let v1 = conv("V1.conv", Some("V1.norm"), [c[0], 3, 3, 3], false, 1)?;
                let mut areas = Vec::new();
                for i in 1..4 {
                    let (a, cin, cout, wide) = (AREAS[i], c[i - 1], c[i], c[i] * config.scale);
                    let mut steps = Vec::new();
                    for t in 0..config.timesteps[i - 1] {
                        steps.push([
                            conv(
                                &format!("{a}.conv1"),
                                Some(&format!("{a}.norm1_t{t}")),
                                [wide, cout, 1, 1],
                                false,
                                1,
                            )?,
                            conv(
                                &format!("{a}.conv2"),
                                Some(&format!("{a}.norm2_t{t}")),
                                [wide, wide, 3, 3],
                                false,
                                if t == 0 { 2 } else { 1 },
                            )?,
                            conv(
                                &format!("{a}.conv3"),
                                Some(&format!("{a}.norm3_t{t}")),
                                [cout, wide, 1, 1],
                                false,
                                1,
                            )?,
                        ]);
                    }
                    areas.push(SArea {
                        conv_input: conv(
                            &format!("{a}.conv_input"),
                            None,
                            [cout, cin, 1, 1],
                            false,
                            1,
                        )?,
                        skip: conv(
                            &format!("{a}.skip"),
                            Some(&format!("{a}.norm_skip")),
                            [cout, cout, 1, 1],
                            false,
                            2,
                        )?,
                        steps,
                    });
                }
                Body::S {
                    v1: Box::new(v1),
                    areas,
                }
            }
            other => {
                return Err(ModelError::Manifest {
                    model: id,
                    detail: format!("unknown vision family `{other}`"),
                })
            }
        };
        Ok(Self {
            decoder: Some((
                weights.upload("decoder.linear.weight", &[config.classes, c[3]], device)?,
                weights.upload("decoder.linear.bias", &[config.classes], device)?,
            )),
            id,
            config,
            normalisation,
            body,
        })
    }

    /// The pixel control `id` (METRICS §10.1): the input after `normalisation`, at the
    /// CORnet-minis' 32 × 32, as its one layer [`PIXELS_LAYER`]. No weights, no classifier.
    pub fn pixels(id: &str, normalisation: Normalisation) -> Self {
        Self {
            id: id.to_string(),
            config: CornetConfig {
                family: "pixels".into(),
                channels: [3; 4],
                timesteps: [1; 3],
                scale: 1,
                classes: 0,
            },
            normalisation,
            body: Body::Pixels,
            decoder: None,
        }
    }

    /// Whether this is the pixel control: its layer is its input, no forward pass.
    pub fn is_pixels(&self) -> bool {
        matches!(self.body, Body::Pixels)
    }

    /// The recorded layer names for a forward pass capped at `steps` time steps.
    pub fn layer_names(&self, steps: Option<usize>) -> Vec<String> {
        if self.is_pixels() {
            return vec![PIXELS_LAYER.to_string()];
        }
        self.config.layer_names(steps)
    }

    /// Runs `x` `[b, 3, 32, 32]` (normalised; see `preprocess`). `steps` caps every
    /// recurrent area's time steps (1 = feedforward sweep only); CORnet-Z ignores it.
    pub fn forward(&self, x: &Tensor, steps: Option<usize>) -> Result<CornetOutput> {
        let mut layers = Vec::new();
        let mut h = x.clone();
        let (decoder_weight, decoder_bias) = match (&self.body, &self.decoder) {
            (Body::Z(_) | Body::S { .. }, Some((w, b))) => (w, b),
            _ => {
                return Err(ModelError::Image(format!(
                    "{} is the input itself: it has no network to run and no classifier",
                    self.id
                )))
            }
        };
        match &self.body {
            Body::Pixels => {}
            Body::Z(convs) => {
                for (conv, area) in convs.iter().zip(AREAS) {
                    h = conv.run(&h)?.relu()?.max_pool2d(2, 2, 0)?;
                    layers.push((area.to_string(), h.clone()));
                }
            }
            Body::S { v1, areas } => {
                h = v1.run(&h)?.relu()?;
                layers.push(("V1".into(), h.clone()));
                for (area, name) in areas.iter().zip(&AREAS[1..]) {
                    let input = area.conv_input.run(&h)?;
                    let mut state = input.clone();
                    let t_max = area.steps.len().min(steps.unwrap_or(usize::MAX).max(1));
                    for (t, [c1, c2, c3]) in area.steps.iter().take(t_max).enumerate() {
                        let skip = if t == 0 {
                            area.skip.run(&input)?
                        } else {
                            state.clone()
                        };
                        let y = c1.run(&state)?.relu()?;
                        let y = c2.run(&y)?.relu()?;
                        let y = c3.run(&y)?;
                        state = y.add(&skip)?.relu()?;
                        layers.push((format!("{name}.t{t}"), state.clone()));
                    }
                    h = state;
                    layers.push((name.to_string(), h.clone()));
                }
            }
        }
        let pooled = h.global_avg_pool()?;
        layers.push(("decoder".into(), pooled.clone()));
        let logits = pooled
            .matmul_t(decoder_weight, false, true)?
            .add(decoder_bias)?;
        layers.push(("logits".into(), logits.clone()));
        Ok(CornetOutput { logits, layers })
    }
}
