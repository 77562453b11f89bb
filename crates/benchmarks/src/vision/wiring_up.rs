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
    /// SE of the best layer's normalised value (its raw SE over the ceiling), where kept.
    #[serde(default)]
    pub best_layer_se: Option<f64>,
    /// Test images behind `cifar_accuracy` (0 in files written before it was kept).
    #[serde(default)]
    pub cifar_images: usize,
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
/// Returns the accuracy and the number of images.
pub async fn cifar_accuracy(
    subject: &VisionSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<(f64, usize)> {
    let mut log = DataLog::new(&ctx.assets);
    let subset = TestSubset::load(&mut log, ctx.options.occlusion_per_class).await?;
    let (inputs, _) = subset.inputs(
        Viewing::Whole,
        subject.cifar_normalisation("wiring-up (CIFAR-10 accuracy)")?,
    )?;
    let p = subject
        .predict(&inputs, subject.steps, "CIFAR-10 test subset", progress)
        .await?;
    let labels = subset.labels();
    Ok((accuracy(&p, &labels), labels.len()))
}

impl WiringUpRow {
    /// A row from an IT RSA score and an accuracy over `cifar_images` test images.
    pub fn new(it: &Score, cifar_accuracy: f64, cifar_images: usize) -> Self {
        let best_score = it.best_layer.as_ref().and_then(|b| it.layer_score(b));
        let best = best_score.map(|l| (l.layer.clone(), l.value));
        let best_layer_se = best_score.and_then(|l| {
            let e = l.error?;
            match (&it.ceiling, l.value.get()) {
                (None, _) => Some(e),
                (Some(c), Some(v)) if v < 1.0 && c.value > 0.0 => Some(e / c.value),
                _ => None,
            }
        });
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
            best_layer_se,
            cifar_images,
        }
    }

    /// SE of the normalised IT value: the raw SE over the ceiling (`raw / value`), none
    /// for a clipped or undefined value.
    pub fn it_value_se(&self) -> Option<f64> {
        match (self.it_se, self.it_raw.get(), self.it_value.get()) {
            (Some(e), Some(r), Some(v)) if r > 0.0 && v > 0.0 && v < 1.0 => Some(e * v / r),
            _ => None,
        }
    }

    /// Binomial SE of the accuracy, `sqrt(p (1 − p) / n)`, when `n` was kept.
    pub fn cifar_se(&self) -> Option<f64> {
        let p = self.cifar_accuracy;
        (self.cifar_images > 0).then(|| (p * (1.0 - p) / self.cifar_images as f64).sqrt())
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
            r.vs_final = Paired::over(FINAL, &r.it_per_subject, &final_subjects, "subjects");
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
        let mut s = String::from("| model | updates | IT RSA raw ρ ± SE | IT normalised ± SE | − final, paired over subjects (± SE, subjects ahead) | best layer, optimistic (normalised ± SE) | CIFAR-10 accuracy ± binomial SE |\n|---|---:|---:|---:|---:|---|---:|\n");
        let pm = |e: Option<f64>, scale: f64, digits: usize| {
            e.map_or(" (no SE kept)".to_string(), |e| {
                format!(" ± {:.*}", digits, scale * e)
            })
        };
        for r in &self.rows {
            let best = r.best_layer.as_ref().map_or("–".to_string(), |(l, v)| {
                format!("{l} ({v:.3}{})", pm(r.best_layer_se, 1.0, 3))
            });
            let se = pm(r.it_se, 1.0, 3);
            let value_se = pm(r.it_value_se(), 1.0, 3);
            let images = if r.cifar_images > 0 {
                format!(", {} images", r.cifar_images)
            } else {
                String::new()
            };
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
                "| `{}` | {} | {:.3}{se} | {:.3}{value_se} | {paired} | {} | {:.1} %{}{images} |\n",
                r.model,
                r.updates,
                r.it_raw,
                r.it_value,
                best,
                100.0 * r.cifar_accuracy,
                pm(r.cifar_se(), 100.0, 1),
            ));
        }
        s.push_str("\nIT errors: SE over the 4 subjects (sample SD / √n) of the raw held-out ρ; a normalised value's SE is the raw SE divided by the ceiling. Accuracy: binomial SE √(p(1 − p)/n) over the test images.\n");
        s.push_str(&format!(
            "\nFraction of the final IT score (raw ρ) at 2 % of updates: {:.2}; at 10 %: {:.2} (Geiger et al. 2022: ~0.8 at 2 %). No error is given for these ratios of two means; the paired differences from the final model above carry the comparison.\n",
            self.fraction_at_2pct, self.fraction_at_10pct
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(model: &str, raw: f64, value: f64, per_subject: &[f64]) -> WiringUpRow {
        WiringUpRow {
            model: model.into(),
            updates: 0,
            it_raw: Value::Defined(raw),
            it_value: Value::Defined(value),
            best_layer: Some(("IT".into(), Value::Defined(value))),
            cifar_accuracy: 0.5,
            it_se: Some(0.02),
            it_per_subject: per_subject.to_vec(),
            vs_final: None,
            best_layer_se: Some(0.03),
            cifar_images: 1000,
        }
    }

    #[test]
    fn every_number_of_the_table_has_its_error_or_says_why_not() {
        let report = WiringUp::new(vec![
            row("cornet-s-mini@2pct", 0.1, 0.15, &[0.1, 0.2]),
            row(FINAL, 0.2, 0.3, &[0.15, 0.25]),
        ]);
        let r = &report.rows[0];
        assert_eq!(r.vs_final.as_ref().unwrap().unit, "subjects");
        assert!(
            (r.it_value_se().unwrap() - 0.03).abs() < 1e-12,
            "SE / ceiling"
        );
        assert!((r.cifar_se().unwrap() - (0.25f64 / 1000.0).sqrt()).abs() < 1e-12);
        let md = report.to_markdown();
        assert!(
            md.contains("| `cornet-s-mini@2pct` | 0 | 0.100 ± 0.020 | 0.150 ± 0.030 | -0.050 ± 0.000 (0 of 2) | IT (0.150 ± 0.030) | 50.0 % ± 1.6, 1000 images |"),
            "{md}"
        );
        assert!(md.contains("No error is given for these ratios"), "{md}");
        // a file from before the image count and best-layer SE were kept says so
        let old: WiringUpRow = serde_json::from_value(serde_json::json!({
            "model": "m", "updates": 0, "it_raw": {"defined": 0.1}, "it_value": {"defined": 0.2},
            "best_layer": ["IT", {"defined": 0.2}], "cifar_accuracy": 0.1
        }))
        .unwrap();
        let md = WiringUp::new(vec![old]).to_markdown();
        assert!(
            md.contains("IT (0.200 (no SE kept))") && md.contains("10.0 % (no SE kept)"),
            "{md}"
        );
    }
}
