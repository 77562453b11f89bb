//! The `wiring-up` report (Geiger et al. 2022, "Wiring up vision"): how brain-like IT is
//! (`kriegeskorte2008-it-rsa`) and how accurate the model is on CIFAR-10, for every
//! cornet-s-mini checkpoint against its number of supervised updates, plus the at-birth
//! variants (`-untrained`, `-wc`) and critical training (`-ct`). Not a single score: a
//! table and the fraction of the final IT score reached at 2 % and 10 % of the updates
//! (Geiger et al. report ~80 % at 2 % for CORnet-S on Brain-Score).

use serde::{Deserialize, Serialize};

use super::bubbles::{accuracy, TestSubset, Viewing};
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::Result;
use crate::paired::Paired;
use crate::progress::Progress;
use crate::score::{Details, Score, Undefined, Value};
use crate::subject::VisionSubject;

/// The final model the fractions refer to.
pub const FINAL: &str = "cornet-s-mini";
/// Every model of the report, in table order.
pub const MODELS: &[&str] = &[
    "cornet-s-mini-untrained",
    "cornet-s-mini@0.5pct",
    "cornet-s-mini@2pct",
    "cornet-s-mini@10pct",
    "cornet-s-mini@50pct",
    "cornet-s-mini",
    "cornet-s-mini-wc",
    "cornet-s-mini-ct",
];

/// One model of the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WiringUpRow {
    /// Model identifier.
    pub model: String,
    /// Supervised updates (training images seen; from the weights manifest).
    pub updates: u64,
    /// Raw IT RSA (Spearman ρ; the benchmark's headline, layer left-one-subject-out).
    pub it_raw: Value,
    /// Ceiling-normalised IT RSA.
    pub it_value: Value,
    /// Best layer and its normalised value.
    pub best_layer: Option<(String, Value)>,
    /// Accuracy on the benchmark's 1 000-image CIFAR-10 test subset.
    pub cifar_accuracy: f64,
    /// SE of `it_raw` over subjects (as the score reports it).
    #[serde(default)]
    pub it_se: Option<f64>,
    /// The IT score's per-subject values (held-out ρ), for paired comparisons.
    #[serde(default)]
    pub it_per_subject: Vec<f64>,
    /// This row minus the final model, paired over the same subjects (METRICS §10.4).
    #[serde(default)]
    pub vs_final: Option<Paired>,
}

/// The report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WiringUp {
    /// Rows in [`MODELS`] order (those that were run).
    pub rows: Vec<WiringUpRow>,
    /// IT raw score of `@2pct` / final.
    pub fraction_at_2pct: Value,
    /// IT raw score of `@10pct` / final.
    pub fraction_at_10pct: Value,
}

/// CIFAR-10 accuracy of `subject` on the first `per_class` images per class of the test subset.
pub async fn cifar_accuracy(
    subject: &VisionSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<f64> {
    let mut log = DataLog::new(&ctx.assets);
    let subset = TestSubset::load(&mut log, ctx.options.occlusion_per_class).await?;
    let (inputs, _) = subset.inputs(Viewing::Whole, &subject.model.normalisation)?;
    let p = subject
        .predict(&inputs, subject.steps, "CIFAR-10 test subset", progress)
        .await?;
    Ok(accuracy(&p, &subset.labels()))
}

impl WiringUpRow {
    /// A row from an IT RSA score and an accuracy.
    pub fn new(it: &Score, cifar_accuracy: f64) -> Self {
        let best = it
            .best_layer
            .as_ref()
            .and_then(|b| it.layer_score(b))
            .map(|l| (l.layer.clone(), l.value));
        let per_subject = match &it.details {
            Some(Details::Rsa(d)) => d.per_subject.clone(),
            _ => Vec::new(),
        };
        Self {
            model: it.model.id.clone(),
            updates: it.model.updates,
            it_raw: it.raw,
            it_value: it.value,
            best_layer: best,
            cifar_accuracy,
            it_se: it.error.as_ref().map(|e| e.value),
            it_per_subject: per_subject,
            vs_final: None,
        }
    }
}

impl WiringUp {
    /// The report from its rows; the fractions need the final model and the checkpoints.
    pub fn new(mut rows: Vec<WiringUpRow>) -> Self {
        let final_subjects = rows
            .iter()
            .find(|r| r.model == FINAL)
            .map(|r| r.it_per_subject.clone())
            .unwrap_or_default();
        for r in rows.iter_mut().filter(|r| r.model != FINAL) {
            r.vs_final = Paired::of(FINAL, &r.it_per_subject, &final_subjects);
        }
        let raw = |id: &str| {
            rows.iter()
                .find(|r| r.model == id)
                .and_then(|r| r.it_raw.get())
        };
        let frac = |id: &str| match (raw(id), raw(FINAL)) {
            (Some(a), Some(f)) if f > 0.0 => Value::Defined(a / f),
            _ => Value::Undefined(Undefined::NotFinite),
        };
        Self {
            fraction_at_2pct: frac("cornet-s-mini@2pct"),
            fraction_at_10pct: frac("cornet-s-mini@10pct"),
            rows,
        }
    }

    /// Markdown table and the two fractions.
    pub fn to_markdown(&self) -> String {
        let mut s = String::from("| model | updates | IT RSA raw ρ ± SE | IT normalised | − final, paired over subjects (± SE, subjects ahead) | best layer, optimistic (normalised) | CIFAR-10 accuracy (1 000 test images) |\n|---|---:|---:|---:|---:|---|---:|\n");
        for r in &self.rows {
            let best = r
                .best_layer
                .as_ref()
                .map_or("–".to_string(), |(l, v)| format!("{l} ({v:.3})"));
            let se = r.it_se.map_or(String::new(), |e| format!(" ± {e:.3}"));
            let paired = r.vs_final.as_ref().map_or("–".to_string(), |p| {
                format!(
                    "{:+.3} ± {} ({} of {})",
                    p.mean,
                    p.se.map_or("n/a".into(), |se| format!("{se:.3}")),
                    p.positive,
                    p.pairs
                )
            });
            s.push_str(&format!(
                "| `{}` | {} | {:.3}{se} | {:.3} | {paired} | {} | {:.1} % |\n",
                r.model,
                r.updates,
                r.it_raw,
                r.it_value,
                best,
                100.0 * r.cifar_accuracy
            ));
        }
        s.push_str(&format!(
            "\nFraction of the final IT score (raw ρ) at 2 % of updates: {:.2}; at 10 %: {:.2} (Geiger et al. 2022: ~0.8 at 2 %).\n",
            self.fraction_at_2pct, self.fraction_at_10pct
        ));
        s
    }
}
