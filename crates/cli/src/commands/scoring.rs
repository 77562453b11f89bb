//! Shared by `score`, `leaderboard` and `wiring-up`: bundles, model loading as a
//! benchmark subject, the run context (with CIFAR-10 training images when a benchmark
//! needs them), and the progress bar.

use std::path::PathBuf;

use brainprobe_benchmarks::registry::Kind;
use brainprobe_benchmarks::{BenchmarkSpec, RunContext, Subject, VisionSubject};
use brainprobe_data::assets::default_native_root;
use brainprobe_data::datasets::cifar::read_archive;
use brainprobe_data::Assets;
use brainprobe_engine::Device;
use brainprobe_models::registry::{lookup, Family};
use brainprobe_models::vision::cornet::Cornet;
use indicatif::{ProgressBar, ProgressStyle};

/// The bundle store and the directory it reads (for hints).
pub fn assets() -> (Assets, PathBuf) {
    let root = default_native_root();
    (Assets::new(root.display().to_string()), root)
}

/// True when `id` is a registered vision model.
pub fn is_vision(id: &str) -> Result<bool, String> {
    Ok(matches!(
        lookup(id).map_err(|e| e.to_string())?.family,
        Family::Cornet
    ))
}

/// Loads registered model `id` on `device` as a benchmark subject.
pub fn load_subject(id: &str, device: &Device, steps: Option<usize>) -> Result<Subject, String> {
    if !is_vision(id)? {
        return Err(format!(
            "`{id}` is not a vision model; no language benchmarks are registered yet"
        ));
    }
    let (weights, manifest) = brainprobe_models::native::read(id).map_err(|e| e.to_string())?;
    let model = Cornet::load(&weights, &manifest, device).map_err(|e| e.to_string())?;
    let mut subject = VisionSubject::new(model, &manifest, device.clone());
    subject.steps = steps;
    Ok(Subject::Vision(subject))
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
    if specs.iter().any(|s| s.kind == Kind::Attractor) {
        let path = train_archive(&root);
        eprintln!(
            "brainprobe: reading CIFAR-10 training images from {}",
            path.display()
        );
        let set =
            read_archive(&path).map_err(|e| format!("{e} (run `cargo xtask prepare-data`)"))?;
        ctx.cifar_train = Some(set);
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
        ProgressStyle::with_template("{msg:32} {bar:30} {pos}/{len} images, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
