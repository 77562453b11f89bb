//! Per-dataset summaries (counts, licence, citation) computed from the loaded bundle — the
//! single source for `brainprobe datasets` and the app's Data page.

use serde::Serialize;

use crate::bundle::Bundle;
use crate::datasets::{corpora, fedorenko::Condition};
use crate::error::Result;
use crate::manifest::{DatasetEntry, Manifest};

/// A labelled count shown on a dataset card, e.g. `627 sentences`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    /// What is counted.
    pub label: String,
    /// The value as displayed (may be a product such as `4 × 2`).
    pub value: String,
}

impl Count {
    fn new(value: impl ToString, label: &str) -> Self {
        Self {
            label: label.to_string(),
            value: value.to_string(),
        }
    }
}

/// What a user needs to know about one dataset: its manifest entry (id, title, description,
/// licence, citations, sources, files) and the item counts of the loaded data.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetSummary {
    /// The dataset as the manifest describes it.
    pub dataset: DatasetEntry,
    /// Item counts computed from the loaded data.
    pub counts: Vec<Count>,
}

impl DatasetSummary {
    /// Counts as one line, e.g. `10256 words, 10 stories`.
    pub fn counts_line(&self) -> String {
        self.counts
            .iter()
            .map(|c| format!("{} {}", c.value, c.label))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Summaries of every dataset in the manifest, in manifest order.
pub fn summarize(manifest: &Manifest, bundle: &Bundle) -> Result<Vec<DatasetSummary>> {
    manifest
        .datasets
        .iter()
        .map(|d| {
            Ok(DatasetSummary {
                dataset: d.clone(),
                counts: counts_for(&d.id, bundle),
            })
        })
        .collect()
}

fn counts_for(id: &str, b: &Bundle) -> Vec<Count> {
    match id {
        "pereira2018_langnet" => vec![Count::new(b.pereira.len(), "sentences")],
        "futrell2018_naturalstories" => vec![
            Count::new(b.stories.words.len(), "words"),
            Count::new(b.stories.n_stories(), "stories"),
        ],
        "fedorenko2010_localizer" => {
            let n = |c| b.localizer.iter().filter(|s| s.condition == c).count();
            vec![
                Count::new(n(Condition::Sentence), "sentences"),
                Count::new(n(Condition::Nonwords), "nonword lists"),
            ]
        }
        "kriegeskorte2008_92images" => {
            let shape = b.kriegeskorte.human_it.shape();
            vec![
                Count::new(b.kriegeskorte.stimuli.len(), "images"),
                Count::new(
                    format!("{}×{}", shape[0], shape[1]),
                    "human IT RDMs (subjects × sessions)",
                ),
                Count::new(1, "monkey IT RDM"),
            ]
        }
        "tang2018_occlusion" => {
            let mut subjects: Vec<u32> = b.occlusion_trials.iter().map(|t| t.subject).collect();
            subjects.sort_unstable();
            subjects.dedup();
            vec![
                Count::new(b.occlusion_trials.len(), "trials"),
                Count::new(subjects.len(), "subjects"),
            ]
        }
        "cifar10" => vec![
            Count::new(b.info.cifar_train, "train images"),
            Count::new(b.info.cifar_test, "test images"),
            Count::new(b.cifar_subset.len(), "in the browser subset"),
        ],
        "corpora" => {
            let by = corpora::words_by_corpus(&b.corpus_counts);
            let training: Vec<_> = by.iter().filter(|(n, _)| n != "wikitext2").collect();
            vec![
                Count::new(training.iter().map(|(_, w)| w).sum::<u64>(), "words"),
                Count::new(training.len(), "corpora"),
            ]
        }
        "wikitext2" => {
            let words = |f: &str| {
                b.corpus_counts
                    .iter()
                    .filter(|c| c.file == f)
                    .map(|c| c.words)
                    .sum::<u64>()
            };
            vec![
                Count::new(words("wikitext2/test.txt"), "test words"),
                Count::new(words("wikitext2/valid.txt"), "validation words"),
            ]
        }
        "schrimpf2021_scores" => {
            let mut models: Vec<&str> = b
                .published_scores
                .iter()
                .map(|s| s.model.as_str())
                .collect();
            models.sort_unstable();
            models.dedup();
            let mut benches: Vec<&str> = b
                .published_scores
                .iter()
                .map(|s| s.benchmark.as_str())
                .collect();
            benches.sort_unstable();
            benches.dedup();
            vec![
                Count::new(models.len(), "model names"),
                Count::new(benches.len(), "benchmarks"),
            ]
        }
        _ => Vec::new(),
    }
}
