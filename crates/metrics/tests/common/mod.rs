//! Golden reference cases of `shared/golden` (see its README), written once and run both
//! natively (`tests/golden.rs`) and in headless Chromium (`tests/web.rs`). The golden files
//! are embedded at compile time from the sibling `shared/` checkout.
#![allow(dead_code)]

use brainprobe_metrics::bubbles::{self, Center};
use brainprobe_metrics::ceiling::{self, spearman_brown};
use brainprobe_metrics::correlation::{self, PearsonVariant};
use brainprobe_metrics::extrapolation;
use brainprobe_metrics::lm;
use brainprobe_metrics::occlusion::{self, AccuracyCurve};
use brainprobe_metrics::rsa::{self, Pooling, RsaMethod};
use brainprobe_metrics::splits::{self, Split};
use brainprobe_metrics::{cross_validate, RandomState, Regression};
use ndarray::{Array, Array1, Array2, Axis, Dimension};
use ndarray_npy::ReadNpyExt;
use serde_json::Value;

macro_rules! golden {
    ($f:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/golden/",
            $f
        ))
        .as_slice()
    };
}

/// Every golden case, by name; `$m!` receives the list (used to declare the test functions).
#[macro_export]
macro_rules! golden_cases {
    ($m:ident) => {
        $m!(
            rng_mt19937_first_outputs,
            rng_permutations_and_choice,
            splits_kfold,
            splits_shuffle_split,
            splits_group_kfold,
            splits_stratified_kfold,
            splits_stratified_shuffle_split,
            pearson_columns_both_variants,
            regression_tall_kfold,
            regression_tall_shuffle,
            regression_wide_kfold,
            rsa_rdms,
            rsa_comparisons,
            rsa_nili_and_model,
            ceiling_spearman_brown,
            ceiling_split_half,
            ceiling_items_reliability,
            ceiling_extrapolation_single_fit,
            ceiling_extrapolation_bootstrap,
            bubbles_masks_and_occlusion,
            bubbles_target_visibility,
            occlusion_score_curves,
            lm_perplexity_windows_surprisal,
            lm_segmentation_and_futrell_toy
        );
    };
}

fn npy<D: Dimension>(bytes: &[u8]) -> Array<f64, D>
where
    Array<f64, D>: ReadNpyExt,
{
    Array::<f64, D>::read_npy(bytes).expect("golden f64 npy")
}

fn npy_i64<D: Dimension>(bytes: &[u8]) -> Array<i64, D>
where
    Array<i64, D>: ReadNpyExt,
{
    Array::<i64, D>::read_npy(bytes).expect("golden i64 npy")
}

fn npy_u8<D: Dimension>(bytes: &[u8]) -> Array<u8, D>
where
    Array<u8, D>: ReadNpyExt,
{
    Array::<u8, D>::read_npy(bytes).expect("golden u8 npy")
}

fn expected() -> Value {
    serde_json::from_slice(golden!("expected.json")).expect("expected.json")
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(num).collect()
}

/// "closed form": |a − b| ≤ 1e-12 + 1e-9·|b|; NaN must be NaN.
#[track_caller]
fn closed(what: &str, a: f64, b: f64) {
    tol(what, a, b, 1e-12, 1e-9);
}

#[track_caller]
fn tol(what: &str, a: f64, b: f64, abs: f64, rel: f64) {
    if b.is_nan() {
        assert!(a.is_nan(), "{what}: expected NaN, got {a}");
        return;
    }
    assert!(
        (a - b).abs() <= abs + rel * b.abs(),
        "{what}: got {a}, expected {b} (diff {:e})",
        (a - b).abs()
    );
}

#[track_caller]
fn closed_all(what: &str, a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{what}: length");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        closed(&format!("{what}[{i}]"), *x, *y);
    }
}

#[track_caller]
fn tol_all(what: &str, a: &[f64], b: &[f64], abs: f64, rel: f64) {
    assert_eq!(a.len(), b.len(), "{what}: length");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        tol(&format!("{what}[{i}]"), *x, *y, abs, rel);
    }
}

fn as_i64(v: &[usize]) -> Vec<i64> {
    v.iter().map(|&x| x as i64).collect()
}

// ---------------------------------------------------------------------------- rng

pub fn rng_mt19937_first_outputs() {
    let cases: [(u32, &[u8]); 3] = [
        (0, golden!("rng/mt19937_seed0_first16_u32.npy")),
        (1, golden!("rng/mt19937_seed1_first16_u32.npy")),
        (1234, golden!("rng/mt19937_seed1234_first16_u32.npy")),
    ];
    for (seed, bytes) in cases {
        let want = npy_i64::<ndarray::Ix1>(bytes).to_vec();
        let mut rs = RandomState::new(seed);
        let got: Vec<i64> = (0..16).map(|_| rs.next_u32() as i64).collect();
        assert_eq!(got, want, "seed {seed}");
    }
}

