// im2col.wgsl — unfolds conv2d input patches: for input x [N, C, H, W] and a KH x KW kernel,
// col[n, (c * KH + ki) * KW + kj, oy * OW + ox] = x[n, c, oy * S + ki - P, ox * S + kj - P]
// (0 outside the image; P the zeros before the first row / column, those after are implied
// by OH, OW), so conv2d becomes the matmul W[O, C*KH*KW] · col[n] (groups = 1 only).
// Bindings: 0 uniform Params; 1 x: array<f32> (read); 2 col: array<f32> (write).
// Workgroup: 256 threads on a line (line_entry.wgsl), one col element per thread.

// n = N * C*KH*KW * OH*OW col elements; the fields up to `pad` are laid out as
// conv2d_direct.wgsl's.
struct Params {
    n: u32, c: u32, h: u32, w: u32,
    kh: u32, kw: u32, oh: u32, ow: u32,
    stride: u32, pad: u32, pad0: u32, pad1: u32,
}

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> col: array<f32>;

fn line_element(i: u32) {
    let ohw = p.oh * p.ow;
    let ckk = p.c * p.kh * p.kw;
    let s = i % ohw;
    let r = (i / ohw) % ckk;
    let n = i / (ohw * ckk);
    let ch = r / (p.kh * p.kw);
    let ki = (r / p.kw) % p.kh;
    let kj = r % p.kw;
    let iy = i32((s / p.ow) * p.stride + ki) - i32(p.pad);
    let ix = i32((s % p.ow) * p.stride + kj) - i32(p.pad);
    var v = 0.0;
    if (iy >= 0 && iy < i32(p.h) && ix >= 0 && ix < i32(p.w)) {
        v = x[((n * p.c + ch) * p.h + u32(iy)) * p.w + u32(ix)];
    }
    col[i] = v;
}
