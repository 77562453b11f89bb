// embedding.wgsl — out[t, d] = table[ids[t], d]: gathers one table row per token id.
// Ids are checked against the table size on the host before dispatch.
// Bindings: 0 uniform Params { n = tokens * dim, dim }; 1 table: array<f32> (read);
//           2 ids: array<u32> (read); 3 out: array<f32> (write).
// Workgroup: 256 threads on a line (line_entry.wgsl), one output element per thread.

struct Params { n: u32, dim: u32, pad0: u32, pad1: u32 }

@group(0) @binding(1) var<storage, read> table: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn line_element(i: u32) {
    let t = i / p.dim;
    let d = i % p.dim;
    out[i] = table[ids[t] * p.dim + d];
}