pub fn rng_permutations_and_choice() {
    let cases: [(u32, usize, &[u8]); 5] = [
        (1, 10, golden!("rng/permutation_seed1_n10.npy")),
        (0, 10, golden!("rng/permutation_seed0_n10.npy")),
        (1, 100, golden!("rng/permutation_seed1_n100.npy")),
        (0, 180, golden!("rng/permutation_seed0_n180.npy")),
        (1234, 12, golden!("rng/permutation_seed1234_n12.npy")),
    ];
    for (seed, n, bytes) in cases {
        assert_eq!(
            as_i64(&RandomState::new(seed).permutation(n)),
            npy_i64::<ndarray::Ix1>(bytes).to_vec(),
            "seed {seed} n {n}"
        );
    }
    let c = RandomState::new(0).choice_with_replacement(7, 20);
    assert_eq!(
        as_i64(&c),
        npy_i64::<ndarray::Ix1>(golden!("rng/choice_replace_seed0_pop7_size20.npy")).to_vec()
    );
    let c = RandomState::new(0).choice_without_replacement(30, 15);
    assert_eq!(
        as_i64(&c),
        npy_i64::<ndarray::Ix1>(golden!("rng/choice_noreplace_seed0_pop30_size15.npy")).to_vec()
    );
}

// ---------------------------------------------------------------------------- splits

pub fn splits_kfold() {
    let cases: [(usize, &[u8]); 3] = [
        (40, golden!("splits/kfold_n40_k5_seed1_foldid.npy")),
        (60, golden!("splits/kfold_n60_k5_seed1_foldid.npy")),
        (30, golden!("splits/kfold_n30_k5_seed1_foldid.npy")),
    ];
    for (n, bytes) in cases {
        let s = splits::kfold(n, 5, 1).unwrap();
        assert_eq!(
            splits::fold_ids(&s, n),
            npy_i64::<ndarray::Ix1>(bytes).to_vec(),
            "n {n}"
        );
    }
}

fn check_train_test(s: &[Split], train: &[u8], test: &[u8]) {
    let tr = npy_i64::<ndarray::Ix2>(train);
    let te = npy_i64::<ndarray::Ix2>(test);
    assert_eq!(s.len(), tr.nrows());
    for (k, sp) in s.iter().enumerate() {
        assert_eq!(as_i64(&sp.train), tr.row(k).to_vec(), "train of split {k}");
        assert_eq!(as_i64(&sp.test), te.row(k).to_vec(), "test of split {k}");
    }
}

pub fn splits_shuffle_split() {
    let s = splits::shuffle_split(40, 10, 0.9, 1).unwrap();
    check_train_test(
        &s,
        golden!("splits/shufflesplit_n40_s10_train0.9_seed1_train.npy"),
        golden!("splits/shufflesplit_n40_s10_train0.9_seed1_test.npy"),
    );
    let s = splits::shuffle_split(60, 10, 0.9, 1).unwrap();
    check_train_test(
        &s,
        golden!("splits/shufflesplit_n60_s10_train0.9_seed1_train.npy"),
        golden!("splits/shufflesplit_n60_s10_train0.9_seed1_test.npy"),
    );
}

pub fn splits_group_kfold() {
    let groups = npy_i64::<ndarray::Ix1>(golden!("splits/groupkfold_groups_n40.npy")).to_vec();
    let s = splits::group_kfold(&groups, 4, 1234).unwrap();
    assert_eq!(
        splits::fold_ids(&s, 40),
        npy_i64::<ndarray::Ix1>(golden!("splits/groupkfold_n40_k4_seed1234_foldid.npy")).to_vec()
    );
}

pub fn splits_stratified_kfold() {
    let labels = npy_i64::<ndarray::Ix1>(golden!("splits/stratified_labels_n40.npy")).to_vec();
    let s = splits::stratified_kfold(&labels, 5, 1).unwrap();
    assert_eq!(
        splits::fold_ids(&s, 40),
        npy_i64::<ndarray::Ix1>(golden!("splits/stratifiedkfold_n40_k5_seed1_foldid.npy")).to_vec()
    );
}

pub fn splits_stratified_shuffle_split() {
    let labels = npy_i64::<ndarray::Ix1>(golden!("splits/sss_labels_n60.npy")).to_vec();
    let s = splits::stratified_shuffle_split(&labels, 10, 0.9, 1).unwrap();
    check_train_test(
        &s,
        golden!("splits/stratifiedshufflesplit_n60_s10_train0.9_seed1_train.npy"),
        golden!("splits/stratifiedshufflesplit_n60_s10_train0.9_seed1_test.npy"),
    );
}

// ---------------------------------------------------------------------------- pearson

pub fn pearson_columns_both_variants() {
    let x = npy::<ndarray::Ix2>(golden!("pearson/x.npy"));
    let y = npy::<ndarray::Ix2>(golden!("pearson/y.npy"));
    let exact = correlation::pearson_columns(x.view(), y.view(), PearsonVariant::Exact).unwrap();
    let eps = correlation::pearson_columns(x.view(), y.view(), PearsonVariant::Epsilon).unwrap();
    closed_all(
        "r_scipy",
        exact.as_slice().unwrap(),
        npy::<ndarray::Ix1>(golden!("pearson/r_scipy.npy"))
            .as_slice()
            .unwrap(),
    );
    closed_all(
        "r_eps",
        eps.as_slice().unwrap(),
        npy::<ndarray::Ix1>(golden!("pearson/r_eps.npy"))
            .as_slice()
            .unwrap(),
    );
    assert_eq!(eps[5], 0.0, "constant column gives exactly 0");
    // the two variants must be distinguishable at 1e-12
    assert!((exact[0] - eps[0]).abs() > 1e-12);
}

