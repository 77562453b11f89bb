//! Byte-level BPE from a token list and a merge list, as a GGUF file carries them
//! (`tokenizer.ggml.tokens`, `tokenizer.ggml.merges`, `tokenizer.ggml.pre`), for SmolLM2.
//!
//! The pre-tokenizer is the one llama.cpp's `tokenizer.ggml.pre` name stands for. llama.cpp
//! (`llama-vocab.cpp`) gives `smollm` the same regexes as `starcoder`, `refact`, `command-r`
//! and `codeshell`: first `\p{N}` (every digit on its own), then GPT-2's
//! `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`. In Hugging Face
//! `tokenizers` that is the pre-tokenizer sequence SmolLM2's own `tokenizer.json` declares:
//! `Digits(individual_digits)` then `ByteLevel(add_prefix_space = false, use_regex = true)`.
//! `gpt2` (and `default`) is `ByteLevel` alone. No space is added before the text (SmolLM2's
//! `tokenizer.ggml.add_space_prefix` is false), offsets are not trimmed (a token keeps its
//! leading space, which the word alignment assigns to its word), and control tokens
//! (`<|im_start|>` …) are registered as special added tokens, as in the `tokenizer.json`.

use tokenizers::models::bpe::{Vocab, BPE};
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::PreTokenizerWrapper;
use tokenizers::AddedToken;

use crate::error::{Result, TextError};
use crate::tokenizer::Tokenizer;

/// llama.cpp pre-tokenizer names with the `\p{N}` + GPT-2 regexes (digits split one by one).
const DIGITS_THEN_GPT2: [&str; 5] = ["smollm", "starcoder", "refact", "command-r", "codeshell"];
/// llama.cpp pre-tokenizer names with the GPT-2 regex alone.
const GPT2: [&str; 2] = ["gpt2", "default"];

/// A byte-level BPE over `tokens` (id = position) and `merges` (`"left right"`, in rank
/// order), pre-tokenised as llama.cpp's `pre` names it; `special` lists the ids of control
/// tokens to match as whole special tokens in text. `source_name` names the vocabulary in
/// errors.
///
/// Errors: [`TextError::Load`] for an unsupported `pre`, a repeated token, a malformed merge
/// or one whose parts or result are not tokens, and a special id outside the vocabulary.
pub fn byte_level_bpe(
    tokens: &[String],
    merges: &[String],
    pre: &str,
    special: &[u32],
    source_name: &str,
) -> Result<Tokenizer> {
    let load_err = |reason: String| TextError::Load {
        source_name: source_name.to_string(),
        reason,
    };
    let byte_level = ByteLevel::new(false, false, true);
    let pre_tokenizer: PreTokenizerWrapper = if DIGITS_THEN_GPT2.contains(&pre) {
        Sequence::new(vec![Digits::new(true).into(), byte_level.into()]).into()
    } else if GPT2.contains(&pre) {
        byte_level.into()
    } else {
        return Err(load_err(format!(
            "pre-tokenizer `{pre}` is not supported (supported: {}, {})",
            DIGITS_THEN_GPT2.join(", "),
            GPT2.join(", ")
        )));
    };
    let mut vocab = Vocab::with_capacity(tokens.len());
    for (id, token) in tokens.iter().enumerate() {
        if let Some(first) = vocab.insert(token.clone(), id as u32) {
            return Err(load_err(format!(
                "token {token:?} appears twice (ids {first} and {id})"
            )));
        }
    }
    let mut pairs = Vec::with_capacity(merges.len());
    for (rank, merge) in merges.iter().enumerate() {
        let Some((left, right)) = merge
            .split_once(' ')
            .filter(|(l, r)| !l.is_empty() && !r.is_empty() && !r.contains(' '))
        else {
            return Err(load_err(format!(
                "merge {rank} {merge:?} is not `left right`"
            )));
        };
        let joined = format!("{left}{right}");
        if let Some(missing) = [left, right, joined.as_str()]
            .into_iter()
            .find(|t| !vocab.contains_key(*t))
        {
            return Err(load_err(format!(
                "merge {rank} {merge:?} uses {missing:?}, which is not a token"
            )));
        }
        pairs.push((left.to_string(), right.to_string()));
    }
    let specials = special
        .iter()
        .map(|&id| {
            tokens
                .get(id as usize)
                .map(|t| AddedToken::from(t.clone(), true))
                .ok_or_else(|| load_err(format!("special token id {id} is outside the vocabulary")))
        })
        .collect::<Result<Vec<_>>>()?;
    let model = BPE::builder()
        .vocab_and_merges(vocab, pairs)
        .build()
        .map_err(|e| load_err(e.to_string()))?;
    let mut tk = tokenizers::Tokenizer::new(model);
    tk.with_pre_tokenizer(Some(pre_tokenizer));
    tk.with_decoder(Some(byte_level));
    tk.add_special_tokens(&specials);
    Tokenizer::from_inner(tk)
}

#[cfg(test)]
#[path = "byte_bpe_tests.rs"]
mod tests;
