//! `brainprobe bench lm --model smollm2-135m`: tokens per second of one causal forward pass
//! over the same token sequence, measured side by side in one run — the engine on the CPU
//! (ndarray, one thread) and on the GPU (wgpu), and candle-transformers' `quantized_llama`
//! on the CPU (its own quantised kernels, all cores) on the same GGUF — with the ratios.
//! Timing only: correctness is the tests' (`crates/models/tests/llama_candle*.rs`).

use std::time::Instant;

use brainprobe_engine::{Device, GpuOptions};
use brainprobe_models::language::LanguageModel;
use brainprobe_models::load::load_blocking;
use brainprobe_models::registry::{lookup, Family, WeightsSource, SMOLLM2_GGUF};
use brainprobe_models::WeightStore;
use clap::Args;

/// Options of `bench lm`.
#[derive(Args)]
pub struct BenchLmArgs {
    /// A registered llama model with a prepared GGUF (`smollm2-135m`).
    #[arg(long, default_value = "smollm2-135m")]
    model: String,
    /// Tokens in the sequence (one forward pass over all of them).
    #[arg(long, default_value_t = 128)]
    tokens: usize,
    /// Seconds to spend per measurement (repetitions are chosen to fill it).
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Skip the engine's GPU column.
    #[arg(long)]
    no_gpu: bool,
}

/// Seconds per call of `f`: one warm-up, then repetitions until `budget` seconds passed.
fn seconds_per_run(budget: f64, mut f: impl FnMut() -> Result<(), String>) -> Result<f64, String> {
    f()?;
    let start = Instant::now();
    let mut runs = 0u32;
    while runs == 0 || start.elapsed().as_secs_f64() < budget {
        f()?;
        runs += 1;
    }
    Ok(start.elapsed().as_secs_f64() / f64::from(runs))
}

/// The engine's forward of `ids` on `device`, logits read back (so the GPU has finished).
fn engine_seconds(model: &str, device: &Device, ids: &[u32], budget: f64) -> Result<f64, String> {
    let loaded = load_blocking(model, &WeightStore::native(), device).map_err(|e| e.to_string())?;
    let LanguageModel::Llama(m) = loaded.into_language().map_err(|e| e.to_string())? else {
        return Err(format!("{model} is not a llama model"));
    };
    seconds_per_run(budget, || {
        let out = m.forward(ids).map_err(|e| e.to_string())?;
        pollster::block_on(out.logits.to_vec()).map_err(|e| e.to_string())?;
        Ok(())
    })
}

/// candle's quantised forward of `ids` (whole sequence at once, fresh cache each time).
fn candle_seconds(gguf: &[u8], ids: &[u32], budget: f64) -> Result<f64, String> {
    use candle_core::quantized::gguf_file;
    use candle_transformers::models::quantized_llama::ModelWeights;
    let dev = candle_core::Device::Cpu;
    let err = |e: candle_core::Error| format!("candle: {e}");
    let mut reader = std::io::Cursor::new(gguf);
    let content = gguf_file::Content::read(&mut reader).map_err(err)?;
    let mut model = ModelWeights::from_gguf(content, &mut reader, &dev).map_err(err)?;
    let x = candle_core::Tensor::new(ids, &dev)
        .and_then(|t| t.unsqueeze(0))
        .map_err(err)?;
    seconds_per_run(budget, || {
        // index_pos 0 each time: the cache is rebuilt, as a fresh passage would
        model.forward(&x, 0).map_err(err)?;
        Ok(())
    })
}

/// Runs the three measurements and prints the table.
pub fn run(args: BenchLmArgs) -> Result<(), String> {
    let info = lookup(&args.model).map_err(|e| e.to_string())?;
    let WeightsSource::Prepared(dir) = info.weights else {
        return Err(format!(
            "{}: bench lm needs a prepared GGUF (candle reads the same file)",
            args.model
        ));
    };
    if info.family != Family::Llama {
        return Err(format!("{}: not a llama model", args.model));
    }
    let path = brainprobe_models::native::prepared_root()
        .join(dir)
        .join(SMOLLM2_GGUF);
    let gguf = std::fs::read(&path).map_err(|e| {
        format!(
            "{}: {e} — run `cargo xtask prepare-data` first",
            path.display()
        )
    })?;
    let n = args.tokens.clamp(1, 1024);
    // token 0 (<|endoftext|>) then ordinary ids, deterministic
    let ids: Vec<u32> = std::iter::once(0)
        .chain((1..n as u32).map(|i| 200 + (i * 7919) % 40_000))
        .collect();
    println!("{}: one forward pass over {n} tokens", args.model);
    let mut rows: Vec<(String, f64)> = Vec::new();
    let cpu = engine_seconds(&args.model, &Device::Cpu, &ids, args.seconds)?;
    rows.push(("engine, CPU (ndarray, 1 thread)".into(), cpu));
    if !args.no_gpu {
        match pollster::block_on(Device::gpu(GpuOptions::default())) {
            Ok(gpu) => {
                let name = format!("engine, GPU ({})", gpu.describe());
                rows.push((name, engine_seconds(&args.model, &gpu, &ids, args.seconds)?));
            }
            Err(e) => println!("(no GPU adapter: {e}; GPU column skipped)"),
        }
    }
    let candle = candle_seconds(&gguf, &ids, args.seconds)?;
    rows.push((
        "candle quantized_llama, CPU (Q8 activations, all cores)".into(),
        candle,
    ));
    println!(
        "{:<64} {:>10} {:>12} {:>14}",
        "implementation", "s/pass", "tokens/s", "× engine CPU"
    );
    for (name, secs) in &rows {
        println!(
            "{name:<64} {secs:>10.3} {:>12.1} {:>14.2}",
            n as f64 / secs,
            cpu / secs
        );
    }
    Ok(())
}
