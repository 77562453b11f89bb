//! Language benchmarks (issue 6): `pereira2018-langnet` (averaged language-network fMRI
//! responses to 627 sentences), `futrell2018-rt` and `futrell2018-rt-surprisal` (Natural
//! Stories self-paced reading times), `wikitext2-nextword` (word-level perplexity) and
//! `fedorenko2010-localizer` (the model's own "language network" by the sentences > nonwords
//! contrast). Findings across models live in [`findings`].

pub mod fedorenko2010;
pub mod findings;
pub mod futrell2018;
pub mod layers;
pub mod new_sentence;
pub mod pereira2018;
pub mod wikitext2;

use brainprobe_metrics::correlation::PearsonVariant;
use brainprobe_metrics::layer_choice::WIDE_ALPHAS;
use brainprobe_metrics::regression::Regression;
use brainprobe_metrics::splits::Split;
use brainprobe_metrics::{cross_validate_standardised, Predictivity};
use brainprobe_models::language::LayerActivations;
use ndarray::{Array2, ArrayView2};

use crate::error::Result;
use crate::score::{Undefined, Value};

/// The layer a language model commits to when a benchmark reports one headline number:
/// its last recorded layer (the model's output representation; the only one for
/// context-free embeddings). A fixed rule, not chosen on any brain data; the best layer
/// (selected on the test data, so optimistic) is reported beside it.
pub fn committed_layer(names: &[String]) -> Option<String> {
    names.last().cloned()
}

/// One layer's activations as f64 (rows = stimuli).
pub fn as_f64(layer: &LayerActivations) -> Array2<f64> {
    layer.values.mapv(f64::from)
}

/// True when every row of `x` is the same (no stimulus information at all).
pub fn is_constant(x: ArrayView2<f64>) -> bool {
    match x.rows().into_iter().next() {
        None => true,
        Some(first) => x.rows().into_iter().all(|r| r == first),
    }
}

/// The regression of every language benchmark: RidgeCV over α ∈ logspace(−3, 6, 10)
/// (METRICS §10.2), on features standardised per split.
pub fn regression() -> Regression {
    Regression::RidgeCv {
        alphas: WIDE_ALPHAS.to_vec(),
    }
}

/// Cross-validated RidgeCV predictivity of `y` (one column) from `x` on `splits`
/// (METRICS §1 with §10.2: features standardised with each split's training statistics,
/// the wide α grid; epsilon Pearson, mean over splits of r); `Undefined(Constant)` when
/// the features carry no stimulus information.
pub fn predictivity(
    x: ArrayView2<f64>,
    y: &[f64],
    splits: &[Split],
) -> Result<(Value, Option<Predictivity>)> {
    if is_constant(x) {
        return Ok((Value::Undefined(Undefined::Constant), None));
    }
    let y = column(y);
    let p =
        cross_validate_standardised(x, y.view(), splits, &regression(), PearsonVariant::Epsilon)?;
    Ok((
        Value::finite_or(p.aggregate.raw, Undefined::NotFinite),
        Some(p),
    ))
}

/// Held-out predictions of `y` from `x` behind a [`predictivity`] score: RidgeCV fitted on
/// each split's training rows predicts its test rows; a row held out in several splits
/// (ShuffleSplit) gets the mean of its predictions, a row never held out gets `None`.
/// For plots of predicted against measured; the score itself is the per-split r.
pub fn held_out_predictions(
    x: ArrayView2<f64>,
    y: &[f64],
    splits: &[Split],
) -> Result<Vec<Option<f64>>> {
    layers::nested_held_out_predictions(&[x], &vec![0; splits.len()], y, splits)
}

/// `values` as an `(n, 1)` matrix.
pub fn column(values: &[f64]) -> Array2<f64> {
    Array2::from_shape_fn((values.len(), 1), |(i, _)| values[i])
}

/// Keeps the first `n` items when a subset is asked for.
pub fn subset<T>(mut items: Vec<T>, n: Option<usize>) -> Vec<T> {
    if let Some(n) = n {
        items.truncate(n);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use brainprobe_metrics::correlation::pearson;

    #[test]
    fn held_out_predictions_cover_test_rows_and_follow_the_signal() {
        let n = 40;
        let x = Array2::from_shape_fn((n, 3), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0);
        let y: Vec<f64> = (0..n).map(|i| 2.0 * x[(i, 0)] - x[(i, 2)]).collect();
        // Two splits: rows 0..10 held out twice, 10..20 once, 20..40 never.
        let splits = vec![
            Split {
                train: (10..40).collect(),
                test: (0..10).collect(),
            },
            Split {
                train: (20..40).collect(),
                test: (0..20).collect(),
            },
        ];
        let p = held_out_predictions(x.view(), &y, &splits).expect("fits");
        assert!(p[..20].iter().all(Option::is_some));
        assert!(p[20..].iter().all(Option::is_none));
        let got: Vec<f64> = p[..20].iter().flatten().copied().collect();
        assert!(pearson(&got, &y[..20]) > 0.99);
    }
}
