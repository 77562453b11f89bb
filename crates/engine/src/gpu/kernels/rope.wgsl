// rope.wgsl — rotary position embedding, interleaved pairs (GGUF llama layout; candle's
// rope_i): for x [.., seq, heads, head_dim], pair i of a head at sequence index t becomes
//   (x0 * cos - x1 * sin, x0 * sin + x1 * cos)  with (cos, sin) = cs[t, i]
// from a host-computed table (so every device rotates by the same f32 angles). A tensor larger
// than one binding is processed in aligned chunks of pairs; `first` is the chunk's first pair.
// Bindings: 0 uniform Params { n (pairs in this chunk), half (= head_dim / 2), heads, seq,
//           first }; 1 x: array<f32> (read); 2 cs: array<f32> (read, [seq, half, 2]);
//           3 y: array<f32> (write).
// Workgroup: 256 threads on a line (line_entry.wgsl), one pair per thread.

struct Params { n: u32, half: u32, heads: u32, seq: u32, first: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> cs: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

fn line_element(i: u32) {
    let g = p.first + i;
    let pair = g % p.half;
    let t = (g / p.half / p.heads) % p.seq;
    let c = cs[2u * (t * p.half + pair)];
    let s = cs[2u * (t * p.half + pair) + 1u];
    let x0 = x[2u * i];
    let x1 = x[2u * i + 1u];
    y[2u * i] = x0 * c - x1 * s;
    y[2u * i + 1u] = x0 * s + x1 * c;
}
