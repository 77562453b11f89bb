//! `brainprobe bench engine`: times the engine's heavy ops on the CPU (ndarray) and the GPU
//! (wgpu) side by side — matmul 256³..2048³, conv2d on 32×32×64, attention over 128 tokens ×
//! 256 dims, layer norm — and prints time, GFLOP/s and the GPU/CPU speed ratio.

use std::time::Instant;

use brainprobe_engine::{Conv2dParams, ConvAlgo, Device, GpuOptions, Tensor};
use clap::Args;

/// Options of `bench engine`.
#[derive(Args)]
pub struct BenchEngineArgs {
    /// Largest matmul side to run (256, 512, 1024, 2048).
    #[arg(long, default_value_t = 2048)]
    max_matmul: usize,
    /// Seconds to spend per measurement (repetitions are chosen to fill it).
    #[arg(long, default_value_t = 1.0)]
    seconds: f64,
    /// Skip the CPU column (useful on a fast GPU, where the CPU side takes longest).
    #[arg(long)]
    gpu_only: bool,
}

/// One benchmark row: how to build its inputs and run it once.
struct Case {
    name: &'static str,
    shape: String,
    flops: f64,
    inputs: Vec<Vec<usize>>,
    run: fn(&[Tensor]) -> Result<Tensor, brainprobe_engine::EngineError>,
}

fn cases(max_matmul: usize) -> Vec<Case> {
    let mut out = Vec::new();
    for n in [256usize, 512, 1024, 2048]
        .into_iter()
        .filter(|&n| n <= max_matmul)
    {
        out.push(Case {
            name: "matmul",
            shape: format!("{n}x{n}x{n}"),
            flops: 2.0 * (n as f64).powi(3),
            inputs: vec![vec![n, n], vec![n, n]],
            run: |x| x[0].matmul(&x[1]),
        });
    }
    // 3x3 conv, padding 1: 2 * O * C * 9 * H * W flops; both GPU algorithms, then a
    // small-channel layer (an RGB stem) where the measured choice flips.
    const SAME: Conv2dParams = Conv2dParams {
        stride: 1,
        padding: 1,
    };
    let conv = |name, c: usize, o: usize, run| Case {
        name,
        shape: format!("1x{c}x32x32 -> {o}"),
        flops: 2.0 * (o * c * 9 * 32 * 32) as f64,
        inputs: vec![vec![1, c, 32, 32], vec![o, c, 3, 3], vec![o]],
        run,
    };
    out.push(conv("conv2d im2col", 64, 64, |x| {
        x[0].conv2d_with(&x[1], Some(&x[2]), SAME, ConvAlgo::Im2col)
    }));
    out.push(conv("conv2d direct", 64, 64, |x| {
        x[0].conv2d_with(&x[1], Some(&x[2]), SAME, ConvAlgo::Direct)
    }));
    out.push(conv("conv2d im2col", 3, 8, |x| {
        x[0].conv2d_with(&x[1], Some(&x[2]), SAME, ConvAlgo::Im2col)
    }));
    out.push(conv("conv2d direct", 3, 8, |x| {
        x[0].conv2d_with(&x[1], Some(&x[2]), SAME, ConvAlgo::Direct)
    }));
    // attention: Q Kᵀ and P V, 2 * 2 * T² * D flops (softmax not counted)
    out.push(Case {
        name: "attention",
        shape: "128 tok x 256 dim".into(),
        flops: 4.0 * 128.0 * 128.0 * 256.0,
        inputs: vec![vec![1, 128, 256], vec![1, 128, 256], vec![1, 128, 256]],
        run: |x| Tensor::attention(&x[0], &x[1], &x[2], true),
    });
    // layer norm: ~8 flops per element (mean, centred square, scale, shift)
    out.push(Case {
        name: "layer_norm",
        shape: "512x768".into(),
        flops: 8.0 * 512.0 * 768.0,
        inputs: vec![vec![512, 768], vec![768], vec![768]],
        run: |x| x[0].layer_norm(&x[1], &x[2], 1e-5),
    });
    out
}

/// Seconds per run of `case` on `device`: one warm-up (compiles pipelines), then enough
/// repetitions to fill `budget` seconds, all recorded before a single readback.
fn time_case(case: &Case, device: &Device, budget: f64) -> Result<f64, String> {
    let mut seed = 1u32;
    let inputs = case
        .inputs
        .iter()
        .map(|shape| {
            let data = (0..shape.iter().product::<usize>())
                .map(|_| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
                })
                .collect();
            Tensor::from_vec(data, shape, device)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let once = |reps: usize| -> Result<f64, String> {
        let start = Instant::now();
        let mut last = None;
        for _ in 0..reps {
            last = Some((case.run)(&inputs).map_err(|e| e.to_string())?);
        }
        if let Some(y) = last {
            // Reading one value waits for every recorded op (queue order) without timing a
            // large transfer.
            let probe = y.reshape(&[y.numel()]).and_then(|f| f.slice(0, 0, 1));
            pollster::block_on(probe.map_err(|e| e.to_string())?.to_vec())
                .map_err(|e| e.to_string())?;
        }
        Ok(start.elapsed().as_secs_f64() / reps as f64)
    };
    let first = once(1)?;
    let reps = ((budget / first.max(1e-6)) as usize).clamp(1, 50);
    once(reps)
}

fn fmt_time(t: Option<f64>) -> String {
    t.map_or("-".into(), |t| format!("{:.3}", t * 1e3))
}

fn fmt_rate(flops: f64, t: Option<f64>) -> String {
    t.map_or("-".into(), |t| format!("{:.1}", flops / t / 1e9))
}

/// Runs the benchmark and prints the table.
pub fn run(args: BenchEngineArgs) -> Result<(), String> {
    let gpu = pollster::block_on(Device::gpu(GpuOptions::default()));
    match &gpu {
        Ok(d) => println!("device: {}", d.describe()),
        Err(e) => println!("device: no GPU ({e}); GPU column left empty"),
    }
    if let Ok(d) = &gpu {
        let info = d.describe();
        println!("adapter: {:?}, driver: {}", info.name, info.driver);
    }
    println!(
        "{:<14} {:<18} {:>10} {:>10} {:>10} {:>10} {:>9}",
        "op", "shape", "cpu ms", "cpu GF/s", "gpu ms", "gpu GF/s", "gpu/cpu"
    );
    for case in cases(args.max_matmul) {
        let cpu = if args.gpu_only {
            None
        } else {
            Some(time_case(&case, &Device::Cpu, args.seconds)?)
        };
        let gpu_t = match &gpu {
            Ok(d) => Some(time_case(&case, d, args.seconds)?),
            Err(_) => None,
        };
        let ratio = match (cpu, gpu_t) {
            (Some(c), Some(g)) => format!("{:.2}x", c / g),
            _ => "-".into(),
        };
        println!(
            "{:<14} {:<18} {:>10} {:>10} {:>10} {:>10} {:>9}",
            case.name,
            case.shape,
            fmt_time(cpu),
            fmt_rate(case.flops, cpu),
            fmt_time(gpu_t),
            fmt_rate(case.flops, gpu_t),
            ratio
        );
    }
    println!("gpu/cpu = CPU time / GPU time (above 1: the GPU is faster). GF/s = GFLOP/s.");
    Ok(())
}
