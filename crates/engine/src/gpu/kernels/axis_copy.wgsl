// axis_copy.wgsl — copies `len` entries along one axis between tensors viewed as
// [outer, axis, inner]: dst[o, dst_start + j, i] = src[o, src_start + j, i]. Concat runs it
// once per input (into its place in the output); slice runs it once (from the range).
// Bindings: 0 uniform Params; 1 src: array<f32> (read); 2 dst: array<f32> (read_write).
// Workgroup: 256 threads on a line (line_entry.wgsl), one copied element per thread.

struct Params {
    n: u32, len: u32, inner: u32, src_axis: u32,
    src_start: u32, dst_axis: u32, dst_start: u32, pad: u32,
}

@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

fn line_element(i: u32) {
    let inn = i % p.inner;
    let j = (i / p.inner) % p.len;
    let o = i / (p.inner * p.len);
    dst[(o * p.dst_axis + p.dst_start + j) * p.inner + inn] =
        src[(o * p.src_axis + p.src_start + j) * p.inner + inn];
}
