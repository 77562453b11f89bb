// rms_norm.wgsl — y[r, :] = x[r, :] / sqrt(mean(x[r, :]^2) + eps) * weight over rows of length
// `cols` (llama's RMSNorm: no centring, no bias). A tensor larger than one binding is processed
// in blocks of rows, each bound at an aligned offset; `off` is where row 0 starts in x and y.
// Bindings: 0 uniform Params { rows, cols, eps, off }; 1 x: array<f32> (read);
//           2 weight: array<f32> (read, [cols]); 3 y: array<f32> (write).
// Workgroup: 64 threads per row, one workgroup per row (row_entry.wgsl, folded into y past
//            65535 rows); the sum of squares is a tree reduction in workgroup memory.

struct Params { rows: u32, cols: u32, eps: f32, off: u32 }

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

fn row_body(row: u32, li: u32) {
    let base = p.off + row * p.cols;
    var ss = 0.0;
    for (var j = li; j < p.cols; j += ROW_WG) {
        let v = x[base + j];
        ss += v * v;
    }
    let inv = inverseSqrt(reduce_sum(li, ss) / f32(p.cols) + p.eps);
    for (var j = li; j < p.cols; j += ROW_WG) {
        y[base + j] = x[base + j] * inv * weight[j];
    }
}
