// gqa_attention.wgsl — grouped-query causal attention, fused: for query t and head h, with
// key/value head c = h / group,
//   out[t, h, :] = sum_j softmax_j(scale * q[t, h, :] . k[j, c, :]) v[j, c, :]
// over keys j < tk (causal: j <= t + tk - tq). One pass over the keys in chunks of 64 with an
// online softmax in f32: the running maximum is subtracted, and the running sum and output are
// rescaled when it grows (no score matrix in memory). Each thread scores one key of the chunk
// into workgroup memory; after a barrier every thread reads the chunk's 64 scores itself
// (maximum: the same value in every thread, no reduction tree), each thread replaces its score
// by its exponential, and every thread sums them: four barriers a chunk. head_dim <= 256. Query rows larger than one binding are processed
// in blocks of rows (t0 = the block's first query; q_off / o_off where it starts in the bound
// ranges); k and v are bound whole.
// Bindings: 0 uniform Params; 1 q: array<f32> (read, [tq, heads, hd]);
//           2 k: array<f32> (read, [tk, kv_heads, hd]); 3 v: array<f32> (read, same);
//           4 out: array<f32> (write, [tq, heads, hd]).
// Workgroup: 64 threads per (query, head) row, one workgroup per row (row_entry.wgsl, rows =
//            queries in the block x heads): thread li scores key j0 + li of each chunk, then
//            accumulates output dims li, li + 64, ... (each thread owns its acc entries).

struct Params {
    rows: u32, tq: u32, tk: u32, heads: u32,
    kv_heads: u32, hd: u32, group: u32, causal: u32,
    t0: u32, q_off: u32, o_off: u32, scale: f32,
}

@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

const MAX_HD: u32 = 256u;
var<workgroup> qv: array<f32, MAX_HD>;
var<workgroup> acc: array<f32, MAX_HD>;
var<workgroup> sc: array<f32, 64>;

fn row_body(row: u32, li: u32) {
    let t = p.t0 + row / p.heads;
    let h = row % p.heads;
    let c = h / p.group;
    let q_base = p.q_off + row * p.hd;
    for (var d = li; d < p.hd; d += ROW_WG) {
        qv[d] = q[q_base + d];
        acc[d] = 0.0;
    }
    workgroupBarrier();
    var limit = p.tk;
    if (p.causal != 0u) {
        limit = min(p.tk, t + 1u + p.tk - p.tq);
    }
    let kv_rs = p.kv_heads * p.hd;
    let kv_c = c * p.hd;
    var m_run = 0.0;
    var l_run = 0.0;
    for (var j0 = 0u; j0 < limit; j0 += ROW_WG) {
        let n = min(ROW_WG, limit - j0);
        if (li < n) {
            let kb = (j0 + li) * kv_rs + kv_c;
            var dot = 0.0;
            for (var d = 0u; d < p.hd; d++) {
                dot = fma(qv[d], k[kb + d], dot);
            }
            sc[li] = dot * p.scale;
        }
        workgroupBarrier();
        var m_new = sc[0];
        for (var jj = 1u; jj < n; jj++) {
            m_new = max(m_new, sc[jj]);
        }
        var corr = 0.0;
        if (j0 > 0u) {
            m_new = max(m_new, m_run);
            corr = exp(m_run - m_new);
        }
        // Every thread has read the scores (m_new) before they are replaced by their exponentials.
        workgroupBarrier();
        if (li < n) {
            sc[li] = exp(sc[li] - m_new);
        }
        workgroupBarrier();
        var chunk_sum = 0.0;
        for (var jj = 0u; jj < n; jj++) {
            chunk_sum += sc[jj];
        }
        for (var d = li; d < p.hd; d += ROW_WG) {
            var a = acc[d] * corr;
            for (var jj = 0u; jj < n; jj++) {
                a = fma(sc[jj], v[(j0 + jj) * kv_rs + kv_c + d], a);
            }
            acc[d] = a;
        }
        l_run = l_run * corr + chunk_sum;
        m_run = m_new;
        workgroupBarrier();
    }
    let inv = 1.0 / l_run;
    let o_base = p.o_off + row * p.hd;
    for (var d = li; d < p.hd; d += ROW_WG) {
        out[o_base + d] = acc[d] * inv;
    }
}
