//! Word ↔ token alignment (METRICS §3.1 step 3, §7.1).
//!
//! Words as shown to people (Natural Stories tokens with punctuation attached, a Pereira
//! sentence split on whitespace) are joined with single spaces and the text is encoded once
//! with byte offsets. A token belongs to the word in which its **last byte** falls, and the
//! space before a word belongs to that word, so `" Smith,"` gives the tokens of word
//! `Smith,`. A word's representation is its **last** token; its surprisal is the **sum** of
//! its tokens' surprisals, in bits. Tokens with an empty byte range (BERT's `[CLS]`,
//! `[SEP]`) belong to no word.
//!
//! Unlike the reference's `digest_text`, spaces before `. , ! ? ; :` are kept: for the
//! corpora here punctuation is attached to words, so nothing changes, and a word that is
//! only punctuation keeps a token of its own (it could otherwise merge into its neighbour).

use std::ops::Range;

use crate::error::{Result, TextError};
use crate::tokenizer::Tokenizer;

/// Splits a sentence into words at Unicode whitespace (runs of spaces, tabs, newlines count
/// once; leading and trailing whitespace is ignored).
pub fn split_words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// Joins words with single spaces; returns the text and each word's byte range in it.
pub fn join_words<S: AsRef<str>>(words: &[S]) -> (String, Vec<Range<usize>>) {
    let len = words.iter().map(|w| w.as_ref().len() + 1).sum::<usize>();
    let mut text = String::with_capacity(len);
    let mut spans = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(word.as_ref());
        spans.push(start..text.len());
    }
    (text, spans)
}

/// Which word each token belongs to, and each word's contiguous, non-empty token range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alignment {
    word_of_token: Vec<Option<usize>>,
    word_tokens: Vec<Range<usize>>,
}

impl Alignment {
    /// Builds an alignment from the word of each token (`None`: a special token).
    ///
    /// Errors unless word indices are `< n_words`, never decrease along the tokens, every word
    /// has at least one token, and no `None` token sits inside a word.
    pub fn from_word_of_token(word_of_token: Vec<Option<usize>>, n_words: usize) -> Result<Self> {
        let mut word_tokens: Vec<Range<usize>> = Vec::with_capacity(n_words);
        for (t, w) in word_of_token.iter().enumerate() {
            let Some(w) = *w else { continue };
            if w >= n_words {
                return Err(TextError::Alignment(format!(
                    "token {t} names word {w}, but there are {n_words} words"
                )));
            }
            let n = word_tokens.len();
            if n > 0 && w == n - 1 {
                let r = &mut word_tokens[n - 1];
                if r.end != t {
                    return Err(TextError::Alignment(format!(
                        "word {w} is split by token {} that belongs to no word",
                        r.end
                    )));
                }
                r.end = t + 1;
            } else if w == n {
                word_tokens.push(t..t + 1);
            } else if w < n {
                return Err(TextError::Alignment(format!(
                    "token {t} goes back to word {w} after word {}",
                    n - 1
                )));
            } else {
                return Err(TextError::Alignment(format!("word {n} has no token")));
            }
        }
        if word_tokens.len() < n_words {
            return Err(TextError::Alignment(format!(
                "word {} has no token",
                word_tokens.len()
            )));
        }
        Ok(Alignment {
            word_of_token,
            word_tokens,
        })
    }

    /// Number of words.
    pub fn n_words(&self) -> usize {
        self.word_tokens.len()
    }

    /// Number of tokens, special tokens included.
    pub fn n_tokens(&self) -> usize {
        self.word_of_token.len()
    }

    /// For every token, the index of its word (`None` for special tokens).
    pub fn word_of_token(&self) -> &[Option<usize>] {
        &self.word_of_token
    }

    /// For every word, its token range (never empty).
    pub fn word_tokens(&self) -> &[Range<usize>] {
        &self.word_tokens
    }

    /// For every word, the index of its last token: the token whose state represents it.
    pub fn last_tokens(&self) -> Vec<usize> {
        self.word_tokens.iter().map(|r| r.end - 1).collect()
    }

    /// The same alignment after `n` tokens that belong to no word (e.g. a BOS
    /// `<|endoftext|>`) are put in front of the tokens.
    pub fn with_prefix_tokens(&self, n: usize) -> Alignment {
        let mut word_of_token = vec![None; n];
        word_of_token.extend_from_slice(&self.word_of_token);
        let word_tokens = self
            .word_tokens
            .iter()
            .map(|r| r.start + n..r.end + n)
            .collect();
        Alignment {
            word_of_token,
            word_tokens,
        }
    }
}

