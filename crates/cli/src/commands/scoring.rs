//! Shared by `score`, `leaderboard`, `wiring-up`, `eval` and `predict-langnet`: bundles,
//! model loading as a benchmark subject (vision or language, with weights provenance), the
//! run context (with CIFAR-10 training images or the WikiText-2 test text when a benchmark
//! needs them), and the progress bar.

use std::path::PathBuf;

use brainprobe_benchmarks::registry::Kind;
use brainprobe_benchmarks::{BenchmarkSpec, LanguageSubject, RunContext, Subject, VisionSubject};
use brainprobe_data::assets::default_native_root;
use brainprobe_data::datasets::cifar::read_archive;
use brainprobe_data::Assets;
use brainprobe_engine::Device;
use brainprobe_models::language::native::{load_language, read_prepared};
use brainprobe_models::registry::{lookup, manifest_file, Family, WeightsSource};
use brainprobe_models::vision::cornet::Cornet;
use brainprobe_models::Manifest;
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
        return load_language_subject(id, device);
    }
    let (weights, manifest) = brainprobe_models::native::read(id).map_err(|e| e.to_string())?;
    let model = Cornet::load(&weights, &manifest, device).map_err(|e| e.to_string())?;
    let mut subject = VisionSubject::new(model, &manifest, device.clone());
    subject.steps = steps;
    Ok(Subject::Vision(subject))
}

/// Where a language model's weights came from: (weights sha256 or what generated them,
/// training updates).
fn language_provenance(id: &str) -> Result<(String, u64), String> {
    let info = lookup(id).map_err(|e| e.to_string())?;
    let text = match info.weights_source() {
        WeightsSource::Generated(_) => {
            return Ok((
                "generated in code from a fixed seed (no weights file)".into(),
                0,
            ))
        }
        WeightsSource::Prepared(dir) => {
            read_prepared(id, dir, "manifest.toml").map_err(|e| e.to_string())?
        }
        WeightsSource::Committed => {
            let path = brainprobe_models::native::weights_root().join(manifest_file(id));
            std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?
        }
    };
    let text = String::from_utf8(text).map_err(|e| format!("{id} manifest: {e}"))?;
    let m = Manifest::parse(id, &text).map_err(|e| e.to_string())?;
    Ok((m.sha256, m.updates))
}

/// Loads registered language model `id` on `device` as a benchmark subject.
pub fn load_language_subject(id: &str, device: &Device) -> Result<Subject, String> {
    let model = load_language(id, device).map_err(|e| e.to_string())?;
    let (sha, updates) = language_provenance(id)?;
    Ok(Subject::Language(LanguageSubject::new(
        model,
        device.clone(),
        sha,
        updates,
    )))
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
    if specs.iter().any(|s| s.kind == Kind::NextWord) {
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
