//! The controls of METRICS §10.1 through the CLI: `brainprobe models` lists them, `brainprobe
//! score` scores them like models, and a model's `--json` on a benchmark with a baseline
//! carries `delta`, the paired difference of the two scores' own per-fold / per-subject
//! values. Kept fast: two Natural Stories stories, the 92 images, Cpu. Needs the bundles and
//! the word counts (`cargo xtask prepare-data`).

mod common;
use common::brainprobe_text;

use serde_json::Value;

fn score(model: &str, benchmark: &str, subset: Option<&str>) -> Value {
    let mut args = vec![
        "score",
        "--model",
        model,
        "--benchmark",
        benchmark,
        "--device",
        "cpu",
        "--json",
    ];
    if let Some(n) = subset {
        args.extend(["--subset", n]);
    }
    let (ok, out, err) = brainprobe_text(&args, &[]);
    assert!(ok, "{model} on {benchmark}: {err}");
    serde_json::from_str(&out).expect("JSON")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

/// `delta` equals the mean of the per-value differences, counted ahead where positive.
fn check_delta(model: &Value, base: &Value, per: &str, against: &str, pairs: usize) {
    let d: Vec<f64> = floats(&model["details"][per])
        .iter()
        .zip(floats(&base["details"][per]))
        .map(|(a, b)| a - b)
        .collect();
    assert_eq!(d.len(), pairs);
    let delta = &model["delta"];
    assert_eq!(delta["against"], against, "{delta}");
    assert_eq!(delta["pairs"].as_u64(), Some(pairs as u64), "{delta}");
    let mean = d.iter().sum::<f64>() / d.len() as f64;
    assert!(
        (delta["mean"].as_f64().unwrap() - mean).abs() < 1e-12,
        "{delta}"
    );
    assert_eq!(
        delta["positive"].as_u64().unwrap() as usize,
        d.iter().filter(|&&x| x > 0.0).count()
    );
    assert!(
        base.get("delta").is_none(),
        "a baseline is not compared with itself"
    );
}

#[test]
fn models_lists_the_controls() {
    let (ok, out, err) = brainprobe_text(&["models"], &[]);
    assert!(ok, "{err}");
    for id in [
        "baseline-length",
        "baseline-lexical",
        "baseline-unigram-surprisal",
        "baseline-pixels",
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} missing from\n{out}"));
        assert!(line.contains("control"), "{line}");
    }
}

#[test]
fn futrell_scores_pair_with_baseline_lexical_by_story_fold() {
    let base = score("baseline-lexical", "futrell2018-rt", Some("2"));
    assert_eq!(base["layers"][0]["layer"], "lexical");
    assert!(base["raw"]["defined"].as_f64().is_some(), "{base}");
    let model = score("embed-ppmi", "futrell2018-rt", Some("2"));
    check_delta(&model, &base, "per_fold_r", "baseline-lexical", 2);
    assert_eq!(model["delta"]["unit"], "story folds");
}

#[test]
fn the_unigram_control_is_scored_on_surprisal_and_nowhere_causal_else() {
    let base = score(
        "baseline-unigram-surprisal",
        "futrell2018-rt-surprisal",
        Some("1"),
    );
    let r = base["raw"]["defined"].as_f64().expect("a defined |r|");
    assert!(r > 0.0 && r < 1.0, "{base}");
    assert!(base["notes"].as_array().unwrap().iter().any(|n| n
        .as_str()
        .unwrap_or("")
        .contains("add-one")
        || n.as_str().unwrap_or("").contains("(count + 1)")));
    // The other controls have no surprisal.
    let (ok, _, err) = brainprobe_text(
        &[
            "score",
            "--model",
            "baseline-lexical",
            "--benchmark",
            "futrell2018-rt-surprisal",
            "--subset",
            "1",
        ],
        &[],
    );
    assert!(!ok && err.contains("does not apply"), "{err}");
    // Without the word counts the error says how to make them.
    let (ok, _, err) = brainprobe_text(
        &[
            "score",
            "--model",
            "baseline-lexical",
            "--benchmark",
            "futrell2018-rt",
            "--subset",
            "1",
        ],
        &[("BRAINPROBE_PREPARED_MODELS", "/nonexistent/prepared")],
    );
    assert!(
        !ok && err.contains("word counts") && err.contains("cargo xtask prepare-data"),
        "{err}"
    );
}

#[test]
fn it_rsa_pairs_with_the_pixel_control_by_subject() {
    let base = score("baseline-pixels", "kriegeskorte2008-it-rsa", None);
    assert_eq!(base["layers"][0]["layer"], "pixels");
    assert_eq!(base["layers"].as_array().unwrap().len(), 1);
    let model = score("cornet-z-mini", "kriegeskorte2008-it-rsa", None);
    check_delta(&model, &base, "per_subject", "baseline-pixels", 4);
    assert_eq!(model["delta"]["unit"], "subjects");
    let monkey = score("cornet-z-mini", "kriegeskorte2008-monkey-it-rsa", None);
    assert_eq!(monkey["delta"]["pairs"], 1);
    assert!(monkey["delta"]["se"].is_null(), "one RDM: no SE");
    // No classifier: refused where one is needed.
    let (ok, _, err) = brainprobe_text(
        &[
            "score",
            "--model",
            "baseline-pixels",
            "--benchmark",
            "tang2018-occlusion",
            "--device",
            "cpu",
        ],
        &[],
    );
    assert!(!ok && err.contains("without a classifier"), "{err}");
}
