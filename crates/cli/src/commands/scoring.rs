//! Shared by `score`, `leaderboard`, `wiring-up`, `eval` and `predict-langnet`: bundles,
//! model loading as a benchmark subject (vision or language, with weights provenance), the
//! run context (with CIFAR-10 training images or the WikiText-2 test text when a benchmark
//! needs them), and the progress bar.

use std::path::PathBuf;

use brainprobe_benchmarks::registry::Needs;
use brainprobe_benchmarks::{BenchmarkSpec, RunContext, Subject};
use brainprobe_data::assets::default_native_root;
use brainprobe_data::datasets::cifar::read_archive;
use brainprobe_data::Assets;
use brainprobe_engine::Device;
use brainprobe_models::language::Readout;
use brainprobe_models::registry::lookup;
use brainprobe_models::WeightStore;
use indicatif::{ProgressBar, ProgressStyle};

/// `--readout`: which tokens of each part make a language model's representation
/// (`brainprobe_models::language::Readout`; the value names are the readouts' own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReadoutArg {
    /// The part's last token (Brain-Score's convention).
    LastToken,
    /// The last token of the part's last word, trailing punctuation tokens excluded.
    LastWord,
    /// The mean over the part's tokens.
    Mean,
}

impl From<ReadoutArg> for Readout {
    fn from(r: ReadoutArg) -> Readout {
        match r {
            ReadoutArg::LastToken => Readout::LastToken,
            ReadoutArg::LastWord => Readout::LastWord,
            ReadoutArg::Mean => Readout::Mean,
        }
    }
}

/// The bundle store and the directory it reads (for hints).
pub fn assets() -> (Assets, PathBuf) {
    let root = default_native_root();
    (Assets::new(root.display().to_string()), root)
}

/// True when `id` is a registered vision model.
pub fn is_vision(id: &str) -> Result<bool, String> {
    Ok(lookup(id).map_err(|e| e.to_string())?.family.is_vision())
}

/// Loads registered model `id` on `device` as a benchmark subject through the one loader
/// (`Subject::load`); `steps` caps a vision model's time steps.
pub fn load_subject(id: &str, device: &Device, steps: Option<usize>) -> Result<Subject, String> {
    let mut subject =
        Subject::load_blocking(id, &WeightStore::native(), device).map_err(|e| e.to_string())?;
    if let Subject::Vision(v) = &mut subject {
        v.steps = steps;
    }
    Ok(subject)
}

/// `data/cache/corpora/wikitext2/test.txt` beside the bundles (`$BRAINPROBE_WIKITEXT2_TEST`
/// overrides).
pub fn wikitext2_test_path(assets_root: &std::path::Path) -> PathBuf {
    if let Ok(p) = std::env::var("BRAINPROBE_WIKITEXT2_TEST") {
        return p.into();
    }
    assets_root.join("../../../data/cache/corpora/wikitext2/test.txt")
}

/// `data/cache/cifar10/train.tar.gz` beside the bundles (`$BRAINPROBE_CIFAR_TRAIN` overrides).
fn train_archive(assets_root: &std::path::Path) -> PathBuf {
    if let Ok(p) = std::env::var("BRAINPROBE_CIFAR_TRAIN") {
        return p.into();
    }
    assets_root.join("../../../data/cache/cifar10/train.tar.gz")
}

/// A full-size run context; reads the CIFAR-10 training archive only if a benchmark needs it.
pub fn context(specs: &[&BenchmarkSpec]) -> Result<RunContext, String> {
    let (assets, root) = assets();
    let mut ctx = RunContext::new(assets);
    if specs.iter().any(|s| s.needs == Needs::CifarTrainingImages) {
        let path = train_archive(&root);
        eprintln!(
            "brainprobe: reading CIFAR-10 training images from {}",
            path.display()
        );
        let set =
            read_archive(&path).map_err(|e| format!("{e} (run `cargo xtask prepare-data`)"))?;
        ctx.cifar_train = Some(set);
    }
    if specs.iter().any(|s| s.needs == Needs::Wikitext2TestFile) {
        let path = wikitext2_test_path(&root);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e} (run `cargo xtask prepare-data`)", path.display()))?;
        ctx.wikitext2_test = Some(text);
    }
    Ok(ctx)
}

/// A progress bar that shows the current stage and its image count.
pub fn stage_bar(hidden: bool) -> ProgressBar {
    let bar = if hidden {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:32} {bar:30} {pos}/{len}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
