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
    /// Byte-level BPE (8 192 tokens) on the training corpora → weights/tokenizer-bpe8k/.
    Tokenizer {
        /// Workspace root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Causal transformer gpt-mini on the training corpora, with checkpoints at 0, 1, 3,
    /// 10, 30 and 100 % of the steps (q8 exports).
    GptMini(LmArgs),
    /// Two-layer LSTM lstm-mini on the training corpora (untrained + final exports).
    LstmMini(LmArgs),
    /// Context-free word vectors embed-ppmi: PPMI (±5 words) on the training corpora,
    /// randomised truncated SVD to 256-d (faer), q8 export with vocab.txt and manifest.
    EmbedPpmi {
        /// Seed of the randomised SVD sketch.
        #[arg(long, default_value_t = 20180)]
        seed: u64,
        /// Largest vocabulary (most frequent words).
        #[arg(long, default_value_t = 20_000)]
        vocab: usize,
        /// Workspace root (reads data/cache/corpora, writes weights/embed-ppmi).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
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

#[derive(Args)]
struct LmArgs {
    /// Optimiser steps of the full run (the schedule and checkpoint steps depend on it).
    #[arg(long, default_value_t = 360)]
    steps: usize,
    /// Sequences per update.
    #[arg(long, default_value_t = 32)]
    batch: usize,
    /// Peak learning rate (AdamW).
    #[arg(long, default_value_t = 1.5e-3)]
    lr: f64,
    /// Seed for initialisation and block order.
    #[arg(long, default_value_t = 2021)]
    seed: u64,
    /// Stop once this step is reached (state saved; the same command resumes).
    #[arg(long)]
    stop_at: Option<usize>,
    /// Workspace root (weights go to <root>/weights, run state to <root>/data/train-runs).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

/// The next-token run shared by gpt-mini and lstm-mini: the token blocks for `context`,
/// run settings from the command line, and the exports at fractions of the steps.
fn train_language(
    id: &str,
    architecture: toml::Value,
    context: usize,
    exports: Vec<(String, f64)>,
    a: &LmArgs,
    net: &dyn brainprobe_train::language::train_lm::NextToken,
    varmap: &candle_nn::VarMap,
) -> Result<(), String> {
    use brainprobe_train::language::{self, train_lm};
    let data = language::load_data(&a.root, context)?;
    eprintln!(
        "{id}: {} tokens, {} training and {} held-out blocks of {context}",
        data.tokens.len(),
        data.train.len(),
        data.held_out.len(),
    );
    let run = train_lm::LmRun {
        id: id.into(),
        architecture,
        batch: a.batch,
        context,
        steps: a.steps,
        lr: a.lr,
        weight_decay: 0.05,
        seed: a.seed,
        exports,
        save_every: 100,
        log_every: 25,
        stop_at: a.stop_at,
        threads: threads(),
        tokenizer: language::TOKENIZER.into(),
    };
    train_lm::train_lm(
        &run,
        net,
        varmap,
        &data,
        &a.root,
        &train_lm::run_dir(&a.root, id),
    )
}

fn gpt_mini(a: &LmArgs) -> Result<(), String> {
    use brainprobe_train::language::gpt;
    use candle_nn::{VarBuilder, VarMap};
    let config = gpt::GptConfig::mini(brainprobe_text::DEFAULT_VOCAB_SIZE);
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, candle_core::DType::F32, &candle_core::Device::Cpu);
    let model = gpt::Gpt::new(&config, vb).map_err(|e| e.to_string())?;
    brainprobe_train::init::seeded_init(&varmap, a.seed, Some(0.02)).map_err(|e| e.to_string())?;
    gpt::scale_residual_projections(&varmap, config.layers).map_err(|e| e.to_string())?;
    let exports = vec![
        ("gpt-mini-untrained".into(), 0.0),
        ("gpt-mini@step{step}".into(), 0.01),
        ("gpt-mini@step{step}".into(), 0.03),
        ("gpt-mini@step{step}".into(), 0.10),
        ("gpt-mini@step{step}".into(), 0.30),
        ("gpt-mini".into(), 1.0),
    ];
    let architecture = toml::Value::try_from(&config).map_err(|e| e.to_string())?;
    train_language(
        "gpt-mini",
        architecture,
        config.context,
        exports,
        a,
        &model,
        &varmap,
    )
}

fn lstm_mini(a: &LmArgs) -> Result<(), String> {
    use brainprobe_train::language::lstm;
    use candle_nn::{VarBuilder, VarMap};
    let config = lstm::LstmConfig::mini(brainprobe_text::DEFAULT_VOCAB_SIZE);
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, candle_core::DType::F32, &candle_core::Device::Cpu);
    let model = lstm::Lstm::new(&config, vb).map_err(|e| e.to_string())?;
    // std 1/sqrt(3H): PyTorch's uniform(±1/sqrt(H)) has this standard deviation
    let std = 1.0 / (3.0 * config.hidden as f64).sqrt();
    brainprobe_train::init::seeded_init(&varmap, a.seed, Some(std)).map_err(|e| e.to_string())?;
    lstm::forget_bias_one(&varmap, config.hidden).map_err(|e| e.to_string())?;
    let exports = vec![
        ("lstm-mini-untrained".into(), 0.0),
        ("lstm-mini".into(), 1.0),
    ];
    let architecture = toml::Value::try_from(&config).map_err(|e| e.to_string())?;
    train_language(
        "lstm-mini",
        architecture,
        config.context,
        exports,
        a,
        &model,
        &varmap,
    )
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
        Model::Tokenizer { root } => brainprobe_train::language::write_tokenizer(root).map(|_| ()),
        Model::GptMini(a) => gpt_mini(a),
        Model::LstmMini(a) => lstm_mini(a),
        Model::EmbedPpmi { seed, vocab, root } => {
            let cfg = brainprobe_train::embed_ppmi::PpmiConfig {
                seed: *seed,
                vocab: *vocab,
                ..Default::default()
            };
            brainprobe_train::embed_ppmi::run(root, &cfg, threads())
        }
        Model::ParityFixture { id, root } => {
            let out = root
                .join("crates/models/tests/fixtures")
                .join(format!("{id}.parity.safetensors"));
            let dir = root.join("weights").join(id);
            brainprobe_train::parity::write_fixture(id, &dir, &out)
                .map(|()| eprintln!("wrote {}", out.display()))
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
