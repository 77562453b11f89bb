//! gpt-mini for training: a causal pre-LN transformer (learned positions, GELU-tanh MLP ×4,
//! tied input/output embeddings). Layer norm, softmax and attention are composed from
//! differentiable candle ops (candle_nn's fused CPU layer norm and softmax have no
//! backward). `brainprobe-models` runs the same network on engine ops; the parity tests
//! compare the two.

pub use brainprobe_arch::GptConfig;
use candle_core::{DType, Module, Result, Tensor, D};
use candle_nn::{embedding, linear, Embedding, Linear, VarBuilder};

/// Layer norm over the last axis from differentiable ops.
#[derive(Debug, Clone)]
pub struct Norm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl Norm {
    /// A norm of `width` features named `<vb prefix>.weight|bias` (ones / zeros).
    pub fn new(width: usize, eps: f64, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            weight: vb.get_with_hints(width, "weight", candle_nn::Init::Const(1.0))?,
            bias: vb.get_with_hints(width, "bias", candle_nn::Init::Const(0.0))?,
            eps,
        })
    }

    /// `(x − mean) / sqrt(var + eps) · weight + bias` per row.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mean = x.mean_keepdim(D::Minus1)?;
        let centred = x.broadcast_sub(&mean)?;
        let var = centred.sqr()?.mean_keepdim(D::Minus1)?;
        centred
            .broadcast_div(&(var + self.eps)?.sqrt()?)?
            .broadcast_mul(&self.weight)?
            .broadcast_add(&self.bias)
    }
}

struct Block {
    norm1: Norm,
    qkv: Linear,
    proj: Linear,
    norm2: Norm,
    fc: Linear,
    out: Linear,
    heads: usize,
}

impl Block {
    fn new(c: &GptConfig, vb: VarBuilder) -> Result<Self> {
        let d = c.d_model;
        Ok(Self {
            norm1: Norm::new(d, c.ln_eps, vb.pp("norm1"))?,
            qkv: linear(d, 3 * d, vb.pp("attn.qkv"))?,
            proj: linear(d, d, vb.pp("attn.proj"))?,
            norm2: Norm::new(d, c.ln_eps, vb.pp("norm2"))?,
            fc: linear(d, c.mlp, vb.pp("mlp.fc"))?,
            out: linear(c.mlp, d, vb.pp("mlp.proj"))?,
            heads: c.heads,
        })
    }

    fn forward(&self, x: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (b, t, d) = x.dims3()?;
        let hd = d / self.heads;
        let qkv = self.qkv.forward(&self.norm1.forward(x)?)?;
        let split = |i: usize| -> Result<Tensor> {
            qkv.narrow(D::Minus1, i * d, d)?
                .reshape((b, t, self.heads, hd))?
                .transpose(1, 2)?
                .contiguous()
        };
        let (q, k, v) = (split(0)?, split(1)?, split(2)?);
        let scores =
            (q.matmul(&k.t()?.contiguous()?)? * (1.0 / (hd as f64).sqrt()))?.broadcast_add(mask)?;
        let att = candle_nn::ops::softmax(&scores, D::Minus1)?.matmul(&v)?;
        let att = att.transpose(1, 2)?.contiguous()?.reshape((b, t, d))?;
        let x = (x + self.proj.forward(&att)?)?;
        let h = self.fc.forward(&self.norm2.forward(&x)?)?.gelu()?;
        x + self.out.forward(&h)?
    }
}

/// gpt-mini (training side).
pub struct Gpt {
    wte: Embedding,
    wpe: Embedding,
    blocks: Vec<Block>,
    norm_f: Norm,
    config: GptConfig,
}

/// Hidden states of one forward pass, by the layer names the models crate records.
pub struct GptOutput {
    /// `[B, T, vocab]` next-token logits.
    pub logits: Tensor,
    /// (`embedding`, `block.0` … `block.{L-1}`, `final_norm`) each `[B, T, d]`.
    pub layers: Vec<(String, Tensor)>,
}

impl Gpt {
    /// Builds the variables (`wte`, `wpe`, `blocks.i.*`, `norm_f`) under `vb`.
    pub fn new(config: &GptConfig, vb: VarBuilder) -> Result<Self> {
        let blocks = (0..config.layers)
            .map(|i| Block::new(config, vb.pp(format!("blocks.{i}"))))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            wte: embedding(config.vocab, config.d_model, vb.pp("wte"))?,
            wpe: embedding(config.context, config.d_model, vb.pp("wpe"))?,
            blocks,
            norm_f: Norm::new(config.d_model, config.ln_eps, vb.pp("norm_f"))?,
            config: config.clone(),
        })
    }

    /// Forward pass of token ids `[B, T]` (T ≤ context); `keep_layers` also returns the
    /// hidden states (for parity fixtures).
    pub fn forward_all(&self, ids: &Tensor, keep_layers: bool) -> Result<GptOutput> {
        let (_, t) = ids.dims2()?;
        if t > self.config.context {
            candle_core::bail!("{t} tokens exceed the context of {}", self.config.context);
        }
        let device = ids.device();
        let pos = Tensor::arange(0u32, t as u32, device)?;
        let mut x = self
            .wte
            .forward(ids)?
            .broadcast_add(&self.wpe.forward(&pos)?)?;
        let mut layers = Vec::new();
        if keep_layers {
            layers.push(("embedding".to_string(), x.clone()));
        }
        let mask: Vec<f32> = (0..t * t)
            .map(|i| if i % t > i / t { -1e9 } else { 0.0 })
            .collect();
        let mask = Tensor::from_vec(mask, (t, t), device)?;
        for (i, block) in self.blocks.iter().enumerate() {
            x = block.forward(&x, &mask)?;
            if keep_layers {
                layers.push((format!("block.{i}"), x.clone()));
            }
        }
        let h = self.norm_f.forward(&x)?;
        if keep_layers {
            layers.push(("final_norm".to_string(), h.clone()));
        }
        let (b, t, d) = h.dims3()?;
        // tied output embedding; 2-D matmul (a broadcast one would copy wte per sequence)
        let logits = h
            .reshape((b * t, d))?
            .matmul(&self.wte.embeddings().t()?)?
            .reshape((b, t, self.config.vocab))?;
        Ok(GptOutput { logits, layers })
    }

    /// `[B, T, vocab]` logits.
    pub fn logits(&self, ids: &Tensor) -> Result<Tensor> {
        Ok(self.forward_all(ids, false)?.logits)
    }
}

/// Scales the residual output projections by 1/sqrt(2·layers) after the seeded init
/// (GPT-2's choice: keeps the residual stream's variance flat with depth).
pub fn scale_residual_projections(varmap: &candle_nn::VarMap, layers: usize) -> Result<()> {
    let data = varmap.data().lock().expect("varmap lock is never poisoned");
    let s = 1.0 / (2.0 * layers as f64).sqrt();
    for (name, var) in data.iter() {
        if name.ends_with("proj.weight") {
            var.set(&(var.as_tensor() * s)?.to_dtype(DType::F32)?)?;
        }
    }
    Ok(())
}

impl crate::language::train_lm::NextToken for Gpt {
    fn logits(&self, ids: &Tensor) -> Result<Tensor> {
        Gpt::logits(self, ids)
    }
}
