//! Benchmarks by identifier: one row per benchmark (id, version, data, what it needs) and
//! [`run`], which dispatches to the benchmark's module (vision and language).

use crate::context::RunContext;
use crate::error::{BenchError, Result};
use crate::language::{fedorenko2010, futrell2018, pereira2018, wikitext2};
use crate::progress::Progress;
use crate::score::Score;
use crate::subject::Subject;
use crate::vision::{attractor, kriegeskorte2008, occlusion};

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
}

/// Every registered benchmark.
pub static BENCHMARKS: &[BenchmarkSpec] = &[
    kriegeskorte2008::HUMAN_SPEC,
    kriegeskorte2008::MONKEY_SPEC,
    occlusion::SPEC,
    attractor::SPEC,
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
    match (subject, spec.modality) {
        (Subject::Vision(vision), Modality::Vision) => match spec.kind {
            Kind::ItRsa(target) => kriegeskorte2008::run(spec, target, vision, ctx, progress).await,
            Kind::Occlusion => occlusion::run(spec, vision, ctx, progress).await,
            Kind::Attractor => attractor::run(spec, vision, ctx, progress).await,
            _ => Err(wrong()),
        },
        (Subject::Language(lm), Modality::Language) => match spec.kind {
            Kind::Pereira => pereira2018::run(spec, lm, ctx, progress).await,
            Kind::FutrellActivations => futrell2018::run_activations(spec, lm, ctx, progress).await,
            Kind::FutrellSurprisal => futrell2018::run_surprisal(spec, lm, ctx, progress).await,
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
