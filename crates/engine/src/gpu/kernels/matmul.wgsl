// matmul.wgsl — C[b] = A[b] · B[b] (or C[b] += ... when `accumulate` = 1), tiled in
// workgroup memory. Operands are read through (offset, row stride, column stride, batch
// stride), so transposed and broadcast (batch stride 0) operands need no copy, and a chunk of
// a larger matrix can be bound at an aligned offset (see gpu/ops/matmul.rs).
//
// Bindings: 0 uniform Params; 1 a: array<f32> (read); 2 b: array<{{b_elem}}> (read, f16 when
//           weights are stored in half precision); 3 c: array<f32> (read_write).
// Workgroup: 16 x 16 threads compute a 64 x 64 tile of C (4 x 4 per thread), stepping through
//            K in slices of 16 held in two 16 x 64 workgroup arrays.
//            Grid: (ceil(N / 64), ceil(M / 64), batch).

struct Params {
    m: u32, n: u32, k: u32, accumulate: u32,
    a_off: u32, a_rs: u32, a_cs: u32, a_bs: u32,
    b_off: u32, b_rs: u32, b_cs: u32, b_bs: u32,
    c_off: u32, c_rs: u32, c_bs: u32, pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<{{b_elem}}>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const BM: u32 = 64u;
const BN: u32 = 64u;
const BK: u32 = 16u;

var<workgroup> a_tile: array<vec4<f32>, 256>; // [BK][BM / 4]
var<workgroup> b_tile: array<vec4<f32>, 256>; // [BK][BN / 4]

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let row0 = wid.y * BM;
    let col0 = wid.x * BN;
    let a_base = p.a_off + wid.z * p.a_bs;
    let b_base = p.b_off + wid.z * p.b_bs;
    var acc: array<vec4<f32>, 4>;
    for (var i = 0u; i < 4u; i++) {
        acc[i] = vec4<f32>(0.0);
    }
    for (var k0 = 0u; k0 < p.k; k0 += BK) {
        // Each of the 256 threads loads one vec4 of each tile: 16 rows of K x 64 columns.
        let kk = li / 16u;
        let q = (li % 16u) * 4u;
        let gk = k0 + kk;
        var av = vec4<f32>(0.0);
        var bv = vec4<f32>(0.0);
        if (gk < p.k) {
            for (var e = 0u; e < 4u; e++) {
                let gm = row0 + q + e;
                if (gm < p.m) {
                    av[e] = a[a_base + gm * p.a_rs + gk * p.a_cs];
                }
                let gn = col0 + q + e;
                if (gn < p.n) {
                    bv[e] = f32(b[b_base + gk * p.b_rs + gn * p.b_cs]);
                }
            }
        }
        a_tile[li] = av;
        b_tile[li] = bv;
        workgroupBarrier();
        for (var k = 0u; k < BK; k++) {
            let a4 = a_tile[k * 16u + lid.y];
            let b4 = b_tile[k * 16u + lid.x];
            acc[0] = fma(vec4<f32>(a4.x), b4, acc[0]);
            acc[1] = fma(vec4<f32>(a4.y), b4, acc[1]);
            acc[2] = fma(vec4<f32>(a4.z), b4, acc[2]);
            acc[3] = fma(vec4<f32>(a4.w), b4, acc[3]);
        }
        workgroupBarrier();
    }
    let c_base = p.c_off + wid.z * p.c_bs;
    for (var i = 0u; i < 4u; i++) {
        let gm = row0 + lid.y * 4u + i;
        if (gm >= p.m) {
            continue;
        }
        for (var j = 0u; j < 4u; j++) {
            let gn = col0 + lid.x * 4u + j;
            if (gn < p.n) {
                let idx = c_base + gm * p.c_rs + gn;
                var v = acc[i][j];
                if (p.accumulate != 0u) {
                    v += c[idx];
                }
                c[idx] = v;
            }
        }
    }
}
