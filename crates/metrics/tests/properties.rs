//! Property tests (proptest), native only.
#![cfg(not(target_arch = "wasm32"))]

use brainprobe_metrics::correlation::{kendall_tau_a, pearson, pearson_view, PearsonVariant};
use brainprobe_metrics::rsa::rdm;
use brainprobe_metrics::{fit_predict, Regression};
use ndarray::{Array2, ArrayView1};
use proptest::prelude::*;

fn vec_pair(n: std::ops::Range<usize>) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    n.prop_flat_map(|n| {
        (
            prop::collection::vec(-1e3..1e3f64, n),
            prop::collection::vec(-1e3..1e3f64, n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn pearson_is_bounded_and_symmetric((x, y) in vec_pair(2..40)) {
        for variant in [PearsonVariant::Exact, PearsonVariant::Epsilon] {
            let a = pearson_view(ArrayView1::from(&x), ArrayView1::from(&y), variant);
            let b = pearson_view(ArrayView1::from(&y), ArrayView1::from(&x), variant);
            if a.is_nan() {
                prop_assert!(b.is_nan());
            } else {
                prop_assert!((-1.0..=1.0).contains(&a), "{a}");
                prop_assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn rdm_is_symmetric_with_zero_diagonal(n in 2usize..12, u in 2usize..20, seed in any::<u64>()) {
        let mut s = seed;
        let p = Array2::from_shape_fn((n, u), |_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        });
        let r = rdm(p.view()).unwrap().matrix;
        for i in 0..n {
            prop_assert_eq!(r[[i, i]], 0.0);
            for j in 0..n {
                prop_assert_eq!(r[[i, j]], r[[j, i]]);
                prop_assert!((0.0..=2.0).contains(&r[[i, j]]));
            }
        }
    }

    #[test]
    fn tau_a_with_itself_is_one_minus_tie_fraction(x in prop::collection::vec(0u8..6, 2..60)) {
        let v: Vec<f64> = x.iter().map(|&a| f64::from(a)).collect();
        let n = v.len();
        let pairs = n * (n - 1) / 2;
        let mut ties = 0usize;
        for i in 0..n {
            for j in i + 1..n {
                ties += usize::from(v[i] == v[j]);
            }
        }
        let t = kendall_tau_a(&v, &v).unwrap();
        prop_assert!((t - (1.0 - ties as f64 / pairs as f64)).abs() < 1e-12);
    }

    #[test]
    fn ridge_with_huge_alpha_predicts_the_training_mean(n in 4usize..20, p in 1usize..30, seed in any::<u64>()) {
        let mut s = seed;
        let mut next = || {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        let x = Array2::from_shape_fn((n, p), |_| next());
        let y = Array2::from_shape_fn((n, 2), |_| next() * 10.0 + 3.0);
        let xt = Array2::from_shape_fn((3, p), |_| next());
        for reg in [Regression::Ridge { alpha: 1e12 }, Regression::RidgeCv { alphas: vec![1e12, 1e13] }] {
            let f = fit_predict(x.view(), y.view(), xt.view(), &reg).unwrap();
            for j in 0..2 {
                let m = y.column(j).mean().unwrap();
                for i in 0..3 {
                    prop_assert!((f.predictions[[i, j]] - m).abs() < 1e-6, "{} vs {m}", f.predictions[[i, j]]);
                }
            }
        }
    }
}

#[test]
fn exact_pearson_nan_for_constant() {
    assert!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_nan());
}
