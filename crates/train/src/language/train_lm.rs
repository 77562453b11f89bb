//! The next-token training loop shared by gpt-mini and lstm-mini: seeded init and block
//! order, AdamW with warm-up + cosine, train and held-out loss logged to CSV, step-based
//! resume, and q8 exports at fixed fractions of the steps.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarMap;

use crate::adamw::AdamW;
use crate::checkpoint::{self, load_run, save_run, var_tensors};
use crate::quantise::export_q8;
use crate::schedule::warmup_cosine;
use crate::vision::data::epoch_order;
use brainprobe_arch::WeightsManifest;

/// A network mapping token ids `[B, T]` to next-token logits `[B, T, V]`.
pub trait NextToken {
    /// Logits for every position.
    fn logits(&self, ids: &Tensor) -> candle_core::Result<Tensor>;
}

/// What to train and where to put it.
pub struct LmRun {
    /// Identifier of the final weights (`gpt-mini`).
    pub id: String,
    /// Architecture (written to the manifest).
    pub architecture: toml::Value,
    /// Sequences per update.
    pub batch: usize,
    /// Tokens per sequence.
    pub context: usize,
    /// Optimiser steps of the full run.
    pub steps: usize,
    /// Peak learning rate.
    pub lr: f64,
    /// Decoupled weight decay.
    pub weight_decay: f64,
    /// Seed of init and block order.
    pub seed: u64,
    /// Exports: (identifier, fraction of steps). The step is written into ids containing
    /// `{step}` (`gpt-mini@step{step}`).
    pub exports: Vec<(String, f64)>,
    /// Save the resumable run state every this many steps.
    pub save_every: usize,
    /// Log train and held-out loss every this many steps.
    pub log_every: usize,
    /// Stop (state saved) once this step is reached; rerun to resume.
    pub stop_at: Option<usize>,
    /// Threads (recorded in the manifest).
    pub threads: usize,
    /// Relative path of the tokenizer (recorded in the manifest).
    pub tokenizer: String,
}

/// Tokens and the block split.
pub struct LmData {
    /// The whole token stream.
    pub tokens: Vec<u16>,
    /// Start offsets of training blocks.
    pub train: Vec<usize>,
    /// Start offsets of held-out blocks.
    pub held_out: Vec<usize>,
}

/// `(inputs, targets)` `[B, T]` u32 tensors of the blocks starting at `starts`.
pub fn block_batch(
    tokens: &[u16],
    starts: &[usize],
    context: usize,
) -> candle_core::Result<(Tensor, Tensor)> {
    let mut x = Vec::with_capacity(starts.len() * context);
    let mut y = Vec::with_capacity(starts.len() * context);
    for &s in starts {
        x.extend(tokens[s..s + context].iter().map(|&t| t as u32));
        y.extend(tokens[s + 1..s + context + 1].iter().map(|&t| t as u32));
    }
    let shape = (starts.len(), context);
    Ok((
        Tensor::from_vec(x, shape, &Device::Cpu)?,
        Tensor::from_vec(y, shape, &Device::Cpu)?,
    ))
}

/// Mean next-token cross-entropy (nats) of `net` on the blocks at `starts`.
pub fn mean_loss(
    net: &dyn NextToken,
    tokens: &[u16],
    starts: &[usize],
    context: usize,
    batch: usize,
) -> candle_core::Result<f64> {
    let mut sum = 0f64;
    let mut n = 0usize;
    for chunk in starts.chunks(batch.max(1)) {
        let (x, y) = block_batch(tokens, chunk, context)?;
        let loss = next_token_loss(net, &x, &y)?.to_scalar::<f32>()? as f64;
        sum += loss * chunk.len() as f64;
        n += chunk.len();
    }
    Ok(sum / n.max(1) as f64)
}

fn next_token_loss(net: &dyn NextToken, x: &Tensor, y: &Tensor) -> candle_core::Result<Tensor> {
    let logits = net.logits(x)?;
    let (b, t, v) = logits.dims3()?;
    candle_nn::loss::cross_entropy(&logits.reshape((b * t, v))?, &y.reshape(b * t)?)
}

fn export_id(template: &str, step: usize) -> String {
    template.replace("{step}", &step.to_string())
}

