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

fn line_len() -> u32 {
    return p.n;
}

fn line_element(i: u32) {
    var rem = i;
    var ia = 0u;
    var ib = 0u;
    for (var d = i32(p.rank) - 1; d >= 0; d--) {
        let size = p.shape[d / 4][d % 4];
        let coord = rem % size;
        rem = rem / size;
        ia += coord * p.a_str[d / 4][d % 4];
        ib += coord * p.b_str[d / 4][d % 4];
    }
    if (OP == 1u) {
        out[i] = a[ia] * b[ib];
    } else {
        out[i] = a[ia] + b[ib];
    }
}
