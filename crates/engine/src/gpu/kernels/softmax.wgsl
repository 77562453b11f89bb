// softmax.wgsl — y[r, :] = softmax(x[r, :]) over rows of length `cols`. With `causal` = 1 the
// row r is query i = r % q_len and only keys j <= i + (cols - q_len) take part (the rest
// get 0), so a [.., T, T] score matrix gets the usual lower-triangular mask.
// Bindings: 0 uniform Params { rows, cols, causal, q_len }; 1 x: array<f32> (read);
//           2 y: array<f32> (write).
// Workgroup: 64 threads per row (one workgroup per row, folded into y past 65535 rows);
//            max and sum are tree reductions in workgroup memory.

struct Params { rows: u32, cols: u32, causal: u32, q_len: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

const WG: u32 = 64u;
var<workgroup> red: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let row = group_index(wid, nwg);
    if (row >= p.rows) {
        return;
    }
    let base = row * p.cols;
    var limit = p.cols;
    if (p.causal != 0u) {
        limit = min(p.cols, row % p.q_len + 1u + (p.cols - p.q_len));
    }
    var m = -3.0e38;
    for (var j = li; j < limit; j += WG) {
        m = max(m, x[base + j]);
    }
    red[li] = m;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s / 2u) {
        if (li < s) {
            red[li] = max(red[li], red[li + s]);
        }
        workgroupBarrier();
    }
    let mx = red[0];
    workgroupBarrier();
    var sum = 0.0;
    for (var j = li; j < limit; j += WG) {
        sum += exp(x[base + j] - mx);
    }
    red[li] = sum;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s / 2u) {
        if (li < s) {
            red[li] = red[li] + red[li + s];
        }
        workgroupBarrier();
    }
    let inv = 1.0 / red[0];
    for (var j = li; j < p.cols; j += WG) {
        var v = 0.0;
        if (j < limit) {
            v = exp(x[base + j] - mx) * inv;
        }
        y[base + j] = v;
    }
}
