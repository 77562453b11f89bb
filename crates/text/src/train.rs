//! Byte-level BPE training (GPT-2 style) with the HF `tokenizers` trainer.
//!
//! Pipeline: no normaliser; byte-level pre-tokenizer with the GPT-2 split pattern and
//! `add_prefix_space` (so "The" at the start of a text tokenises like " The" inside it);
//! BPE over the 256 byte symbols (all always in the vocabulary, so no input is unknown);
//! byte-level decoder; one special token, [`END_OF_TEXT`] (id 0). Training is deterministic:
//! the trainer counts words (order-free), ranks merges by (count, then smaller pair ids) and
//! numbers new tokens in merge order, and `tokenizer.json` lists vocabulary and merges by id,
//! so the same text gives byte-identical `tokenizer.json` whatever the hash seeds or thread
//! count. WikiText-2 is for evaluation only: never pass it here.

use std::sync::atomic::{AtomicBool, Ordering};

use tokenizers::models::bpe::{BpeTrainer, BPE};
use tokenizers::models::TrainerWrapper;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::AddedToken;

use crate::error::{Result, TextError};
use crate::tokenizer::Tokenizer;

/// The document separator and only special token of the trained BPE (id 0).
pub const END_OF_TEXT: &str = "<|endoftext|>";

/// Vocabulary size of gpt-mini's and lstm-mini's tokenizer (issue 5).
pub const DEFAULT_VOCAB_SIZE: usize = 8192;

/// Number of byte symbols every byte-level vocabulary starts with.
const BYTE_ALPHABET: usize = 256;

/// Settings of byte-level BPE training.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BpeConfig {
    /// Target vocabulary size, special token and 256 byte symbols included; a small corpus
    /// may stop short of it when no pair reaches `min_frequency`.
    pub vocab_size: usize,
    /// A pair seen fewer times than this is never merged.
    pub min_frequency: u64,
}

impl Default for BpeConfig {
    fn default() -> Self {
        BpeConfig {
            vocab_size: DEFAULT_VOCAB_SIZE,
            min_frequency: 2,
        }
    }
}

/// The byte-level pre-tokenizer / decoder used for training and encoding.
fn byte_level() -> ByteLevel {
    // add_prefix_space, no offset trimming (the alignment wants the space with its word),
    // GPT-2 split regex.
    ByteLevel::new(true, false, true)
}

/// Trains a byte-level BPE on `texts` (documents or lines; each is pre-tokenised on its own).
///
/// Errors: [`TextError::Config`] for a vocabulary smaller than 257 (the special token and
/// 256 bytes), [`TextError::NoTrainingText`] when every text is empty or whitespace.
pub fn train_bpe<I, S>(texts: I, config: &BpeConfig) -> Result<Tokenizer>
where
    I: Iterator<Item = S> + Send,
    S: AsRef<str> + Send,
{
    if config.vocab_size <= BYTE_ALPHABET {
        return Err(TextError::Config {
            what: "vocab_size",
            reason: format!(
                "{} is too small: the special token and the {BYTE_ALPHABET} byte symbols need {}",
                config.vocab_size,
                BYTE_ALPHABET + 1
            ),
        });
    }
    let mut tk = tokenizers::Tokenizer::new(BPE::default());
    tk.with_pre_tokenizer(Some(byte_level()));
    tk.with_decoder(Some(byte_level()));
    let trainer = BpeTrainer::builder()
        .vocab_size(config.vocab_size)
        .min_frequency(config.min_frequency)
        .show_progress(false)
        .special_tokens(vec![AddedToken::from(END_OF_TEXT, true)])
        .initial_alphabet(ByteLevel::alphabet().into_iter().collect())
        .build();
    let mut trainer = TrainerWrapper::from(trainer);
    let seen_text = AtomicBool::new(false);
    let texts = texts.inspect(|t| {
        if !t.as_ref().trim().is_empty() {
            seen_text.store(true, Ordering::Relaxed);
        }
    });
    tk.train(&mut trainer, texts)
        .map_err(TextError::tk("training BPE"))?;
    if !seen_text.load(Ordering::Relaxed) {
        return Err(TextError::NoTrainingText);
    }
    Tokenizer::from_inner(tk)
}

