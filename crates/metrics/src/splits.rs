//! Cross-validation splitters identical to scikit-learn's for the same seed
//! (METRICS §1.2, Appendix A.4–A.7), plus explicit fold-id assignments.

use crate::error::{MetricsError, Result};
use crate::rng::RandomState;

/// One train/test split: row indices into the data matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Training rows, in the order the splitter yields them.
    pub train: Vec<usize>,
    /// Test rows, in the order the splitter yields them.
    pub test: Vec<usize>,
}

/// The splitters of METRICS §1.2, with their parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Splitter {
    /// `KFold(k, shuffle=True, random_state=seed)`.
    KFold {
        /// Number of folds.
        k: usize,
        /// Seed.
        seed: u32,
    },
    /// `ShuffleSplit(n_splits, train_size=train_frac, random_state=seed)`.
    ShuffleSplit {
        /// Number of splits.
        n_splits: usize,
        /// Training fraction (n_train = floor(frac · n)).
        train_frac: f64,
        /// Seed.
        seed: u32,
    },
    /// `GroupKFold(k, shuffle=True, random_state=seed)` (scikit-learn ≥ 1.6).
    GroupKFold {
        /// Number of folds.
        k: usize,
        /// Seed.
        seed: u32,
    },
    /// `StratifiedKFold(k, shuffle=True, random_state=seed)`.
    StratifiedKFold {
        /// Number of folds.
        k: usize,
        /// Seed.
        seed: u32,
    },
    /// `StratifiedShuffleSplit(n_splits, train_size=train_frac, random_state=seed)`.
    StratifiedShuffleSplit {
        /// Number of splits.
        n_splits: usize,
        /// Training fraction.
        train_frac: f64,
        /// Seed.
        seed: u32,
    },
}

impl Splitter {
    /// Produces the splits for `n` rows; `labels` are the groups (GroupKFold) or strata
    /// (stratified splitters) and must have length `n` for those, else they are ignored.
    pub fn split(&self, n: usize, labels: Option<&[i64]>) -> Result<Vec<Split>> {
        let need_labels = |what: &'static str| -> Result<&[i64]> {
            let l = labels.ok_or_else(|| {
                MetricsError::param("labels", format!("{what} needs a label per row"))
            })?;
            if l.len() != n {
                return Err(MetricsError::shape(
                    what,
                    format!("{n} labels"),
                    format!("{} labels", l.len()),
                ));
            }
            Ok(l)
        };
        match *self {
            Splitter::KFold { k, seed } => kfold(n, k, seed),
            Splitter::ShuffleSplit {
                n_splits,
                train_frac,
                seed,
            } => shuffle_split(n, n_splits, train_frac, seed),
            Splitter::GroupKFold { k, seed } => group_kfold(need_labels("GroupKFold")?, k, seed),
            Splitter::StratifiedKFold { k, seed } => {
                stratified_kfold(need_labels("StratifiedKFold")?, k, seed)
            }
            Splitter::StratifiedShuffleSplit {
                n_splits,
                train_frac,
                seed,
            } => stratified_shuffle_split(
                need_labels("StratifiedShuffleSplit")?,
                n_splits,
                train_frac,
                seed,
            ),
        }
    }
}

/// Sizes of `k` consecutive chunks of `n` items: the first `n mod k` get one more
/// (numpy `array_split`, scikit-learn KFold).
fn chunk_sizes(n: usize, k: usize) -> Vec<usize> {
    (0..k).map(|f| n / k + usize::from(f < n % k)).collect()
}

fn check_k(what: &'static str, k: usize) -> Result<()> {
    if k < 2 {
        return Err(MetricsError::param(
            "k",
            format!("{what} needs at least 2 folds, got {k}"),
        ));
    }
    Ok(())
}

/// Builds splits from a fold id per row (`test` of split f = rows with id f, ascending;
/// `train` = all other rows, ascending). Ids must be `0..F` with every fold non-empty.
pub fn from_fold_ids(ids: &[i64]) -> Result<Vec<Split>> {
    if ids.is_empty() {
        return Err(MetricsError::Empty { what: "fold ids" });
    }
    if let Some(&bad) = ids.iter().find(|&&v| v < 0) {
        return Err(MetricsError::param(
            "fold ids",
            format!("negative fold id {bad}"),
        ));
    }
    let n_folds = ids.iter().copied().max().unwrap_or(0) as usize + 1;
    let mut splits = Vec::with_capacity(n_folds);
    for f in 0..n_folds {
        let test: Vec<usize> = (0..ids.len()).filter(|&i| ids[i] as usize == f).collect();
        if test.is_empty() {
            return Err(MetricsError::param(
                "fold ids",
                format!("fold {f} of 0..{n_folds} has no rows"),
            ));
        }
        let train = (0..ids.len()).filter(|&i| ids[i] as usize != f).collect();
        splits.push(Split { train, test });
    }
    Ok(splits)
}

