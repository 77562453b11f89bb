//! Language-model helpers (METRICS §3): perplexities, strided evaluation windows,
//! per-word surprisal, and the Natural Stories sentence segmentation.

use crate::error::{MetricsError, Result};

/// Perplexity summary of scored tokens (NLL in nats).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Perplexity {
    /// exp(mean token NLL).
    pub token_ppl: f64,
    /// exp(Σ NLL / #words): comparable across tokenizers (headline).
    pub word_ppl: f64,
    /// mean token NLL / ln 2.
    pub bits_per_token: f64,
    /// Σ NLL / (ln 2 · #words).
    pub bits_per_word: f64,
}

/// Summarises token NLLs (nats) for a text of `n_words` whitespace-separated words.
pub fn perplexity(token_nll: &[f64], n_words: usize) -> Result<Perplexity> {
    if token_nll.is_empty() || n_words == 0 {
        return Err(MetricsError::Empty { what: "perplexity" });
    }
    if let Some(row) = token_nll.iter().position(|v| !v.is_finite()) {
        return Err(MetricsError::NonFinite {
            what: "perplexity (token NLL)",
            row,
            col: 0,
        });
    }
    let total: f64 = token_nll.iter().sum();
    let mean = total / token_nll.len() as f64;
    let ln2 = std::f64::consts::LN_2;
    Ok(Perplexity {
        token_ppl: mean.exp(),
        word_ppl: (total / n_words as f64).exp(),
        bits_per_token: mean / ln2,
        bits_per_word: total / (ln2 * n_words as f64),
    })
}

/// One evaluation window: tokens `[begin, end)` are fed, `[first_scored, end)` are scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// First token fed to the model.
    pub begin: usize,
    /// One past the last token fed.
    pub end: usize,
    /// First token whose NLL counts.
    pub first_scored: usize,
}

/// Sliding windows of length `len` with stride `stride` over `n_tokens` tokens; every token
/// except token 0 is scored exactly once (METRICS §3.2).
pub fn windows(n_tokens: usize, len: usize, stride: usize) -> Result<Vec<Window>> {
    if len == 0 || stride == 0 || stride > len {
        return Err(MetricsError::param(
            "windows",
            format!("need 0 < stride ≤ length, got length {len}, stride {stride}"),
        ));
    }
    let mut out = Vec::new();
    let (mut prev_end, mut begin) = (0, 0);
    if n_tokens == 0 {
        return Ok(out);
    }
    loop {
        let end = (begin + len).min(n_tokens);
        let first = prev_end.max(begin + 1);
        if first < end {
            out.push(Window {
                begin,
                end,
                first_scored: first,
            });
        }
        prev_end = end;
        if end == n_tokens {
            return Ok(out);
        }
        begin += stride;
    }
}

/// Per-word surprisal in bits: Σ over the word's tokens of NLL / ln 2.
pub fn word_surprisal_bits(
    token_nll: &[f64],
    word_of_token: &[usize],
    n_words: usize,
) -> Result<Vec<f64>> {
    if token_nll.len() != word_of_token.len() {
        return Err(MetricsError::shape(
            "word_surprisal_bits",
            format!("{} word indices", token_nll.len()),
            format!("{}", word_of_token.len()),
        ));
    }
    let mut out = vec![0.0; n_words];
    for (&nll, &w) in token_nll.iter().zip(word_of_token) {
        let slot = out
            .get_mut(w)
            .ok_or_else(|| MetricsError::param("word_of_token", format!("word {w} ≥ {n_words}")))?;
        *slot += nll / std::f64::consts::LN_2;
    }
    Ok(out)
}

/// Python `str.islower()`: at least one cased character, and all cased ones lowercase.
fn is_lower(word: &str) -> bool {
    let mut cased = false;
    for c in word.chars() {
        if c.is_uppercase() {
            return false;
        }
        if c.is_lowercase() {
            cased = true;
        }
    }
    cased
}

/// Sentence id (from 1) and word-within-sentence index (from 1) of each word, by the
/// Natural Stories rule of METRICS §3.1 step 5.
pub fn segment_sentences<S: AsRef<str>>(words: &[S]) -> (Vec<usize>, Vec<usize>) {
    const ENDS: [&str; 7] = [".", "?", "!", ".'", "?'", "!'", ";'"];
    let (mut sid, mut wws) = (
        Vec::with_capacity(words.len()),
        Vec::with_capacity(words.len()),
    );
    let (mut s, mut idx) = (1, 0);
    for (i, w) in words.iter().enumerate() {
        let w = w.as_ref();
        idx += 1;
        sid.push(s);
        wws.push(idx);
        if ENDS.iter().any(|e| w.ends_with(e)) {
            match words.get(i + 1) {
                Some(next) if !(is_lower(next.as_ref()) || w == "Mr.") => {
                    idx = 0;
                    s += 1;
                }
                Some(_) => {}
                None => idx = 0,
            }
        }
    }
    (sid, wws)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn islower_like_python() {
        assert!(is_lower("and"));
        assert!(is_lower("'admiral',"));
        assert!(!is_lower("'Ah"));
        assert!(!is_lower("I"));
        assert!(!is_lower("123"));
    }

    #[test]
    fn windows_cover_every_token_once() {
        let w = windows(23, 8, 4).unwrap();
        let scored: usize = w.iter().map(|x| x.end - x.first_scored).sum();
        assert_eq!(scored, 22);
        assert!(windows(10, 4, 5).is_err());
    }
}