/// A word sequence encoded as one text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedWords {
    /// The space-joined text that was encoded.
    pub text: String,
    /// Token ids (special tokens included when requested).
    pub ids: Vec<u32>,
    /// Byte range of each token in `text` (`(0, 0)` for special tokens).
    pub offsets: Vec<(usize, usize)>,
    /// Token ↔ word alignment.
    pub alignment: Alignment,
}

impl Tokenizer {
    /// Encodes `words` joined with single spaces and aligns every token to its word.
    ///
    /// Zero words give an empty alignment (and only the special tokens, if requested).
    /// Errors: [`TextError::EmptyWord`] for a word that is empty or only whitespace;
    /// [`TextError::WordWithoutTokens`] if the normaliser deletes a whole word (BERT drops
    /// control characters; byte-level BPE never deletes anything).
    pub fn encode_words<S: AsRef<str>>(
        &self,
        words: &[S],
        add_special_tokens: bool,
    ) -> Result<EncodedWords> {
        if let Some(index) = words.iter().position(|w| w.as_ref().trim().is_empty()) {
            return Err(TextError::EmptyWord {
                index,
                word: words[index].as_ref().to_string(),
            });
        }
        let (text, spans) = join_words(words);
        let tokens = self.encode_text(&text, add_special_tokens)?;
        let word_of_token = tokens
            .offsets
            .iter()
            .enumerate()
            .map(|(t, &(start, end))| {
                if end <= start {
                    return Ok(None);
                }
                if end > text.len() {
                    return Err(TextError::Alignment(format!(
                        "token {t} ends at byte {end}, beyond the text's {} bytes",
                        text.len()
                    )));
                }
                // the word whose span (with the space before it) holds the last byte
                Ok(Some(spans.partition_point(|s| s.end < end)))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut has_token = vec![false; words.len()];
        for w in word_of_token.iter().flatten() {
            has_token[*w] = true;
        }
        if let Some(index) = has_token.iter().position(|&h| !h) {
            return Err(TextError::WordWithoutTokens {
                index,
                word: words[index].as_ref().to_string(),
            });
        }
        let alignment = Alignment::from_word_of_token(word_of_token, words.len())?;
        Ok(EncodedWords {
            text,
            ids: tokens.ids,
            offsets: tokens.offsets,
            alignment,
        })
    }
}

/// Per-word surprisal in bits, −Σ ln P / ln 2 over the word's tokens (METRICS §3, §7).
///
/// `token_logprob_nats[t]` is ln P(token t | earlier tokens); a token without a prediction
/// (the first one, when there is no BOS) is NaN and makes its word's surprisal NaN.
/// Errors on a length other than the alignment's token count, or a value above 1e-4
/// (an NLL passed by mistake).
pub fn word_surprisal_bits<T: Copy + Into<f64>>(
    token_logprob_nats: &[T],
    alignment: &Alignment,
) -> Result<Vec<f64>> {
    if token_logprob_nats.len() != alignment.n_tokens() {
        return Err(TextError::Shape {
            what: "word_surprisal_bits (token log-probabilities)",
            expected: format!("{} tokens", alignment.n_tokens()),
            actual: format!("{}", token_logprob_nats.len()),
        });
    }
    if let Some((token, value)) = token_logprob_nats
        .iter()
        .map(|&v| v.into())
        .enumerate()
        .find(|&(_, v)| v > 1e-4)
    {
        return Err(TextError::PositiveLogProb { token, value });
    }
    Ok(alignment
        .word_tokens()
        .iter()
        .map(|r| {
            let nats: f64 = token_logprob_nats[r.clone()]
                .iter()
                .map(|&v| -v.into())
                .sum();
            nats / std::f64::consts::LN_2
        })
        .collect())
}

/// Picks each word's last-token row from a row-major `(n_tokens × width)` matrix, giving
/// a row-major `(n_words × width)` matrix.
pub fn gather_last_token_rows(
    token_rows: &[f32],
    width: usize,
    alignment: &Alignment,
) -> Result<Vec<f32>> {
    if width == 0 || token_rows.len() != alignment.n_tokens() * width {
        return Err(TextError::Shape {
            what: "gather_last_token_rows (token rows)",
            expected: format!("{} tokens × width {width} (> 0)", alignment.n_tokens()),
            actual: format!("{} values", token_rows.len()),
        });
    }
    let last: Vec<Range<usize>> = alignment.last_tokens().iter().map(|&t| t..t + 1).collect();
    crate::pool::pool_token_rows(token_rows, width, &last)
}

#[cfg(test)]
#[path = "align_tests.rs"]
mod tests;
