//! `shared/golden/lm` (METRICS §3.2): per-word surprisal in bits from token NLLs and the
//! word of each token, against the SciPy/NumPy reference (`generate_golden.py`):
//!
//! ```python
//! word_surprisal_bits = np.bincount(word_index_of_token, weights=token_nll_nats) / np.log(2)
//! ```
//! Tolerance: "closed form", |a − b| ≤ 1e-12 + 1e-9·|b|.

use brainprobe_text::{word_surprisal_bits, Alignment};
use ndarray::Array1;
use ndarray_npy::ReadNpyExt;

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

#[test]
fn word_surprisal_bits_matches_golden() {
    let nll = Array1::<f64>::read_npy(golden!("lm/token_nll_nats.npy")).unwrap();
    let word = Array1::<i64>::read_npy(golden!("lm/word_index_of_token.npy")).unwrap();
    let expected: serde_json::Value = serde_json::from_slice(golden!("expected.json")).unwrap();
    let want: Vec<f64> = expected["lm"]["word_surprisal_bits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let word_of_token = word.iter().map(|&w| Some(w as usize)).collect();
    let alignment = Alignment::from_word_of_token(word_of_token, want.len()).unwrap();
    let logprob: Vec<f64> = nll.iter().map(|v| -v).collect();
    let got = word_surprisal_bits(&logprob, &alignment).unwrap();
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 + 1e-9 * w.abs(),
            "word {i}: {g} vs {w}"
        );
    }
}
