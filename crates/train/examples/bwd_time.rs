use candle_core::{Device, Tensor, Var};
use std::time::Instant;
fn t(name: &str, f: &dyn Fn(&Tensor) -> Tensor, x: &Var) {
    let g = |_: ()| {
        let y = f(x.as_tensor());
        y.sum_all().unwrap().backward().unwrap()
    };
    g(());
    let s = Instant::now();
    let y = f(x.as_tensor());
    let fwd = s.elapsed().as_secs_f64();
    let s = Instant::now();
    y.sum_all().unwrap().backward().unwrap();
    println!(
        "{name}: fwd {:.1} ms bwd {:.1} ms",
        fwd * 1e3,
        s.elapsed().as_secs_f64() * 1e3
    );
}
fn main() {
    let d = Device::Cpu;
    let x = Var::from_tensor(&Tensor::randn(0f32, 1.0, (128, 64, 16, 16), &d).unwrap()).unwrap();
    let b = Var::from_tensor(&Tensor::randn(0f32, 1.0, (1, 64, 1, 1), &d).unwrap()).unwrap();
    t("relu", &|x| x.relu().unwrap(), &x);
    t("maxpool", &|x| x.max_pool2d(2).unwrap(), &x);
    t("bias add", &|x| x.broadcast_add(b.as_tensor()).unwrap(), &x);
    t("mean hw", &|x| x.mean(3).unwrap().mean(2).unwrap(), &x);
    let bn = candle_nn::BatchNorm::new(
        64,
        Tensor::zeros(64, candle_core::DType::F32, &d).unwrap(),
        Tensor::ones(64, candle_core::DType::F32, &d).unwrap(),
        Tensor::ones(64, candle_core::DType::F32, &d).unwrap(),
        Tensor::zeros(64, candle_core::DType::F32, &d).unwrap(),
        1e-5,
    )
    .unwrap();
    t(
        "batchnorm train",
        &|x| candle_nn::ModuleT::forward_t(&bn, x, true).unwrap(),
        &x,
    );
    t("add", &|x| (x + x).unwrap(), &x);
}
