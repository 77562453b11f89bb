//! Rotary position embedding in the GGUF llama convention.

use crate::cpu;
use crate::error::{EngineError, Result};
use crate::gpu::ops::call_rope;
use crate::tensor::{place, Placed, Tensor};

impl Tensor {
    /// Rotary position embedding of `self [.., seq, heads, head_dim]` (a llama block's q or k
    /// after the head split), with the **interleaved** pairing of GGUF llama files: pair
    /// `(x[2i], x[2i+1])` of each head at position `p = pos0 + t` (`t` the sequence index) is
    /// rotated by the angle `p · θ_i`, `θ_i = base^(-2i / head_dim)`. This is candle's
    /// `rope_i`, which candle-transformers' `quantized_llama` applies (GGUF conversion permutes
    /// the q and k weights so that the Hugging Face half-split rotation becomes this one).
    /// `base` is `llama.rope.freq_base` (SmolLM2: 100 000); `head_dim` must be even. The
    /// angles' cos and sin are computed on the host in f32 (as `quantized_llama` does) so that
    /// every device rotates by the same values.
    pub fn rope(&self, pos0: usize, base: f32) -> Result<Tensor> {
        let rank = self.shape.len();
        if rank < 3 || !self.shape[rank - 1].is_multiple_of(2) {
            return Err(EngineError::shape(
                "rope",
                "needs [.., seq, heads, head_dim] with an even head_dim",
                &[&self.shape],
            ));
        }
        let (seq, heads, hd) = (
            self.shape[rank - 3],
            self.shape[rank - 2],
            self.shape[rank - 1],
        );
        let table = cpu::rope_table(seq, hd, pos0, base);
        match place("rope", &[self])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::rope(v[0], &table, seq, heads)?)),
            Placed::Gpu(gpu, v) => Ok(Tensor::gpu(
                call_rope(&gpu, v[0], &table, seq, heads, hd / 2)?,
                self.shape.clone(),
            )),
        }
    }
}
