//! "Wiring up vision" variants (Geiger et al. 2022) of CORnet-S-mini.
//!
//! Weight compression (WC): each layer's weights are replaced by samples from a
//! low-parameter distribution fitted to the trained model's weights — for every conv
//! layer a multivariate Gaussian over its k × k kernel slices (one slice per
//! input/output channel pair: a k²-dimensional mean and covariance, the spatial
//! structure such as oriented edges in V1), for batch-norm scales/shifts and the decoder
//! a Gaussian per tensor. Batch-norm running statistics are then re-estimated from
//! training images without any weight update (the at-birth network has no other way to
//! know its activation scales). Critical training (CT) starts from WC and trains only the
//! projection/down-sampling convolutions (`conv_input`, `skip`, `norm_skip`) and the
//! decoder.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::cornet::Cornet;
use super::data::{batch, epoch_order, normalisation_of, Normalisation};
use super::parity::load_cornet;

/// Names CT trains: projections, down-sampling skips and their norms, and the decoder.
pub fn critical(name: &str) -> bool {
    name.contains(".conv_input.")
        || name.contains(".skip.")
        || name.contains(".norm_skip.")
        || name.starts_with("decoder.")
}

/// Lower Cholesky factor of a symmetric positive-definite matrix (row-major, n × n).
fn cholesky(a: &[f64], n: usize) -> Vec<f64> {
    let mut l = vec![0f64; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                l[i * n + i] = (a[i * n + i] - s).max(1e-12).sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    l
}

/// Samples a tensor shaped like `trained` from a Gaussian fitted to it: over k × k slices
/// for conv kernels (`[o, i, k, k]`, k > 1), over scalars otherwise.
fn sample_like(trained: &[f32], shape: &[usize], rng: &mut ChaCha8Rng) -> Vec<f32> {
    let d = if shape.len() == 4 && shape[2] * shape[3] > 1 {
        shape[2] * shape[3]
    } else {
        1
    };
    let n = trained.len() / d;
    let mut mean = vec![0f64; d];
    for s in trained.chunks(d) {
        for (m, v) in mean.iter_mut().zip(s) {
            *m += *v as f64 / n as f64;
        }
    }
    let mut cov = vec![0f64; d * d];
    for s in trained.chunks(d) {
        for i in 0..d {
            for j in 0..d {
                cov[i * d + j] +=
                    (s[i] as f64 - mean[i]) * (s[j] as f64 - mean[j]) / (n.max(2) - 1) as f64;
            }
        }
    }
    for i in 0..d {
        cov[i * d + i] += 1e-10;
    }
    let l = cholesky(&cov, d);
    let normal = Normal::new(0f64, 1.0).expect("unit normal");
    let mut out = Vec::with_capacity(trained.len());
    for _ in 0..n {
        let z: Vec<f64> = (0..d).map(|_| normal.sample(rng)).collect();
        for i in 0..d {
            let v = mean[i] + (0..=i).map(|k| l[i * d + k] * z[k]).sum::<f64>();
            out.push(v as f32);
        }
    }
    out
}

/// Builds the WC network from the trained weights in `trained_dir`; returns the model,
/// its variables and the number of fitted distribution parameters.
pub fn weight_compression(
    trained_dir: &Path,
    seed: u64,
) -> Result<(Cornet, VarMap, usize), String> {
    let (trained_model, trained_vm) = load_cornet(trained_dir)?;
    let e = |e: candle_core::Error| e.to_string();
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let model = Cornet::new(&trained_model.config, vb).map_err(e)?;
    let trained: HashMap<String, Tensor> = crate::checkpoint::var_tensors(&trained_vm);
    let mut fitted = 0usize;
    let data = varmap.data().lock().expect("varmap lock is never poisoned");
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    for name in names {
        if name.ends_with("running_mean") || name.ends_with("running_var") {
            continue; // re-estimated below
        }
        let t = &trained[name];
        let shape = t.dims().to_vec();
        let values = t.flatten_all().map_err(e)?.to_vec1::<f32>().map_err(e)?;
        let mut rng = ChaCha8Rng::seed_from_u64(
            seed ^ name
                .bytes()
                .fold(0u64, |h, b| h.wrapping_mul(131).wrapping_add(b as u64)),
        );
        let sampled = sample_like(&values, &shape, &mut rng);
        let d = if shape.len() == 4 && shape[2] * shape[3] > 1 {
            shape[2] * shape[3]
        } else {
            1
        };
        fitted += d + d * (d + 1) / 2;
        data[name]
            .set(&Tensor::from_vec(sampled, shape.as_slice(), &Device::Cpu).map_err(e)?)
            .map_err(e)?;
    }
    drop(data);
    Ok((model, varmap, fitted))
}

/// Re-estimates batch-norm running statistics with `batches` training batches in
/// training mode (no gradients, no weight updates).
pub fn recalibrate_batch_norm(
    model: &Cornet,
    set: &brainprobe_data::datasets::cifar::CifarSet,
    norm: &Normalisation,
    seed: u64,
    batches: usize,
) -> Result<(), String> {
    let order = epoch_order(set.len(), seed, 9_999);
    for b in 0..batches {
        let idx = &order[b * 128..(b + 1) * 128];
        let (x, _) = batch(set, idx, norm, None, &Device::Cpu).map_err(|e| e.to_string())?;
        model
            .forward(&x, true, None, None)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Builds, calibrates, evaluates and exports `weights/cornet-s-mini-wc`.
pub fn export_wc(root: &Path, seed: u64) -> Result<(), String> {
    let started = std::time::Instant::now();
    let cifar = super::data::Cifar::load(&root.join("data/cache/cifar10"))?;
    let norm = normalisation_of(&cifar.train);
    let (model, varmap, fitted) = weight_compression(&root.join("weights/cornet-s-mini"), seed)?;
    recalibrate_batch_norm(&model, &cifar.train, &norm, seed, 50)?;
    let acc = super::train_vision::test_accuracy(&model, &cifar.test, &norm, None)
        .map_err(|e| e.to_string())?;
    let id = "cornet-s-mini-wc";
    let dir = crate::checkpoint::weights_dir(root, id);
    let sha256 = crate::checkpoint::export_f16(&crate::checkpoint::var_tensors(&varmap), &dir)?;
    let parameters: usize = crate::checkpoint::var_tensors(&varmap)
        .iter()
        .filter(|(k, _)| !k.contains("running"))
        .map(|(_, t)| t.elem_count())
        .sum();
    let mut evaluation = toml::Table::new();
    evaluation.insert("cifar10_test_accuracy".into(), toml::Value::Float(acc));
    evaluation.insert(
        "distribution_parameters".into(),
        toml::Value::Integer(fitted as i64),
    );
    evaluation.insert(
        "method".into(),
        toml::Value::String("per-layer Gaussian over k x k kernel slices (scalars for 1x1, norms, decoder) fitted to cornet-s-mini; batch-norm statistics from 50 training batches, no weight update".into()),
    );
    crate::manifest::write(
        &brainprobe_arch::WeightsManifest {
            id: id.into(),
            architecture: toml::Value::try_from(&model.config).map_err(|e| e.to_string())?,
            normalisation: Some(norm),
            steps: 0,
            updates: 0,
            fraction_of_training: 0.0,
            parameters,
            trained_parameters: 0,
            evaluation,
            sha256,
            seed,
            command: crate::checkpoint::command_line(),
            git_revision: crate::checkpoint::git_revision(),
            wall_seconds: started.elapsed().as_secs_f64(),
            threads: rayon::current_num_threads(),
        },
        &dir,
    )?;
    eprintln!(
        "{id}: exported (test accuracy {:.2} %, {fitted} distribution parameters)",
        acc * 100.0
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_keep_their_mean_and_spatial_covariance() {
        // Trained-like kernels: a fixed vertical-edge slice plus noise.
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let normal = Normal::new(0f32, 0.1).unwrap();
        let edge = [1.0f32, 0.0, -1.0, 1.0, 0.0, -1.0, 1.0, 0.0, -1.0];
        let trained: Vec<f32> = (0..4000)
            .flat_map(|_| edge.map(|v| v + normal.sample(&mut rng)))
            .collect();
        let sampled = sample_like(
            &trained,
            &[400, 10, 3, 3],
            &mut ChaCha8Rng::seed_from_u64(2),
        );
        assert_eq!(sampled.len(), trained.len());
        for (i, want) in edge.iter().enumerate() {
            let mean: f32 = sampled.chunks(9).map(|s| s[i]).sum::<f32>() / 4000.0;
            assert!((mean - want).abs() < 0.02, "position {i}: {mean}");
        }
        assert!(
            critical("V2.skip.weight")
                && critical("decoder.linear.bias")
                && !critical("V2.conv2.weight")
        );
    }
}
