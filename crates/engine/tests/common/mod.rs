//! Shared by the parity tests (native harness `parity.rs`, browser harness `web.rs`): a seeded
//! RNG, the GPU under test and tolerance checks (`parity_test!`, which turns each async test
//! body into a native `#[test]` and a `#[wasm_bindgen_test]`, is `brainprobe_engine`'s).

#![allow(dead_code)]

use std::ops::RangeFrom;

use brainprobe_engine::{Device, GpuOptions, Tensor};

/// Test result: the error says which op, where and by how much.
pub type TestResult = Result<(), String>;

/// SplitMix64: tiny, seeded, identical on every target.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        let u = (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
        lo + (hi - lo) * u
    }
    /// `n` values uniform in [lo, hi).
    pub fn vec(&mut self, n: usize, lo: f32, hi: f32) -> Vec<f32> {
        (0..n).map(|_| self.uniform(lo, hi)).collect()
    }
    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % n as u64) as u32
    }
}

#[cfg(not(target_arch = "wasm32"))]
static SHARED: std::sync::OnceLock<Result<Device, String>> = std::sync::OnceLock::new();

#[cfg(target_arch = "wasm32")]
thread_local! {
    static SHARED: std::cell::RefCell<Option<Device>> = const { std::cell::RefCell::new(None) };
}

/// Opens a GPU with `options`, failing loudly (never skipping) when there is no adapter.
pub async fn open_gpu(options: GpuOptions) -> Result<Device, String> {
    let device = Device::gpu(options)
        .await
        .map_err(|e| format!("GPU test needs an adapter (lavapipe natively, --enable-unsafe-webgpu in Chromium): {e}"))?;
    Ok(device)
}

/// The binding limit of [`small_binding_gpu`]: 16 KiB, 4096 floats.
pub const SMALL_BINDING_BYTES: u64 = 16 << 10;

/// A GPU of its own whose bindings hold at most [`SMALL_BINDING_BYTES`], so that the tests'
/// operands are split into chunks (or refused where they cannot be).
pub async fn small_binding_gpu() -> Result<Device, String> {
    open_gpu(GpuOptions {
        max_binding_bytes: Some(SMALL_BINDING_BYTES),
        ..Default::default()
    })
    .await
}

/// The GPU shared by the parity tests (opened once per process / page).
pub async fn gpu() -> Result<Device, String> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        SHARED
            .get_or_init(|| pollster::block_on(open_gpu(GpuOptions::default())))
            .clone()
    }
    #[cfg(target_arch = "wasm32")]
    {
        if let Some(d) = SHARED.with(|s| s.borrow().clone()) {
            return Ok(d);
        }
        let d = open_gpu(GpuOptions::default()).await?;
        SHARED.with(|s| *s.borrow_mut() = Some(d.clone()));
        Ok(d)
    }
}

/// Allowed error: `|gpu - cpu| <= abs + rel * max(|cpu|, scale)`.
#[derive(Clone, Copy, Debug)]
pub struct Tol {
    pub abs: f32,
    pub rel: f32,
}

impl Tol {
    /// `abs + rel * magnitude`.
    pub const fn new(abs: f32, rel: f32) -> Self {
        Tol { abs, rel }
    }
}

/// Bit-for-bit.
pub const EXACT: Tol = Tol::new(0.0, 0.0);

/// `|v|` as a CPU tensor of `shape`: its product with the other operand's `|v|` is the
/// magnitude that the matmul and conv2d tolerances scale with.
pub fn abs_on_cpu(v: &[f32], shape: &[usize]) -> brainprobe_engine::Result<Tensor> {
    Tensor::from_vec(v.iter().map(|x| x.abs()).collect(), shape, &Device::Cpu)
}

/// Compares element by element; `scale` (same length, optional) is the magnitude the
/// relative tolerance applies to when cancellation makes `|cpu|` meaningless (matmul: |A|·|B|).
pub fn check(op: &str, got: &[f32], want: &[f32], scale: Option<&[f32]>, tol: Tol) -> TestResult {
    if got.len() != want.len() {
        return Err(format!("{op}: {} values, want {}", got.len(), want.len()));
    }
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let mag = scale.map_or(w.abs(), |s| s[i].max(w.abs()));
        let err = (g - w).abs();
        let allowed = tol.abs + tol.rel * mag;
        if err.is_nan() || err > allowed {
            return Err(format!(
                "{op}: index {i}: gpu {g} vs cpu {w} (|diff| {err} > {allowed})"
            ));
        }
    }
    Ok(())
}

