//! What a benchmark run needs besides the model: where the data bundles are, optional
//! caller-supplied data, and sizes (full in the CLI, small in tests).

use brainprobe_data::datasets::cifar::CifarSet;
use brainprobe_data::Assets;
use brainprobe_models::language::Readout;

/// Sizes and switches of a run. [`RunOptions::default`] is the full benchmark.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOptions {
    /// CIFAR-10 test images per class for the occlusion benchmarks (the bundle holds 100).
    pub occlusion_per_class: usize,
    /// Only visibility bins whose upper edge is at most this (percent); the human table's
    /// bins with trials go to 70 (METRICS §10.5).
    pub max_visibility_pct: f64,
    /// Whole training images per class whose features build the attractor's patterns.
    pub attractor_train_per_class: usize,
    /// Most asynchronous sweeps of the attractor network.
    pub attractor_steps: usize,
    /// For recurrent models, also run the feedforward sweep (T = 1) as the masking analogue.
    pub feedforward_variant: bool,
    /// Language benchmarks: only the first N stimuli (Pereira sentences, localizer
    /// stimuli per condition) or stories (Natural Stories); `None` = all. Tests only —
    /// scores state the subset in their notes.
    pub language_subset: Option<usize>,
    /// `wikitext2-nextword`: score only the first N tokens (`None` = the whole test file).
    pub wikitext_tokens: Option<usize>,
    /// `fedorenko2010-localizer`: random-unit draws the localized units are compared with.
    pub localizer_draws: usize,
    /// Language benchmarks: which tokens of each part make its representation
    /// (`last-token`, `last-word`, `mean`); `None` = the model's default (its registry row:
    /// `last-token`, or `mean` for MiniLM and the word embeddings). Every score's notes
    /// and its `model.readout` name the readout used.
    pub readout: Option<Readout>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            occlusion_per_class: 100,
            max_visibility_pct: crate::vision::occlusion::MAX_VISIBILITY_PCT,
            attractor_train_per_class: 100,
            attractor_steps: 256,
            feedforward_variant: true,
            language_subset: None,
            wikitext_tokens: None,
            localizer_draws: 10,
            readout: None,
        }
    }
}

/// Everything a benchmark reads that is not the model.
pub struct RunContext {
    /// The bundle directory (native) or URL prefix (web).
    pub assets: Assets,
    /// CIFAR-10 training images (`tang2018-attractor` stores patterns from them). The
    /// browser bundle holds only test images, so in the app this is `None` and the
    /// attractor benchmark says so; natively the CLI reads them from the data cache.
    pub cifar_train: Option<CifarSet>,
    /// The WikiText-2 raw test text (`wikitext2-nextword`). It is not in the data bundle
    /// (native-only, in the verified cache), so the CLI reads it and the app has none.
    pub wikitext2_test: Option<String>,
    /// Sizes and switches.
    pub options: RunOptions,
}

impl RunContext {
    /// A full-size run reading bundles from `assets`, without training images.
    pub fn new(assets: Assets) -> Self {
        Self {
            assets,
            cifar_train: None,
            wikitext2_test: None,
            options: RunOptions::default(),
        }
    }
}