// ---------------------------------------------------------------------------- regression

struct RegCase<'a> {
    name: &'a str,
    pred: Option<&'a [u8]>,
    r_scipy: Option<&'a [u8]>,
    r_eps: &'a [u8],
    rel: f64,
}

fn kfold_splits(bytes: &[u8]) -> Vec<Split> {
    splits::from_fold_ids(&npy_i64::<ndarray::Ix1>(bytes).to_vec()).unwrap()
}

fn run_regression(
    case: &str,
    x: &Array2<f64>,
    y: &Array2<f64>,
    s: &[Split],
    reg: &Regression,
    c: &RegCase<'_>,
    exp: &Value,
) {
    let tag = format!("{case}_{}", c.name);
    let tolf =
        |what: &str, a: &[f64], b: &[f64]| tol_all(&format!("{tag} {what}"), a, b, 1e-12, c.rel);
    let pe = cross_validate(x.view(), y.view(), s, reg, PearsonVariant::Epsilon).unwrap();
    let px = cross_validate(x.view(), y.view(), s, reg, PearsonVariant::Exact).unwrap();
    tolf(
        "r_eps",
        pe.r.as_slice().unwrap(),
        npy::<ndarray::Ix2>(c.r_eps).as_slice().unwrap(),
    );
    if let Some(r) = c.r_scipy {
        tolf(
            "r_scipy",
            px.r.as_slice().unwrap(),
            npy::<ndarray::Ix2>(r).as_slice().unwrap(),
        );
    }
    if let Some(p) = c.pred {
        let want = npy::<ndarray::Ix2>(p);
        let mut full = Array2::<f64>::zeros(y.dim());
        for (sp, pr) in s.iter().zip(&pe.predictions) {
            for (row, &i) in sp.test.iter().enumerate() {
                full.row_mut(i).assign(&pr.row(row));
            }
        }
        tolf("pred", full.as_slice().unwrap(), want.as_slice().unwrap());
    }
    let reg_exp = &exp["regression"];
    tolf(
        "score_eps",
        &[pe.aggregate.raw],
        &[num(&reg_exp[format!("{tag}_score_eps")])],
    );
    if let Some(v) = reg_exp.get(format!("{tag}_score_scipy")) {
        tolf("score_scipy", &[px.aggregate.raw], &[num(v)]);
    }
    if let Some(v) = reg_exp.get(format!("{tag}_alpha_per_split")) {
        assert_eq!(pe.alphas, nums(v), "{tag}: chosen α per split (exact)");
    }
    if let Some(v) = reg_exp.get(format!("{tag}_loo_mse_per_alpha")) {
        let want: Vec<f64> = v.as_array().unwrap().iter().flat_map(nums).collect();
        let got: Vec<f64> = pe.loo_mse.iter().flatten().copied().collect();
        tol_all(&format!("{tag} loo_mse"), &got, &want, 0.0, 1e-7);
    }
}

pub fn regression_tall_kfold() {
    let exp = expected();
    let x = npy::<ndarray::Ix2>(golden!("regression/tall_X.npy"));
    let y = npy::<ndarray::Ix2>(golden!("regression/tall_Y.npy"));
    let s = kfold_splits(golden!("splits/kfold_n60_k5_seed1_foldid.npy"));
    let cases = [
        (
            Regression::Ols,
            RegCase {
                name: "ols",
                pred: Some(golden!("regression/tall_kfold_ols_pred.npy")),
                r_scipy: Some(golden!("regression/tall_kfold_ols_r_scipy.npy")),
                r_eps: golden!("regression/tall_kfold_ols_r_eps.npy"),
                rel: 1e-9,
            },
        ),
        (
            Regression::Ridge { alpha: 1.0 },
            RegCase {
                name: "ridge_a1",
                pred: Some(golden!("regression/tall_kfold_ridge_a1_pred.npy")),
                r_scipy: Some(golden!("regression/tall_kfold_ridge_a1_r_scipy.npy")),
                r_eps: golden!("regression/tall_kfold_ridge_a1_r_eps.npy"),
                rel: 1e-9,
            },
        ),
        (
            Regression::ridge_cv_default(),
            RegCase {
                name: "ridgecv",
                pred: Some(golden!("regression/tall_kfold_ridgecv_pred.npy")),
                r_scipy: Some(golden!("regression/tall_kfold_ridgecv_r_scipy.npy")),
                r_eps: golden!("regression/tall_kfold_ridgecv_r_eps.npy"),
                rel: 1e-9,
            },
        ),
    ];
    for (reg, c) in &cases {
        run_regression("tall_kfold", &x, &y, &s, reg, c, &exp);
    }
}

