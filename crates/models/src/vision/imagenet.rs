//! ImageNet-1k class names (prepare-data's `classes.tsv` beside EfficientNet-Lite0's
//! weights) and the top-k reading of a network's logits, shared by `brainprobe classify`,
//! the benchmarks and the app.

use crate::error::{ModelError, Result};
use crate::registry::{lookup, EFFICIENTNET_DIR, IMAGENET_CLASSES};
use crate::store::{Freshness, Origin, WeightStore};

/// Number of ImageNet-1k classes.
pub const CLASSES: usize = 1000;

/// One class: its short name and WordNet synonyms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassName {
    /// Short name (`banana`).
    pub name: String,
    /// WordNet synonyms (`tench, Tinca tinca`).
    pub synonyms: String,
}

/// Parses `index<TAB>name<TAB>synonyms` lines (exactly classes 0 … 999 in order).
pub fn parse_classes(text: &str) -> Result<Vec<ClassName>> {
    let bad = |detail: String| ModelError::Text(format!("{IMAGENET_CLASSES}: {detail}"));
    let mut out = Vec::with_capacity(CLASSES);
    for (i, line) in text.lines().enumerate() {
        let mut f = line.split('\t');
        let (Some(index), Some(name), Some(synonyms)) = (f.next(), f.next(), f.next()) else {
            return Err(bad(format!("line {} has fewer than 3 fields", i + 1)));
        };
        if index.parse::<usize>().ok() != Some(i) {
            return Err(bad(format!(
                "line {} is class `{index}`, expected {i}",
                i + 1
            )));
        }
        out.push(ClassName {
            name: name.to_string(),
            synonyms: synonyms.to_string(),
        });
    }
    if out.len() != CLASSES {
        return Err(bad(format!("{} classes, expected {CLASSES}", out.len())));
    }
    Ok(out)
}

/// The class names of ImageNet model `id` (prepared beside `efficientnet-lite0`).
pub async fn class_names(id: &str, store: &WeightStore) -> Result<Vec<ClassName>> {
    if !matches!(lookup(id)?.family, crate::registry::Family::EfficientNet) {
        return Err(ModelError::Text(format!("`{id}` has no ImageNet classes")));
    }
    let rel = format!("{EFFICIENTNET_DIR}/{IMAGENET_CLASSES}");
    let bytes = store
        .read(id, Origin::Prepared, &rel, Freshness::Cached)
        .await
        .map_err(|e| {
            ModelError::Text(format!(
                "the ImageNet class names are missing — run `cargo xtask prepare-data` ({e})"
            ))
        })?;
    parse_classes(&String::from_utf8_lossy(&bytes))
}

/// The `k` most probable classes of one row of logits: `(class, softmax probability)`,
/// most probable first (lower index first on ties).
pub fn top_k(logits: &[f32], k: usize) -> Vec<(usize, f32)> {
    let max = logits.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let exp: Vec<f64> = logits.iter().map(|&v| ((v - max) as f64).exp()).collect();
    let total: f64 = exp.iter().sum();
    let mut order: Vec<usize> = (0..logits.len()).collect();
    order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]).then(a.cmp(&b)));
    order
        .into_iter()
        .take(k)
        .map(|i| (i, (exp[i] / total) as f32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_class_table_and_refuses_a_short_or_shuffled_one() {
        let text: String = (0..CLASSES)
            .map(|i| format!("{i}\tc{i}\tc{i}, syn\n"))
            .collect();
        let c = parse_classes(&text).unwrap();
        assert_eq!(c[954].name, "c954");
        assert!(parse_classes("0\ta\tb\n")
            .unwrap_err()
            .to_string()
            .contains("expected 1000"));
        assert!(parse_classes("1\ta\tb\n")
            .unwrap_err()
            .to_string()
            .contains("expected 0"));
        assert!(parse_classes("0\ta\n")
            .unwrap_err()
            .to_string()
            .contains("fields"));
    }

    #[test]
    fn top_k_orders_by_logit_with_softmax_probabilities() {
        let t = top_k(&[0.0, 2.0, 1.0, 2.0], 3);
        assert_eq!(t.iter().map(|x| x.0).collect::<Vec<_>>(), [1, 3, 2]);
        let z = 2.0 * 2f64.exp() + 1f64.exp() + 1.0;
        assert!((t[0].1 as f64 - 2f64.exp() / z).abs() < 1e-6);
        assert_eq!(top_k(&[1.0], 5).len(), 1);
    }
}
