//! `brainprobe bench engine`: times the engine's heavy ops on the CPU (ndarray) and the GPU
//! (wgpu) side by side — matmul 256³..2048³, conv2d on 32×32×64, a depthwise conv2d on
//! 112×112×32, attention over 128 tokens × 256 dims, layer norm, and the llama ops at
//! SmolLM2-135M's sizes (Q4_1 / Q8_0 linear layers beside the f32 matmul of the same shape,
//! the tied Q8_0 head, RMS norm, rope, the SwiGLU gate, grouped-query attention) — and prints
//! time, GFLOP/s and the GPU/CPU speed ratio.

use std::time::Instant;

use brainprobe_engine::{Conv2dParams, ConvAlgo, Device, GpuOptions, QMatrix, QuantType, Tensor};
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
    /// A block-quantised weight `[rows, cols]` passed to `run` (the llama linear layers).
    qweight: Option<(QuantType, [usize; 2])>,
    run: fn(&[Tensor], Option<&QMatrix>) -> Result<Tensor, brainprobe_engine::EngineError>,
}

/// Unwraps the quantised weight of a case that declares one.
fn qw(w: Option<&QMatrix>) -> Result<&QMatrix, brainprobe_engine::EngineError> {
    w.ok_or_else(|| brainprobe_engine::EngineError::Gpu("bench case without its weight".into()))
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
            qweight: None,
            run: |x, _| x[0].matmul(&x[1]),
        });
    }
    // 3x3 conv, padding 1: 2 * O * C * 9 * H * W flops; both GPU algorithms, then a
    // small-channel layer (an RGB stem) where the measured choice flips.
    const SAME: Conv2dParams = Conv2dParams::new(1, 1);
    let conv = |name, c: usize, o: usize, run| Case {
        name,
        shape: format!("1x{c}x32x32 -> {o}"),
        flops: 2.0 * (o * c * 9 * 32 * 32) as f64,
        inputs: vec![vec![1, c, 32, 32], vec![o, c, 3, 3], vec![o]],
        qweight: None,
        run,
    };
    out.push(conv("conv2d im2col", 64, 64, |x, _| {
        x[0].conv2d_with(&x[1], Some(&x[2]), SAME, ConvAlgo::Im2col)
    }));
    out.push(conv("conv2d direct", 64, 64, |x, _| {
        x[0].conv2d_with(&x[1], Some(&x[2]), SAME, ConvAlgo::Direct)
    }));
    out.push(conv("conv2d im2col", 3, 8, |x, _| {
        x[0].conv2d_with(&x[1], Some(&x[2]), SAME, ConvAlgo::Im2col)
    }));
    out.push(conv("conv2d direct", 3, 8, |x, _| {
        x[0].conv2d_with(&x[1], Some(&x[2]), SAME, ConvAlgo::Direct)
    }));
    // depthwise 3x3, TF "same", stride 1 at EfficientNet-Lite0's first block (always the
    // direct kernel): 2 * C * 9 * H * W flops
    out.push(Case {
        name: "conv2d depthwise",
        shape: "1x32x112x112 k3".into(),
        flops: 2.0 * (32 * 9 * 112 * 112) as f64,
        inputs: vec![vec![1, 32, 112, 112], vec![32, 1, 3, 3], vec![32]],
        qweight: None,
        run: |x, _| {
            let p = Conv2dParams::same(112, 3, 1).with_groups(32);
            x[0].conv2d(&x[1], Some(&x[2]), p)
        },
    });
    // attention: Q Kᵀ and P V, 2 * 2 * T² * D flops (softmax not counted)
    out.push(Case {
        name: "attention",
        shape: "128 tok x 256 dim".into(),
        flops: 4.0 * 128.0 * 128.0 * 256.0,
        inputs: vec![vec![1, 128, 256], vec![1, 128, 256], vec![1, 128, 256]],
        qweight: None,
        run: |x, _| Tensor::attention(&x[0], &x[1], &x[2], true),
    });
    // layer norm: ~8 flops per element (mean, centred square, scale, shift)
    out.push(Case {
        name: "layer_norm",
        shape: "512x768".into(),
        flops: 8.0 * 512.0 * 768.0,
        inputs: vec![vec![512, 768], vec![768], vec![768]],
        qweight: None,
        run: |x, _| x[0].layer_norm(&x[1], &x[2], 1e-5),
    });
    out.extend(llama_cases());
    out
}