fn shuffle_splits_from(train: &[u8], test: &[u8]) -> Vec<Split> {
    let tr = npy_i64::<ndarray::Ix2>(train);
    let te = npy_i64::<ndarray::Ix2>(test);
    tr.outer_iter()
        .zip(te.outer_iter())
        .map(|(a, b)| Split {
            train: a.iter().map(|&v| v as usize).collect(),
            test: b.iter().map(|&v| v as usize).collect(),
        })
        .collect()
}

pub fn regression_tall_shuffle() {
    let exp = expected();
    let x = npy::<ndarray::Ix2>(golden!("regression/tall_X.npy"));
    let y = npy::<ndarray::Ix2>(golden!("regression/tall_Y.npy"));
    let s = shuffle_splits_from(
        golden!("splits/shufflesplit_n60_s10_train0.9_seed1_train.npy"),
        golden!("splits/shufflesplit_n60_s10_train0.9_seed1_test.npy"),
    );
    // the splitter itself must give the same splits
    assert_eq!(splits::shuffle_split(60, 10, 0.9, 1).unwrap(), s);
    let cases = [
        (
            Regression::Ols,
            RegCase {
                name: "ols",
                pred: None,
                r_scipy: Some(golden!("regression/tall_shuffle_ols_r_scipy.npy")),
                r_eps: golden!("regression/tall_shuffle_ols_r_eps.npy"),
                rel: 1e-9,
            },
        ),
        (
            Regression::ridge_cv_default(),
            RegCase {
                name: "ridgecv",
                pred: None,
                r_scipy: Some(golden!("regression/tall_shuffle_ridgecv_r_scipy.npy")),
                r_eps: golden!("regression/tall_shuffle_ridgecv_r_eps.npy"),
                rel: 1e-9,
            },
        ),
    ];
    for (reg, c) in &cases {
        run_regression("tall_shuffle", &x, &y, &s, reg, c, &exp);
    }
}

pub fn regression_wide_kfold() {
    let exp = expected();
    let x = npy::<ndarray::Ix2>(golden!("regression/wide_X.npy"));
    let y = npy::<ndarray::Ix2>(golden!("regression/wide_Y.npy"));
    let s = kfold_splits(golden!("splits/kfold_n30_k5_seed1_foldid.npy"));
    let cases = [
        // minimum-norm OLS on a rank-deficient design: 1e-7 relative
        (
            Regression::Ols,
            RegCase {
                name: "ols",
                pred: Some(golden!("regression/wide_kfold_ols_pred.npy")),
                r_scipy: None,
                r_eps: golden!("regression/wide_kfold_ols_r_eps.npy"),
                rel: 1e-7,
            },
        ),
        (
            Regression::ridge_cv_default(),
            RegCase {
                name: "ridgecv",
                pred: Some(golden!("regression/wide_kfold_ridgecv_pred.npy")),
                r_scipy: None,
                r_eps: golden!("regression/wide_kfold_ridgecv_r_eps.npy"),
                rel: 1e-9,
            },
        ),
    ];
    for (reg, c) in &cases {
        run_regression("wide_kfold", &x, &y, &s, reg, c, &exp);
    }
}

// ---------------------------------------------------------------------------- rsa

fn upper(m: &Array2<f64>) -> Vec<f64> {
    rsa::upper_triangle(m.view()).unwrap()
}

pub fn rsa_rdms() {
    for (p, r) in [
        (golden!("rsa/patterns.npy"), golden!("rsa/rdm.npy")),
        (
            golden!("rsa/model_patterns.npy"),
            golden!("rsa/model_rdm.npy"),
        ),
    ] {
        let got = rsa::rdm(npy::<ndarray::Ix2>(p).view()).unwrap();
        let want = npy::<ndarray::Ix2>(r);
        assert!(got.constant_conditions.is_empty());
        // diagonal: exactly 0 here, ±1e-16 in numpy
        tol_all(
            "rdm",
            got.matrix.as_slice().unwrap(),
            want.as_slice().unwrap(),
            1e-12,
            1e-9,
        );
        for i in 0..want.nrows() {
            assert_eq!(got.matrix[[i, i]], 0.0);
        }
    }
}

pub fn rsa_comparisons() {
    let exp = &expected()["rsa"];
    let a = upper(&npy::<ndarray::Ix2>(golden!("rsa/rdm.npy")));
    let model = upper(&npy::<ndarray::Ix2>(golden!("rsa/model_rdm.npy")));
    let cat = upper(&npy::<ndarray::Ix2>(golden!("rsa/categorical_rdm.npy")));
    for (name, b) in [("rdm_vs_model", &model), ("rdm_vs_categorical", &cat)] {
        for (suffix, method) in [
            ("spearman", RsaMethod::Spearman),
            ("pearson", RsaMethod::Pearson),
            ("kendall_tau_b", RsaMethod::KendallTauB),
            ("kendall_tau_a", RsaMethod::KendallTauA),
        ] {
            let key = format!("{name}_{suffix}");
            closed(&key, rsa::compare(&a, b, method).unwrap(), num(&exp[&key]));
        }
    }
}

