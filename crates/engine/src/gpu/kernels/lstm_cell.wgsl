// lstm_cell.wgsl — the pointwise half of an LSTM step. Given pre-activation gates
// g [B, 4H] (x·W_ih^T + h·W_hh^T + biases, PyTorch order i, f, g, o) and c_prev [B, H]:
// c = sigmoid(f) * c_prev + sigmoid(i) * tanh(g);  h = sigmoid(o) * tanh(c).
// Bindings: 0 uniform Params { n = batch * hidden, hidden }; 1 gates: array<f32> (read);
//           2 c_prev: array<f32> (read); 3 h_out: array<f32> (write); 4 c_out: array<f32> (write).
// Workgroup: 256 threads on a line (line_entry.wgsl), one (b, unit) pair per thread.

struct Params { n: u32, hidden: u32, pad0: u32, pad1: u32 }

@group(0) @binding(1) var<storage, read> gates: array<f32>;
@group(0) @binding(2) var<storage, read> c_prev: array<f32>;
@group(0) @binding(3) var<storage, read_write> h_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> c_out: array<f32>;

fn line_element(i: u32) {
    let b = i / p.hidden;
    let u = i % p.hidden;
    let g = b * 4u * p.hidden + u;
    let ig = sigmoid_stable(gates[g]);
    let fg = sigmoid_stable(gates[g + p.hidden]);
    let gg = tanh_stable(gates[g + 2u * p.hidden]);
    let og = sigmoid_stable(gates[g + 3u * p.hidden]);
    let c = fg * c_prev[i] + ig * gg;
    c_out[i] = c;
    h_out[i] = og * tanh_stable(c);
}
