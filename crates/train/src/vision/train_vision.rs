//! The CIFAR-10 training loop for CORnet-mini models: seeded init and data order,
//! augmentation, AdamW with warm-up + cosine, per-epoch test accuracy, epoch-boundary
//! resume, and exports at fixed fractions of the supervised updates.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::{DType, Device, D};
use candle_nn::{VarBuilder, VarMap};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::cornet::{Cornet, CornetConfig};
use super::data::{batch, epoch_order, normalisation_of, Cifar, Normalisation};
use crate::adamw::AdamW;
use crate::checkpoint::{self, export_f16, load_run, save_run, var_tensors};
use crate::manifest;
use crate::schedule::warmup_cosine;
use brainprobe_arch::WeightsManifest;

/// What to train and where to put it.
pub struct VisionRun {
    /// Identifier of the final weights (`cornet-s-mini`).
    pub id: String,
    /// Architecture.
    pub config: CornetConfig,
    /// Passes over the training set.
    pub epochs: usize,
    /// Images per update.
    pub batch: usize,
    /// Peak learning rate.
    pub lr: f64,
    /// AdamW decoupled weight decay.
    pub weight_decay: f64,
    /// Seed for init, order and augmentation.
    pub seed: u64,
    /// Extra exports: (identifier suffix, fraction of updates), e.g. ("@2pct", 0.02).
    pub checkpoints: Vec<(String, f64)>,
    /// Only variables for which this holds are trained (all when `None`).
    pub trainable: Option<fn(&str) -> bool>,
    /// Initial weights replacing the seeded init (wiring-up variants).
    pub init_from: Option<PathBuf>,
    /// Use only the first N training images (smoke tests).
    pub max_train: Option<usize>,
    /// Threads (recorded in the manifest).
    pub threads: usize,
    /// Stop after this many epochs (run state saved; rerun to resume) — splits a long
    /// run across sessions.
    pub stop_after: Option<usize>,
}

/// Accuracy of `model` on `set` (eval mode, no augmentation).
pub fn test_accuracy(
    model: &Cornet,
    cifar_test: &brainprobe_data::datasets::cifar::CifarSet,
    norm: &Normalisation,
    steps: Option<usize>,
) -> candle_core::Result<f64> {
    let n = cifar_test.len();
    let mut correct = 0usize;
    let idx: Vec<usize> = (0..n).collect();
    for chunk in idx.chunks(500) {
        let (x, y) = batch(cifar_test, chunk, norm, None, &Device::Cpu)?;
        let pred = model.forward(&x, false, steps, None)?.argmax(D::Minus1)?;
        let hits = pred
            .eq(&y)?
            .to_dtype(DType::F32)?
            .sum_all()?
            .to_scalar::<f32>()?;
        correct += hits as usize;
    }
    Ok(correct as f64 / n.max(1) as f64)
}

