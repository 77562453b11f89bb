// conv2d_direct.wgsl — direct grouped 2-D convolution, one output element per thread:
// y[n, o, oy, ox] = bias[o] + sum_{c < CG, ki, kj} w[o, c, ki, kj] * x[n, g*CG + c, oy*S + ki - P, ox*S + kj - P]
// with g = o / OG the output's group, CG = C / groups and OG = O / groups input and output
// channels per group (CG = C, OG = O: an ordinary conv; CG = OG = 1: depthwise), P the zeros
// before the first row / column (those after are implied by OH, OW), zero outside the image.
// The alternative to im2col + matmul; conv2d picks between them (always this one for groups > 1).
// Bindings: 0 uniform Params; 1 x: array<f32> (read, [N, C, H, W]);
//           2 w: array<f32> (read, [O, CG, KH, KW]); 3 bias: array<f32> (read, [O]; ignored
//           when has_bias = 0); 4 y: array<f32> (write, [N, O, OH, OW]).
// Workgroup: 256 threads on a line (line_entry.wgsl), one output element per thread.

// n = N * O * OH * OW outputs; the fields up to `pad` are laid out as im2col.wgsl's.
struct Params {
    n: u32, c: u32, h: u32, w: u32,
    kh: u32, kw: u32, oh: u32, ow: u32,
    stride: u32, pad: u32, o: u32, has_bias: u32,
    cg: u32, og: u32, pad0: u32, pad1: u32,
}

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

fn line_element(i: u32) {
    let ox = i % p.ow;
    let oy = (i / p.ow) % p.oh;
    let o = (i / (p.ow * p.oh)) % p.o;
    let n = i / (p.ow * p.oh * p.o);
    var acc = 0.0;
    if (p.has_bias != 0u) {
        acc = bias[o];
    }
    let ty = window_taps(oy, p.kh, p.stride, p.pad, p.h);
    let tx = window_taps(ox, p.kw, p.stride, p.pad, p.w);
    let c0 = (o / p.og) * p.cg;
    for (var c = 0u; c < p.cg; c++) {
        let x_base = (n * p.c + c0 + c) * p.h;
        let w_base = (o * p.cg + c) * p.kh;
        for (var ki = ty.x; ki < ty.y; ki++) {
            let iy = oy * p.stride + ki - p.pad;
            for (var kj = tx.x; kj < tx.y; kj++) {
                let ix = ox * p.stride + kj - p.pad;
                acc = fma(w[(w_base + ki) * p.kw + kj], x[(x_base + iy) * p.w + ix], acc);
            }
        }
    }
    y[i] = acc;
}
