//! Seeded initialisation of a candle `VarMap`.
//!
//! candle's CPU backend cannot be seeded (`Device::set_seed` fails on CPU), so models are
//! built with candle's initialisers and then every randomly initialised weight is
//! overwritten here from a ChaCha8 stream keyed by the seed and the variable's name. The
//! result is the same on every machine and does not depend on construction order.

use candle_core::{Result, Tensor};
use candle_nn::VarMap;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

/// How a variable is initialised, decided from its name.
fn is_constant(name: &str) -> bool {
    // BatchNorm/LayerNorm parameters and running statistics, and all biases, keep
    // candle's deterministic constant initialisation (ones or zeros).
    name.contains("norm") || name.ends_with("running_mean") || name.ends_with("running_var")
}

/// FNV-1a of a name: a stable per-variable stream key.
fn name_key(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Overwrites every weight of `varmap` with seeded He-normal values (std = sqrt(2 / fan_in),
/// the usual choice for ReLU networks) or `std_override` where given, and every bias with
/// zeros. Embedding-like names (`*.embedding*`, `wte`, `wpe`) use std 0.02.
pub fn seeded_init(varmap: &VarMap, seed: u64, std_override: Option<f64>) -> Result<()> {
    let data = varmap.data().lock().expect("varmap lock is never poisoned");
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    for name in names {
        let var = &data[name];
        if is_constant(name) {
            continue;
        }
        let shape = var.as_tensor().shape().clone();
        let dims = shape.dims().to_vec();
        let n: usize = dims.iter().product();
        if name.ends_with("bias") {
            var.set(&Tensor::zeros(dims.as_slice(), var.dtype(), var.device())?)?;
            continue;
        }
        let fan_in: usize = dims.iter().skip(1).product::<usize>().max(1);
        let std = if name.contains("embedding") || name.contains("wte") || name.contains("wpe") {
            0.02
        } else {
            std_override.unwrap_or_else(|| (2.0 / fan_in as f64).sqrt())
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ name_key(name));
        let normal = Normal::new(0.0f32, std as f32).expect("std is finite and positive");
        let values: Vec<f32> = (0..n).map(|_| normal.sample(&mut rng)).collect();
        let t = Tensor::from_vec(values, dims.as_slice(), var.device())?.to_dtype(var.dtype())?;
        var.set(&t)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};
    use candle_nn::VarBuilder;

    fn build(seed: u64) -> VarMap {
        let vm = VarMap::new();
        let vb = VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu);
        candle_nn::linear(4, 3, vb.pp("fc")).unwrap();
        candle_nn::batch_norm(3, 1e-5, vb.pp("norm")).unwrap();
        seeded_init(&vm, seed, None).unwrap();
        vm
    }

    fn get(vm: &VarMap, name: &str) -> Vec<f32> {
        let d = vm.data().lock().unwrap();
        d[name]
            .as_tensor()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap()
    }

    #[test]
    fn same_seed_same_weights_other_seed_differs() {
        let a = build(7);
        let b = build(7);
        let c = build(8);
        assert_eq!(get(&a, "fc.weight"), get(&b, "fc.weight"));
        assert_ne!(get(&a, "fc.weight"), get(&c, "fc.weight"));
        assert_eq!(get(&a, "fc.bias"), vec![0.0; 3]);
        assert_eq!(get(&a, "norm.weight"), vec![1.0; 3]);
        assert_eq!(get(&a, "norm.running_var"), vec![1.0; 3]);
    }
}
