//! Choosing a network's layer without the test data (METRICS §10.3): in every outer split
//! the layer whose RidgeCV fit explains the training rows best (highest `best_score_`,
//! the negative mean squared leave-one-out error at its best α) is that split's layer, and
//! the split's value is its held-out correlation. Also the α-grid edge count of §10.2.

use ndarray::Axis;

use crate::predictivity::Predictivity;
use crate::stats::{mean, nanmedian};

/// The α grid of every benchmark regression (METRICS §10.2): `logspace(-3, 6, 10)`.
pub const WIDE_ALPHAS: [f64; 10] = [1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];

/// One outer split's choice.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitChoice {
    /// Index (into the layers given) of the chosen layer.
    pub layer: usize,
    /// Its training-row selection score: −(mean squared LOO error at its best α).
    pub best_score: f64,
    /// Its α.
    pub alpha: f64,
    /// Its held-out value: median over targets of the test-row Pearson r.
    pub value: f64,
}

/// The nested (layer-chosen-per-split) score.
#[derive(Clone, Debug, PartialEq)]
pub struct NestedScore {
    /// Per split, in split order.
    pub splits: Vec<SplitChoice>,
    /// Mean over splits of the split values.
    pub raw: f64,
    /// Population SD of the split values / sqrt(#splits) (descriptive, as §1.6).
    pub error: f64,
}

/// Chooses a layer per split from each layer's RidgeCV cross-validation (`None` = layer
/// not scored, e.g. constant features). Every scored layer must share the splits; ties in
/// `best_score` keep the earliest layer. `None` when no layer was scored or the runs carry
/// no leave-one-out errors (not RidgeCV).
pub fn nested_choice(per_layer: &[Option<&Predictivity>]) -> Option<NestedScore> {
    let n_splits = per_layer.iter().flatten().map(|p| p.r.nrows()).next()?;
    let mut splits = Vec::with_capacity(n_splits);
    for k in 0..n_splits {
        let mut best: Option<SplitChoice> = None;
        for (layer, p) in per_layer.iter().enumerate() {
            let Some(p) = p else { continue };
            let (Some(mse), Some(&alpha)) = (p.loo_mse.get(k), p.alphas.get(k)) else {
                return None;
            };
            let best_score = -mse.iter().copied().fold(f64::INFINITY, f64::min);
            if best.as_ref().is_none_or(|b| best_score > b.best_score) {
                let row = p.r.index_axis(Axis(0), k).to_vec();
                best = Some(SplitChoice {
                    layer,
                    best_score,
                    alpha,
                    value: nanmedian(&row),
                });
            }
        }
        splits.push(best?);
    }
    let values: Vec<f64> = splits.iter().map(|s| s.value).collect();
    let raw = mean(&values);
    let sd =
        (values.iter().map(|v| (v - raw) * (v - raw)).sum::<f64>() / values.len() as f64).sqrt();
    Some(NestedScore {
        splits,
        raw,
        error: sd / (values.len() as f64).sqrt(),
    })
}

/// How many of the chosen α lie at either end of `grid`, out of how many fits.
pub fn grid_edge_count(per_layer: &[Option<&Predictivity>], grid: &[f64]) -> (usize, usize) {
    let (first, last) = (grid.first().copied(), grid.last().copied());
    let alphas = per_layer.iter().flatten().flat_map(|p| p.alphas.iter());
    alphas.fold((0, 0), |(edge, total), &a| {
        let at_edge = Some(a) == first || Some(a) == last;
        (edge + usize::from(at_edge), total + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlation::PearsonVariant;
    use crate::predictivity::cross_validate_standardised;
    use crate::regression::Regression;
    use crate::splits::kfold;
    use ndarray::Array2;

    #[test]
    fn the_layer_that_fits_the_training_rows_is_chosen_per_split() {
        let n = 60;
        let signal: Vec<f64> = (0..n).map(|i| ((i * 13) % 17) as f64).collect();
        let y = Array2::from_shape_fn((n, 1), |(i, _)| signal[i]);
        // layer 0: noise only; layer 1: the signal plus a little noise
        let noise = |i: usize, j: usize| (((i * 31 + j * 7) % 23) as f64 - 11.0) / 11.0;
        let l0 = Array2::from_shape_fn((n, 4), |(i, j)| noise(i, j));
        let l1 = Array2::from_shape_fn((n, 4), |(i, j)| signal[i] * (j as f64 + 1.0) + noise(i, j));
        let splits = kfold(n, 5, 3).unwrap();
        let reg = Regression::RidgeCv {
            alphas: WIDE_ALPHAS.to_vec(),
        };
        let run = |x: &Array2<f64>| {
            cross_validate_standardised(x.view(), y.view(), &splits, &reg, PearsonVariant::Epsilon)
                .unwrap()
        };
        let (p0, p1) = (run(&l0), run(&l1));
        let nested = nested_choice(&[Some(&p0), None, Some(&p1)]).unwrap();
        assert_eq!(nested.splits.len(), 5);
        assert!(nested.splits.iter().all(|s| s.layer == 2));
        let expected = mean(&p1.r.column(0).to_vec());
        assert!((nested.raw - expected).abs() < 1e-15);
        // equal fits: the earliest layer wins
        let tie = nested_choice(&[Some(&p1), Some(&p1)]).unwrap();
        assert!(tie.splits.iter().all(|s| s.layer == 0));
        assert_eq!(nested_choice(&[None, None]), None);
        let (edge, total) = grid_edge_count(&[Some(&p0), Some(&p1)], &WIDE_ALPHAS);
        assert_eq!(total, 10);
        assert!(edge <= total);
    }
}