/// The llama block ops at SmolLM2-135M's sizes (d 576, FFN 1536, 9 / 3 heads of 64, vocabulary
/// 49 152) over a 128-token sequence: each block-quantised linear beside the f32 matmul of the
/// same shape.
fn llama_cases() -> Vec<Case> {
    const T: usize = 128;
    let linear = |name, q: Option<QuantType>, n: usize, k: usize| Case {
        name,
        shape: format!("{T}x{k} -> {n}"),
        flops: 2.0 * (T * k * n) as f64,
        inputs: if q.is_some() {
            vec![vec![T, k]]
        } else {
            vec![vec![T, k], vec![n, k]]
        },
        qweight: q.map(|q| (q, [n, k])),
        run: if q.is_some() {
            |x, w| x[0].qmatmul(qw(w)?)
        } else {
            |x, _| x[0].matmul_t(&x[1], false, true)
        },
    };
    vec![
        linear("linear f32", None, 1536, 576),
        linear("qmatmul Q4_1", Some(QuantType::Q4_1), 1536, 576),
        linear("qmatmul Q8_0", Some(QuantType::Q8_0), 1536, 576),
        linear("head qmat Q8_0", Some(QuantType::Q8_0), 49152, 576),
        // ~4 flops per element (square, sum, scale, weight)
        Case {
            name: "rms_norm",
            shape: format!("{T}x576"),
            flops: 4.0 * (T * 576) as f64,
            inputs: vec![vec![T, 576], vec![576]],
            qweight: None,
            run: |x, _| x[0].rms_norm(&x[1], 1e-5),
        },
        // 6 flops per pair (4 products, 2 sums)
        Case {
            name: "rope",
            shape: format!("{T} tok x 9 x 64"),
            flops: 3.0 * (T * 9 * 64) as f64,
            inputs: vec![vec![T, 9, 64]],
            qweight: None,
            run: |x, _| x[0].rope(0, 100_000.0),
        },
        // ~5 flops per element (exp, add, divide, two products)
        Case {
            name: "silu_mul",
            shape: format!("{T}x1536"),
            flops: 5.0 * (T * 1536) as f64,
            inputs: vec![vec![T, 1536], vec![T, 1536]],
            qweight: None,
            run: |x, _| x[0].silu_mul(&x[1]),
        },
        // q kᵀ and p v per head, causal: about half of 2 · 2 · T² · hd · heads
        Case {
            name: "gqa_attention",
            shape: format!("{T} tok 9/3 x 64"),
            flops: 2.0 * (T * T * 64 * 9) as f64,
            inputs: vec![vec![T, 9, 64], vec![T, 3, 64], vec![T, 3, 64]],
            qweight: None,
            run: |x, _| Tensor::gqa_attention(&x[0], &x[1], &x[2], true),
        },
    ]
}

/// Seconds per run of `case` on `device`: one warm-up (compiles pipelines), then enough
/// repetitions to fill `budget` seconds, all recorded before a single readback.
fn time_case(case: &Case, device: &Device, budget: f64) -> Result<f64, String> {
    let mut seed = 1u32;
    let mut values = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect()
    };
    let inputs = case
        .inputs
        .iter()
        .map(|shape| Tensor::from_vec(values(shape.iter().product()), shape, device))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let qweight = case
        .qweight
        .map(|(q, shape)| QMatrix::quantize(q, &values(shape[0] * shape[1]), shape, device))
        .transpose()
        .map_err(|e| e.to_string())?;
    let once = |reps: usize| -> Result<f64, String> {
        let start = Instant::now();
        let mut last = None;
        for _ in 0..reps {
            last = Some((case.run)(&inputs, qweight.as_ref()).map_err(|e| e.to_string())?);
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
