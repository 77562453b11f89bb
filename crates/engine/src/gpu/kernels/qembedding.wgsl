// qembedding.wgsl — out[t, c] = W[ids[t], c]: gathers rows of a block-quantised table (GGUF
// blocks, quant.wgsl: Q4_1 or Q8_0 by `override OP`), dequantised. A table larger than one
// binding is bound a range of rows [row0, row1) at a time; each dispatch writes the outputs
// whose id falls in its range. Ids are checked against the vocabulary on the host.
// Bindings: 0 uniform Params { n = tokens * dim, dim, row0, row1, w_off (bytes), row_bytes };
//           1 ids: array<u32> (read); 2 w: array<u32> (read, block bytes, declared in
//           quant.wgsl); 3 out: array<f32> (write).
// Workgroup: 256 threads on a line (line_entry.wgsl), one output element per thread.

struct Params {
    n: u32, dim: u32, row0: u32, row1: u32,
    w_off: u32, row_bytes: u32, pad0: u32, pad1: u32,
}

@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn line_element(i: u32) {
    let t = i / p.dim;
    let c = i % p.dim;
    let id = ids[t];
    if (id < p.row0 || id >= p.row1) {
        return;
    }
    let bo = p.w_off + (id - p.row0) * p.row_bytes + (c / 32u) * block_bytes();
    out[i] = block_weight(bo, c % 32u);
}
