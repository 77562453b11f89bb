//! `brainprobe record` for language models: one row per part (METRICS §7.1), one
//! `(n_parts × width)` f32 `.npy` per layer, plus the recording's notes on stderr.
//!
//! Stimuli: `pereira2018_langnet` (627 sentences, each its own passage — METRICS §7.2),
//! `futrell2018_naturalstories` (10 stories, a passage each, words as parts — §7.3) and
//! `fedorenko2010_localizer` (480 stimuli, each its own one-part passage).

use std::path::Path;

use brainprobe_data::datasets::{fedorenko, futrell, pereira};
use brainprobe_data::{assets::default_native_root, Assets};
use brainprobe_models::language::{LayerSelection, Passage, Readout};
use brainprobe_models::registry::lookup;
use brainprobe_models::{load_blocking, WeightStore};
use indicatif::{ProgressBar, ProgressStyle};

use super::device::{open, DeviceChoice};

/// True when `id` is a registered language model (not a vision one).
pub fn is_language(id: &str) -> Result<bool, String> {
    let info = lookup(id).map_err(|e| e.to_string())?;
    Ok(!info.family.is_vision())
}

/// The passages of a language dataset, read from the bundles.
pub fn passages(dataset: &str, assets: &Assets) -> Result<Vec<Passage>, String> {
    let root = assets.root().to_string();
    let read = |rel: &str| {
        assets.bytes_blocking(rel).map_err(|e| {
            format!("{e}\n(bundles are read from {root}; run `cargo xtask prepare-data`)")
        })
    };
    match dataset {
        "pereira2018_langnet" => Ok(pereira::parse_sentences(&read(pereira::SENTENCES)?)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|s| vec![s.text])
            .collect()),
        "futrell2018_naturalstories" => {
            let ns =
                futrell::NaturalStories::parse(&read(futrell::WORDS)?, &read(futrell::STORIES)?)
                    .map_err(|e| e.to_string())?;
            let mut out: Vec<Passage> = Vec::new();
            let mut current = None;
            for w in ns.words {
                if current != Some(w.story) {
                    out.push(Vec::new());
                    current = Some(w.story);
                }
                if let Some(p) = out.last_mut() {
                    p.push(w.word);
                }
            }
            Ok(out)
        }
        "fedorenko2010_localizer" => Ok(fedorenko::parse_stimuli(&read(fedorenko::STIMULI)?)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|s| vec![s.stimulus])
            .collect()),
        other => Err(format!(
            "`record` knows the language datasets pereira2018_langnet, \
             futrell2018_naturalstories and fedorenko2010_localizer, not `{other}`"
        )),
    }
}

/// Records language model `model` on `dataset` (the first `limit` passages, if given) with
/// `readout` (default: the model's) and writes one `.npy` per layer.
#[allow(clippy::too_many_arguments)]
pub fn run(
    model: &str,
    dataset: &str,
    layer: &str,
    out: &Path,
    device: DeviceChoice,
    limit: Option<usize>,
    readout: Option<Readout>,
) -> Result<(), String> {
    let assets = Assets::new(default_native_root().display().to_string());
    let mut passages = passages(dataset, &assets)?;
    if let Some(n) = limit {
        passages.truncate(n);
    }
    let device = open(device)?;
    let lm = load_blocking(model, &WeightStore::native(), &device)
        .and_then(|l| l.into_language())
        .map_err(|e| e.to_string())?;
    let layers = if layer == "all" {
        LayerSelection::All
    } else {
        LayerSelection::Named(layer.split(',').map(|s| s.trim().to_string()).collect())
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} parts, {eta} left")
            .map_err(|e| e.to_string())?,
    );
    let readout = readout.unwrap_or_else(|| lm.default_readout());
    let rec = pollster::block_on(
        lm.record(&passages, &layers, readout, &device, |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }),
    )
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    for note in &rec.notes {
        eprintln!("note: {note}");
    }
    match lm.readout_meaning(readout) {
        Some(meaning) => eprintln!("note: readout `{readout}`: {meaning}."),
        None => {
            eprintln!("note: {model}'s features describe each whole part (no readout applies).")
        }
    }
    if lm.is_bidirectional() {
        eprintln!("note: {model} is bidirectional: each part's state has seen its whole context.");
    }
    super::record::write_layers(&rec.layers, out)
}