/// The fold id of each row for splits whose test sets partition `0..n` (−1 where a row is
/// in no test set; a row in several test sets gets the last one).
pub fn fold_ids(splits: &[Split], n: usize) -> Vec<i64> {
    let mut ids = vec![-1i64; n];
    for (f, s) in splits.iter().enumerate() {
        for &i in &s.test {
            if i < n {
                ids[i] = f as i64;
            }
        }
    }
    ids
}

fn complement_sorted(n: usize, test: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut is_test = vec![false; n];
    for &i in test {
        is_test[i] = true;
    }
    let train = (0..n).filter(|&i| !is_test[i]).collect();
    let test = (0..n).filter(|&i| is_test[i]).collect();
    (train, test)
}

/// scikit-learn `KFold(k, shuffle=True, random_state=seed)` (Appendix A.4); index lists
/// sorted ascending, as scikit-learn yields them.
pub fn kfold(n: usize, k: usize, seed: u32) -> Result<Vec<Split>> {
    check_k("KFold", k)?;
    MetricsError::at_least("KFold", "samples", n, k)?;
    let perm = RandomState::new(seed).permutation(n);
    let mut out = Vec::with_capacity(k);
    let mut start = 0;
    for size in chunk_sizes(n, k) {
        let (train, test) = complement_sorted(n, &perm[start..start + size]);
        out.push(Split { train, test });
        start += size;
    }
    Ok(out)
}

fn train_test_sizes(n: usize, train_frac: f64) -> Result<(usize, usize)> {
    if !(train_frac > 0.0 && train_frac < 1.0) {
        return Err(MetricsError::param(
            "train_frac",
            format!("must be in (0, 1), got {train_frac}"),
        ));
    }
    let n_train = (train_frac * n as f64).floor() as usize;
    let n_test = n - n_train;
    if n_train == 0 || n_test == 0 {
        return Err(MetricsError::TooFew {
            what: "ShuffleSplit",
            unit: "samples",
            have: n,
            need: 2,
        });
    }
    Ok((n_train, n_test))
}

/// scikit-learn `ShuffleSplit(n_splits, train_size=train_frac, random_state=seed)`
/// (Appendix A.5); index lists in scikit-learn's (permutation) order.
pub fn shuffle_split(n: usize, n_splits: usize, train_frac: f64, seed: u32) -> Result<Vec<Split>> {
    if n_splits == 0 {
        return Err(MetricsError::param("n_splits", "must be at least 1"));
    }
    let (n_train, n_test) = train_test_sizes(n, train_frac)?;
    let mut rs = RandomState::new(seed);
    Ok((0..n_splits)
        .map(|_| {
            let p = rs.permutation(n);
            Split {
                test: p[..n_test].to_vec(),
                train: p[n_test..n_test + n_train].to_vec(),
            }
        })
        .collect())
}

/// Sorted distinct values and, per row, the index of its value among them.
fn unique_inverse(labels: &[i64]) -> (Vec<i64>, Vec<usize>) {
    let mut uniq = labels.to_vec();
    uniq.sort_unstable();
    uniq.dedup();
    let inv = labels
        .iter()
        .map(|v| uniq.binary_search(v).unwrap_or(0))
        .collect();
    (uniq, inv)
}

/// scikit-learn ≥ 1.6 `GroupKFold(k, shuffle=True, random_state=seed)` (Appendix A.6).
pub fn group_kfold(groups: &[i64], k: usize, seed: u32) -> Result<Vec<Split>> {
    check_k("GroupKFold", k)?;
    if groups.is_empty() {
        return Err(MetricsError::Empty {
            what: "GroupKFold groups",
        });
    }
    let (uniq, inv) = unique_inverse(groups);
    MetricsError::at_least("GroupKFold", "groups", uniq.len(), k)?;
    let perm = RandomState::new(seed).permutation(uniq.len());
    let mut fold_of_group = vec![0usize; uniq.len()];
    let mut start = 0;
    for (f, size) in chunk_sizes(uniq.len(), k).into_iter().enumerate() {
        for &g in &perm[start..start + size] {
            fold_of_group[g] = f;
        }
        start += size;
    }
    let ids: Vec<i64> = inv.iter().map(|&g| fold_of_group[g] as i64).collect();
    from_fold_ids(&ids)
}

