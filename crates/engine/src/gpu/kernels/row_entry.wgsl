// row_entry.wgsl — the entry point of every one-workgroup-per-row kernel, appended to its
// source (see gpu/kernels.rs), with the workgroup reductions those kernels share. ROW_WG threads
// per row; rows are workgroups on a line, folded into y past the per-dimension limit. The
// kernel's `Params` has a `rows` field, and the kernel defines `row_body(row, li)`, the work of
// thread `li` (0..ROW_WG) on a row below `p.rows`.

const ROW_WG: u32 = 64u;
var<workgroup> red: array<f32, 64>;

// Tree reduction of each thread's `v` over the workgroup (the maximum with `take_max`, else the
// sum); every thread gets the result.
fn reduce(li: u32, v: f32, take_max: bool) -> f32 {
    red[li] = v;
    workgroupBarrier();
    for (var s = ROW_WG / 2u; s > 0u; s = s / 2u) {
        if (li < s) {
            if (take_max) {
                red[li] = max(red[li], red[li + s]);
            } else {
                red[li] = red[li] + red[li + s];
            }
        }
        workgroupBarrier();
    }
    let result = red[0];
    workgroupBarrier();
    return result;
}

fn reduce_sum(li: u32, v: f32) -> f32 {
    return reduce(li, v, false);
}

fn reduce_max(li: u32, v: f32) -> f32 {
    return reduce(li, v, true);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let row = wid.x + wid.y * nwg.x;
    if (row >= p.rows) {
        return;
    }
    row_body(row, li);
}
