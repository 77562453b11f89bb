//! Text corpora (training) and WikiText-2 (evaluation): per-file word counts in the bundle;
//! the texts themselves stay native-only in the verified cache.

use serde::Deserialize;

use crate::error::Result;
use crate::formats::parse_csv;

/// Bundle path of the per-file counts.
pub const WORD_COUNTS: &str = "corpora/word_counts.csv";

/// Line/word/byte counts of one corpus file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CorpusFileCount {
    /// File path relative to `corpora/`.
    pub file: String,
    /// Corpus name (brown, gutenberg, abc, state_union, inaugural, webtext, reuters, wikitext2).
    pub corpus: String,
    /// Number of lines.
    pub lines: u64,
    /// Whitespace-separated tokens.
    #[serde(rename = "words_whitespace")]
    pub words: u64,
    /// Size in bytes.
    pub bytes: u64,
}

/// Parses `word_counts.csv`.
pub fn parse_word_counts(bytes: &[u8]) -> Result<Vec<CorpusFileCount>> {
    parse_csv(WORD_COUNTS, bytes)
}

/// Total words per corpus name, in first-appearance order.
pub fn words_by_corpus(counts: &[CorpusFileCount]) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for c in counts {
        match out.iter_mut().find(|(n, _)| *n == c.corpus) {
            Some((_, w)) => *w += c.words,
            None => out.push((c.corpus.clone(), c.words)),
        }
    }
    out
}
