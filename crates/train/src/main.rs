//! `brainprobe-train`: trains brainprobe's own models on CPU with candle and exports
//! f16 safetensors + `manifest.toml` under `weights/<id>/`.

use std::path::PathBuf;

use brainprobe_train::vision::cornet::CornetConfig;
use brainprobe_train::vision::data::Cifar;
use brainprobe_train::vision::train_vision::{train, VisionRun};
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "brainprobe-train",
    about = "Train brainprobe's own models (CPU, candle)"
)]
struct Cli {
    #[command(subcommand)]
    model: Model,
}

#[derive(Subcommand)]
enum Model {
    /// Feedforward CORnet-Z-mini on CIFAR-10.
    CornetZMini(VisionArgs),
    /// Recurrent CORnet-S-mini on CIFAR-10, with checkpoints at 0, 0.5, 2, 10, 50 % of updates.
    CornetSMini(VisionArgs),
    /// "Weight compression" at-birth CORnet-S-mini sampled from distributions fitted to
    /// the trained cornet-s-mini (no training; batch-norm statistics re-estimated).
    CornetSMiniWc {
        /// Seed of the sampling and of the statistics batches.
        #[arg(long, default_value_t = 20180)]
        seed: u64,
        /// Workspace root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// "Critical training": from cornet-s-mini-wc, train only projections, skips and decoder.
    CornetSMiniCt(VisionArgs),
    /// Write the candle forward pass of committed weights as a parity fixture for
    /// `brainprobe-models` (crates/models/tests/fixtures/<id>.parity.safetensors).
    ParityFixture {
        /// Model identifier under weights/.
        id: String,
        /// Workspace root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Args)]
struct VisionArgs {
    /// Passes over the 50 000 training images.
    #[arg(long)]
    epochs: Option<usize>,
    /// Images per update.
    #[arg(long, default_value_t = 128)]
    batch: usize,
    /// Peak learning rate (AdamW).
    #[arg(long, default_value_t = 2e-3)]
    lr: f64,
    /// Seed for initialisation, data order and augmentation.
    #[arg(long, default_value_t = 20180)]
    seed: u64,
    /// Train on only the first N images (smoke runs; weights are not final then).
    #[arg(long)]
    max_train: Option<usize>,
    /// Stop after this many epochs (state saved; the same command resumes).
    #[arg(long)]
    stop_after_epochs: Option<usize>,
    /// Workspace root (weights go to <root>/weights, run state to <root>/data/train-runs).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

fn threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn vision(
    id: &str,
    config: CornetConfig,
    default_epochs: usize,
    checkpoints: Vec<(String, f64)>,
    a: &VisionArgs,
) -> Result<(), String> {
    vision_with(id, config, default_epochs, checkpoints, a, None, None)
}

fn vision_with(
    id: &str,
    config: CornetConfig,
    default_epochs: usize,
    checkpoints: Vec<(String, f64)>,
    a: &VisionArgs,
    trainable: Option<fn(&str) -> bool>,
    init_from: Option<PathBuf>,
) -> Result<(), String> {
    let cache = a.root.join("data/cache/cifar10");
    eprintln!("{id}: reading CIFAR-10 from {}", cache.display());
    let cifar =
        Cifar::load(&cache).map_err(|e| format!("{e}\n(run `cargo xtask prepare-data` first)"))?;
    let run = VisionRun {
        id: id.to_string(),
        config,
        epochs: a.epochs.unwrap_or(default_epochs),
        batch: a.batch,
        lr: a.lr,
        weight_decay: 0.05,
        seed: a.seed,
        checkpoints,
        trainable,
        init_from,
        max_train: a.max_train,
        threads: threads(),
        stop_after: a.stop_after_epochs,
    };
    let run_dir = a.root.join("data/train-runs").join(id);
    train(&run, &cifar, &a.root, &run_dir)
}

fn main() {
    let cli = Cli::parse();
    let result = match &cli.model {
        Model::CornetZMini(a) => vision(
            "cornet-z-mini",
            CornetConfig::z_mini(),
            5,
            vec![("-untrained".into(), 0.0)],
            a,
        ),
        Model::CornetSMini(a) => vision(
            "cornet-s-mini",
            CornetConfig::s_mini(),
            2,
            vec![
                ("-untrained".into(), 0.0),
                ("@0.5pct".into(), 0.005),
                ("@2pct".into(), 0.02),
                ("@10pct".into(), 0.10),
                ("@50pct".into(), 0.50),
            ],
            a,
        ),
        Model::CornetSMiniWc { seed, root } => {
            brainprobe_train::vision::wiring::export_wc(root, *seed)
        }
        Model::CornetSMiniCt(a) => vision_with(
            "cornet-s-mini-ct",
            CornetConfig::s_mini(),
            1,
            vec![],
            a,
            Some(brainprobe_train::vision::wiring::critical),
            Some(a.root.join("weights/cornet-s-mini-wc/model.safetensors")),
        ),
        Model::ParityFixture { id, root } => {
            let out = root
                .join("crates/models/tests/fixtures")
                .join(format!("{id}.parity.safetensors"));
            brainprobe_train::vision::parity::write_fixture(&root.join("weights").join(id), &out)
                .map(|()| eprintln!("wrote {}", out.display()))
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
