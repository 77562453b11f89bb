//! Criterion benches of the CPU path (`Device::Cpu`) for the shapes of `brainprobe bench
//! engine`: matmul 256³ and 512³, conv2d 3×3 64→64 on 32×32, attention 128 tokens × 256 dims,
//! layer norm 512×768. Run with `cargo bench -p brainprobe-engine`.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use brainprobe_engine::{Conv2dParams, Device, Tensor};
    use criterion::Criterion;

    fn tensor(shape: &[usize], seed: u32) -> Tensor {
        let mut s = seed;
        let data = (0..shape.iter().product::<usize>())
            .map(|_| {
                s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect();
        Tensor::from_vec(data, shape, &Device::Cpu).expect("bench input")
    }

    /// All CPU benches.
    pub fn cpu_ops(c: &mut Criterion) {
        for n in [256, 512] {
            let (a, b) = (tensor(&[n, n], 1), tensor(&[n, n], 2));
            c.bench_function(&format!("cpu matmul {n}^3"), |bench| {
                bench.iter(|| a.matmul(&b).expect("matmul"))
            });
        }
        let (x, w, bias) = (
            tensor(&[1, 64, 32, 32], 3),
            tensor(&[64, 64, 3, 3], 4),
            tensor(&[64], 5),
        );
        let p = Conv2dParams::new(1, 1);
        c.bench_function("cpu conv2d 3x3 64->64 32x32", |bench| {
            bench.iter(|| x.conv2d(&w, Some(&bias), p).expect("conv2d"))
        });
        let (q, k, v) = (
            tensor(&[1, 128, 256], 6),
            tensor(&[1, 128, 256], 7),
            tensor(&[1, 128, 256], 8),
        );
        c.bench_function("cpu attention 128x256 causal", |bench| {
            bench.iter(|| Tensor::attention(&q, &k, &v, true).expect("attention"))
        });
        let (x, g, b) = (
            tensor(&[512, 768], 9),
            tensor(&[768], 10),
            tensor(&[768], 11),
        );
        c.bench_function("cpu layer_norm 512x768", |bench| {
            bench.iter(|| x.layer_norm(&g, &b, 1e-5).expect("layer_norm"))
        });
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group!(benches, native::cpu_ops);
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
