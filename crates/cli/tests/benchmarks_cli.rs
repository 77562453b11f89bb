//! `brainprobe score`, `leaderboard` and their refusals, on the cheap benchmarks (92 images,
//! Cpu). Needs the bundles (`cargo xtask prepare-data`). The occlusion and attractor
//! benchmarks are exercised at small sizes by `crates/benchmarks/tests/vision.rs`.

mod common;
use common::brainprobe;

#[test]
fn score_prints_a_table_and_json_with_provenance() {
    let args = [
        "score",
        "--model",
        "cornet-z-mini",
        "--benchmark",
        "kriegeskorte2008-it-rsa",
        "--device",
        "cpu",
    ];
    let text = brainprobe(&args);
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.status.success(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    for want in [
        "best layer:",
        "ceiling: 0.6657 (lower bound 0.3723)",
        "score [nested]:",
        "layer choice: chosen per held-out subject:",
        "committed layer IT: raw 0.1712",
        "animate/inanimate",
    ] {
        assert!(out.contains(want), "missing `{want}` in\n{out}");
    }
    assert!(String::from_utf8_lossy(&text.stderr).contains("took"));
    let json = brainprobe(&[&args[..], &["--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    assert_eq!(v["benchmark"]["id"], "kriegeskorte2008-it-rsa");
    assert_eq!(v["model"]["id"], "cornet-z-mini");
    assert_eq!(
        v["model"]["weights_sha256"].as_str().map(str::len),
        Some(64)
    );
    assert_eq!(
        v["data"]["manifest_sha256"].as_str().map(str::len),
        Some(64)
    );
    assert!(v["layers"].as_array().is_some_and(|l| l.len() >= 6));
    assert!(v["value"]["defined"].as_f64().is_some());
    // leave one subject out: four held-out subjects, each with its chosen layer
    let folds = v["layer_choice"]["folds"].as_array().expect("layer choice");
    assert_eq!(folds.len(), 4);
    let held_out: Vec<f64> = folds.iter().filter_map(|f| f["value"].as_f64()).collect();
    let mean = held_out.iter().sum::<f64>() / 4.0;
    assert!((v["raw"]["defined"].as_f64().unwrap() - mean).abs() < 1e-12);
}

#[test]
fn leaderboard_writes_json_and_markdown_and_refuses_unknown_ids() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let run = brainprobe(&[
        "leaderboard",
        "--benchmarks",
        "kriegeskorte2008-monkey-it-rsa",
        "--models",
        "cornet-z-mini,cornet-z-mini-untrained",
        "--device",
        "cpu",
        "--out",
        out,
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let md = std::fs::read_to_string(dir.path().join("leaderboard.md")).unwrap();
    assert!(
        md.contains("`cornet-z-mini-untrained`") && md.contains("No published reference rows"),
        "{md}"
    );
    // one monkey RDM: no SE, and the cell says so; --rewrite gives the same files back
    assert!(md.contains(" (no SE: one RDM; Δ "), "{md}");
    let again = brainprobe(&["leaderboard", "--rewrite", "--out", out]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("leaderboard.md")).unwrap(),
        md,
        "rewritten from leaderboard.json"
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("leaderboard.json")).unwrap(),
    )
    .unwrap();
    // the two models and the benchmark's baseline, which a leaderboard always runs
    let ids: Vec<&str> = json["scores"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["model"]["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "cornet-z-mini",
            "cornet-z-mini-untrained",
            "baseline-pixels"
        ]
    );
    assert!(json["scores"][0]["notes"]
        .to_string()
        .contains("no ceiling available"));
    let bad = brainprobe(&["score", "--model", "cornet-z-mini", "--benchmark", "nope"]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !bad.status.success()
            && err.contains("unknown benchmark `nope`")
            && err.contains("tang2018-occlusion"),
        "{err}"
    );
}