/// Uploads the same values to the CPU and the GPU.
pub fn both(data: &[f32], shape: &[usize], gpu: &Device) -> Result<(Tensor, Tensor), String> {
    let c = Tensor::from_vec(data.to_vec(), shape, &Device::Cpu).map_err(|e| e.to_string())?;
    let g = Tensor::from_vec(data.to_vec(), shape, gpu).map_err(|e| e.to_string())?;
    Ok((c, g))
}

/// Values uniform in [-1, 1) for `shape` from `rng`, uploaded to the CPU and the GPU.
pub fn random_both(
    rng: &mut Rng,
    shape: &[usize],
    gpu: &Device,
) -> Result<(Vec<f32>, Tensor, Tensor), String> {
    let data = rng.vec(shape.iter().product(), -1.0, 1.0);
    let (c, g) = both(&data, shape, gpu)?;
    Ok((data, c, g))
}

/// Runs `f` on random inputs of `shapes` (uniform in [lo, hi), seeded) on the CPU and the
/// GPU, and compares the outputs with `tol`.
pub async fn parity<F>(
    op: &str,
    shapes: &[&[usize]],
    seed: u64,
    range: (f32, f32),
    tol: Tol,
    f: F,
) -> TestResult
where
    F: Fn(&[Tensor]) -> brainprobe_engine::Result<Tensor>,
{
    parity_on(&gpu().await?, op, shapes, seed, range, tol, f).await
}

/// [`parity`] on a given GPU (one opened with other options, such as a small binding limit).
pub async fn parity_on<F>(
    gpu: &Device,
    op: &str,
    shapes: &[&[usize]],
    seed: u64,
    range: (f32, f32),
    tol: Tol,
    f: F,
) -> TestResult
where
    F: Fn(&[Tensor]) -> brainprobe_engine::Result<Tensor>,
{
    let mut rng = Rng::new(seed);
    let (mut cpu_in, mut gpu_in) = (Vec::new(), Vec::new());
    for shape in shapes {
        let data = rng.vec(shape.iter().product(), range.0, range.1);
        let (c, g) = both(&data, shape, gpu)?;
        cpu_in.push(c);
        gpu_in.push(g);
    }
    let want = f(&cpu_in).map_err(|e| format!("{op} on cpu: {e}"))?;
    let got = f(&gpu_in).map_err(|e| format!("{op} on gpu: {e}"))?;
    if want.shape() != got.shape() {
        return Err(format!(
            "{op}: shape {:?} vs {:?}",
            got.shape(),
            want.shape()
        ));
    }
    let label = format!("{op} {shapes:?}");
    let got = got
        .to_vec()
        .await
        .map_err(|e| format!("{label}: readback: {e}"))?;
    let want = want.to_vec().await.map_err(|e| e.to_string())?;
    check(&label, &got, &want, None, tol)
}

/// [`parity`] of the one-input op `f` on each of `shapes`, seeded in turn from `seeds`
/// (`400..` seeds 400, 401, …).
pub async fn parity_each<F>(
    op: &str,
    shapes: &[&[usize]],
    seeds: RangeFrom<u64>,
    range: (f32, f32),
    tol: Tol,
    f: F,
) -> TestResult
where
    F: Fn(&Tensor) -> brainprobe_engine::Result<Tensor>,
{
    for (shape, seed) in shapes.iter().zip(seeds) {
        parity(op, &[shape], seed, range, tol, |x| f(&x[0])).await?;
    }
    Ok(())
}

/// Reads two tensors (GPU first).
pub async fn read2(a: &Tensor, b: &Tensor) -> Result<[Vec<f32>; 2], String> {
    let a = a.to_vec().await.map_err(|e| e.to_string())?;
    let b = b.to_vec().await.map_err(|e| e.to_string())?;
    Ok([a, b])
}
