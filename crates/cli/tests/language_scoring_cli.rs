//! `brainprobe score` on a language benchmark and `predict-langnet` with good and bad input
//! (empty, 10 000 characters, emoji, right-to-left text), on the cheap embed-ppmi model
//! (Cpu). Needs the bundles (`cargo xtask prepare-data`).

mod common;

fn brainprobe(args: &[&str]) -> (bool, String, String) {
    common::brainprobe_text(args, &[])
}

#[test]
fn score_pereira_says_there_is_no_ceiling() {
    let (ok, out, err) = brainprobe(&[
        "score",
        "--model",
        "embed-ppmi",
        "--benchmark",
        "pereira2018-langnet",
        "--device",
        "cpu",
    ]);
    assert!(ok, "{err}");
    for want in [
        "best layer: embedding",
        "ceiling: none",
        "No noise ceiling",
        "α per split",
        "vs baseline (paired, same splits):",
    ] {
        assert!(out.contains(want), "missing `{want}` in\n{out}");
    }
    // a vision benchmark refuses a language model clearly
    let (ok, _, err) = brainprobe(&[
        "score",
        "--model",
        "embed-ppmi",
        "--benchmark",
        "kriegeskorte2008-it-rsa",
        "--device",
        "cpu",
    ]);
    assert!(!ok && err.contains("scores vision models"), "{err}");
}

/// The baseline is scored like a model, and a model's JSON carries its paired difference
/// from it: the per-split differences of the two scores' own per-split values.
#[test]
fn pereira_scores_carry_the_paired_difference_from_baseline_length() {
    let score = |model: &str| {
        let (ok, out, err) = brainprobe(&[
            "score",
            "--model",
            model,
            "--benchmark",
            "pereira2018-langnet",
            "--device",
            "cpu",
            "--json",
        ]);
        assert!(ok, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).expect("JSON")
    };
    let base = score("baseline-length");
    assert!(
        base.get("delta").is_none(),
        "a baseline is not compared with itself"
    );
    assert_eq!(base["layer"], "length");
    let model = score("embed-ppmi");
    let splits = |s: &serde_json::Value| -> Vec<f64> {
        s["details"]["per_split_r"]
            .as_array()
            .expect("per-split r")
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    let d: Vec<f64> = splits(&model)
        .iter()
        .zip(splits(&base))
        .map(|(a, b)| a - b)
        .collect();
    let delta = &model["delta"];
    assert_eq!(delta["against"], "baseline-length");
    assert_eq!(delta["pairs"], 10);
    let mean = d.iter().sum::<f64>() / d.len() as f64;
    assert!(
        (delta["mean"].as_f64().unwrap() - mean).abs() < 1e-12,
        "{delta}"
    );
    let ahead = d.iter().filter(|&&x| x > 0.0).count();
    assert_eq!(delta["positive"].as_u64().unwrap() as usize, ahead);
}

#[test]
fn predict_langnet_handles_bad_input() {
    let predict = |s: &str| brainprobe(&["predict-langnet", s, "--model", "embed-ppmi"]);
    let (ok, out, err) = predict("The dog chased the ball across the park.");
    assert!(ok, "{err}");
    assert!(
        out.contains("PREDICTED, NOT MEASURED") && out.contains("percentile"),
        "{out}"
    );
    let (ok, _, err) = predict("   ");
    assert!(!ok && err.contains("empty"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let long = "word ".repeat(2_000);
    let (ok, out, err) = predict(&long);
    assert!(ok, "{err}");
    assert!(
        out.contains("input truncated from 9999 to its first 1000 characters"),
        "{out}"
    );
    for odd in ["🙂🙂🙂 🎉", "שלום עולם, מה שלומך?", "مرحبا بالعالم"]
    {
        let (ok, out, err) = predict(odd);
        assert!(ok, "{odd}: {err}");
        assert!(out.contains("predicted language-network response"), "{out}");
        assert!(
            out.contains("note:"),
            "unknown words must be reported: {out}"
        );
    }
}

/// `--readout` on a quick subset: `mean` changes gpt-mini's Pereira number, the notes and
/// the JSON name the readout, the default is the model's own (`last-token`, the same
/// numbers as asking for it), and a vision benchmark refuses the flag.
/// `score` arguments for gpt-mini on the first `subset` Pereira sentences, on the Cpu.
fn gpt_mini_pereira(subset: &str) -> Vec<&str> {
    let model = ["--model", "gpt-mini", "--benchmark", "pereira2018-langnet"];
    let mut args = vec!["score"];
    args.extend(model);
    args.extend(["--device", "cpu", "--subset", subset]);
    args
}

#[test]
fn readout_mean_changes_the_number_and_the_note() {
    let score = |readout: Option<&str>| {
        let mut args = gpt_mini_pereira("60");
        args.push("--json");
        if let Some(r) = readout {
            args.extend(["--readout", r]);
        }
        let (ok, out, err) = brainprobe(&args);
        assert!(ok, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).expect("JSON")
    };
    let notes = |s: &serde_json::Value| -> Vec<String> {
        s["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .map(|n| n.as_str().unwrap_or_default().to_string())
            .collect()
    };
    let default = score(None);
    let last = score(Some("last-token"));
    let mean = score(Some("mean"));
    assert_eq!(default["model"]["readout"], "last-token");
    assert_eq!(mean["model"]["readout"], "mean");
    assert_eq!(
        default["raw"], last["raw"],
        "the default is gpt-mini's last-token"
    );
    assert_eq!(default["layers"], last["layers"]);
    assert_ne!(mean["raw"], last["raw"], "mean reads other states");
    assert!(
        notes(&default)
            .iter()
            .any(|n| n.starts_with("Readout `last-token` (gpt-mini's default)")),
        "{:?}",
        notes(&default)
    );
    assert!(
        notes(&mean).iter().any(
            |n| n.starts_with("Readout `mean` (asked for; gpt-mini's default is `last-token`)")
        ),
        "{:?}",
        notes(&mean)
    );
    // the table names it too; a vision benchmark and an unknown readout are refused
    let mut args = gpt_mini_pereira("40");
    args.extend(["--readout", "last-word"]);
    let (ok, out, err) = brainprobe(&args);
    assert!(ok, "{err}");
    assert!(out.contains("gpt-mini (readout last-word) on cpu"), "{out}");
    assert!(out.contains("note: Readout `last-word`"), "{out}");
    let (ok, _, err) = brainprobe(&[
        "score",
        "--model",
        "cornet-z-mini",
        "--benchmark",
        "kriegeskorte2008-it-rsa",
        "--readout",
        "mean",
    ]);
    assert!(!ok && err.contains("language benchmarks only"), "{err}");
    let (ok, _, err) = brainprobe(&[
        "score",
        "--model",
        "gpt-mini",
        "--benchmark",
        "pereira2018-langnet",
        "--readout",
        "first",
    ]);
    assert!(!ok && err.contains("last-word"), "{err}");
}
