//! Times one forward and one forward+backward step of each CORnet-mini (batch 128).
use brainprobe_train::vision::cornet::{Cornet, CornetConfig};
use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use std::time::Instant;

fn main() {
    let mut z1 = CornetConfig::z_mini();
    z1.channels = [16, 32, 64, 128];
    let mut z2 = CornetConfig::z_mini();
    z2.channels = [24, 48, 96, 192];
    let mut s1 = CornetConfig::s_mini();
    s1.scale = 1;
    let mut s2 = s1.clone();
    s2.timesteps = [2, 2, 2];
    for cfg in [z1, z2, s1, s2] {
        let vm = VarMap::new();
        let vb = VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu);
        let m = Cornet::new(&cfg, vb).unwrap();
        let x = Tensor::randn(0f32, 1.0, (128, 3, 32, 32), &Device::Cpu).unwrap();
        let y = Tensor::zeros(128, DType::U32, &Device::Cpu).unwrap();
        for _ in 0..1 {
            let t = Instant::now();
            let l = m.forward(&x, false, None, None).unwrap();
            let f = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let l2 = m.forward(&x, true, None, None).unwrap();
            let loss = candle_nn::loss::cross_entropy(&l2, &y).unwrap();
            let f2 = t.elapsed().as_secs_f64();
            let g = loss.backward().unwrap();
            let b = t.elapsed().as_secs_f64();
            drop((l, g));
            println!(
                "{} {:?} {:?} s{} fwd-eval {f:.3}s fwd-train {f2:.3}s fwd+bwd {b:.3}s",
                cfg.family, cfg.channels, cfg.timesteps, cfg.scale
            );
        }
    }
}