fn nili_vectors() -> (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<f64>) {
    let rdms = npy::<ndarray::Ix4>(golden!("rsa/nili_rdms_4x2.npy"));
    let mut subjects4 = Vec::new();
    let mut rdms8 = Vec::new();
    for s in 0..rdms.shape()[0] {
        let sessions: Vec<Vec<f64>> = (0..rdms.shape()[1])
            .map(|k| {
                rsa::upper_triangle(rdms.index_axis(Axis(0), s).index_axis(Axis(0), k)).unwrap()
            })
            .collect();
        subjects4.push(rsa::mean_vectors(&sessions).unwrap());
        rdms8.extend(sessions);
    }
    let model = upper(&npy::<ndarray::Ix2>(golden!("rsa/nili_model_rdm.npy")));
    (subjects4, rdms8, model)
}

pub fn rsa_nili_and_model() {
    let exp = &expected()["rsa"];
    let (subjects4, rdms8, model) = nili_vectors();
    for (tag, vecs) in [("subjects4", &subjects4), ("rdms8", &rdms8)] {
        for (sim, method) in [
            ("spearman", RsaMethod::Spearman),
            ("tau_a", RsaMethod::KendallTauA),
        ] {
            let b = rsa::nili_bounds(vecs, method, Pooling::RankAverage).unwrap();
            let k = format!("nili_{tag}_{sim}_rankavg");
            closed(
                &format!("{k}_lower"),
                b.lower,
                num(&exp[format!("{k}_lower")]),
            );
            closed(
                &format!("{k}_upper"),
                b.upper,
                num(&exp[format!("{k}_upper")]),
            );
            closed_all(
                &format!("{k}_lower_each"),
                &b.lower_each,
                &nums(&exp[format!("{k}_lower_each")]),
            );
            closed_all(
                &format!("{k}_upper_each"),
                &b.upper_each,
                &nums(&exp[format!("{k}_upper_each")]),
            );
            let score = rsa::rsa_score(&model, vecs, method).unwrap();
            let m = format!("model_{tag}_{sim}");
            closed_all(
                &format!("{m}_per_rdm"),
                &score.per_subject,
                &nums(&exp[format!("{m}_per_rdm")]),
            );
            closed(
                &format!("{m}_raw_mean"),
                score.raw,
                num(&exp[format!("{m}_raw_mean")]),
            );
            let norm = ceiling::ceiling_normalize(score.raw, b.upper).unwrap();
            closed(
                &format!("{m}_normalized_by_upper"),
                norm.normalized_unclipped,
                num(&exp[format!("{m}_normalized_by_upper")]),
            );
        }
        let raw = rsa::nili_bounds(vecs, RsaMethod::Spearman, Pooling::RawAverage).unwrap();
        closed(
            &format!("{tag} rawavg lower"),
            raw.lower,
            num(&exp[format!("nili_{tag}_spearman_rawavg_lower")]),
        );
        closed(
            &format!("{tag} rawavg upper"),
            raw.upper,
            num(&exp[format!("nili_{tag}_spearman_rawavg_upper")]),
        );
    }
}

// ---------------------------------------------------------------------------- ceilings

pub fn ceiling_spearman_brown() {
    let exp = &expected()["ceiling"];
    let r = npy::<ndarray::Ix1>(golden!("ceiling/sb_r.npy"));
    let n2: Vec<f64> = r.iter().map(|&v| spearman_brown(v, 2.0)).collect();
    let n4: Vec<f64> = r.iter().map(|&v| spearman_brown(v, 4.0)).collect();
    closed_all("sb n2", &n2, &nums(&exp["spearman_brown_n2"]));
    closed_all("sb n4", &n4, &nums(&exp["spearman_brown_n4"]));
}

pub fn ceiling_split_half() {
    let exp = &expected()["ceiling"];
    let data = npy::<ndarray::Ix2>(golden!("ceiling/splithalf_data_items_x_subjects.npy"));
    let sh = ceiling::split_half_ceiling(data.view(), 10, 0).unwrap();
    let masks = npy_i64::<ndarray::Ix2>(golden!("ceiling/splithalf_half1_mask_10x30.npy"));
    for (k, m) in sh.half1.iter().enumerate() {
        assert_eq!(
            m.iter().map(|&b| i64::from(b)).collect::<Vec<_>>(),
            masks.row(k).to_vec(),
            "half 1 of split {k}"
        );
    }
    closed_all(
        "uncorrected",
        &sh.uncorrected,
        &nums(&exp["splithalf_uncorrected"]),
    );
    closed_all(
        "corrected",
        &sh.corrected,
        &nums(&exp["splithalf_corrected"]),
    );
    closed("ceiling", sh.ceiling, num(&exp["splithalf_ceiling_median"]));
    let model = npy::<ndarray::Ix1>(golden!("ceiling/splithalf_model_prediction.npy"));
    let all: Vec<usize> = (0..data.ncols()).collect();
    let target: Vec<f64> = data
        .outer_iter()
        .map(|row| {
            let v: Vec<f64> = all
                .iter()
                .map(|&j| row[j])
                .filter(|x| !x.is_nan())
                .collect();
            v.iter().sum::<f64>() / v.len() as f64
        })
        .collect();
    let raw = correlation::pearson(model.as_slice().unwrap(), &target).abs();
    closed("model raw |r|", raw, num(&exp["splithalf_model_raw_abs_r"]));
    let norm = ceiling::ceiling_normalize(raw, sh.ceiling).unwrap();
    closed(
        "model normalized",
        norm.value,
        num(&exp["splithalf_model_normalized"]),
    );
}

