// batch_norm.wgsl — inference batch norm with folded statistics:
// y[n, c, s] = x[n, c, s] * scale[c] + shift[c], where scale = gamma / sqrt(var + eps) and
// shift = beta - mean * scale were computed once on the host.
// Bindings: 0 uniform Params { n, channels, spatial }; 1 x: array<f32> (read);
//           2 scale: array<f32> (read); 3 shift: array<f32> (read); 4 y: array<f32> (write).
// Workgroup: 256 threads on a line (line_entry.wgsl), one element per thread.

struct Params { n: u32, channels: u32, spatial: u32, pad: u32 }

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read> shift: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

fn line_element(i: u32) {
    let ch = (i / p.spatial) % p.channels;
    y[i] = x[i] * scale[ch] + shift[ch];
}
