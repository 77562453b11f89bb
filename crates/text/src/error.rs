//! Error type of the text crate: every variant says which input (word index, file, token)
//! is at fault.

use thiserror::Error;

/// What went wrong while training, loading or applying a tokenizer, or aligning words.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TextError {
    /// A training option is out of range (e.g. a vocabulary smaller than the byte alphabet).
    #[error("invalid tokenizer setting `{what}`: {reason}")]
    Config {
        /// The setting.
        what: &'static str,
        /// Why it is rejected.
        reason: String,
    },
    /// Training saw no text at all (every sequence empty or whitespace).
    #[error("no training text: every training sequence was empty or whitespace")]
    NoTrainingText,
    /// A word is empty or only whitespace, so it cannot be shown to a reader or tokenised.
    #[error("word {index} is empty or only whitespace ({word:?}); words must contain a visible character")]
    EmptyWord {
        /// Index of the word in the input sequence.
        index: usize,
        /// The word as given.
        word: String,
    },
    /// The tokenizer produced no token for a word (possible only when a normaliser deletes
    /// every character of the word, e.g. BERT's removal of control characters).
    #[error("word {index} ({word:?}) got no token from the tokenizer (its normaliser removed every character)")]
    WordWithoutTokens {
        /// Index of the word.
        index: usize,
        /// The word as given.
        word: String,
    },
    /// Token offsets or a token-to-word map that cannot form a word alignment.
    #[error("cannot align tokens to words: {0}")]
    Alignment(String),
    /// Per-token values whose length differs from the number of tokens, or a wrong width.
    #[error("shape mismatch in {what}: expected {expected}, got {actual}")]
    Shape {
        /// Which function or argument.
        what: &'static str,
        /// Expected length or shape.
        expected: String,
        /// Length or shape given.
        actual: String,
    },
    /// A per-token log-probability above 0 (the caller probably passed an NLL).
    #[error("token {token} has log-probability {value} > 0: pass ln P (≤ 0), not the negative log-likelihood")]
    PositiveLogProb {
        /// Token index.
        token: usize,
        /// The value given.
        value: f64,
    },
    /// A tokenizer.json (or vocab.txt) that cannot be parsed or is missing a needed token.
    #[error("invalid tokenizer `{source_name}`: {reason}")]
    Load {
        /// File name or description of the bytes.
        source_name: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A training file that cannot be read.
    #[error("I/O error on `{path}`: {reason}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// An error reported by the `tokenizers` crate while encoding, training or saving.
    #[error("tokenizers ({during}): {reason}")]
    Tokenizers {
        /// What the crate was doing.
        during: &'static str,
        /// The message of the `tokenizers` error.
        reason: String,
    },
}

impl TextError {
    /// Wraps an error of the `tokenizers` crate, saying what was being done.
    pub(crate) fn tk(during: &'static str) -> impl FnOnce(tokenizers::Error) -> TextError {
        move |e| TextError::Tokenizers {
            during,
            reason: e.to_string(),
        }
    }
}

/// Result alias used across the crate.
pub type Result<T> = std::result::Result<T, TextError>;
