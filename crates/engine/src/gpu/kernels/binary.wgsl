// binary.wgsl — out[i] = a[ia] (+ or *) b[ib] with NumPy broadcasting, op by `override OP`
// (0 add, 1 mul). The host passes the output shape and each operand's strides over it
// (stride 0 along broadcast axes), rank <= 8. Bias add is the [.., N] + [N] case.
// Bindings: 0 uniform Params; 1 a: array<f32> (read); 2 b: array<f32> (read);
//           3 out: array<f32> (write).
// Workgroup: 256 threads on a line (line_entry.wgsl), one output element per thread.

override OP: u32 = 0u;

struct Params {
    n: u32, rank: u32, pad0: u32, pad1: u32,
    shape: array<vec4<u32>, 2>,
    a_str: array<vec4<u32>, 2>,
    b_str: array<vec4<u32>, 2>,
}

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn line_element(i: u32) {
    let ia = strided_offset(i, p.rank, p.shape, p.a_str);
    let ib = strided_offset(i, p.rank, p.shape, p.b_str);
    if (OP == 1u) {
        out[i] = a[ia] * b[ib];
    } else {
        out[i] = a[ia] + b[ib];
    }
}
