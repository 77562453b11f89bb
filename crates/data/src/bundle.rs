//! The bundle directory (`www/assets/data/`): what it contains and loading all of it.
//!
//! Layout (all written by prepare-data; formats chosen to need no heavy decoding in wasm):
//! - `bundle.json` — [`BundleInfo`]: format version, manifest digest, CIFAR-10 totals.
//! - verbatim CSV/TXT/JSON/NPY/PNG copies of the small dataset files (see [`COPIED`]).
//! - `cifar10/test_subset_{images,labels}.npy` — u8 arrays, 100 test images per class.

use serde::{Deserialize, Serialize};

use crate::assets::Assets;
use crate::datasets::{
    cifar::{self, CifarSet},
    corpora::{self, CorpusFileCount},
    fedorenko::{self, LocalizerStimulus},
    futrell::{self, NaturalStories},
    kriegeskorte::{self, Kriegeskorte2008, KriegeskorteFiles},
    pereira::{self, PereiraSentence},
    scores::{self, PublishedScore},
    tang::{self, HumanAccuracyBin, OcclusionTrial},
};
use crate::error::{DataError, Result};

/// Version of the bundle layout; bump when formats change so old bundles are rebuilt.
pub const BUNDLE_VERSION: u32 = 1;
/// Bundle metadata file.
pub const BUNDLE_INFO: &str = "bundle.json";

/// Mirror files copied verbatim into the bundle (same relative path).
pub const COPIED: &[&str] = &[
    pereira::SENTENCES,
    futrell::WORDS,
    futrell::STORIES,
    fedorenko::STIMULI,
    kriegeskorte::STIMULI,
    kriegeskorte::HUMAN_IT,
    kriegeskorte::HUMAN_IT_FIG1,
    kriegeskorte::MONKEY_IT,
    kriegeskorte::RDM_NAMES,
    tang::TRIALS,
    tang::ACCURACY,
    tang::ACCURACY_SOA,
    "tang2018_occlusion/images/occluded_index.csv",
    corpora::WORD_COUNTS,
    scores::BEST_LAYER,
];

/// Mirror directories whose files are all copied (images).
pub const COPIED_PREFIXES: &[&str] = &[
    "kriegeskorte2008_92images/images/",
    "tang2018_occlusion/images/occluded/",
];

/// Facts computed natively at bundle time that the browser cannot cheaply recompute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleInfo {
    /// [`BUNDLE_VERSION`] the bundle was written with.
    pub version: u32,
    /// sha256 of `data/manifest.toml` the bundle was built from.
    pub manifest_sha256: String,
    /// Images in the CIFAR-10 training archive.
    pub cifar_train: usize,
    /// Images in the CIFAR-10 test archive.
    pub cifar_test: usize,
    /// Seed of the class-balanced browser subset.
    pub cifar_subset_seed: u64,
}

/// Every dataset of the bundle, parsed.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// Bundle metadata.
    pub info: BundleInfo,
    /// Pereira 2018 sentences.
    pub pereira: Vec<PereiraSentence>,
    /// Natural Stories.
    pub stories: NaturalStories,
    /// Localizer stimuli.
    pub localizer: Vec<LocalizerStimulus>,
    /// 92 images metadata and RDMs.
    pub kriegeskorte: Kriegeskorte2008,
    /// Human occlusion trials.
    pub occlusion_trials: Vec<OcclusionTrial>,
    /// Human accuracy by visibility.
    pub occlusion_accuracy: Vec<HumanAccuracyBin>,
    /// CIFAR-10 browser subset.
    pub cifar_subset: CifarSet,
    /// Corpus word counts (training corpora and WikiText-2).
    pub corpus_counts: Vec<CorpusFileCount>,
    /// Published best-layer scores.
    pub published_scores: Vec<PublishedScore>,
}

impl Bundle {
    /// Loads and parses every bundle file.
    pub async fn load(assets: &Assets) -> Result<Self> {
        let info_bytes = assets.bytes(BUNDLE_INFO).await?;
        let info: BundleInfo = serde_json::from_slice(&info_bytes)
            .map_err(|e| DataError::malformed(BUNDLE_INFO, e))?;
        if info.version != BUNDLE_VERSION {
            return Err(DataError::malformed(
                BUNDLE_INFO,
                format!(
                    "bundle version {} but this build reads {BUNDLE_VERSION}; run `cargo xtask prepare-data`",
                    info.version
                ),
            ));
        }
        let pereira = pereira::parse_sentences(&assets.bytes(pereira::SENTENCES).await?)?;
        let stories = NaturalStories::parse(
            &assets.bytes(futrell::WORDS).await?,
            &assets.bytes(futrell::STORIES).await?,
        )?;
        let localizer = fedorenko::parse_stimuli(&assets.bytes(fedorenko::STIMULI).await?)?;
        let kriegeskorte = Kriegeskorte2008::parse(KriegeskorteFiles {
            stimuli: &assets.bytes(kriegeskorte::STIMULI).await?,
            human_it: &assets.bytes(kriegeskorte::HUMAN_IT).await?,
            human_it_fig1: &assets.bytes(kriegeskorte::HUMAN_IT_FIG1).await?,
            monkey_it: &assets.bytes(kriegeskorte::MONKEY_IT).await?,
            names: &assets.bytes(kriegeskorte::RDM_NAMES).await?,
        })?;
        let occlusion_trials = tang::parse_trials(&assets.bytes(tang::TRIALS).await?)?;
        let occlusion_accuracy = tang::parse_accuracy(&assets.bytes(tang::ACCURACY).await?)?;
        let cifar_subset = CifarSet::parse_subset(
            &assets.bytes(cifar::SUBSET_IMAGES).await?,
            &assets.bytes(cifar::SUBSET_LABELS).await?,
        )?;
        let corpus_counts = corpora::parse_word_counts(&assets.bytes(corpora::WORD_COUNTS).await?)?;
        let published_scores = scores::parse_best_layer(&assets.bytes(scores::BEST_LAYER).await?)?;
        Ok(Self {
            info,
            pereira,
            stories,
            localizer,
            kriegeskorte,
            occlusion_trials,
            occlusion_accuracy,
            cifar_subset,
            corpus_counts,
            published_scores,
        })
    }
}
