//! Test bodies written once and run natively (`tests/native.rs`) and in headless Chromium
//! (`tests/web.rs`): training gives the same bytes on both targets, and encoding and
//! alignment work in wasm.

use brainprobe_text::{
    train_bpe, word_surprisal_bits, wordpiece_from_vocab, BpeConfig, TextError, Tokenizer,
};
use sha2::Digest;

/// The tiny made-up corpus of the unit tests (not WikiText).
pub const TINY_CORPUS: &str = include_str!("../fixtures/tiny_corpus.txt");

/// sha256 of `tokenizer.json` trained on [`TINY_CORPUS`] with 400 tokens, min frequency 2.
/// A change means the `tokenizers` crate changed its training or JSON output: retrain the
/// project's tokenizer deliberately and update the hashes.
const TINY_SHA256: &str = "249019c400b4932398893d8147186c3f4efde1b0d98feab2e9e90cccdb5252a4";
/// Same for 20,000 syllable "words" (many tied pair counts), 1,000 tokens.
const SYLLABLE_SHA256: &str = "9edd84d64f5aeae019a967da38a57c6d0ba4e53cbb368aa0880d0ff29af5a89d";

fn sha256(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Pseudo-random "words" from syllables (a fixed LCG), 12 per line.
fn syllable_text(n_words: usize) -> Vec<String> {
    const SYL: [&str; 12] = [
        "ka", "lo", "mi", "ne", "tu", "ra", "sho", "vi", "en", "da", "po", "ri",
    ];
    let mut x: u64 = 12345;
    let mut next = move |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    let words: Vec<String> = (0..n_words)
        .map(|_| (0..1 + next(3)).map(|_| SYL[next(12) as usize]).collect())
        .collect();
    words.chunks(12).map(|line| line.join(" ")).collect()
}

fn tiny_bpe() -> Result<Tokenizer, TextError> {
    let cfg = BpeConfig {
        vocab_size: 400,
        min_frequency: 2,
    };
    train_bpe(TINY_CORPUS.lines(), &cfg)
}

/// Same text → same `tokenizer.json` bytes, in every process and on every target.
pub async fn training_output_is_pinned() -> Result<(), TextError> {
    assert_eq!(sha256(&tiny_bpe()?.to_json_bytes()?), TINY_SHA256);
    let lines = syllable_text(20_000);
    let cfg = BpeConfig {
        vocab_size: 1000,
        min_frequency: 2,
    };
    let a = train_bpe(lines.iter(), &cfg)?.to_json_bytes()?;
    let b = train_bpe(lines.iter(), &cfg)?.to_json_bytes()?;
    assert_eq!(a, b);
    assert_eq!(sha256(&a), SYLLABLE_SHA256);
    Ok(())
}

/// Odd words (punctuation only, emoji, right-to-left, 10k characters) align after a
/// tokenizer.json round trip, and surprisal sums per word.
pub async fn odd_words_align_after_json_round_trip() -> Result<(), TextError> {
    let json = tiny_bpe()?.to_json_bytes()?;
    let tk = Tokenizer::from_json_bytes(&json, "tiny tokenizer.json")?;
    let long = "ab".repeat(5000);
    let words = [
        "'Ah,",
        "...",
        "👩‍🔬",
        "שָׁלוֹם",
        "مرحبا!",
        "e\u{301}te\u{301}",
        &long,
        "end.",
    ];
    let enc = tk.encode_words(&words, false)?;
    let a = &enc.alignment;
    assert_eq!(a.n_words(), words.len());
    for (r, w) in a.word_tokens().iter().zip(&words) {
        assert_eq!(tk.decode(&enc.ids[r.clone()], false)?, format!(" {w}"));
    }
    let logp = vec![-std::f64::consts::LN_2; a.n_tokens()];
    let bits = word_surprisal_bits(&logp, a)?;
    for (b, r) in bits.iter().zip(a.word_tokens()) {
        assert!(
            (b - r.len() as f64).abs() < 1e-12 * r.len() as f64,
            "{b} vs {}",
            r.len()
        );
    }
    assert!(matches!(
        tk.encode_words(&["a", " "], false),
        Err(TextError::EmptyWord { index: 1, .. })
    ));
    Ok(())
}

/// A handmade WordPiece vocabulary: `[CLS]`/`[SEP]` outside words, last tokens per word.
pub async fn wordpiece_aligns() -> Result<(), TextError> {
    let vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\nsat\nun\n##believ\n##able\n,\n!\n";
    let tk = wordpiece_from_vocab(vocab.as_bytes(), true, "tiny vocab.txt")?;
    let enc = tk.encode_words(&["The", "cat", "sat,", "UNBELIEVABLE!"], true)?;
    assert_eq!(enc.ids, [2, 5, 6, 7, 11, 8, 9, 10, 12, 3]);
    assert_eq!(enc.alignment.last_tokens(), [1, 2, 4, 8]);
    Ok(())
}
