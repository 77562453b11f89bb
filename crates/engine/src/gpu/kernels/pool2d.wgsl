// pool2d.wgsl — 2-D pooling over [N*C, H, W] planes with a K x K window, stride S, padding P.
// `override OP`: 0 max (padding ignored), 1 average (divides by K*K, padding counted as 0,
// PyTorch's count_include_pad = true).
// Bindings: 0 uniform Params; 1 x: array<f32> (read); 2 y: array<f32> (write, [N*C, OH, OW]).
// Workgroup: 256 threads on a line (line_entry.wgsl), one output element per thread.

override OP: u32 = 0u;

// n = planes * OH * OW outputs.
struct Params {
    n: u32, h: u32, w: u32, oh: u32,
    ow: u32, k: u32, stride: u32, pad: u32,
}

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

fn line_element(i: u32) {
    let ox = i % p.ow;
    let oy = (i / p.ow) % p.oh;
    let plane = i / (p.ow * p.oh);
    let base = plane * p.h * p.w;
    var best = -3.0e38;
    var sum = 0.0;
    let ty = window_taps(oy, p.k, p.stride, p.pad, p.h);
    let tx = window_taps(ox, p.k, p.stride, p.pad, p.w);
    for (var ki = ty.x; ki < ty.y; ki++) {
        let iy = oy * p.stride + ki - p.pad;
        for (var kj = tx.x; kj < tx.y; kj++) {
            let ix = ox * p.stride + kj - p.pad;
            let v = x[base + iy * p.w + ix];
            best = max(best, v);
            sum += v;
        }
    }
    if (OP == 0u) {
        y[i] = best;
    } else {
        y[i] = sum / f32(p.k * p.k);
    }
}
