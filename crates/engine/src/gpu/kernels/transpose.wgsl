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

fn line_len() -> u32 {
    return p.n;
}

fn line_element(i: u32) {
    var rem = i;
    var src = 0u;
    for (var d = i32(p.rank) - 1; d >= 0; d--) {
        let size = p.shape[d / 4][d % 4];
        src += (rem % size) * p.src_str[d / 4][d % 4];
        rem = rem / size;
    }
    out[i] = x[src];
}
