//! The result of one benchmark on one model: value, raw value, ceiling, per-layer values,
//! error estimate, notes, and the identifiers and versions of model, benchmark and data.
//! Shared by every benchmark (vision and language) so the CLI, the leaderboard and the
//! app format one type.

use std::fmt;

use brainprobe_metrics::ceiling::ceiling_normalize;
use brainprobe_models::language::Readout;
use serde::{Deserialize, Serialize};

use crate::language::fedorenko2010::LocalizerDetails;
use crate::language::futrell2018::FutrellDetails;
use crate::language::pereira2018::PereiraDetails;
use crate::language::wikitext2::NextWordDetails;
use crate::registry::BenchmarkSpec;
use crate::vision::attractor::AttractorDetails;
use crate::vision::kriegeskorte2008::RsaDetails;
use crate::vision::occlusion::OcclusionDetails;

/// Why a number does not exist. Tables print "undefined (…)" instead of NaN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Undefined {
    /// The model's features were the same for every stimulus, so the comparison has no variance.
    Constant,
    /// The metric produced no finite number for another reason.
    NotFinite,
}

impl fmt::Display for Undefined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Undefined::Constant => "undefined (constant)",
            Undefined::NotFinite => "undefined (not finite)",
        })
    }
}

/// A score component that is either a finite number or explicitly undefined — never NaN.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// A finite number.
    Defined(f64),
    /// No number, and why.
    Undefined(Undefined),
}

impl Value {
    /// `x` if finite, else `Undefined(reason)`.
    pub fn finite_or(x: f64, reason: Undefined) -> Value {
        if x.is_finite() {
            Value::Defined(x)
        } else {
            Value::Undefined(reason)
        }
    }

    /// The number, if defined.
    pub fn get(&self) -> Option<f64> {
        match self {
            Value::Defined(v) => Some(*v),
            Value::Undefined(_) => None,
        }
    }
}

impl fmt::Display for Value {
    /// A defined value honours the precision (`{:.3}`; 4 digits by default).
    /// Width and alignment are honoured too (right-aligned by default, as numbers are).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Value::Defined(v) => format!("{:.*}", f.precision().unwrap_or(4), v),
            Value::Undefined(u) => u.to_string(),
        };
        let pad = f.width().unwrap_or(0).saturating_sub(text.chars().count());
        let (left, right) = match f.align() {
            Some(fmt::Alignment::Left) => (0, pad),
            Some(fmt::Alignment::Center) => (pad / 2, pad - pad / 2),
            _ => (pad, 0),
        };
        write!(f, "{}{text}{}", " ".repeat(left), " ".repeat(right))
    }
}

/// Which benchmark, at which version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkRef {
    /// Benchmark identifier (`kriegeskorte2008-it-rsa`).
    pub id: String,
    /// Version of its procedure; bumped whenever a number could change.
    pub version: u32,
}

/// Which model, with which weights, run how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelRef {
    /// Model identifier (`cornet-s-mini@2pct`).
    pub id: String,
    /// sha256 of the weights file, from its manifest.
    pub weights_sha256: String,
    /// Supervised updates the weights received (0 = untrained).
    pub updates: u64,
    /// Time-step cap the model ran with (`None` = as trained).
    pub timesteps: Option<usize>,
    /// Device it ran on (`cpu`, or the GPU adapter).
    pub device: String,
    /// Language models: the readout each part's representation was read with (absent
    /// where none was: vision, surprisal, perplexity, the baselines' whole-part features;
    /// scores from before readouts existed used `last-token`, or the mean of word vectors
    /// for the embeddings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readout: Option<Readout>,
}

/// A data file the score was computed from, with its digest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileDigest {
    /// Bundle path.
    pub path: String,
    /// sha256 of the bytes read.
    pub sha256: String,
}

/// The data behind a score: bundle provenance and the files read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataRef {
    /// sha256 of `data/manifest.toml` the bundle was built from (`bundle.json`).
    pub manifest_sha256: String,
    /// Bundle layout version.
    pub bundle_version: u32,
    /// Every file read, in reading order (images of a folder are digested together).
    pub files: Vec<FileDigest>,
}

/// The ceiling a raw score is divided by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ceiling {
    /// The normaliser (e.g. the Nili upper bound).
    pub value: f64,
    /// A lower bound where one exists (Nili lower bound).
    pub lower: Option<f64>,
    /// How it was computed.
    pub method: String,
}

/// An error estimate and how it was obtained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorEstimate {
    /// Standard error (or half-width) in the units of `raw`.
    pub value: f64,
    /// What it is (e.g. "SE over 4 subjects").
    pub method: String,
}

/// One layer's score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerScore {
    /// Layer name (`IT.t1`).
    pub layer: String,
    /// Raw score of the layer.
    pub raw: Value,
    /// Ceiling-normalised (clipped) score, or the raw score when there is no ceiling.
    pub value: Value,
    /// Error estimate of `raw`, if any.
    pub error: Option<f64>,
}