pub fn ceiling_items_reliability() {
    let exp = &expected()["ceiling"];
    let m = npy::<ndarray::Ix1>(golden!("ceiling/items_mean.npy"));
    let sd = npy::<ndarray::Ix1>(golden!("ceiling/items_sd.npy"));
    let n: Array1<f64> = npy_i64::<ndarray::Ix1>(golden!("ceiling/items_n.npy")).mapv(|v| v as f64);
    let r = ceiling::sampling_error_reliability(m.view(), sd.view(), n.view()).unwrap();
    closed("var obs", r.var_observed, num(&exp["items_var_obs_ddof1"]));
    closed(
        "error variance",
        r.error_variance,
        num(&exp["items_mean_error_variance"]),
    );
    closed("reliability", r.rho, num(&exp["items_reliability"]));
    closed(
        "sqrt reliability",
        r.sqrt_rho,
        num(&exp["items_sqrt_reliability"]),
    );
    assert!(!r.clipped);
}

fn sse(x: &[f64], y: &[f64], v0: f64, t0: f64) -> f64 {
    x.iter()
        .zip(y)
        .map(|(&a, &b)| (extrapolation::saturating(a, v0, t0) - b).powi(2))
        .sum()
}

pub fn ceiling_extrapolation_single_fit() {
    let exp = &expected()["ceiling"];
    let x = npy::<ndarray::Ix1>(golden!("ceiling/extrap_fit_x.npy")).to_vec();
    let y = npy::<ndarray::Ix1>(golden!("ceiling/extrap_fit_y.npy")).to_vec();
    let (v0, t0) = extrapolation::fit_saturating(&x, &y).unwrap();
    let want = nums(&exp["extrap_fit_v0_tau0"]);
    let want_sse = num(&exp["extrap_fit_sse"]);
    let got_sse = sse(&x, &y, v0, t0);
    // scipy's iterations reproduced: "iterative" tolerance on the parameters
    tol("v0", v0, want[0], 1e-6 * want[0].abs().max(1.0), 0.0);
    tol("tau0", t0, want[1], 1e-6 * want[1].abs().max(1.0), 0.0);
    tol("sse", got_sse, want_sse, 0.0, 1e-6);
    // and the exact optimum is at least as good as the reference
    let (o0, o1) = extrapolation::fit_saturating_optimum(&x, &y).unwrap();
    assert!(sse(&x, &y, o0, o1) <= want_sse * (1.0 + 1e-9));
}

pub fn ceiling_extrapolation_bootstrap() {
    let exp = &expected()["ceiling"];
    let xs = npy::<ndarray::Ix1>(golden!("ceiling/extrap_boot_x.npy")).to_vec();
    let table = npy::<ndarray::Ix3>(golden!("ceiling/extrap_boot_scores_neuroid_x_choice.npy"));
    let params: [&[u8]; 3] = [
        golden!("ceiling/extrap_boot_params_neuroid0.npy"),
        golden!("ceiling/extrap_boot_params_neuroid1.npy"),
        golden!("ceiling/extrap_boot_params_neuroid2.npy"),
    ];
    let mut pools_all = Vec::new();
    for (j, pbytes) in params.iter().enumerate() {
        let pools: Vec<Vec<f64>> = table
            .index_axis(Axis(0), j)
            .outer_iter()
            .map(|r| r.to_vec())
            .collect();
        pools_all.push(extrapolation::NeuroidPools {
            xs: xs.clone(),
            pools: pools.clone(),
        });
        let got = extrapolation::bootstrap_extrapolation(&xs, &pools, 100, 0).unwrap();
        let want = npy::<ndarray::Ix2>(pbytes);
        assert_eq!(got.failures, 0);
        // scipy's trust-region-reflective iterations are reproduced, so the parameters of
        // every bootstrap fit match to the "iterative" tolerance; the exact optimum
        // (`fit_saturating_optimum`) is never worse than scipy's early-stopped fit.
        let mut max_diff = 0.0f64;
        for (b, (p, w)) in got.params.iter().zip(want.outer_iter()).enumerate() {
            tol(
                &format!("neuroid {j} bootstrap {b} v0"),
                p.0,
                w[0],
                1e-6 * w[0].abs().max(1.0),
                0.0,
            );
            tol(
                &format!("neuroid {j} bootstrap {b} tau0"),
                p.1,
                w[1],
                1e-6 * w[1].abs().max(1.0),
                0.0,
            );
            max_diff = max_diff.max((p.0 - w[0]).abs()).max((p.1 - w[1]).abs());
            let y = &got.bootstrap_means[b];
            let (o0, o1) = extrapolation::fit_saturating_optimum(&got.xs, y).unwrap();
            assert!(sse(&got.xs, y, o0, o1) <= sse(&got.xs, y, w[0], w[1]) * (1.0 + 1e-12));
        }
        println!("neuroid {j}: largest parameter difference to scipy {max_diff:.1e}");
        let k = format!("extrap_boot_neuroid{j}");
        tol(
            &format!("{k} center"),
            got.center,
            num(&exp[format!("{k}_center")]),
            1e-6,
            0.0,
        );
        assert_eq!(
            got.endpoint as f64,
            num(&exp[format!("{k}_endpoint_x")]),
            "{k} endpoint (exact)"
        );
        tol(
            &format!("{k} error_low"),
            got.error_low,
            num(&exp[format!("{k}_error_low")]),
            1e-5,
            0.0,
        );
        tol(
            &format!("{k} error_high"),
            got.error_high,
            num(&exp[format!("{k}_error_high")]),
            1e-5,
            0.0,
        );
    }
    let c = extrapolation::extrapolation_ceiling(&pools_all, 100, 0).unwrap();
    tol(
        "ceiling median over neuroids",
        c.ceiling,
        num(&exp["extrap_boot_ceiling_median_over_neuroids"]),
        1e-6,
        0.0,
    );
}