/// Trains `net` (whose variables live in `varmap`, already initialised) on `data`.
pub fn train_lm(
    run: &LmRun,
    net: &dyn NextToken,
    varmap: &VarMap,
    data: &LmData,
    root: &Path,
    run_dir: &Path,
) -> Result<(), String> {
    let e = |e: candle_core::Error| e.to_string();
    let started = Instant::now();
    let vars: Vec<(String, candle_core::Var)> = {
        let d = varmap.data().lock().expect("varmap lock is never poisoned");
        d.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    let parameters: usize = vars.iter().map(|(_, v)| v.elem_count()).sum();
    let mut opt = AdamW::new(vars, run.weight_decay).map_err(e)?;
    check_settings(run_dir, run)?;
    let start = load_run(run_dir, varmap, &mut opt)?.unwrap_or(0);
    checkpoint::write_atomic(&run_dir.join(SETTINGS), settings(run).as_bytes())?;
    if start > 0 {
        eprintln!("{}: resuming at step {start}/{}", run.id, run.steps);
    }
    // fixed held-out subsets: a small one for the log, all of it at exports
    let log_held: Vec<usize> = data.held_out.iter().copied().take(64).collect();
    let per_epoch = (data.train.len() / run.batch).max(1);
    let warmup = (run.steps / 50).max(1);
    let exports: Vec<(String, usize)> = run
        .exports
        .iter()
        .map(|(id, f)| (id.clone(), (f * run.steps as f64).round() as usize))
        .collect();
    let log_path = root.join("weights").join(&run.id).join("train_log.csv");
    let export = |template: &str, step: usize| -> Result<(), String> {
        let id = export_id(template, step);
        let held =
            mean_loss(net, &data.tokens, &data.held_out, run.context, run.batch).map_err(e)?;
        let dir = checkpoint::weights_dir(root, &id);
        let sha256 = export_q8(&var_tensors(varmap), &dir)?;
        let mut evaluation = toml::Table::new();
        evaluation.insert("heldout_loss_nats_per_token".into(), held.into());
        evaluation.insert(
            "heldout_tokens".into(),
            ((data.held_out.len() * run.context) as i64).into(),
        );
        let mut architecture = run.architecture.clone();
        if let Some(t) = architecture.as_table_mut() {
            t.insert("tokenizer".into(), run.tokenizer.clone().into());
            t.insert("storage".into(), "q8".into());
        }
        let m = WeightsManifest {
            id: id.clone(),
            architecture,
            normalisation: None,
            steps: step,
            updates: (step * run.batch * run.context) as u64,
            fraction_of_training: step as f64 / run.steps.max(1) as f64,
            parameters,
            trained_parameters: parameters,
            evaluation,
            sha256,
            seed: run.seed,
            command: checkpoint::command_line(),
            git_revision: checkpoint::git_revision(),
            wall_seconds: started.elapsed().as_secs_f64(),
            threads: run.threads,
        };
        crate::manifest::write(&m, &dir)?;
        eprintln!("{id}: exported at step {step} (held-out loss {held:.4} nats/token)");
        Ok(())
    };
    if start == 0 {
        for (id, s) in &exports {
            if *s == 0 {
                export(id, 0)?;
            }
        }
        checkpoint::write_atomic(
            &log_path,
            b"step,tokens,lr,train_loss,heldout_loss,wall_seconds\n",
        )?;
    }
    let mut loss_sum = 0f64;
    let mut loss_n = 0usize;
    let mut t_log = Instant::now();
    // the block order of the current epoch, reshuffled only when the epoch changes
    let mut order: (usize, Vec<usize>) = (usize::MAX, Vec::new());
    for step in start..run.steps {
        if run.stop_at.is_some_and(|k| step >= k) {
            save_run(run_dir, varmap, &opt)?;
            eprintln!(
                "{}: stopping at step {step} as asked; rerun to resume",
                run.id
            );
            return Ok(());
        }
        let epoch = step / per_epoch;
        if order.0 != epoch {
            order = (epoch, epoch_order(data.train.len(), run.seed, epoch));
        }
        let b = step % per_epoch;
        let starts: Vec<usize> = order.1[b * run.batch..(b + 1) * run.batch]
            .iter()
            .map(|&i| data.train[i])
            .collect();
        let (x, y) = block_batch(&data.tokens, &starts, run.context).map_err(e)?;
        opt.lr = warmup_cosine(step, run.steps, warmup, run.lr, run.lr * 0.1);
        let loss = next_token_loss(net, &x, &y).map_err(e)?;
        loss_sum += loss
            .to_dtype(DType::F64)
            .and_then(|l| l.to_scalar::<f64>())
            .map_err(e)?;
        loss_n += 1;
        opt.backward_step(&loss).map_err(e)?;
        let done = step + 1;
        if done % run.log_every == 0 || done == run.steps {
            let held =
                mean_loss(net, &data.tokens, &log_held, run.context, run.batch).map_err(e)?;
            let line = format!(
                "{done},{},{:.3e},{:.4},{held:.4},{:.1}\n",
                done * run.batch * run.context,
                opt.lr,
                loss_sum / loss_n.max(1) as f64,
                started.elapsed().as_secs_f64()
            );
            eprintln!(
                "{}: step {done}/{} train {:.3} held-out {held:.3} ({:.2} s/step)",
                run.id,
                run.steps,
                loss_sum / loss_n.max(1) as f64,
                t_log.elapsed().as_secs_f64() / loss_n.max(1) as f64
            );
            std::fs::OpenOptions::new()
                .append(true)
                .open(&log_path)
                .and_then(|mut f| f.write_all(line.as_bytes()))
                .map_err(|x| format!("{}: {x}", log_path.display()))?;
            loss_sum = 0.0;
            loss_n = 0;
            t_log = Instant::now();
        }
        for (id, s) in &exports {
            if *s == done {
                export(id, done)?;
            }
        }
        if done % run.save_every == 0 {
            save_run(run_dir, varmap, &opt)?;
        }
    }
    save_run(run_dir, varmap, &opt)?;
    Ok(())
}

/// File beside the run state naming the settings it was saved under.
const SETTINGS: &str = "run-settings.txt";

/// The settings a saved state belongs to: resuming under others would silently splice
/// two different runs (the schedule and export steps depend on them).
fn settings(run: &LmRun) -> String {
    format!(
        "id {}\nsteps {}\nbatch {}\ncontext {}\nlr {}\nweight_decay {}\nseed {}\n",
        run.id, run.steps, run.batch, run.context, run.lr, run.weight_decay, run.seed
    )
}

/// Refuses to resume a saved state written under different settings.
fn check_settings(run_dir: &Path, run: &LmRun) -> Result<(), String> {
    let saved = run_dir.join(SETTINGS);
    if !run_dir.join("last.safetensors").exists() {
        return Ok(());
    }
    match std::fs::read_to_string(&saved) {
        Ok(text) if text == settings(run) => Ok(()),
        Ok(text) => Err(format!(
            "{}: the saved run state in {} was written with other settings:\n{text}\n             this command asks for:\n{}\ndelete that directory to start over, or rerun with              the saved settings to resume",
            run.id,
            run_dir.display(),
            settings(run)
        )),
        // states saved before settings were recorded: resume, as before
        Err(_) => Ok(()),
    }
}

/// Where a language run keeps its resumable state.
pub fn run_dir(root: &Path, id: &str) -> PathBuf {
    root.join("data").join("train-runs").join(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(steps: usize) -> LmRun {
        LmRun {
            id: "lm".into(),
            architecture: toml::Value::Table(Default::default()),
            batch: 2,
            context: 8,
            steps,
            lr: 1e-3,
            weight_decay: 0.05,
            seed: 1,
            exports: Vec::new(),
            save_every: 100,
            log_every: 25,
            stop_at: None,
            threads: 1,
            tokenizer: String::new(),
        }
    }

    #[test]
    fn resume_under_other_settings_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_settings(dir.path(), &run(10)).is_ok(), "no state yet");
        std::fs::write(dir.path().join("last.safetensors"), b"state").unwrap();
        std::fs::write(dir.path().join(SETTINGS), settings(&run(10))).unwrap();
        assert!(check_settings(dir.path(), &run(10)).is_ok());
        let err = check_settings(dir.path(), &run(20)).unwrap_err();
        assert!(
            err.contains("steps 10") && err.contains("steps 20"),
            "{err}"
        );
    }
}
