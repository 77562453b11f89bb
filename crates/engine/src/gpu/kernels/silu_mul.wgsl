// silu_mul.wgsl — y[i] = silu(a[i]) * b[i] = a[i] * sigmoid(a[i]) * b[i], the gated product of
// a SwiGLU MLP (llama: down(silu(gate(x)) * up(x))). Tensors larger than one binding are
// processed in aligned chunks, one dispatch each.
// Bindings: 0 uniform Params { n }; 1 a: array<f32> (read); 2 b: array<f32> (read);
//           3 y: array<f32> (write).
// Workgroup: 256 threads on a line (line_entry.wgsl), one element per thread.

struct Params { n: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

fn line_element(i: u32) {
    let v = a[i];
    y[i] = v * sigmoid_stable(v) * b[i];
}