// ---------------------------------------------------------------------------- bubbles

pub fn bubbles_masks_and_occlusion() {
    let exp = &expected()["bubbles"];
    struct B<'a> {
        size: usize,
        k: usize,
        centers: &'a [u8],
        mask: &'a [u8],
        image: &'a [u8],
        occluded: &'a [u8],
        object: &'a [u8],
    }
    let cases = [
        B {
            size: 32,
            k: 3,
            centers: golden!("bubbles/s32_centers_rowcol.npy"),
            mask: golden!("bubbles/s32_mask.npy"),
            image: golden!("bubbles/s32_image_u8.npy"),
            occluded: golden!("bubbles/s32_occluded_u8.npy"),
            object: golden!("bubbles/s32_object_mask.npy"),
        },
        B {
            size: 175,
            k: 5,
            centers: golden!("bubbles/s175_centers_rowcol.npy"),
            mask: golden!("bubbles/s175_mask.npy"),
            image: golden!("bubbles/s175_image_u8.npy"),
            occluded: golden!("bubbles/s175_occluded_u8.npy"),
            object: golden!("bubbles/s175_object_mask.npy"),
        },
    ];
    for c in cases {
        let s = c.size;
        let sigma = bubbles::sigma_for_size(s);
        closed("sigma", sigma, num(&exp[format!("s{s}_sigma")]));
        let seed = num(&exp[format!("s{s}_centers_seed")]) as u32;
        let centers = bubbles::random_centers(s, c.k, seed);
        let want_c = npy_i64::<ndarray::Ix2>(c.centers);
        let got_c: Vec<i64> = centers
            .iter()
            .flat_map(|c| [c.row as i64, c.col as i64])
            .collect();
        assert_eq!(
            got_c,
            want_c.iter().copied().collect::<Vec<_>>(),
            "centres s{s}"
        );
        let mask = bubbles::bubble_mask(s, &centers, sigma).unwrap();
        closed_all(
            &format!("mask s{s}"),
            mask.as_slice().unwrap(),
            npy::<ndarray::Ix2>(c.mask).as_slice().unwrap(),
        );
        let img = npy_u8::<ndarray::Ix3>(c.image);
        let occ = bubbles::occlude(img.view(), mask.view()).unwrap();
        assert_eq!(
            occ,
            npy_u8::<ndarray::Ix3>(c.occluded),
            "occluded image s{s} (exact)"
        );
        let obj = npy_u8::<ndarray::Ix2>(c.object).mapv(|v| v != 0);
        closed(
            "visible image",
            bubbles::visible_pct(mask.view(), None).unwrap(),
            num(&exp[format!("s{s}_visible_pct_image")]),
        );
        closed(
            "visible object",
            bubbles::visible_pct(mask.view(), Some(obj.view())).unwrap(),
            num(&exp[format!("s{s}_visible_pct_object")]),
        );
        closed(
            "visible soft",
            100.0 * mask.mean().unwrap(),
            num(&exp[format!("s{s}_visible_pct_soft")]),
        );
    }
    let ins = nums(&exp["matlab_uint8_examples_in"]);
    let outs: Vec<f64> = ins
        .iter()
        .map(|&v| f64::from(bubbles::to_u8_saturating(v)))
        .collect();
    assert_eq!(outs, nums(&exp["matlab_uint8_examples_out"]));
}

