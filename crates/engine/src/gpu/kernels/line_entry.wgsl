// line_entry.wgsl — the entry point of every one-thread-per-element kernel, appended to its
// source (see gpu/kernels.rs). Workgroups of {{line_wg}} threads lie on a line, folded into y
// when x would pass the device's maxComputeWorkgroupsPerDimension (gpu/launch.rs `line_grid`).
// The kernel's `Params` has an `n` field, how many threads have work (as the row kernels' have
// `rows`), and the kernel defines `line_element(i)`, the work of thread i < `p.n`.

@compute @workgroup_size({{line_wg}})
fn main(@builtin(global_invocation_id) gid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = gid.x + gid.y * nwg.x * {{line_wg}}u;
    if (i >= p.n) {
        return;
    }
    line_element(i);
}