/// One fold's layer in a nested choice: the split or held-out subject, the layer chosen
/// on the other data, and the fold's held-out value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FoldChoice {
    /// The chosen layer.
    pub layer: String,
    /// The fold's held-out value at that layer (raw units).
    pub value: f64,
    /// The α of the chosen layer's fit (regression benchmarks).
    pub alpha: Option<f64>,
}

/// A headline whose layer was chosen without the test data (METRICS §10.3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerChoice {
    /// How the layer was chosen, in one line.
    pub method: String,
    /// What a fold is ("split", "held-out subject").
    pub fold: String,
    /// Per fold, in order.
    pub folds: Vec<FoldChoice>,
    /// The fixed-rule layer of earlier versions (the model's last layer) and its raw value,
    /// kept for comparison.
    pub committed_layer: Option<String>,
    /// `committed_layer`'s raw value.
    pub committed_raw: Option<Value>,
}

impl LayerChoice {
    /// "nested by split: h4 in 7 of 10 splits, h3 in 3" — the layers, most chosen first.
    pub fn summary(&self) -> String {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for f in &self.folds {
            match counts.iter_mut().find(|(l, _)| *l == f.layer) {
                Some((_, c)) => *c += 1,
                None => counts.push((f.layer.clone(), 1)),
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        let n = self.folds.len();
        let parts: Vec<String> = counts
            .iter()
            .enumerate()
            .map(|(i, (l, c))| {
                if i == 0 {
                    format!("{l} in {c} of {n} {}s", self.fold)
                } else {
                    format!("{l} in {c}")
                }
            })
            .collect();
        format!("chosen per {}: {}", self.fold, parts.join(", "))
    }
}

/// Benchmark-specific results beside the headline number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Details {
    /// RSA against IT RDMs (`kriegeskorte2008-*`).
    Rsa(RsaDetails),
    /// Accuracy under bubble occlusion vs people (`tang2018-occlusion`).
    Occlusion(OcclusionDetails),
    /// Hopfield attractor readout (`tang2018-attractor`).
    Attractor(AttractorDetails),
    /// Pereira encoding (`pereira2018-langnet`).
    Pereira(PereiraDetails),
    /// Reading times (`futrell2018-rt`, `futrell2018-rt-surprisal`).
    Futrell(FutrellDetails),
    /// WikiText-2 perplexity (`wikitext2-nextword`).
    NextWord(NextWordDetails),
    /// The model's language network (`fedorenko2010-localizer`).
    Localizer(LocalizerDetails),
}

/// The result of one benchmark on one model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The benchmark.
    pub benchmark: BenchmarkRef,
    /// The model.
    pub model: ModelRef,
    /// The data.
    pub data: DataRef,
    /// What `raw` measures, in one line.
    pub metric: String,
    /// Headline: `clip(raw / ceiling, 0, 1)` with a ceiling, else `raw`.
    pub value: Value,
    /// The score before ceiling normalisation.
    pub raw: Value,
    /// The ceiling, if the data allow one (see `notes` when not).
    pub ceiling: Option<Ceiling>,
    /// `raw / ceiling` before clipping.
    pub normalized_unclipped: Option<f64>,
    /// Error estimate of `raw`.
    pub error: Option<ErrorEstimate>,
    /// The layer the headline comes from (the model's committed layer), if per-layer.
    pub layer: Option<String>,
    /// Every scored layer in recording order (empty for behavioural benchmarks).
    pub layers: Vec<LayerScore>,
    /// The layer with the highest `value` (first on ties); selected on the test data, so
    /// optimistic — reported beside the headline, never instead of it.
    pub best_layer: Option<String>,
    /// How the headline's layer was chosen without the test data (METRICS §10.3), when it
    /// was (then `layer` is `None`: the layer may differ per split or subject).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer_choice: Option<LayerChoice>,
    /// Caveats a reader needs (e.g. "no ceiling available").
    pub notes: Vec<String>,
    /// Benchmark-specific results.
    pub details: Option<Details>,
}

/// A score with the views a page draws from the same run ([`crate::views::run`]); the
/// CLI keeps `score`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// The score, equal to what [`crate::registry::run`] returns.
    pub score: Score,
    /// What the pages draw beside it.
    pub views: crate::views::Views,
}

impl Score {
    /// An empty score of `spec` for `model` on `data`; the benchmark fills in the rest.
    pub fn new(spec: &BenchmarkSpec, model: ModelRef, data: DataRef, metric: &str) -> Score {
        Score {
            benchmark: BenchmarkRef {
                id: spec.id.to_string(),
                version: spec.version,
            },
            model,
            data,
            metric: metric.to_string(),
            value: Value::Undefined(Undefined::NotFinite),
            raw: Value::Undefined(Undefined::NotFinite),
            ceiling: None,
            normalized_unclipped: None,
            error: None,
            layer: None,
            layers: Vec::new(),
            best_layer: None,
            layer_choice: None,
            notes: Vec::new(),
            details: None,
        }
    }

