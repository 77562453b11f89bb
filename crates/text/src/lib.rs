//! Tokenizers and word ↔ token alignment for brainprobe's language models (DESIGN.md:
//! `text` is a leaf crate used by `models`, `benchmarks` and `train`; it compiles for
//! wasm32 and natively).
//!
//! - [`train_bpe`]: byte-level BPE (8 192 tokens for gpt-mini and lstm-mini), deterministic,
//!   saved and loaded as `tokenizer.json` bytes ([`Tokenizer::to_json_bytes`],
//!   [`Tokenizer::from_json_bytes`], which takes any model type the `tokenizers` crate has).
//! - [`wordpiece_from_vocab`]: BERT-style WordPiece from a `vocab.txt` (MiniLM).
//! - [`byte_level_bpe`]: byte-level BPE from a GGUF's token and merge lists with the
//!   pre-tokenizer llama.cpp names (SmolLM2: `smollm`, digits split one by one).
//! - [`Tokenizer::encode_words`] + [`Alignment`]: words joined with single spaces, each token
//!   assigned to the word holding its last byte; a word is represented by its last token
//!   ([`gather_last_token_rows`]) and its surprisal is the sum over its tokens, in bits
//!   ([`word_surprisal_bits`]; METRICS §3, §7). The models' other readouts use
//!   [`EncodedWords::word_tokens_before_punctuation`] (the last word without trailing
//!   punctuation) and [`pool_token_rows`] (the mean over a word's tokens).
//!
//! ```
//! use brainprobe_text::{train_bpe, word_surprisal_bits, BpeConfig};
//! let corpus = ["the cat sat on the mat", "the dog sat on the cat"];
//! let cfg = BpeConfig { vocab_size: 300, min_frequency: 1 };
//! let tk = train_bpe(corpus.iter(), &cfg)?;
//! let enc = tk.encode_words(&["The", "cat", "sat."], false)?;
//! let a = &enc.alignment;
//! assert_eq!(a.n_words(), 3);
//! let last = a.last_tokens(); // rows to read from each recorded layer
//! assert_eq!(last.len(), 3);
//! // ln P of every token from the model (NaN: the first token has no prediction)
//! let logp: Vec<f32> = (0..a.n_tokens()).map(|t| if t == 0 { f32::NAN } else { -0.7 }).collect();
//! let bits = word_surprisal_bits(&logp, a)?;
//! assert!(bits[0].is_nan() && bits[1] > 0.0);
//! # Ok::<(), brainprobe_text::TextError>(())
//! ```

mod align;
mod byte_bpe;
mod embedding_words;
mod error;
mod pool;
mod tokenizer;
mod train;
mod wordpiece;

#[cfg(test)]
mod test_support;

pub use align::{
    gather_last_token_rows, join_words, split_words, word_surprisal_bits, Alignment, EncodedWords,
};
pub use byte_bpe::byte_level_bpe;
pub use embedding_words::embedding_words;
pub use error::{Result, TextError};
pub use pool::{is_punctuation_only, pool_token_rows};
pub use tokenizer::{ModelKind, TokenizedText, Tokenizer};
#[cfg(not(target_arch = "wasm32"))]
pub use train::train_bpe_files;
pub use train::{train_bpe, BpeConfig, DEFAULT_VOCAB_SIZE, END_OF_TEXT};
pub use wordpiece::wordpiece_from_vocab;
