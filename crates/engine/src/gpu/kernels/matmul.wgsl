// matmul.wgsl — C[b] = A[b] · B[b] (or C[b] += ... when `accumulate` = 1), tiled in
// workgroup memory. Operands are read through (offset, row stride, column stride, batch
// stride), so transposed and broadcast (batch stride 0) operands need no copy, and a chunk of
// a larger matrix can be bound at an aligned offset (see gpu/ops/matmul.rs).
//
// Bindings: 0 uniform Params; 1 a: array<f32> (read); 2 b: array<{{b_elem}}> (read, f16 when
//           weights are stored in half precision); 3 c: array<f32> (read_write, declared in
//           matmul_block.wgsl).
// Workgroup: 16 x 16 threads compute a 64 x 64 tile of C (4 x 4 per thread), stepping through
//            K in slices of 16 held in two 16 x 64 workgroup arrays.
//            Grid: (ceil(N / 64), ceil(M / 64), batch).

struct Params {
    m: u32, n: u32, k: u32, accumulate: u32,
    a_off: u32, a_rs: u32, a_cs: u32, a_bs: u32,
    b_off: u32, b_rs: u32, b_cs: u32, b_bs: u32,
    c_off: u32, c_rs: u32, c_bs: u32, pad: u32,
}

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<{{b_elem}}>;

const BM: u32 = 64u;
const BN: u32 = 64u;
const BK: u32 = 16u;

var<workgroup> a_tile: array<vec4<f32>, 256>; // [BK][BM / 4]
var<workgroup> b_tile: array<vec4<f32>, 256>; // [BK][BN / 4]

fn load_a(base: u32, m: u32, k: u32) -> f32 {
    if (m < p.m && k < p.k) {
        return a[base + m * p.a_rs + k * p.a_cs];
    }
    return 0.0;
}

fn load_b(base: u32, k: u32, n: u32) -> f32 {
    if (k < p.k && n < p.n) {
        return f32(b[base + k * p.b_rs + n * p.b_cs]);
    }
    return 0.0;
}

// Writes one row of the thread's 4 x 4 block (matmul_block.wgsl), added to what c holds when
// `accumulate` = 1.
fn store_row(base: u32, m: u32, n0: u32, v: vec4<f32>) {
    if (m >= p.m) {
        return;
    }
    let row = base + m * p.c_rs + n0;
    var add = vec4<f32>(0.0);
    if (p.accumulate != 0u) {
        if (n0 < p.n) { add.x = c[row]; }
        if (n0 + 1u < p.n) { add.y = c[row + 1u]; }
        if (n0 + 2u < p.n) { add.z = c[row + 2u]; }
        if (n0 + 3u < p.n) { add.w = c[row + 3u]; }
    }
    store_cols(row, n0, v + add);
}

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let row0 = wid.y * BM;
    let col0 = wid.x * BN;
    let a_base = p.a_off + wid.z * p.a_bs;
    let b_base = p.b_off + wid.z * p.b_bs;
    var acc = Block(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
    // Each of the 256 threads loads one vec4 of each tile: row kk of K, 4 consecutive m / n.
    let kk = li / 16u;
    let q = (li % 16u) * 4u;
    for (var k0 = 0u; k0 < p.k; k0 += BK) {
        let gk = k0 + kk;
        let gm = row0 + q;
        let gn = col0 + q;
        a_tile[li] = vec4<f32>(load_a(a_base, gm, gk), load_a(a_base, gm + 1u, gk),
                               load_a(a_base, gm + 2u, gk), load_a(a_base, gm + 3u, gk));
        b_tile[li] = vec4<f32>(load_b(b_base, gk, gn), load_b(b_base, gk, gn + 1u),
                               load_b(b_base, gk, gn + 2u), load_b(b_base, gk, gn + 3u));
        workgroupBarrier();
        for (var k = 0u; k < BK; k++) {
            acc = block_fma(acc, a_tile[k * 16u + lid.y], b_tile[k * 16u + lid.x]);
        }
        workgroupBarrier();
    }
    store_block(p.c_off + wid.z * p.c_bs, row0 + lid.y * 4u, col0 + lid.x * 4u, acc);
}