/// scikit-learn `StratifiedKFold(k, shuffle=True, random_state=seed)` (Appendix A.7).
/// Errors when any class has fewer members than folds (brainprobe policy).
pub fn stratified_kfold(labels: &[i64], k: usize, seed: u32) -> Result<Vec<Split>> {
    check_k("StratifiedKFold", k)?;
    let n = labels.len();
    MetricsError::at_least("StratifiedKFold", "samples", n, k)?;
    // classes encoded by order of first appearance
    let mut order: Vec<i64> = Vec::new();
    let enc: Vec<usize> = labels
        .iter()
        .map(|l| match order.iter().position(|o| o == l) {
            Some(p) => p,
            None => {
                order.push(*l);
                order.len() - 1
            }
        })
        .collect();
    let n_classes = order.len();
    let mut counts = vec![0usize; n_classes];
    for &e in &enc {
        counts[e] += 1;
    }
    if let Some(c) = counts.iter().position(|&c| c < k) {
        return Err(MetricsError::TooFew {
            what: "StratifiedKFold (class members)",
            unit: "members of a class",
            have: counts[c],
            need: k,
        });
    }
    let mut sorted = enc.clone();
    sorted.sort_unstable();
    let mut alloc = vec![vec![0usize; n_classes]; k];
    for (pos, &c) in sorted.iter().enumerate() {
        alloc[pos % k][c] += 1;
    }
    let mut rs = RandomState::new(seed);
    let mut ids = vec![0i64; n];
    for c in 0..n_classes {
        let mut folds: Vec<i64> = Vec::with_capacity(counts[c]);
        for (f, row) in alloc.iter().enumerate() {
            folds.extend(std::iter::repeat_n(f as i64, row[c]));
        }
        rs.shuffle(&mut folds);
        let mut it = folds.into_iter();
        for (i, &e) in enc.iter().enumerate() {
            if e == c {
                ids[i] = it.next().unwrap_or(0);
            }
        }
    }
    from_fold_ids(&ids)
}

/// scikit-learn's `_approximate_mode`: split `d` draws over classes proportionally to
/// `counts`, breaking ties among equal remainders with `choice(replace=False)`.
fn approximate_mode(counts: &[usize], d: usize, rs: &mut RandomState) -> Vec<usize> {
    let total: usize = counts.iter().sum();
    let cont: Vec<f64> = counts
        .iter()
        .map(|&c| c as f64 / total as f64 * d as f64)
        .collect();
    let mut floored: Vec<f64> = cont.iter().map(|c| c.floor()).collect();
    let mut need = (d as f64 - floored.iter().sum::<f64>()) as i64;
    if need > 0 {
        let rem: Vec<f64> = cont.iter().zip(&floored).map(|(c, f)| c - f).collect();
        let mut values = rem.clone();
        values.sort_by(|a, b| b.total_cmp(a));
        values.dedup();
        for v in values {
            let inds: Vec<usize> = (0..rem.len()).filter(|&i| rem[i] == v).collect();
            let add = inds.len().min(need as usize);
            let perm = rs.permutation(inds.len());
            for &p in &perm[..add] {
                floored[inds[p]] += 1.0;
            }
            need -= add as i64;
            if need == 0 {
                break;
            }
        }
    }
    floored.into_iter().map(|f| f as usize).collect()
}

