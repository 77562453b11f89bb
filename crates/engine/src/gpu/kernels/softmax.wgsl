// softmax.wgsl — y[r, :] = softmax(x[r, :]) over rows of length `cols`. With `causal` = 1 the
// row r is query i = r % q_len and only keys j <= i + (cols - q_len) take part (the rest
// get 0), so a [.., T, T] score matrix gets the usual lower-triangular mask.
// Bindings: 0 uniform Params { rows, cols, causal, q_len }; 1 x: array<f32> (read);
//           2 y: array<f32> (write).
// Workgroup: 64 threads per row, one workgroup per row (row_entry.wgsl, folded into y past
//            65535 rows); max and sum are tree reductions in workgroup memory.

struct Params { rows: u32, cols: u32, causal: u32, q_len: u32 }

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

fn row_body(row: u32, li: u32) {
    let base = row * p.cols;
    var limit = p.cols;
    if (p.causal != 0u) {
        limit = min(p.cols, row % p.q_len + 1u + (p.cols - p.q_len));
    }
    var m = -3.0e38;
    for (var j = li; j < limit; j += ROW_WG) {
        m = max(m, x[base + j]);
    }
    let mx = reduce_max(li, m);
    var sum = 0.0;
    for (var j = li; j < limit; j += ROW_WG) {
        sum += exp(x[base + j] - mx);
    }
    let inv = 1.0 / reduce_sum(li, sum);
    for (var j = li; j < p.cols; j += ROW_WG) {
        var v = 0.0;
        if (j < limit) {
            v = exp(x[base + j] - mx) * inv;
        }
        y[base + j] = v;
    }
}