/// Trains `run` on `cifar`, writing run state under `run_dir` and weights under
/// `<root>/weights/<id>[suffix]`.
pub fn train(run: &VisionRun, cifar: &Cifar, root: &Path, run_dir: &Path) -> Result<(), String> {
    let e = |e: candle_core::Error| e.to_string();
    let started = Instant::now();
    let device = Device::Cpu;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &device);
    let model = Cornet::new(&run.config, vb).map_err(e)?;
    crate::init::seeded_init(&varmap, run.seed, None).map_err(e)?;
    if let Some(path) = &run.init_from {
        let init = candle_core::safetensors::load(path, &device)
            .map_err(|x| format!("{}: {x}", path.display()))?;
        let data = varmap.data().lock().expect("varmap lock is never poisoned");
        for (name, var) in data.iter() {
            if let Some(t) = init.get(name) {
                var.set(&t.to_dtype(DType::F32).map_err(e)?).map_err(e)?;
            }
        }
    }
    // A smoke run's subset is a seeded random sample: the archive is sorted by class, so
    // its first N images would hold only one or two classes.
    let train_set = match run.max_train {
        Some(n) if n < cifar.train.len() => {
            let mut pick = epoch_order(cifar.train.len(), run.seed, usize::MAX)[..n].to_vec();
            pick.sort_unstable();
            brainprobe_data::datasets::cifar::CifarSet {
                images: cifar.train.images.select(ndarray::Axis(0), &pick),
                labels: cifar.train.labels.select(ndarray::Axis(0), &pick),
            }
        }
        _ => cifar.train.clone(),
    };
    let norm = normalisation_of(&train_set);
    let all: Vec<(String, candle_core::Var)> = {
        let data = varmap.data().lock().expect("varmap lock is never poisoned");
        data.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    let total_params: usize = all
        .iter()
        .filter(|(k, _)| !k.contains("running"))
        .map(|(_, v)| v.elem_count())
        .sum();
    let trained: Vec<_> = all
        .into_iter()
        .filter(|(k, _)| !k.contains("running") && run.trainable.is_none_or(|f| f(k)))
        .collect();
    let trained_params: usize = trained.iter().map(|(_, v)| v.elem_count()).sum();
    let mut opt = AdamW::new(trained, run.weight_decay).map_err(e)?;
    let per_epoch = train_set.len() / run.batch;
    let total = per_epoch * run.epochs;
    let warmup = (total / 50).max(1);
    let start = load_run(run_dir, &varmap, &mut opt)?.unwrap_or(0);
    if start > 0 {
        eprintln!("{}: resuming at step {start}/{total}", run.id);
    }
    let ckpt_steps: Vec<(String, usize)> = run
        .checkpoints
        .iter()
        .map(|(s, f)| (s.clone(), (f * total as f64).round() as usize))
        .collect();
    let export = |suffix: &str, step: usize, elapsed: f64| -> Result<(), String> {
        let id = format!("{}{suffix}", run.id);
        let acc = test_accuracy(&model, &cifar.test, &norm, None).map_err(e)?;
        let dir = checkpoint::weights_dir(root, &id);
        let sha256 = export_f16(&var_tensors(&varmap), &dir)?;
        let mut evaluation = toml::Table::new();
        evaluation.insert("cifar10_test_accuracy".into(), toml::Value::Float(acc));
        let m = WeightsManifest {
            id: id.clone(),
            architecture: toml::Value::try_from(&run.config).map_err(|x| x.to_string())?,
            normalisation: Some(norm),
            steps: step,
            updates: (step * run.batch) as u64,
            fraction_of_training: step as f64 / total.max(1) as f64,
            parameters: total_params,
            trained_parameters: trained_params,
            evaluation,
            sha256,
            seed: run.seed,
            command: checkpoint::command_line(),
            git_revision: checkpoint::git_revision(),
            wall_seconds: elapsed,
            threads: run.threads,
        };
        manifest::write(&m, &dir)?;
        eprintln!(
            "{id}: exported at step {step} (test accuracy {:.2} %)",
            acc * 100.0
        );
        Ok(())
    };
    let log_path = root.join("weights").join(&run.id).join("train_log.csv");
    if start == 0 {
        for (suffix, s) in &ckpt_steps {
            if *s == 0 {
                export(suffix, 0, 0.0)?;
            }
        }
        checkpoint::write_atomic(
            &log_path,
            b"epoch,step,updates,train_loss,test_accuracy,wall_seconds\n",
        )?;
    }
    for epoch in start / per_epoch..run.epochs {
        if run.stop_after.is_some_and(|k| epoch >= k) {
            eprintln!(
                "{}: stopping after epoch {epoch} as asked; rerun to resume",
                run.id
            );
            return Ok(());
        }
        let order = epoch_order(train_set.len(), run.seed, epoch);
        let mut aug = ChaCha8Rng::seed_from_u64(run.seed ^ ((epoch as u64 + 1) << 32));
        let mut loss_sum = 0f64;
        let t0 = Instant::now();
        for b in 0..per_epoch {
            let step = epoch * per_epoch + b;
            let (x, y) = batch(
                &train_set,
                &order[b * run.batch..(b + 1) * run.batch],
                &norm,
                Some(&mut aug),
                &device,
            )
            .map_err(e)?;
            opt.lr = warmup_cosine(step, total, warmup, run.lr, run.lr * 0.01);
            let logits = model.forward(&x, true, None, None).map_err(e)?;
            let loss = candle_nn::loss::cross_entropy(&logits, &y).map_err(e)?;
            opt.backward_step(&loss).map_err(e)?;
            let l = loss.to_scalar::<f32>().map_err(e)? as f64;
            if !l.is_finite() {
                return Err(format!("{}: loss became {l} at step {step}", run.id));
            }
            loss_sum += l;
            if b % 50 == 0 {
                let rate = ((b + 1) * run.batch) as f64 / t0.elapsed().as_secs_f64();
                eprintln!(
                    "{} epoch {epoch} step {step}/{total} loss {l:.4} lr {:.2e} {rate:.0} img/s",
                    run.id, opt.lr
                );
            }
            for (suffix, s) in &ckpt_steps {
                if *s == step + 1 && *s < total {
                    export(suffix, step + 1, started.elapsed().as_secs_f64())?;
                }
            }
        }
        let step = (epoch + 1) * per_epoch;
        let acc = test_accuracy(&model, &cifar.test, &norm, None).map_err(e)?;
        let line = format!(
            "{epoch},{step},{},{:.5},{acc:.4},{:.1}\n",
            step * run.batch,
            loss_sum / per_epoch as f64,
            started.elapsed().as_secs_f64()
        );
        eprint!("{}: {line}", run.id);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&log_path)
            .map_err(|x| format!("{}: {x}", log_path.display()))?;
        f.write_all(line.as_bytes()).map_err(|x| x.to_string())?;
        save_run(run_dir, &varmap, &opt)?;
    }
    export("", total, started.elapsed().as_secs_f64())?;
    Ok(())
}
