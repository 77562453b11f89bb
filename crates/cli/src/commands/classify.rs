//! `brainprobe classify --model M photo.jpg`: the most probable classes of any image — the
//! top 3 of CIFAR-10 for the CORnet-minis, the top 5 of ImageNet-1k (with the class names
//! prepare-data fetched) for EfficientNet-Lite0 — with their softmax probabilities.

use std::path::PathBuf;

use brainprobe_data::datasets::cifar::CLASSES;
use brainprobe_engine::Tensor;
use brainprobe_models::vision::imagenet::top_k;
use brainprobe_models::vision::preprocess::preprocess_bytes_at;
use brainprobe_models::{load_blocking, WeightStore};
use clap::Args;

use super::device::{open, DeviceChoice};

/// Options of `classify`.
#[derive(Args)]
pub struct ClassifyArgs {
    /// Vision model identifier (see `brainprobe models`).
    #[arg(long, default_value = "cornet-s-mini")]
    model: String,
    /// PNG or JPEG image of any size (centre-cropped and resized to the model's input:
    /// 32 px for the CORnet-minis, 224 px for EfficientNet-Lite0).
    image: PathBuf,
    /// Cap every recurrent area at this many time steps (1 = feedforward sweep).
    #[arg(long)]
    timesteps: Option<usize>,
    /// Engine device.
    #[arg(long, value_enum, default_value_t)]
    device: DeviceChoice,
}

/// Prints the most probable classes (3 of CIFAR-10, 5 of ImageNet).
pub fn run(args: ClassifyArgs) -> Result<(), String> {
    brainprobe_models::registry::lookup(&args.model).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(&args.image).map_err(|e| format!("{}: {e}", args.image.display()))?;
    let device = open(args.device)?;
    let store = WeightStore::native();
    let model = load_blocking(&args.model, &store, &device)
        .and_then(|l| l.into_vision())
        .map_err(|e| e.to_string())?;
    if model.classes() == 0 {
        return Err(format!("`{}` has no classifier", args.model));
    }
    let names: Vec<String> = model
        .imagenet_class_names()
        .unwrap_or_else(|| CLASSES.iter().map(|c| c.to_string()).collect());
    let side = model.input_side();
    let x = preprocess_bytes_at(&bytes, side, model.normalisation())
        .map_err(|e| format!("{}: {e}", args.image.display()))?;
    let input = Tensor::from_vec(x, &[1, 3, side, side], &device).map_err(|e| e.to_string())?;
    let out = model
        .forward(&input, args.timesteps)
        .map_err(|e| e.to_string())?;
    let logits = pollster::block_on(out.logits.to_vec()).map_err(|e| e.to_string())?;
    let k = if names.len() > CLASSES.len() { 5 } else { 3 };
    println!("{} ({}):", args.image.display(), args.model);
    for (class, p) in top_k(&logits, k) {
        println!(
            "  {:<32} {:>6.2} %",
            names.get(class).map_or("?", String::as_str),
            p * 100.0
        );
    }
    Ok(())
}
