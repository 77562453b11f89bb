//! Benchmarks by identifier: one row per benchmark (id, version, data, what it needs) and
//! [`run`], which dispatches to the benchmark's module (vision and language).

use brainprobe_models::registry::{lookup, Control, Family, ModelInfo};

use crate::context::RunContext;
use crate::error::{BenchError, Result};
use crate::language::{fedorenko2010, futrell2018, pereira2018, wikitext2};
use crate::progress::Progress;
use crate::score::Score;
use crate::subject::Subject;
use crate::vision::{attractor, attractor_objects, kriegeskorte2008, occlusion, occlusion_objects};

/// What kind of model a benchmark scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modality {
    /// Image models (CORnet-mini).
    Vision,
    /// Text models.
    Language,
}

impl Modality {
    /// Lower-case name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Modality::Vision => "vision",
            Modality::Language => "language",
        }
    }
}

/// Which procedure a row runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// RSA of model RDMs against an IT RDM set.
    ItRsa(kriegeskorte2008::Target),
    /// Accuracy under bubble occlusion vs people.
    Occlusion,
    /// Hopfield attractor readout under occlusion.
    Attractor,
    /// Object photos under bubbles, linear readout trained on whole photos, vs people.
    OcclusionObjects,
    /// Hopfield attractor storing the whole object photos' features.
    AttractorObjects,
    /// Sentence representation → averaged language-network response (Pereira 2018).
    Pereira,
    /// Per-word activations → mean reading time (Natural Stories).
    FutrellActivations,
    /// Per-word surprisal vs mean reading time (Natural Stories; causal models).
    FutrellSurprisal,
    /// Word-level perplexity on WikiText-2 test (causal models).
    NextWord,
    /// The model's own language network (sentences > nonwords), scored on Pereira.
    Localizer,
}

/// What a benchmark needs beyond the bundles every front end has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Only the data bundles (runs anywhere, the browser included).
    Nothing,
    /// The 50 000 CIFAR-10 training images (the attractor's stored patterns), read from the
    /// archive on disk: not in the browser bundle.
    CifarTrainingImages,
    /// The WikiText-2 raw test file prepared on disk.
    Wikitext2TestFile,
}

/// One registered benchmark.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BenchmarkSpec {
    /// Stable identifier (lowercase kebab).
    pub id: &'static str,
    /// Procedure version; bumped whenever a number could change.
    pub version: u32,
    /// Which models it scores.
    pub modality: Modality,
    /// Dataset ids (as in `data/manifest.toml`) it reads.
    pub data: &'static [&'static str],
    /// The procedure.
    pub kind: Kind,
    /// One line for listings.
    pub description: &'static str,
    /// Citation of the data.
    pub citation: &'static str,
    /// Short label for menus and table columns.
    pub label: &'static str,
    /// What it needs beyond the data bundles.
    pub needs: Needs,
    /// Whether only models that predict the next token can be scored (surprisal,
    /// perplexity).
    pub causal_only: bool,
    /// The control every model score is compared with, split by split (METRICS §10.1,
    /// §10.4), where one is registered for this benchmark.
    pub baseline: Option<&'static str>,
}

impl BenchmarkSpec {
    /// Why this benchmark cannot run in the browser, if so (its needs are files only
    /// native code reads).
    pub fn browser_limitation(&self) -> Option<&'static str> {
        match self.needs {
            Needs::Nothing => None,
            Needs::CifarTrainingImages => Some(
                "CLI only: needs the CIFAR-10 training images, which the browser bundle does not hold",
            ),
            Needs::Wikitext2TestFile => Some(
                "CLI only: reads the WikiText-2 test file prepared on disk (`brainprobe eval wikitext2`)",
            ),
        }
    }

    /// Why model `model` cannot be scored on this benchmark at all (not a browser limit),
    /// if so: a wrong modality, or a causal-only benchmark and a model that does not
    /// predict the next word.
    pub fn not_applicable(&self, model: &ModelInfo) -> Option<&'static str> {
        if model.family.is_vision() != (self.modality == Modality::Vision) {
            return Some("n/a: another modality");
        }
        if model.family == Family::Baseline(Control::Pixels) && !matches!(self.kind, Kind::ItRsa(_))
        {
            return Some("n/a: a control without a classifier (pixels only)");
        }
        if model.family == Family::EfficientNet
            && matches!(self.kind, Kind::Occlusion | Kind::Attractor)
        {
            return Some(
                "n/a: reads a 32 px CIFAR-10 classifier's classes (an ImageNet network is scored on the object-photo versions)",
            );
        }
        // A benchmark's own baseline is scored on it (the unigram control's surprisal).
        (self.causal_only && !model.is_causal() && self.baseline != Some(model.id))
            .then_some("n/a: needs a model that predicts the next word")
    }
}

/// Every registered benchmark.
pub static BENCHMARKS: &[BenchmarkSpec] = &[
    kriegeskorte2008::HUMAN_SPEC,
    kriegeskorte2008::MONKEY_SPEC,
    occlusion::SPEC,
    attractor::SPEC,
    occlusion_objects::SPEC,
    attractor_objects::SPEC,
    pereira2018::SPEC,
    futrell2018::SPEC,
    futrell2018::SURPRISAL_SPEC,
    wikitext2::SPEC,
    fedorenko2010::SPEC,
];

