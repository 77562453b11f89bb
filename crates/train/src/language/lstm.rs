//! lstm-mini for training: token embedding (tied with the output layer) → 2 LSTM layers
//! (hidden 256, PyTorch gate order i, f, g, o; one summed bias per layer) → logits. The
//! input half of every gate is one matmul over all time steps; only the recurrent half
//! loops over time.

pub use brainprobe_arch::LstmConfig;
use candle_core::{Module, Result, Tensor, D};
use candle_nn::{embedding, Embedding, VarBuilder};

struct Layer {
    w_ih: Tensor,
    w_hh: Tensor,
    bias: Tensor,
}

/// lstm-mini (training side).
pub struct Lstm {
    wte: Embedding,
    layers: Vec<Layer>,
    config: LstmConfig,
}

/// Hidden states by the layer names the models crate records.
pub struct LstmOutput {
    /// `[B, T, vocab]` next-token logits.
    pub logits: Tensor,
    /// (`embedding`, `lstm.0`, `lstm.1`) each `[B, T, hidden]`.
    pub layers: Vec<(String, Tensor)>,
}

impl Lstm {
    /// Builds the variables `wte.weight`, `lstm.{l}.w_ih [4H, H]`, `lstm.{l}.w_hh [4H, H]`,
    /// `lstm.{l}.bias [4H]` under `vb`.
    pub fn new(config: &LstmConfig, vb: VarBuilder) -> Result<Self> {
        let h = config.hidden;
        let layers = (0..config.layers)
            .map(|l| {
                let vb = vb.pp(format!("lstm.{l}"));
                let init = candle_nn::Init::Const(0.0);
                Ok(Layer {
                    w_ih: vb.get_with_hints((4 * h, h), "w_ih", init)?,
                    w_hh: vb.get_with_hints((4 * h, h), "w_hh", init)?,
                    bias: vb.get_with_hints(4 * h, "bias", init)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            wte: embedding(config.vocab, h, vb.pp("wte"))?,
            layers,
            config: config.clone(),
        })
    }

    /// Forward pass of ids `[B, T]` from zero state; `keep_layers` also returns hidden states.
    ///
    /// Time steps are kept as separate `[B, H]` tensors: slicing one `[B, T, ·]` tensor per
    /// step would make candle's backward pad every slice's gradient to the full tensor
    /// (T × the work).
    pub fn forward_all(&self, ids: &Tensor, keep_layers: bool) -> Result<LstmOutput> {
        let (b, t) = ids.dims2()?;
        let h = self.config.hidden;
        let emb = self.wte.forward(&ids.t()?.contiguous()?)?; // [T, B, H]
        let mut inputs: Vec<Tensor> = (0..t).map(|s| emb.get(s)).collect::<Result<Vec<_>>>()?;
        let mut layers = Vec::new();
        if keep_layers {
            layers.push(("embedding".to_string(), Tensor::stack(&inputs, 1)?));
        }
        for (l, layer) in self.layers.iter().enumerate() {
            let w_ih = layer.w_ih.t()?;
            let w_hh = layer.w_hh.t()?;
            let mut hs = Tensor::zeros((b, h), emb.dtype(), emb.device())?;
            let mut cs = hs.clone();
            let mut outs = Vec::with_capacity(t);
            for x in &inputs {
                let gates = (x.matmul(&w_ih)? + hs.matmul(&w_hh)?)?.broadcast_add(&layer.bias)?;
                let i = candle_nn::ops::sigmoid(&gates.narrow(D::Minus1, 0, h)?)?;
                let f = candle_nn::ops::sigmoid(&gates.narrow(D::Minus1, h, h)?)?;
                let g = gates.narrow(D::Minus1, 2 * h, h)?.tanh()?;
                let o = candle_nn::ops::sigmoid(&gates.narrow(D::Minus1, 3 * h, h)?)?;
                cs = ((f * &cs)? + (i * g)?)?;
                hs = (o * cs.tanh()?)?;
                outs.push(hs.clone());
            }
            inputs = outs;
            if keep_layers {
                layers.push((format!("lstm.{l}"), Tensor::stack(&inputs, 1)?));
            }
        }
        let logits = Tensor::stack(&inputs, 1)? // [B, T, H]
            .reshape((b * t, h))?
            .matmul(&self.wte.embeddings().t()?)?
            .reshape((b, t, self.config.vocab))?;
        Ok(LstmOutput { logits, layers })
    }
}

/// Sets every layer's forget-gate bias to 1 after the seeded init (the usual start that
/// lets gradients pass through the cell early in training).
pub fn forget_bias_one(varmap: &candle_nn::VarMap, hidden: usize) -> Result<()> {
    let data = varmap.data().lock().expect("varmap lock is never poisoned");
    for (name, var) in data.iter() {
        if name.starts_with("lstm.") && name.ends_with(".bias") {
            let mut b = vec![0f32; 4 * hidden];
            b[hidden..2 * hidden].iter_mut().for_each(|v| *v = 1.0);
            var.set(&Tensor::from_vec(b, 4 * hidden, var.device())?)?;
        }
    }
    Ok(())
}

impl crate::language::train_lm::NextToken for Lstm {
    fn logits(&self, ids: &Tensor) -> Result<Tensor> {
        Ok(self.forward_all(ids, false)?.logits)
    }
}
