//! The language-model training corpora (Brown, Gutenberg, ABC, State of the Union,
//! inaugural addresses, webtext, Reuters — never WikiText-2, which is for evaluation only),
//! normalised to running text, tokenised once and cut into fixed-length blocks with a
//! deterministic 1 % held-out split.

use brainprobe_text::{train_bpe, BpeConfig, Tokenizer};

/// Every hundredth block is held out (1 % of the training corpora; WikiText is not used).
pub const HELD_OUT_EVERY: usize = 100;

// The corpora are read by brainprobe-data (prepare-data counts the same documents' words
// for the frequency baselines, METRICS §10.1).
pub use brainprobe_data::datasets::corpora::{
    detokenise_brown, normalise_paragraphs, training_documents, Document,
};

/// Trains the project's byte-level BPE (8 192 tokens) on `docs`.
pub fn train_tokenizer(docs: &[Document]) -> Result<Tokenizer, String> {
    train_bpe(docs.iter().flat_map(|d| d.lines()), &BpeConfig::default()).map_err(|e| e.to_string())
}

/// One token stream: each document's tokens followed by `<|endoftext|>` (id 0).
pub fn token_stream(tokenizer: &Tokenizer, docs: &[Document]) -> Result<Vec<u16>, String> {
    let mut out = Vec::new();
    for doc in docs {
        for line in doc.lines() {
            let ids = tokenizer
                .encode_text(line, false)
                .map_err(|e| e.to_string())?
                .ids;
            out.extend(ids.iter().map(|&i| i as u16));
            // newline between paragraphs, as the byte-level BPE sees it
            if let Some(nl) = tokenizer.token_to_id("Ċ") {
                out.push(nl as u16);
            }
        }
        out.push(0);
    }
    Ok(out)
}

/// Fixed-length training windows of `context + 1` tokens (input + shifted target) cut
/// from the stream with stride `context`, split into (train, held-out) block starts.
pub fn blocks(n_tokens: usize, context: usize) -> (Vec<usize>, Vec<usize>) {
    let n_blocks = n_tokens.saturating_sub(1) / context;
    (0..n_blocks)
        .map(|b| b * context)
        .partition(|&s| (s / context) % HELD_OUT_EVERY != HELD_OUT_EVERY - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_block_in_a_hundred_is_held_out() {
        let (train, held) = blocks(128 * 1000 + 1, 128);
        assert_eq!(train.len() + held.len(), 1000);
        assert_eq!(held.len(), 10);
        assert!(held.iter().all(|s| !train.contains(s)));
    }
}
