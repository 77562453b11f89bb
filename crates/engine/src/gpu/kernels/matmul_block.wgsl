// matmul_block.wgsl — the 4 x 4 register block of the tiled matmuls (matmul.wgsl, qmatmul.wgsl),
// appended to their sources (see gpu/kernels.rs). Binding 3 of those kernels is the output `c`,
// written row by row at `base + m * p.c_rs + n` for m < p.m, n < p.n; the kernel defines
// `store_row(base, m, n0, v)`, which writes one row of its block.

@group(0) @binding(3) var<storage, read_write> c: array<f32>;

// Rows m0..m0+3 x columns n0..n0+3 of a thread's output. Named fields, no dynamic indexing, so
// the accumulators stay in registers on every backend, lavapipe included.
struct Block {
    r0: vec4<f32>, r1: vec4<f32>, r2: vec4<f32>, r3: vec4<f32>,
}

// acc + a4 ⊗ b4: row i of the block gains a4[i] * b4, one fma per entry.
fn block_fma(acc: Block, a4: vec4<f32>, b4: vec4<f32>) -> Block {
    return Block(fma(vec4<f32>(a4.x), b4, acc.r0), fma(vec4<f32>(a4.y), b4, acc.r1),
                 fma(vec4<f32>(a4.z), b4, acc.r2), fma(vec4<f32>(a4.w), b4, acc.r3));
}

// c[at + j] = v[j] for the columns n0 + j below p.n.
fn store_cols(at: u32, n0: u32, v: vec4<f32>) {
    if (n0 < p.n) { c[at] = v.x; }
    if (n0 + 1u < p.n) { c[at + 1u] = v.y; }
    if (n0 + 2u < p.n) { c[at + 2u] = v.z; }
    if (n0 + 3u < p.n) { c[at + 3u] = v.w; }
}

// Writes the block with top-left entry (m0, n0), a row at a time.
fn store_block(base: u32, m0: u32, n0: u32, acc: Block) {
    store_row(base, m0, n0, acc.r0);
    store_row(base, m0 + 1u, n0, acc.r1);
    store_row(base, m0 + 2u, n0, acc.r2);
    store_row(base, m0 + 3u, n0, acc.r3);
}
