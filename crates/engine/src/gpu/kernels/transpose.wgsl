// transpose.wgsl — out = x permuted: out[c0, .., c_{r-1}] = x[sum_d c_d * src_str[d]], where
// the host sets src_str[d] = stride of input axis perm[d]; rank <= 8.
// Bindings: 0 uniform Params { n, rank, out shape, source strides }; 1 x: array<f32> (read);
//           2 out: array<f32> (write).
// Workgroup: 256 threads on a line (line_entry.wgsl), one output element per thread.

struct Params {
    n: u32, rank: u32, pad0: u32, pad1: u32,
    shape: array<vec4<u32>, 2>,
    src_str: array<vec4<u32>, 2>,
}

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn line_element(i: u32) {
    out[i] = x[strided_offset(i, p.rank, p.shape, p.src_str)];
}
