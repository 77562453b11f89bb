//! BERT-style WordPiece from a `vocab.txt` (one token per line, id = line number), for
//! MiniLM. A MiniLM `tokenizer.json` loads with [`Tokenizer::from_json_bytes`] instead;
//! both give the same pipeline: BERT normaliser (clean text, split CJK characters,
//! lowercase and strip accents when uncased), BERT pre-tokenizer (whitespace and
//! punctuation), WordPiece with `##` continuations and `[UNK]`, `[CLS] … [SEP]` added by
//! the post-processor, WordPiece decoder.

use tokenizers::decoders::wordpiece::WordPiece as WordPieceDecoder;
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::bert::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::processors::bert::BertProcessing;
use tokenizers::AddedToken;

use crate::error::{Result, TextError};
use crate::tokenizer::Tokenizer;

/// Tokens every BERT vocabulary must contain.
const REQUIRED: [&str; 3] = ["[UNK]", "[CLS]", "[SEP]"];

/// BERT's special tokens, registered as such when the vocabulary has them.
const SPECIAL: [&str; 5] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

/// Longest word (in characters) WordPiece splits; longer ones become `[UNK]` (as BERT).
const MAX_INPUT_CHARS_PER_WORD: usize = 100;

/// Builds a BERT WordPiece tokenizer from `vocab.txt` bytes; `uncased` lowercases and strips
/// accents (all-MiniLM-L6-v2 is uncased). `source_name` names the bytes in errors.
///
/// Errors: [`TextError::Load`] if the bytes are not UTF-8 text or lack `[UNK]`, `[CLS]` or
/// `[SEP]`.
pub fn wordpiece_from_vocab(
    vocab_txt: &[u8],
    uncased: bool,
    source_name: &str,
) -> Result<Tokenizer> {
    let load_err = |reason: String| TextError::Load {
        source_name: source_name.to_string(),
        reason,
    };
    std::str::from_utf8(vocab_txt).map_err(|e| load_err(format!("vocab.txt is not UTF-8: {e}")))?;
    // id = line number; a repeated line takes its last id, as in HF's `load_vocab`
    let vocab = WordPiece::read_bytes(vocab_txt).map_err(|e| load_err(e.to_string()))?;
    let id_of = |token: &str| vocab.get(token).copied();
    if let Some(missing) = REQUIRED.iter().find(|t| id_of(t).is_none()) {
        return Err(load_err(format!("vocab.txt has no `{missing}` line")));
    }
    let (cls, sep) = match (id_of("[CLS]"), id_of("[SEP]")) {
        (Some(c), Some(s)) => (c, s),
        _ => return Err(load_err("vocab.txt lacks [CLS] or [SEP]".into())),
    };
    let specials: Vec<AddedToken> = SPECIAL
        .iter()
        .filter(|t| id_of(t).is_some())
        .map(|t| AddedToken::from(*t, true))
        .collect();
    let model = WordPiece::builder()
        .vocab(vocab)
        .unk_token("[UNK]".to_string())
        .continuing_subword_prefix("##".to_string())
        .max_input_chars_per_word(MAX_INPUT_CHARS_PER_WORD)
        .build()
        .map_err(|e| load_err(e.to_string()))?;
    let mut tk = tokenizers::Tokenizer::new(model);
    tk.with_normalizer(Some(BertNormalizer::new(true, true, None, uncased)));
    tk.with_pre_tokenizer(Some(BertPreTokenizer));
    tk.with_post_processor(Some(BertProcessing::new(
        ("[SEP]".to_string(), sep),
        ("[CLS]".to_string(), cls),
    )));
    tk.with_decoder(Some(WordPieceDecoder::default()));
    tk.add_special_tokens(&specials);
    Tokenizer::from_inner(tk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TextError;
    use crate::tokenizer::ModelKind;

    /// A tiny handmade uncased vocabulary.
    const VOCAB: &str = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\nsat\non\nmat\nun\n\
        ##believ\n##able\ncafe\n,\n.\n!\n?\nh\n##e\n##llo\n東\n京\n";

    fn tiny() -> Tokenizer {
        wordpiece_from_vocab(VOCAB.as_bytes(), true, "tiny vocab.txt").unwrap()
    }

    fn tokens(tk: &Tokenizer, ids: &[u32]) -> Vec<String> {
        ids.iter().filter_map(|&i| tk.id_to_token(i)).collect()
    }

    #[test]
    fn uncased_wordpiece_splits_and_adds_cls_sep() {
        let tk = tiny();
        assert_eq!(tk.kind(), ModelKind::WordPiece);
        assert_eq!(tk.vocab_size(), 23);
        let enc = tk.encode_text("The cat sat, UNBELIEVABLE!", true).unwrap();
        assert_eq!(
            tokens(&tk, &enc.ids),
            ["[CLS]", "the", "cat", "sat", ",", "un", "##believ", "##able", "!", "[SEP]"]
        );
        assert_eq!(enc.special.first(), Some(&true));
        // accents stripped, unknown words -> [UNK], CJK split per character
        let enc = tk.encode_text("Café dog 東京", false).unwrap();
        assert_eq!(tokens(&tk, &enc.ids), ["cafe", "[UNK]", "東", "京"]);
        assert_eq!(
            tk.decode(&[5, 6, 10, 11, 12], true).unwrap(),
            "the cat unbelievable"
        );
    }

    #[test]
    fn words_align_to_wordpieces_with_specials_outside_words() {
        let tk = tiny();
        let words = ["The", "cat", "sat,", "unbelievable!", "xyz"];
        let enc = tk.encode_words(&words, true).unwrap();
        let a = &enc.alignment;
        assert_eq!(a.n_words(), 5);
        assert_eq!(a.word_of_token()[0], None); // [CLS]
        assert_eq!(a.word_of_token().last(), Some(&None)); // [SEP]
        assert_eq!(a.word_tokens()[2], 3..5); // sat ,
        assert_eq!(a.word_tokens()[3], 5..9); // un ##believ ##able !
        assert_eq!(tokens(&tk, &enc.ids[a.word_tokens()[4].clone()]), ["[UNK]"]);
        assert_eq!(a.last_tokens(), [1, 2, 4, 8, 9]);
        let no_specials = tk.encode_words(&words, false).unwrap();
        assert_eq!(no_specials.alignment.last_tokens(), [0, 1, 3, 7, 8]);
    }

    #[test]
    fn a_word_the_normaliser_deletes_is_a_clear_error() {
        let err = tiny()
            .encode_words(&["the", "\u{7}", "cat"], true)
            .unwrap_err();
        assert!(
            matches!(err, TextError::WordWithoutTokens { index: 1, .. }),
            "{err}"
        );
    }

    #[test]
    fn json_round_trip_keeps_the_pipeline() {
        let tk = tiny();
        let json = tk.to_json_bytes().unwrap();
        let back = Tokenizer::from_json_bytes(&json, "round trip").unwrap();
        assert_eq!(back.kind(), ModelKind::WordPiece);
        let words = ["The", "cat", "sat,", "unbelievable!"];
        assert_eq!(
            tk.encode_words(&words, true).unwrap(),
            back.encode_words(&words, true).unwrap()
        );
    }

    #[test]
    fn bad_vocabularies_are_load_errors() {
        let err = wordpiece_from_vocab(b"[PAD]\nthe\n", true, "no-unk.txt").unwrap_err();
        assert!(err.to_string().contains("[UNK]"), "{err}");
        assert!(err.to_string().contains("no-unk.txt"), "{err}");
        let err = wordpiece_from_vocab(&[0xff, 0xfe], true, "binary.txt").unwrap_err();
        assert!(matches!(err, TextError::Load { .. }), "{err}");
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Arbitrary non-blank words align (every word ≥ 1 token, specials outside words),
        /// unless the normaliser deletes a whole word, which is reported by index.
        #[test]
        fn arbitrary_words_align_or_name_the_deleted_word(
            words in proptest::collection::vec(proptest::prelude::any::<String>(), 1..10)
        ) {
            let words: Vec<String> = words.into_iter().filter(|w| !w.trim().is_empty()).collect();
            match tiny().encode_words(&words, true) {
                Ok(enc) => {
                    let a = &enc.alignment;
                    proptest::prop_assert_eq!(a.n_words(), words.len());
                    proptest::prop_assert!(a.word_tokens().iter().all(|r| r.end > r.start));
                    proptest::prop_assert_eq!(a.word_of_token()[0], None);
                }
                Err(TextError::WordWithoutTokens { index, .. }) => {
                    let kept = tiny().encode_text(&words[index], false).unwrap();
                    proptest::prop_assert!(kept.ids.is_empty());
                }
                Err(e) => proptest::prop_assert!(false, "{e}"),
            }
        }
    }
}
