//! `brainprobe classify --model M image.png`: the top-3 CIFAR-10 classes of any image.

use std::path::PathBuf;

use brainprobe_data::datasets::cifar::CLASSES;
use brainprobe_engine::Tensor;
use brainprobe_models::vision::preprocess::{preprocess_bytes, SIDE};
use brainprobe_models::{load_blocking, WeightStore};
use clap::Args;

use super::device::{open, DeviceChoice};

/// Options of `classify`.
#[derive(Args)]
pub struct ClassifyArgs {
    /// Vision model identifier (see `brainprobe models`).
    #[arg(long, default_value = "cornet-s-mini")]
    model: String,
    /// PNG or JPEG image of any size (centre-cropped and resized to 32 × 32).
    image: PathBuf,
    /// Cap every recurrent area at this many time steps (1 = feedforward sweep).
    #[arg(long)]
    timesteps: Option<usize>,
    /// Engine device.
    #[arg(long, value_enum, default_value_t)]
    device: DeviceChoice,
}

/// Prints the three most probable classes.
pub fn run(args: ClassifyArgs) -> Result<(), String> {
    brainprobe_models::registry::lookup(&args.model).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(&args.image).map_err(|e| format!("{}: {e}", args.image.display()))?;
    let device = open(args.device)?;
    let model = load_blocking(&args.model, &WeightStore::native(), &device)
        .and_then(|l| l.into_cornet())
        .map_err(|e| e.to_string())?;
    let x = preprocess_bytes(&bytes, &model.normalisation)
        .map_err(|e| format!("{}: {e}", args.image.display()))?;
    let input = Tensor::from_vec(x, &[1, 3, SIDE, SIDE], &device).map_err(|e| e.to_string())?;
    let out = model
        .forward(&input, args.timesteps)
        .map_err(|e| e.to_string())?;
    let probs = pollster::block_on(
        out.logits
            .softmax(false)
            .map_err(|e| e.to_string())?
            .to_vec(),
    )
    .map_err(|e| e.to_string())?;
    let mut ranked: Vec<(usize, f32)> = probs.into_iter().enumerate().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!("{} ({}):", args.image.display(), args.model);
    for (class, p) in ranked.iter().take(3) {
        println!(
            "  {:<12} {:>6.2} %",
            CLASSES.get(*class).copied().unwrap_or("?"),
            p * 100.0
        );
    }
    Ok(())
}
