// unary.wgsl — y[i] = f(x[i]), f chosen by `override OP`:
//   0 relu, 1 gelu (tanh form), 2 gelu (erf form), 3 tanh, 4 sigmoid, 5 scale (alpha * x),
//   6 relu6 (min(max(x, 0), 6)).
// Bindings: 0 uniform Params { n, alpha }; 1 x: array<f32> (read); 2 y: array<f32> (write).
//           A tensor larger than one binding is processed in aligned chunks, one dispatch each.
// Workgroup: 256 threads on a line (line_entry.wgsl), one element per thread; grid folded
//            into y past the per-dimension limit.

override OP: u32 = 0u;

struct Params { n: u32, alpha: f32, pad0: u32, pad1: u32 }

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const INV_SQRT_2: f32 = 0.7071067811865476;

fn line_element(i: u32) {
    let v = x[i];
    var r = v;
    switch OP {
        case 0u: { r = max(v, 0.0); }
        case 1u: { r = 0.5 * v * (1.0 + tanh_stable(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))); }
        case 2u: { r = 0.5 * v * (1.0 + erf_approx(v * INV_SQRT_2)); }
        case 3u: { r = tanh_stable(v); }
        case 4u: { r = sigmoid_stable(v); }
        case 5u: { r = p.alpha * v; }
        case 6u: { r = min(max(v, 0.0), 6.0); }
        default: { r = v; }
    }
    y[i] = r;
}