pub fn bubbles_target_visibility() {
    let exp = &expected()["bubbles"];
    for (s, lo, hi, seed) in [
        (32usize, 10u32, 15u32, 3u32),
        (32, 25, 30, 4),
        (175, 5, 10, 5),
        (175, 20, 25, 6),
    ] {
        let key = format!("target_s{s}_{lo}_{hi}_seed{seed}");
        let t = bubbles::bubbles_for_target(s, f64::from(lo), f64::from(hi), seed, None).unwrap();
        let want: Vec<Center> = exp[format!("{key}_centers_rowcol")]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| Center {
                row: p[0].as_u64().unwrap() as usize,
                col: p[1].as_u64().unwrap() as usize,
            })
            .collect();
        assert_eq!(t.centers, want, "{key} centres");
        closed(
            &format!("{key} visibility"),
            t.visible_pct,
            num(&exp[format!("{key}_visible_pct")]),
        );
        assert_eq!(
            t.attempts as f64,
            num(&exp[format!("{key}_attempts")]),
            "{key} attempts"
        );
    }
}

// ---------------------------------------------------------------------------- occlusion score

pub fn occlusion_score_curves() {
    let exp = &expected()["occlusion_score"];
    let inp = &exp["inputs"];
    let ma = npy::<ndarray::Ix1>(golden!("occlusion_score/model_acc.npy")).to_vec();
    let ha = npy::<ndarray::Ix1>(golden!("occlusion_score/human_acc.npy")).to_vec();
    let hn: Vec<f64> = npy_i64::<ndarray::Ix1>(golden!("occlusion_score/human_n.npy"))
        .iter()
        .map(|&v| v as f64)
        .collect();
    let model = AccuracyCurve {
        accuracy: &ma,
        whole: num(&inp["model_whole"]),
        chance: num(&inp["model_chance"]),
    };
    let human = AccuracyCurve {
        accuracy: &ha,
        whole: num(&inp["human_whole"]),
        chance: num(&inp["human_chance"]),
    };
    let s = occlusion::occlusion_score(&model, &human, &hn).unwrap();
    closed_all(
        "model relative",
        &s.model_relative,
        &nums(&exp["model_relative"]),
    );
    closed_all(
        "human relative",
        &s.human_relative,
        &nums(&exp["human_relative"]),
    );
    closed(
        "curve similarity",
        s.curve_similarity,
        num(&exp["curve_similarity"]),
    );
    closed(
        "robustness ratio",
        s.robustness_ratio,
        num(&exp["auc_ratio"]),
    );
}

// ---------------------------------------------------------------------------- lm

pub fn lm_perplexity_windows_surprisal() {
    let exp = &expected()["lm"];
    let nll = npy::<ndarray::Ix1>(golden!("lm/token_nll_nats.npy")).to_vec();
    let words: Vec<usize> = npy_i64::<ndarray::Ix1>(golden!("lm/word_index_of_token.npy"))
        .iter()
        .map(|&v| v as usize)
        .collect();
    let p = lm::perplexity(&nll, 16).unwrap();
    closed("token ppl", p.token_ppl, num(&exp["token_ppl"]));
    closed("word ppl", p.word_ppl, num(&exp["word_ppl"]));
    closed(
        "bits per token",
        p.bits_per_token,
        num(&exp["bits_per_token"]),
    );
    closed_all(
        "word surprisal",
        &lm::word_surprisal_bits(&nll, &words, 16).unwrap(),
        &nums(&exp["word_surprisal_bits"]),
    );
    for (n, l, s) in [(23, 8, 4), (23, 8, 8), (5, 8, 4)] {
        let got: Vec<Vec<u64>> = lm::windows(n, l, s)
            .unwrap()
            .iter()
            .map(|w| vec![w.begin as u64, w.end as u64, w.first_scored as u64])
            .collect();
        let want: Vec<Vec<u64>> = exp[format!("windows_n{n}_L{l}_S{s}")]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                w.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_u64().unwrap())
                    .collect()
            })
            .collect();
        assert_eq!(got, want, "windows n{n} L{l} S{s}");
    }
}

pub fn lm_segmentation_and_futrell_toy() {
    let exp = &expected()["lm"];
    let words: Vec<String> = exp["segment_words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    let (sid, wws) = lm::segment_sentences(&words);
    let f = |v: &[usize]| v.iter().map(|&x| x as f64).collect::<Vec<_>>();
    assert_eq!(f(&sid), nums(&exp["segment_sentence_id"]));
    assert_eq!(f(&wws), nums(&exp["segment_word_within_sentence_id"]));
    let rt = npy::<ndarray::Ix1>(golden!("lm/futrell_toy_rt.npy"));
    let model = npy::<ndarray::Ix1>(golden!("lm/futrell_toy_model.npy"));
    let keep: Vec<usize> = (0..words.len()).filter(|&i| wws[i] != 1).collect();
    let a: Vec<f64> = keep.iter().map(|&i| model[i]).collect();
    let b: Vec<f64> = keep.iter().map(|&i| rt[i]).collect();
    let r = correlation::pearson(&a, &b).abs();
    closed(
        "futrell toy |r|",
        r,
        num(&exp["futrell_toy_abs_r_noninitial"]),
    );
    let n = ceiling::ceiling_normalize(r, 0.858).unwrap();
    closed(
        "futrell toy normalised",
        n.value,
        num(&exp["futrell_toy_normalized_ceiling0.858"]),
    );
}
