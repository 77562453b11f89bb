// common.wgsl — prepended to every kernel source (see gpu/kernels.rs): the `Params` uniform
// binding, index and math helpers. No entry point: `line_entry.wgsl` or `row_entry.wgsl`
// supplies it, or the kernel writes its own.

// Binding 0 of every kernel is its uniform parameters; each kernel declares `struct Params`.
@group(0) @binding(0) var<uniform> p: Params;

// Offset into an operand read with `strides` at flat index `i` of a row-major `shape` of
// `rank` <= 8 axes (both packed 4 to a vec4; stride 0 on broadcast axes).
fn strided_offset(i: u32, rank: u32, shape: array<vec4<u32>, 2>,
                  strides: array<vec4<u32>, 2>) -> u32 {
    var dims = shape;
    var steps = strides;
    var rem = i;
    var offset = 0u;
    for (var d = i32(rank) - 1; d >= 0; d--) {
        let size = dims[d / 4][d % 4];
        offset += (rem % size) * steps[d / 4][d % 4];
        rem = rem / size;
    }
    return offset;
}

// The taps [x, y) of a window of `k` taps (stride `stride`, padding `pad`) at output
// coordinate `o` that land inside an input axis of `size`; the others read padding. Tap t
// reads input coordinate o * stride + t - pad.
fn window_taps(o: u32, k: u32, stride: u32, pad: u32, size: u32) -> vec2<u32> {
    let first = i32(o * stride) - i32(pad);
    let lo = u32(max(-first, 0));
    let hi = u32(clamp(i32(size) - first, 0, i32(k)));
    return vec2<u32>(lo, max(lo, hi));
}

// tanh without overflow for large |x| and without cancellation near 0.
fn tanh_stable(x: f32) -> f32 {
    let a = abs(x);
    if (a < 0.125) {
        let x2 = x * x;
        return x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0 + x2 * (-17.0 / 315.0))));
    }
    let t = exp(-2.0 * a);
    return sign(x) * (1.0 - t) / (1.0 + t);
}

// Logistic sigmoid, never exponentiating a large positive number.
fn sigmoid_stable(x: f32) -> f32 {
    if (x >= 0.0) {
        return 1.0 / (1.0 + exp(-x));
    }
    let e = exp(x);
    return e / (1.0 + e);
}

// erf, Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7).
fn erf_approx(x: f32) -> f32 {
    let a = abs(x);
    let t = 1.0 / (1.0 + 0.3275911 * a);
    let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
        + t * (-1.453152027 + t * 1.061405429))));
    return sign(x) * (1.0 - poly * exp(-a * a));
}

// The f32 value of the IEEE binary16 bit pattern in the low 16 bits of `h`, decoded with integer
// ops so that subnormals are exact on every backend (scales of quantised blocks are finite).
fn f16_bits_to_f32(h: u32) -> f32 {
    let sign = select(1.0, -1.0, (h & 0x8000u) != 0u);
    let e = (h >> 10u) & 0x1fu;
    let mant = h & 0x3ffu;
    if (e == 0u) {
        return sign * ldexp(f32(mant), -24);
    }
    return sign * bitcast<f32>(((e + 112u) << 23u) | (mant << 13u));
}
