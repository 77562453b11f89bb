// layer_norm.wgsl — y[r, :] = (x[r, :] - mean) / sqrt(var + eps) * gamma + beta over rows of
// length `cols` (biased variance, two passes: mean, then centred sum of squares).
// Bindings: 0 uniform Params { rows, cols, eps }; 1 x: array<f32> (read);
//           2 gamma: array<f32> (read, [cols]); 3 beta: array<f32> (read, [cols]);
//           4 y: array<f32> (write).
// Workgroup: 64 threads per row, one workgroup per row (row_entry.wgsl, folded into y past
//            65535 rows); sums are tree reductions in workgroup memory.

struct Params { rows: u32, cols: u32, eps: f32, pad: u32 }

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

fn row_body(row: u32, li: u32) {
    let base = row * p.cols;
    var s = 0.0;
    for (var j = li; j < p.cols; j += ROW_WG) {
        s += x[base + j];
    }
    let mean = reduce_sum(li, s) / f32(p.cols);
    var ss = 0.0;
    for (var j = li; j < p.cols; j += ROW_WG) {
        let d = x[base + j] - mean;
        ss += d * d;
    }
    let inv = inverseSqrt(reduce_sum(li, ss) / f32(p.cols) + p.eps);
    for (var j = li; j < p.cols; j += ROW_WG) {
        y[base + j] = (x[base + j] - mean) * inv * gamma[j] + beta[j];
    }
}