/// The benchmark `id`, or an error listing the known ids.
pub fn find(id: &str) -> Result<&'static BenchmarkSpec> {
    BENCHMARKS
        .iter()
        .find(|b| b.id == id)
        .ok_or_else(|| BenchError::UnknownBenchmark {
            id: id.to_string(),
            known: BENCHMARKS
                .iter()
                .map(|b| b.id)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Runs benchmark `spec` on `subject`.
pub async fn run(
    spec: &BenchmarkSpec,
    subject: &Subject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<Score> {
    let wrong = || BenchError::WrongModality {
        benchmark: spec.id.to_string(),
        model: subject.id().to_string(),
        needs: spec.modality.name(),
    };
    // A control is refused up front where it cannot be scored (pixels have no classifier).
    if let Some(reason) = lookup(subject.id())
        .ok()
        .filter(|m| m.is_baseline())
        .and_then(|m| spec.not_applicable(m))
    {
        return Err(BenchError::NotApplicable {
            benchmark: spec.id.to_string(),
            model: subject.id().to_string(),
            reason: reason.trim_start_matches("n/a: ").to_string(),
        });
    }
    match (subject, spec.modality) {
        (Subject::Vision(vision), Modality::Vision) => match spec.kind {
            Kind::ItRsa(target) => {
                kriegeskorte2008::run_recorded(spec, target, vision, ctx, progress)
                    .await
                    .map(|run| run.score)
            }
            Kind::Occlusion => occlusion::run(spec, vision, ctx, progress).await,
            Kind::Attractor => attractor::run(spec, vision, ctx, progress).await,
            Kind::OcclusionObjects => {
                occlusion_objects::run_with(spec, vision, ctx, progress, &Default::default()).await
            }
            Kind::AttractorObjects => {
                attractor_objects::run_with(spec, vision, ctx, progress, &Default::default()).await
            }
            _ => Err(wrong()),
        },
        (Subject::Language(lm), Modality::Language) => match spec.kind {
            Kind::Pereira => pereira2018::run_recorded(spec, lm, ctx, progress)
                .await
                .map(|run| run.score),
            Kind::FutrellActivations | Kind::FutrellSurprisal => {
                futrell2018::run_recorded(spec, lm, ctx, progress)
                    .await
                    .map(|run| run.score)
            }
            Kind::NextWord => wikitext2::run(spec, lm, ctx, progress).await,
            Kind::Localizer => fedorenko2010::run(spec, lm, ctx, progress).await,
            _ => Err(wrong()),
        },
        _ => Err(wrong()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_carry_what_front_ends_need() {
        let lookup = |id| brainprobe_models::registry::lookup(id).unwrap();
        let surprisal = find("futrell2018-rt-surprisal").unwrap();
        assert!(surprisal.not_applicable(lookup("gpt-mini")).is_none());
        assert!(surprisal.not_applicable(lookup("embed-ppmi")).is_some());
        assert!(surprisal.not_applicable(lookup("cornet-z-mini")).is_some());
        let occlusion = find("tang2018-occlusion").unwrap();
        assert!(occlusion
            .not_applicable(lookup("efficientnet-lite0"))
            .is_some());
        assert!(occlusion.not_applicable(lookup("cornet-s-mini")).is_none());
        let rsa = find("kriegeskorte2008-it-rsa").unwrap();
        assert!(rsa
            .not_applicable(lookup("efficientnet-lite0-untrained"))
            .is_none());
        assert!(find("tang2018-attractor")
            .unwrap()
            .browser_limitation()
            .is_some());
        assert!(find("wikitext2-nextword").unwrap().causal_only);
        assert!(BENCHMARKS.iter().all(|b| !b.label.is_empty()));
        // Baselines: each benchmark's own control is applicable to it; pixels only to RSA.
        for b in BENCHMARKS {
            if let Some(id) = b.baseline {
                assert!(b.not_applicable(lookup(id)).is_none(), "{} on {}", id, b.id);
            }
        }
        let unigram = lookup("baseline-unigram-surprisal");
        assert!(surprisal.not_applicable(unigram).is_none());
        assert!(find("wikitext2-nextword")
            .unwrap()
            .not_applicable(unigram)
            .is_some());
        assert!(surprisal
            .not_applicable(lookup("baseline-lexical"))
            .is_some());
        let pixels = lookup("baseline-pixels");
        assert!(find("tang2018-occlusion")
            .unwrap()
            .not_applicable(pixels)
            .is_some());
        assert!(find("kriegeskorte2008-monkey-it-rsa")
            .unwrap()
            .not_applicable(pixels)
            .is_none());
        assert!(find("pereira2018-langnet")
            .unwrap()
            .not_applicable(pixels)
            .is_some());
    }

    #[test]
    fn ids_are_unique_kebab_and_lookup_fails_clearly() {
        let mut ids: Vec<&str> = BENCHMARKS.iter().map(|b| b.id).collect();
        for id in &ids {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}"
            );
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), BENCHMARKS.len());
        let err = find("nope").unwrap_err().to_string();
        assert!(err.contains("kriegeskorte2008-it-rsa"), "{err}");
    }

    #[test]
    fn every_data_id_is_in_the_manifest() {
        let manifest = include_str!("../../../data/manifest.toml");
        for b in BENCHMARKS {
            for d in b.data {
                assert!(
                    manifest.contains(&format!("id = \"{d}\"")),
                    "{}: dataset `{d}` not in data/manifest.toml",
                    b.id
                );
            }
        }
    }
}