/// scikit-learn `StratifiedShuffleSplit(n_splits, train_size=train_frac, random_state=seed)`
/// (Appendix A.7); index lists in scikit-learn's order.
pub fn stratified_shuffle_split(
    labels: &[i64],
    n_splits: usize,
    train_frac: f64,
    seed: u32,
) -> Result<Vec<Split>> {
    if n_splits == 0 {
        return Err(MetricsError::param("n_splits", "must be at least 1"));
    }
    let n = labels.len();
    let (n_train, n_test) = train_test_sizes(n, train_frac)?;
    let (uniq, inv) = unique_inverse(labels);
    if uniq.len() > n_train.min(n_test) {
        return Err(MetricsError::TooFew {
            what: "StratifiedShuffleSplit (train and test sizes vs classes)",
            unit: "rows",
            have: n_train.min(n_test),
            need: uniq.len(),
        });
    }
    let mut class_rows: Vec<Vec<usize>> = vec![Vec::new(); uniq.len()];
    for (i, &c) in inv.iter().enumerate() {
        class_rows[c].push(i);
    }
    if let Some(c) = class_rows.iter().position(|r| r.len() < 2) {
        return Err(MetricsError::TooFew {
            what: "StratifiedShuffleSplit (class members)",
            unit: "members of a class",
            have: class_rows[c].len(),
            need: 2,
        });
    }
    let counts: Vec<usize> = class_rows.iter().map(Vec::len).collect();
    let mut rs = RandomState::new(seed);
    let mut out = Vec::with_capacity(n_splits);
    for _ in 0..n_splits {
        let n_i = approximate_mode(&counts, n_train, &mut rs);
        let remaining: Vec<usize> = counts.iter().zip(&n_i).map(|(c, a)| c - a).collect();
        let t_i = approximate_mode(&remaining, n_test, &mut rs);
        let mut train = Vec::with_capacity(n_train);
        let mut test = Vec::with_capacity(n_test);
        for (c, rows) in class_rows.iter().enumerate() {
            let perm = rs.permutation(counts[c]);
            let permuted: Vec<usize> = perm.iter().map(|&p| rows[p]).collect();
            train.extend_from_slice(&permuted[..n_i[c]]);
            test.extend_from_slice(&permuted[n_i[c]..n_i[c] + t_i[c]]);
        }
        rs.shuffle(&mut train);
        rs.shuffle(&mut test);
        out.push(Split { train, test });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kfold_partitions_rows() {
        let s = kfold(23, 5, 1).unwrap();
        let ids = fold_ids(&s, 23);
        assert!(ids.iter().all(|&i| i >= 0));
        let sizes: Vec<usize> = s.iter().map(|x| x.test.len()).collect();
        assert_eq!(sizes, vec![5, 5, 5, 4, 4]);
    }

    #[test]
    fn errors_instead_of_panics() {
        assert!(matches!(kfold(3, 5, 1), Err(MetricsError::TooFew { .. })));
        assert!(matches!(
            group_kfold(&[1, 1, 2, 2], 3, 1),
            Err(MetricsError::TooFew { .. })
        ));
        assert!(matches!(
            stratified_kfold(&[0, 0, 0, 1, 1], 3, 1),
            Err(MetricsError::TooFew { .. })
        ));
        assert!(shuffle_split(10, 3, 1.5, 0).is_err());
        assert!(from_fold_ids(&[0, 2, 2]).is_err());
    }

    #[test]
    fn unbalanced_stratified_shuffle_split_matches_scikit_learn() {
        // StratifiedShuffleSplit(5, train_size=0.9, random_state=3) on
        // default_rng(9).integers(0, 4, 37): approx_mode has to break ties with draws.
        let labels = [
            1, 3, 3, 1, 0, 2, 2, 3, 2, 2, 3, 3, 3, 3, 2, 3, 0, 0, 3, 1, 2, 1, 3, 0, 2, 0, 0, 3, 1,
            3, 1, 3, 3, 1, 3, 2, 3,
        ];
        let s = stratified_shuffle_split(&labels, 5, 0.9, 3).unwrap();
        let tests: Vec<Vec<usize>> = s.iter().map(|x| x.test.clone()).collect();
        assert_eq!(
            tests,
            vec![
                vec![18, 8, 0, 34],
                vec![21, 6, 31, 18],
                vec![14, 18, 36, 28],
                vec![6, 33, 22, 29],
                vec![19, 24, 13, 36]
            ]
        );
        assert_eq!(
            s[0].train,
            vec![
                33, 29, 12, 16, 27, 10, 2, 15, 11, 35, 7, 9, 3, 36, 4, 25, 19, 20, 23, 6, 5, 1, 17,
                14, 24, 26, 30, 32, 28, 22, 31, 21, 13
            ]
        );
    }

    #[test]
    fn fold_ids_roundtrip() {
        let ids = vec![1, 0, 2, 1, 0, 2];
        let s = from_fold_ids(&ids).unwrap();
        assert_eq!(fold_ids(&s, 6), ids);
    }
}
