//! Which tokens of a word represent it, and pooling their rows (the models' readouts,
//! METRICS §7.1 and issue 16): the word's last token, its last token before any trailing
//! punctuation tokens, or the mean over all of its tokens.
//!
//! A token is *punctuation* when every character its byte range touches is punctuation
//! (Unicode general category P*, or ASCII punctuation as BERT counts it, e.g. `$`, `+`,
//! `` ` ``) or whitespace (a bare space token counts too). Emoji and other symbols are not
//! punctuation; nor is a byte-level token that holds part of a letter. A word made only
//! of punctuation keeps its tokens: it has nothing else to read.

use std::ops::Range;

use unicode_categories::UnicodeCategories;

use crate::align::EncodedWords;
use crate::error::{Result, TextError};

/// True when `c` is punctuation for [`is_punctuation_only`].
fn is_punctuation_char(c: char) -> bool {
    c.is_ascii_punctuation() || c.is_punctuation()
}

/// True when `text` has at least one punctuation character and nothing but punctuation
/// and whitespace (`"."`, `" ?!"`, `"»"`, `"،"`; not `""`, `" "`, `"🙂"`, `"a."`).
pub fn is_punctuation_only(text: &str) -> bool {
    text.chars().any(is_punctuation_char)
        && text
            .chars()
            .all(|c| c.is_whitespace() || is_punctuation_char(c))
}

/// The characters of `text` that the byte range `[start, end)` touches (the range widened
/// to character boundaries, so a byte-level token inside a multi-byte character sees it).
fn touched(text: &str, start: usize, end: usize) -> &str {
    let end = end.min(text.len());
    let mut s = start.min(end);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = end;
    while !text.is_char_boundary(e) {
        e += 1;
    }
    &text[s..e]
}

impl EncodedWords {
    /// Whether token `t` holds nothing but punctuation and whitespace (see the module
    /// docs); special tokens do not.
    pub fn is_punctuation_token(&self, t: usize) -> bool {
        match self.offsets.get(t) {
            Some(&(start, end)) if end > start => touched(&self.text, start, end)
                .chars()
                .all(|c| c.is_whitespace() || is_punctuation_char(c)),
            _ => false,
        }
    }

    /// For every word, its tokens without the trailing punctuation (or bare whitespace)
    /// tokens: `ran.` → the tokens of `ran`; a word of punctuation only keeps all of its
    /// tokens.
    pub fn word_tokens_before_punctuation(&self) -> Vec<Range<usize>> {
        self.alignment
            .word_tokens()
            .iter()
            .map(|r| {
                let mut end = r.end;
                while end > r.start && self.is_punctuation_token(end - 1) {
                    end -= 1;
                }
                if end == r.start {
                    r.clone()
                } else {
                    r.start..end
                }
            })
            .collect()
    }
}

/// One row per range: the mean of the rows `range` of a row-major `(n_tokens × width)`
/// matrix (a one-token range is that row, bit for bit; sums in f64). Errors on a width of
/// 0, a length that is not a multiple of it, or an empty or out-of-range range.
pub fn pool_token_rows(
    token_rows: &[f32],
    width: usize,
    ranges: &[Range<usize>],
) -> Result<Vec<f32>> {
    let n_tokens = token_rows.len().checked_div(width).unwrap_or(0);
    if width == 0 || token_rows.len() != n_tokens * width {
        return Err(TextError::Shape {
            what: "pool_token_rows (token rows)",
            expected: format!("a whole number of rows of width {width} (> 0)"),
            actual: format!("{} values", token_rows.len()),
        });
    }
    if let Some(r) = ranges.iter().find(|r| r.start >= r.end || r.end > n_tokens) {
        return Err(TextError::Shape {
            what: "pool_token_rows (token range)",
            expected: format!("a non-empty range within {n_tokens} tokens"),
            actual: format!("{r:?}"),
        });
    }
    let mut out = Vec::with_capacity(ranges.len() * width);
    let mut sum = vec![0f64; width];
    for r in ranges {
        if r.len() == 1 {
            out.extend_from_slice(&token_rows[r.start * width..r.end * width]);
            continue;
        }
        sum.fill(0.0);
        for row in token_rows[r.start * width..r.end * width].chunks_exact(width) {
            sum.iter_mut()
                .zip(row)
                .for_each(|(s, &v)| *s += f64::from(v));
        }
        let n = r.len() as f64;
        out.extend(sum.iter().map(|s| (s / n) as f32));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::tiny_bpe;

    #[test]
    fn punctuation_is_unicode_punctuation_and_ascii_symbols() {
        for p in [".", " ?!", "»", "،", "؟", "—", "...\"", "$", "'"] {
            assert!(is_punctuation_only(p), "{p:?}");
        }
        for w in ["", " ", "🙂", "a.", "مرحبا", "1", "\u{200b}"] {
            assert!(!is_punctuation_only(w), "{w:?}");
        }
    }

    /// The decoded text of each word's readout tokens.
    fn before_punctuation(words: &[&str]) -> Vec<String> {
        let tk = tiny_bpe();
        let enc = tk.encode_words(words, false).unwrap();
        enc.word_tokens_before_punctuation()
            .into_iter()
            .map(|r| tk.decode(&enc.ids[r], false).unwrap())
            .collect()
    }

    #[test]
    fn trailing_punctuation_tokens_are_dropped_and_nothing_else() {
        assert_eq!(
            before_punctuation(&["The", "dog", "ran."]),
            [" The", " dog", " ran"]
        );
        assert_eq!(
            before_punctuation(&["'Ah,", "Smith!'", "\"Hello?\""]),
            [" 'Ah", " Smith", " \"Hello"]
        );
        // punctuation-only words keep their tokens; emoji and right-to-left text are words
        assert_eq!(before_punctuation(&["...", "!?"]), [" ...", " !?"]);
        assert_eq!(
            before_punctuation(&["so", "🙂.", "مرحبا،", "שלום!"]),
            [" so", " 🙂", " مرحبا", " שלום"]
        );
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // one token range per word, on purpose
    fn pooling_copies_one_row_and_averages_several() {
        let rows: Vec<f32> = (0..8).map(|v| v as f32).collect(); // 4 tokens x 2
        assert_eq!(
            pool_token_rows(&rows, 2, &[3..4, 0..1]).unwrap(),
            [6., 7., 0., 1.]
        );
        assert_eq!(pool_token_rows(&rows, 2, &[1..4]).unwrap(), [4., 5.]);
        // -0.0 stays -0.0 in a one-token range (a copy, not a sum)
        let neg = pool_token_rows(&[-0.0, 1.0], 2, &[0..1]).unwrap();
        assert!(neg[0].is_sign_negative());
        assert!(pool_token_rows(&rows, 2, &[2..2]).is_err());
        assert!(pool_token_rows(&rows, 2, &[3..5]).is_err());
        assert!(pool_token_rows(&rows, 3, &[0..1]).is_err());
        assert!(pool_token_rows(&rows, 0, &[0..1]).is_err());
        assert!(pool_token_rows(&rows, 2, &[]).unwrap().is_empty());
    }
}
