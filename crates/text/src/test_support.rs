//! Shared test fixtures: a tiny made-up corpus and a BPE trained on it once.

use std::sync::OnceLock;

use crate::tokenizer::Tokenizer;
use crate::train::{train_bpe, BpeConfig};

/// A small made-up English text (not WikiText).
pub const TINY_CORPUS: &str = include_str!("../tests/fixtures/tiny_corpus.txt");

/// A 400-token byte-level BPE trained on [`TINY_CORPUS`] (trained once per test binary).
pub fn tiny_bpe() -> &'static Tokenizer {
    static TK: OnceLock<Tokenizer> = OnceLock::new();
    TK.get_or_init(|| {
        let cfg = BpeConfig {
            vocab_size: 400,
            min_frequency: 2,
        };
        train_bpe(TINY_CORPUS.lines(), &cfg).expect("training on the fixed tiny corpus")
    })
}
