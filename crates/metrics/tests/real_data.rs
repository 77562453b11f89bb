//! Real-data checks of `shared/golden/expected.json → real_data` (native only). They read
//! `shared/data` beside the checkout and are skipped, with a message, when it is absent.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use brainprobe_metrics::ceiling::sampling_error_reliability;
use brainprobe_metrics::lm::segment_sentences;
use brainprobe_metrics::rsa::{mean_vectors, nili_bounds, upper_triangle, Pooling, RsaMethod};
use ndarray::{Array1, Array4, Axis};
use ndarray_npy::ReadNpyExt;
use serde_json::Value;

fn shared(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel)
}

fn expected() -> Value {
    let bytes = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/golden/expected.json"
    ));
    serde_json::from_slice::<Value>(bytes).unwrap()["real_data"].clone()
}

#[track_caller]
fn close(what: &str, a: f64, b: f64, rel: f64) {
    assert!(
        (a - b).abs() <= 1e-12 + rel * b.abs(),
        "{what}: got {a}, expected {b}"
    );
}

#[test]
fn futrell2018_sampling_error_reliability() {
    let path = shared("data/futrell2018_naturalstories/words.csv");
    if !path.exists() {
        eprintln!("SKIPPED: {} not found (shared data absent)", path.display());
        return;
    }
    let exp = expected();
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let mut rows: Vec<(i64, i64, String, f64, f64, f64)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            let f = |i: usize| r[i].parse::<f64>().unwrap();
            (
                r[0].parse().unwrap(),
                r[1].parse().unwrap(),
                r[2].to_string(),
                f(3),
                f(4),
                f(7),
            )
        })
        .collect();
    rows.sort_by_key(|r| (r.0, r.1));
    assert_eq!(
        rows.len() as f64,
        exp["futrell2018_n_words"].as_f64().unwrap()
    );
    let words: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    let (_, wws) = segment_sentences(&words);
    let initial = wws.iter().filter(|&&w| w == 1).count();
    assert_eq!(
        initial as f64,
        exp["futrell2018_n_sentence_initial"].as_f64().unwrap()
    );
    for (tag, keep) in [
        ("all", vec![true; rows.len()]),
        ("noninitial", wws.iter().map(|&w| w != 1).collect()),
    ] {
        let sel = |k: usize| -> Array1<f64> {
            rows.iter()
                .zip(&keep)
                .filter(|(_, &k)| k)
                .map(|(r, _)| [r.3, r.4, r.5][k])
                .collect()
        };
        let r = sampling_error_reliability(sel(0).view(), sel(1).view(), sel(2).view()).unwrap();
        close(
            &format!("{tag} reliability"),
            r.rho,
            exp[format!("futrell2018_{tag}_reliability")]
                .as_f64()
                .unwrap(),
            1e-9,
        );
        close(
            &format!("{tag} sqrt"),
            r.sqrt_rho,
            exp[format!("futrell2018_{tag}_sqrt_reliability")]
                .as_f64()
                .unwrap(),
            1e-9,
        );
    }
}

#[test]
fn kriegeskorte2008_nili_bounds() {
    let path = shared("data/kriegeskorte2008_92images/rdms_human_it.npy");
    if !path.exists() {
        eprintln!("SKIPPED: {} not found (shared data absent)", path.display());
        return;
    }
    let exp = expected();
    let rdms = Array4::<f64>::read_npy(std::fs::File::open(&path).unwrap()).unwrap();
    let mut subjects4 = Vec::new();
    let mut rdms8 = Vec::new();
    for s in 0..rdms.shape()[0] {
        let sessions: Vec<Vec<f64>> = (0..rdms.shape()[1])
            .map(|k| upper_triangle(rdms.index_axis(Axis(0), s).index_axis(Axis(0), k)).unwrap())
            .collect();
        subjects4.push(mean_vectors(&sessions).unwrap());
        rdms8.extend(sessions);
    }
    assert_eq!(subjects4[0].len(), 4186);
    let check = |k: &str, lower: f64, upper: f64| {
        for (side, got) in [("lower", lower), ("upper", upper)] {
            let key = format!("{k}_{side}");
            close(&key, got, exp[&key].as_f64().unwrap(), 1e-9);
        }
    };
    for (tag, vecs) in [("subjects4", &subjects4), ("rdms8", &rdms8)] {
        for (sim, method) in [
            ("spearman", RsaMethod::Spearman),
            ("tau_a", RsaMethod::KendallTauA),
        ] {
            let b = nili_bounds(vecs, method, Pooling::RankAverage).unwrap();
            check(
                &format!("kriegeskorte2008_hit_{tag}_{sim}_rankavg"),
                b.lower,
                b.upper,
            );
        }
        let b = nili_bounds(vecs, RsaMethod::Spearman, Pooling::RawAverage).unwrap();
        check(
            &format!("kriegeskorte2008_hit_{tag}_spearman_rawavg"),
            b.lower,
            b.upper,
        );
    }
}
