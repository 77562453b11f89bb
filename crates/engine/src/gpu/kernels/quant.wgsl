// quant.wgsl — GGUF block readers, appended to the quantised kernels (qmatmul, qembedding; see
// gpu/kernels.rs). Binding 2 of those kernels is the weight blocks: the raw little-endian bytes
// of a GGUF tensor as u32 words. `override OP` picks the format:
//   0 Q4_1: 20-byte blocks of 32: f16 d, f16 m, 16 bytes qs; weight j = d * q + m with
//           q = qs[j] & 15 for j < 16 and qs[j - 16] >> 4 after (ggml's dequantize_row_q4_1);
//   1 Q8_0: 34-byte blocks of 32: f16 d, 32 x i8 qs; weight j = d * qs[j].
// Q8_0 blocks start at any even byte, so reads go through byte offsets.

override OP: u32 = 0u;

@group(0) @binding(2) var<storage, read> w: array<u32>;

fn block_bytes() -> u32 {
    if (OP == 0u) {
        return 20u;
    }
    return 34u;
}

// The byte at byte offset `off`.
fn w_byte(off: u32) -> u32 {
    return (w[off >> 2u] >> ((off & 3u) * 8u)) & 0xffu;
}

// The 4 bytes from byte offset `off` (any alignment) as a little-endian word.
fn w_word(off: u32) -> u32 {
    let i = off >> 2u;
    let s = (off & 3u) * 8u;
    if (s == 0u) {
        return w[i];
    }
    return (w[i] >> s) | (w[i + 1u] << (32u - s));
}

// The f16 at the even byte offset `off`, as f32.
fn w_half(off: u32) -> f32 {
    return f16_bits_to_f32((w[off >> 2u] >> ((off & 2u) * 8u)) & 0xffffu);
}

// Byte `b` (0..3) of `word` as a signed 8-bit value.
fn i8_of(word: u32, b: u32) -> f32 {
    return f32(bitcast<i32>(word << (24u - 8u * b)) >> 24u);
}

// Weight j (0..31) of the block at byte offset `bo`.
fn block_weight(bo: u32, j: u32) -> f32 {
    if (OP == 0u) {
        let byte = w_byte(bo + 4u + (j & 15u));
        let q = select(byte & 15u, byte >> 4u, j >= 16u);
        return f32(q) * w_half(bo) + w_half(bo + 2u);
    }
    return i8_of(w_byte(bo + 2u + j), 0u) * w_half(bo);
}