/// Trains a byte-level BPE on text files, line by line, in the order given (native only).
///
/// Every file is read as UTF-8 first; an unreadable or non-UTF-8 file is a
/// [`TextError::Io`] naming it, and nothing is trained.
#[cfg(not(target_arch = "wasm32"))]
pub fn train_bpe_files<P: AsRef<std::path::Path>>(
    paths: &[P],
    config: &BpeConfig,
) -> Result<Tokenizer> {
    let mut contents = Vec::with_capacity(paths.len());
    for path in paths {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| TextError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        contents.push(text);
    }
    train_bpe(contents.iter().flat_map(|c| c.lines()), config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TINY_CORPUS;
    use crate::tokenizer::ModelKind;

    fn small() -> BpeConfig {
        BpeConfig {
            vocab_size: 400,
            min_frequency: 2,
        }
    }

    #[test]
    fn trains_a_byte_level_bpe_with_the_special_token_first() {
        let tk = train_bpe(TINY_CORPUS.lines(), &small()).unwrap();
        assert_eq!(tk.kind(), ModelKind::Bpe);
        assert_eq!(tk.token_to_id(END_OF_TEXT), Some(0));
        assert!(
            tk.vocab_size() > 257 && tk.vocab_size() <= 400,
            "{}",
            tk.vocab_size()
        );
        // frequent words become single tokens, with their prefix space
        let enc = tk.encode_text("the children", false).unwrap();
        let toks: Vec<String> = enc.ids.iter().filter_map(|&i| tk.id_to_token(i)).collect();
        assert_eq!(toks, ["Ġthe", "Ġchildren"]);
        // add_prefix_space: a text-initial word tokenises like one inside a text
        let alone = tk.encode_text("house", false).unwrap().ids;
        let inside = tk.encode_text("the house", false).unwrap().ids;
        assert_eq!(alone[..], inside[1..]);
        // the special token is recognised in text and decoding round-trips
        let ids = tk.encode_text("the cat<|endoftext|>", false).unwrap().ids;
        assert_eq!(ids.last(), Some(&0));
        assert_eq!(tk.decode(&ids, false).unwrap(), " the cat<|endoftext|>");
    }

    #[test]
    fn unseen_bytes_still_encode_and_decode() {
        let tk = train_bpe(TINY_CORPUS.lines(), &small()).unwrap();
        let text = "Zürich 東京 🙂 שלום";
        let ids = tk.encode_text(text, false).unwrap().ids;
        assert!(!ids.is_empty());
        assert_eq!(tk.decode(&ids, false).unwrap(), format!(" {text}"));
    }

    #[test]
    fn training_is_deterministic_and_json_round_trips() {
        let a = train_bpe(TINY_CORPUS.lines(), &small()).unwrap();
        let b = train_bpe(TINY_CORPUS.lines(), &small()).unwrap();
        let (ja, jb) = (a.to_json_bytes().unwrap(), b.to_json_bytes().unwrap());
        assert_eq!(ja, jb, "same text must give byte-identical tokenizer.json");
        let c = Tokenizer::from_json_bytes(&ja, "trained").unwrap();
        assert_eq!(c.to_json_bytes().unwrap(), ja);
        let text = "The cat walked into the garden.";
        assert_eq!(
            a.encode_text(text, false).unwrap(),
            c.encode_text(text, false).unwrap()
        );
    }

    #[test]
    fn too_small_vocab_and_empty_text_are_errors() {
        let cfg = BpeConfig {
            vocab_size: 256,
            min_frequency: 1,
        };
        let err = train_bpe(TINY_CORPUS.lines(), &cfg).unwrap_err();
        assert!(matches!(err, TextError::Config { .. }), "{err}");
        let err = train_bpe(std::iter::empty::<&str>(), &small()).unwrap_err();
        assert!(matches!(err, TextError::NoTrainingText), "{err}");
        let err = train_bpe(["", "  ", "\n"].into_iter(), &small()).unwrap_err();
        assert!(matches!(err, TextError::NoTrainingText), "{err}");
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn files_train_like_lines_and_a_missing_file_is_named() {
        let dir = std::env::temp_dir().join(format!("brainprobe-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (p1, p2) = (dir.join("a.txt"), dir.join("b.txt"));
        let (first, second) = TINY_CORPUS.split_at(TINY_CORPUS.find("One morning").unwrap());
        std::fs::write(&p1, first).unwrap();
        std::fs::write(&p2, second).unwrap();
        let from_files = train_bpe_files(&[&p1, &p2], &small()).unwrap();
        let from_lines = train_bpe(TINY_CORPUS.lines(), &small()).unwrap();
        assert_eq!(
            from_files.to_json_bytes().unwrap(),
            from_lines.to_json_bytes().unwrap()
        );
        let missing = dir.join("missing.txt");
        let err = train_bpe_files(&[&p1, &missing], &small()).unwrap_err();
        assert!(err.to_string().contains("missing.txt"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
