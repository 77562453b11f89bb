//! CORnet-Z-mini and CORnet-S-mini in candle, for training (convolutions from
//! `layers`, with a faster backward). The inference definitions live in `brainprobe-models` on engine ops;
//! both use the tensor names below, and a parity fixture ties them together.
//!
//! Names: `V1.conv.weight`, `V1.norm.*` (S only), per recurrent area `conv_input`,
//! `skip`, `norm_skip`, `conv1..3`, `norm{1,2,3}_t{t}`; `decoder.linear.*`.

pub use brainprobe_arch::{CornetConfig, AREAS};
use candle_core::{Module, Result, Tensor};
use candle_nn::{linear, VarBuilder};

use super::batch_norm::BatchNorm;
use super::layers::{global_avg_pool, Conv};

/// BatchNorm as in PyTorch/CORnet-S (eps 1e-5, momentum 0.1).
fn bn(c: usize, vb: VarBuilder) -> Result<BatchNorm> {
    BatchNorm::new(c, vb)
}

/// Activations of one forward pass, by area name (`V1`, `V2.t0`, …, `IT`, `decoder`),
/// `[b, c, h, w]` (decoder: `[b, c]`).
pub type Recorded = Vec<(String, Tensor)>;

/// One recurrent CORnet-S area with per-time-step batch norms.
struct SArea {
    conv_input: Conv,
    skip: Conv,
    norm_skip: BatchNorm,
    conv1: Conv,
    conv2: Conv,
    conv2_stride: Conv,
    conv3: Conv,
    norms: Vec<[BatchNorm; 3]>,
}

impl SArea {
    fn new(cin: usize, cout: usize, scale: usize, t: usize, vb: VarBuilder) -> Result<Self> {
        let conv2 = Conv::new(cout * scale, cout * scale, 3, 1, false, vb.pp("conv2"))?;
        // The same kernel applied with stride 2 at the first time step, as in CORnet-S.
        let conv2_stride = Conv::new(cout * scale, cout * scale, 3, 2, false, vb.pp("conv2"))?;
        let mut norms = Vec::with_capacity(t);
        for step in 0..t {
            norms.push([
                bn(cout * scale, vb.pp(format!("norm1_t{step}")))?,
                bn(cout * scale, vb.pp(format!("norm2_t{step}")))?,
                bn(cout, vb.pp(format!("norm3_t{step}")))?,
            ]);
        }
        Ok(Self {
            conv_input: Conv::new(cin, cout, 1, 1, false, vb.pp("conv_input"))?,
            skip: Conv::new(cout, cout, 1, 2, false, vb.pp("skip"))?,
            norm_skip: bn(cout, vb.pp("norm_skip"))?,
            conv1: Conv::new(cout, cout * scale, 1, 1, false, vb.pp("conv1"))?,
            conv2,
            conv2_stride,
            conv3: Conv::new(cout * scale, cout, 1, 1, false, vb.pp("conv3"))?,
            norms,
        })
    }

    /// Runs `steps` (capped at the trained T) time steps, recording each step's output.
    fn forward(
        &self,
        x: &Tensor,
        steps: usize,
        train: bool,
        name: &str,
        rec: &mut Recorded,
    ) -> Result<Tensor> {
        let input = self.conv_input.forward(x)?;
        let mut state = input.clone();
        for t in 0..steps.min(self.norms.len()) {
            let [n1, n2, n3] = &self.norms[t];
            let (skip, conv2) = if t == 0 {
                (
                    self.norm_skip
                        .forward_t(&self.skip.forward(&input)?, train)?,
                    &self.conv2_stride,
                )
            } else {
                (state.clone(), &self.conv2)
            };
            let h = n1.forward_t(&self.conv1.forward(&state)?, train)?.relu()?;
            let h = n2.forward_t(&conv2.forward(&h)?, train)?.relu()?;
            let h = n3.forward_t(&self.conv3.forward(&h)?, train)?;
            state = (h + skip)?.relu()?;
            rec.push((format!("{name}.t{t}"), state.clone()));
        }
        Ok(state)
    }
}

enum Body {
    Z(Vec<Conv>),
    S {
        v1: Conv,
        v1_norm: BatchNorm,
        areas: Vec<SArea>,
    },
}

/// A CORnet-mini network built on a `VarBuilder`.
pub struct Cornet {
    /// Its architecture.
    pub config: CornetConfig,
    body: Body,
    decoder: candle_nn::Linear,
}

impl Cornet {
    /// Creates the variables of `config` under `vb`.
    pub fn new(config: &CornetConfig, vb: VarBuilder) -> Result<Self> {
        let c = config.channels;
        let body = if config.family == "cornet-z" {
            let mut areas = Vec::new();
            let mut cin = 3;
            for (i, name) in AREAS.iter().enumerate() {
                areas.push(Conv::new(cin, c[i], 3, 1, true, vb.pp(name).pp("conv"))?);
                cin = c[i];
            }
            Body::Z(areas)
        } else {
            let v1 = Conv::new(3, c[0], 3, 1, false, vb.pp("V1").pp("conv"))?;
            let v1_norm = bn(c[0], vb.pp("V1").pp("norm"))?;
            let mut areas = Vec::new();
            for i in 1..4 {
                areas.push(SArea::new(
                    c[i - 1],
                    c[i],
                    config.scale,
                    config.timesteps[i - 1],
                    vb.pp(AREAS[i]),
                )?);
            }
            Body::S { v1, v1_norm, areas }
        };
        let decoder = linear(c[3], config.classes, vb.pp("decoder").pp("linear"))?;
        Ok(Self {
            config: config.clone(),
            body,
            decoder,
        })
    }

    /// Class logits `[b, classes]` from normalised input `[b, 3, 32, 32]`, recording every area
    /// (and time step) when `rec` is given. `steps` caps every recurrent area's time steps
    /// (1 = feedforward sweep only).
    pub fn forward(
        &self,
        x: &Tensor,
        train: bool,
        steps: Option<usize>,
        rec: Option<&mut Recorded>,
    ) -> Result<Tensor> {
        let mut local = Vec::new();
        let rec = rec.unwrap_or(&mut local);
        let mut h = x.clone();
        match &self.body {
            Body::Z(areas) => {
                for (conv, name) in areas.iter().zip(AREAS) {
                    h = conv.forward(&h)?.relu()?.max_pool2d(2)?;
                    rec.push((name.to_string(), h.clone()));
                }
            }
            Body::S { v1, v1_norm, areas } => {
                h = v1_norm.forward_t(&v1.forward(&h)?, train)?.relu()?;
                rec.push(("V1".into(), h.clone()));
                for (i, area) in areas.iter().enumerate() {
                    let t = steps.unwrap_or(usize::MAX).max(1);
                    h = area.forward(&h, t, train, AREAS[i + 1], rec)?;
                    rec.push((AREAS[i + 1].to_string(), h.clone()));
                }
            }
        }
        let pooled = global_avg_pool(&h)?;
        rec.push(("decoder".into(), pooled.clone()));
        self.decoder.forward(&pooled)
    }
}