    /// Sets `raw`, `value` and `normalized_unclipped` from `raw` and `ceiling` (METRICS §0.7).
    pub fn set_raw(&mut self, raw: Value) {
        let (value, unclipped) = normalize(raw, self.ceiling.as_ref().map(|c| c.value));
        self.raw = raw;
        self.value = value;
        self.normalized_unclipped = unclipped;
    }

    /// The headline's layer in words: the nested choice's summary, else the layer.
    pub fn layer_label(&self) -> String {
        match (&self.layer_choice, &self.layer) {
            (Some(c), _) => c.summary(),
            (None, Some(l)) => l.clone(),
            (None, None) => "–".into(),
        }
    }

    /// The layer score named `layer`.
    pub fn layer_score(&self, layer: &str) -> Option<&LayerScore> {
        self.layers.iter().find(|l| l.layer == layer)
    }

    /// The error of `value`: the error of `raw` without a ceiling; with one, that error
    /// divided by the ceiling (a fixed divisor), unless the value was clipped (then none:
    /// a clipped value has no symmetric error).
    pub fn value_error(&self) -> Option<f64> {
        let e = self.error.as_ref()?.value;
        match (&self.ceiling, self.normalized_unclipped, self.value) {
            (None, _, _) => Some(e),
            (Some(c), Some(u), Value::Defined(v)) if u == v && c.value > 0.0 => Some(e / c.value),
            _ => None,
        }
    }

    /// Why a defined score carries no error, for tables that must say so rather than leave
    /// it out (METRICS §10.4); `None` when it has one or is undefined.
    pub fn missing_error(&self) -> Option<&'static str> {
        if self.error.is_some() || self.raw.get().is_none() {
            return None;
        }
        Some(match &self.details {
            Some(Details::Rsa(d)) if d.per_subject.len() <= 1 => "one RDM",
            Some(Details::Futrell(d)) if d.per_fold_r.is_empty() => "one pooled r",
            Some(Details::NextWord(_)) => "one pooled perplexity",
            Some(Details::Localizer(d)) if d.localized_per_split_r.is_empty() => {
                "per-split values not kept in this file"
            }
            _ => "none computed",
        })
    }
}

/// `(clip(raw / ceiling, 0, 1), raw / ceiling)` with a ceiling; `(raw, None)` without one.
/// An undefined raw stays undefined; an unusable ceiling makes the value undefined.
pub fn normalize(raw: Value, ceiling: Option<f64>) -> (Value, Option<f64>) {
    match (raw, ceiling) {
        (Value::Undefined(u), _) => (Value::Undefined(u), None),
        (v, None) => (v, None),
        (Value::Defined(r), Some(c)) => match ceiling_normalize(r, c) {
            Ok(n) => (Value::Defined(n.value), Some(n.normalized_unclipped)),
            Err(_) => (Value::Undefined(Undefined::NotFinite), None),
        },
    }
}

/// Index of the highest defined value (first on exact ties), if any.
pub fn best_index(values: &[Value]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, v) in values.iter().enumerate() {
        if let Some(x) = v.get() {
            if best.is_none_or(|(_, b)| x > b) {
                best = Some((i, x));
            }
        }
    }
    best.map(|(i, _)| i)
}

/// Test support: an empty score of benchmark `id` for `model` on the Cpu, with placeholder
/// weights and data references.
#[cfg(test)]
pub(crate) fn test_score(id: &str, model: &str, metric: &str) -> Score {
    let model = serde_json::from_value::<ModelRef>(serde_json::json!({
        "id": model, "weights_sha256": "", "updates": 0, "timesteps": null, "device": "cpu"
    }))
    .unwrap();
    let data = DataRef {
        manifest_sha256: "m".into(),
        bundle_version: 1,
        files: Vec::new(),
    };
    Score::new(crate::registry::find(id).unwrap(), model, data, metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_is_never_nan_and_prints_clearly() {
        let v = Value::finite_or(f64::NAN, Undefined::Constant);
        assert_eq!(v.to_string(), "undefined (constant)");
        assert_eq!(format!("{:.2}", Value::Defined(0.12345)), "0.12");
        assert_eq!(format!("{:>6.1}", Value::Defined(0.25)), "   0.2");
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, r#"{"undefined":"constant"}"#);
        assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), v);
    }

    #[test]
    fn normalisation_clips_and_keeps_unclipped() {
        assert_eq!(
            normalize(Value::Defined(0.8), Some(0.5)),
            (Value::Defined(1.0), Some(1.6))
        );
        assert_eq!(normalize(Value::Defined(0.3), None).0, Value::Defined(0.3));
        let undefined = Value::Undefined(Undefined::Constant);
        assert_eq!(normalize(undefined, Some(0.5)).0, undefined);
    }

    #[test]
    fn best_skips_undefined_and_prefers_first() {
        let v = [
            Value::Undefined(Undefined::Constant),
            Value::Defined(0.2),
            Value::Defined(0.5),
            Value::Defined(0.5),
        ];
        assert_eq!(best_index(&v), Some(2));
        assert_eq!(best_index(&v[..1]), None);
    }
}
