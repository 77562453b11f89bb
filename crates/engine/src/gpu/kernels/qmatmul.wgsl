// qmatmul.wgsl — c[i, j] = sum_k x[i, k] * W[j, k]: a linear layer whose weight W [n, k] stays in
// GGUF blocks (quant.wgsl: Q4_1 or Q8_0 by `override OP`) and is dequantised into workgroup
// memory one block column at a time. k is a multiple of 32. x and c are read and written
// through (offset, row stride) and W from a byte offset with a byte row stride, so a block of
// rows of a larger problem can be bound at aligned offsets (see gpu/ops/qmatmul.rs).
//
// Bindings: 0 uniform Params; 1 x: array<f32> (read, [m, k]); 2 w: array<u32> (read, block
//           bytes, declared in quant.wgsl); 3 c: array<f32> (write, [m, n], declared in
//           matmul_block.wgsl).
// Workgroup: 16 x 8 threads compute a 32 (m) x 64 (n) tile of c, 4 x 4 per thread, stepping
//            through k one block (32) at a time: the x tile is loaded as is, and each pair of
//            threads dequantises one W row's block (16 weights each) into the W tile.
//            Grid: (ceil(n / 64), ceil(m / 32), 1).

struct Params {
    m: u32, n: u32, k: u32, x_off: u32,
    x_rs: u32, w_off: u32, w_rs: u32, c_off: u32,
    c_rs: u32, pad0: u32, pad1: u32, pad2: u32,
}

@group(0) @binding(1) var<storage, read> x: array<f32>;

const BM: u32 = 32u;
const BN: u32 = 64u;
const BK: u32 = 32u;

var<workgroup> x_tile: array<vec4<f32>, 256>; // [BK][BM / 4]
var<workgroup> w_tile: array<vec4<f32>, 512>; // [BK][BN / 4]

fn load_x(row: u32, kk: u32) -> f32 {
    if (row < p.m) {
        return x[p.x_off + row * p.x_rs + kk];
    }
    return 0.0;
}

fn put_w(kk: u32, r: u32, v: f32) {
    w_tile[kk * 16u + r / 4u][r % 4u] = v;
}

// Dequantises half `h` of block `kb` of W row `gn` into tile column `r` (zeros past n). Q4_1:
// qs bytes 8h..8h+7 hold weights 8h..8h+7 (low nibbles) and 16+8h.. (high); Q8_0: weights
// 16h..16h+15.
fn load_w(gn: u32, kb: u32, r: u32, h: u32) {
    if (gn >= p.n) {
        for (var j = 0u; j < 16u; j++) {
            put_w(16u * h + j, r, 0.0);
        }
        return;
    }
    let bo = p.w_off + gn * p.w_rs + kb * block_bytes();
    if (OP == 0u) {
        let d = w_half(bo);
        let m = w_half(bo + 2u);
        for (var g = 0u; g < 2u; g++) {
            let word = w_word(bo + 4u + 8u * h + 4u * g);
            for (var b = 0u; b < 4u; b++) {
                let byte = (word >> (8u * b)) & 0xffu;
                let j = 8u * h + 4u * g + b;
                put_w(j, r, f32(byte & 15u) * d + m);
                put_w(j + 16u, r, f32(byte >> 4u) * d + m);
            }
        }
    } else {
        let d = w_half(bo);
        for (var g = 0u; g < 4u; g++) {
            let word = w_word(bo + 2u + 16u * h + 4u * g);
            for (var b = 0u; b < 4u; b++) {
                put_w(16u * h + 4u * g + b, r, i8_of(word, b) * d);
            }
        }
    }
}

// Writes one row of the thread's 4 x 4 block (matmul_block.wgsl).
fn store_row(base: u32, m: u32, n0: u32, v: vec4<f32>) {
    if (m >= p.m) {
        return;
    }
    store_cols(base + m * p.c_rs + n0, n0, v);
}

@compute @workgroup_size(16, 8, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let row0 = wid.y * BM;
    let col0 = wid.x * BN;
    var acc = Block(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
    let r = li / 2u;
    let h = li % 2u;
    let blocks = p.k / BK;
    for (var kb = 0u; kb < blocks; kb++) {
        let k0 = kb * BK;
        // x tile: 256 vec4 (4 rows at one k), two per thread; neighbouring threads read
        // neighbouring k of the same rows.
        for (var s = 0u; s < 2u; s++) {
            let t = li + 128u * s;
            let kk = t % BK;
            let q = t / BK;
            let row = row0 + 4u * q;
            x_tile[kk * 8u + q] = vec4<f32>(load_x(row, k0 + kk), load_x(row + 1u, k0 + kk),
                                            load_x(row + 2u, k0 + kk), load_x(row + 3u, k0 + kk));
        }
        load_w(col0 + r, kb, r, h);
        workgroupBarrier();
        for (var kk = 0u; kk < BK; kk++) {
            acc = block_fma(acc, x_tile[kk * 8u + lid.y], w_tile[kk * 16u + lid.x]);
        }
        workgroupBarrier();
    }
    store_block(p.c_off, row0 + lid.y * 4u, col0 + lid.x * 4u, acc);
}
