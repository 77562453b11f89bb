use candle_core::{Device, Tensor};
fn main() {
    let d = Device::Cpu;
    for (m, k, n) in [
        (256usize, 144usize, 32usize),
        (32, 144, 256),
        (512, 144, 32),
        (128 * 256, 576, 64),
        (100, 27, 16),
        (64, 1152, 128),
        (2, 128, 10),
    ] {
        let a = Tensor::randn(0f32, 1.0, (m, k), &d).unwrap();
        let b = Tensor::randn(0f32, 1.0, (k, n), &d).unwrap();
        let c = a
            .matmul(&b)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let av = a.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        let bv = b.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        let mut maxd = 0f32;
        for i in (0..m).step_by((m / 50).max(1)) {
            for j in 0..n {
                let s: f32 = (0..k).map(|t| av[i * k + t] * bv[t * n + j]).sum();
                maxd = maxd.max((s - c[i * n + j]).abs());
            }
        }
        println!("{m}x{k}x{n}: {maxd}");
    }
}
