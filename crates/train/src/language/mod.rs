//! Language-model training: corpora → byte-level BPE → token blocks, gpt-mini and
//! lstm-mini in candle, the shared next-token loop, and q8 exports with manifests.

pub mod corpus;
pub mod gpt;
pub mod lstm;
pub mod parity;
pub mod train_lm;

use std::path::{Path, PathBuf};

use brainprobe_text::Tokenizer;
use sha2::{Digest, Sha256};

use corpus::{blocks, token_stream, train_tokenizer, training_documents};
use train_lm::LmData;

/// The shared tokenizer's path relative to `weights/`.
pub const TOKENIZER: &str = "tokenizer-bpe8k/tokenizer.json";

/// `weights/tokenizer-bpe8k/tokenizer.json` under `root`.
pub fn tokenizer_path(root: &Path) -> PathBuf {
    root.join("weights").join(TOKENIZER)
}

/// Trains the BPE on the training corpora and writes it (`brainprobe-train tokenizer`).
pub fn write_tokenizer(root: &Path) -> Result<PathBuf, String> {
    let docs = training_documents(&root.join("data/cache/corpora"))?;
    let t0 = std::time::Instant::now();
    let tk = train_tokenizer(&docs)?;
    let path = tokenizer_path(root);
    let bytes = tk.to_json_bytes().map_err(|e| e.to_string())?;
    crate::checkpoint::write_atomic(&path, &bytes)?;
    eprintln!(
        "tokenizer: {} tokens trained on {} documents in {:.1} s → {}",
        tk.vocab_size(),
        docs.len(),
        t0.elapsed().as_secs_f64(),
        path.display()
    );
    Ok(path)
}

/// The committed tokenizer.
pub fn load_tokenizer(root: &Path) -> Result<Tokenizer, String> {
    let path = tokenizer_path(root);
    Tokenizer::from_file(&path).map_err(|e| {
        format!("{e} (train it with `cargo run -p brainprobe-train --release -- tokenizer`)")
    })
}

/// The training token stream (cached under `data/train-runs/`, keyed by the tokenizer's
/// sha256) and its block split for `context`.
pub fn load_data(root: &Path, context: usize) -> Result<LmData, String> {
    let tk_bytes = std::fs::read(tokenizer_path(root))
        .map_err(|e| format!("{}: {e}", tokenizer_path(root).display()))?;
    let key = hex::encode(&Sha256::digest(&tk_bytes)[..6]);
    let cache = root
        .join("data/train-runs")
        .join(format!("tokens-{key}.u16"));
    let tokens: Vec<u16> = match std::fs::read(&cache) {
        Ok(bytes) => bytes
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect(),
        Err(_) => {
            let tk = load_tokenizer(root)?;
            let docs = training_documents(&root.join("data/cache/corpora"))?;
            let t0 = std::time::Instant::now();
            let tokens = token_stream(&tk, &docs)?;
            eprintln!(
                "tokenised {} documents into {} tokens in {:.1} s",
                docs.len(),
                tokens.len(),
                t0.elapsed().as_secs_f64()
            );
            let bytes: Vec<u8> = tokens.iter().flat_map(|t| t.to_le_bytes()).collect();
            crate::checkpoint::write_atomic(&cache, &bytes)?;
            tokens
        }
    };
    let (train, held_out) = blocks(tokens.len(), context);
    Ok(LmData {
        tokens,
        train,
        held_out,
    })
}
