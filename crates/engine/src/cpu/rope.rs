//! Rotary position embedding, interleaved pairs (the GGUF llama convention: candle's `rope_i`,
//! ggml's `rope` mode 0): pair `(x[2i], x[2i+1])` of each head at position `p` is rotated by
//! `p · θ_i`, `θ_i = base^(-2i / head_dim)`.

use ndarray::ArrayD;

use super::array;
use crate::error::Result;

/// `cos, sin` of `(pos0 + t) · θ_i` for `t < seq`, `i < head_dim / 2`, interleaved
/// (`[seq, head_dim / 2, 2]`), computed in f32 exactly as candle-transformers'
/// `quantized_llama::precomput_freqs_cis` does.
pub(crate) fn rope_table(seq: usize, head_dim: usize, pos0: usize, base: f32) -> Vec<f32> {
    let theta: Vec<f32> = (0..head_dim)
        .step_by(2)
        .map(|i| 1f32 / base.powf(i as f32 / head_dim as f32))
        .collect();
    let mut out = Vec::with_capacity(seq * head_dim);
    for t in 0..seq {
        let p = (pos0 + t) as f32;
        for &th in &theta {
            let a = p * th;
            out.push(a.cos());
            out.push(a.sin());
        }
    }
    out
}

/// Rotates `x [.., seq, heads, head_dim]` with the table of [`rope_table`].
pub(crate) fn rope(
    x: &ArrayD<f32>,
    table: &[f32],
    seq: usize,
    heads: usize,
) -> Result<ArrayD<f32>> {
    let d = x.shape().last().copied().unwrap_or(0);
    let src: Vec<f32> = x.iter().copied().collect();
    let mut out = vec![0.0f32; src.len()];
    for (r, (xs, ys)) in src
        .chunks_exact(d.max(1))
        .zip(out.chunks_exact_mut(d.max(1)))
        .enumerate()
    {
        let t = (r / heads.max(1)) % seq.max(1);
        let cs = &table[t * d..(t + 1) * d];
        for i in 0..d / 2 {
            let (c, s) = (cs[2 * i], cs[2 * i + 1]);
            let (x0, x1) = (xs[2 * i], xs[2 * i + 1]);
            ys[2 * i] = x0 * c - x1 * s;
            ys[2 * i + 1] = x0 * s + x1 * c;
        }
    }
    array("rope", x.shape(), out)
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn quarter_turn_by_hand() {
        // head_dim 2: θ_0 = 1; position 0 leaves (1, 0) alone, position π/2 ≈ ... use the
        // table directly: one token at pos0 = 1 rotates (1, 0) to (cos 1, sin 1).
        let table = rope_table(2, 2, 0, 10_000.0);
        assert_eq!(&table[..2], &[1.0, 0.0]);
        let x = arr(&[2, 1, 2], &[1., 0., 1., 0.]);
        let y = rope(&x, &table, 2, 1).unwrap();
        assert_close(&y, &[1., 0., 1f32.cos(), 1f32.sin()], 1e-7);
        // head_dim 4, base 100: θ_1 = 100^(-1/2) = 0.1
        let t = rope_table(1, 4, 3, 100.0);
        assert_close(
            &arr(&[4], &t),
            &[3f32.cos(), 3f32.sin(), 0.3f32.cos(), 0.3f32.sin()],
            1e-6,
        );
    }
}
