// mean_axis.wgsl — out[o, i] = mean_j x[o, j, i]: the mean over the middle axis of a tensor
// viewed as [outer, len, inner] (global average pooling is [N*C, H*W, 1]).
// Bindings: 0 uniform Params { n = outer * inner, len, inner }; 1 x: array<f32> (read);
//           2 out: array<f32> (write, [outer, inner]).
// Workgroup: 256 threads on a line (line_entry.wgsl), one output element per thread
//            (sequential sum over j).

struct Params { n: u32, len: u32, inner: u32, pad: u32 }

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn line_element(i: u32) {
    let o = i / p.inner;
    let inn = i % p.inner;
    let base = o * p.len * p.inner + inn;
    var s = 0.0;
    for (var j = 0u; j < p.len; j++) {
        s += x[base + j * p.inner];
    }
    out[i] = s / f32(p.len);
}
