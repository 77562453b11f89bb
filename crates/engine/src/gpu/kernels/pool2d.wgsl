// pool2d.wgsl — 2-D pooling over [N*C, H, W] planes with a K x K window, stride S, padding P.
// `override OP`: 0 max (padding ignored), 1 average (divides by K*K, padding counted as 0,
// PyTorch's count_include_pad = true).
// Bindings: 0 uniform Params; 1 x: array<f32> (read); 2 y: array<f32> (write, [N*C, OH, OW]).
// Workgroup: 256 threads on a line (line_entry.wgsl), one output element per thread.

override OP: u32 = 0u;

struct Params {
    planes: u32, h: u32, w: u32, oh: u32,
    ow: u32, k: u32, stride: u32, pad: u32,
}

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

fn line_len() -> u32 { return p.planes * p.oh * p.ow; }

fn line_element(i: u32) {
    let ox = i % p.ow;
    let oy = (i / p.ow) % p.oh;
    let plane = i / (p.ow * p.oh);
    let base = plane * p.h * p.w;
    var best = -3.0e38;
    var sum = 0.0;
    for (var ki = 0u; ki < p.k; ki++) {
        let iy = i32(oy * p.stride + ki) - i32(p.pad);
        if (iy < 0 || iy >= i32(p.h)) {
            continue;
        }
        for (var kj = 0u; kj < p.k; kj++) {
            let ix = i32(ox * p.stride + kj) - i32(p.pad);
            if (ix < 0 || ix >= i32(p.w)) {
                continue;
            }
            let v = x[base + u32(iy) * p.w + u32(ix)];
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
