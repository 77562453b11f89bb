//! Unit tests of `align.rs` (kept in their own file to keep both under 400 lines).

use super::*;
use crate::test_support::tiny_bpe;

/// Each word's tokens decoded on their own: with byte-level BPE that is " " + the word.
fn decoded_words(tk: &Tokenizer, enc: &EncodedWords) -> Vec<String> {
    enc.alignment
        .word_tokens()
        .iter()
        .map(|r| tk.decode(&enc.ids[r.clone()], false).unwrap())
        .collect()
}

fn assert_words_round_trip(words: &[&str]) {
    let tk = tiny_bpe();
    let enc = tk.encode_words(words, false).unwrap();
    assert_eq!(enc.alignment.n_words(), words.len());
    assert_eq!(enc.alignment.n_tokens(), enc.ids.len());
    let want: Vec<String> = words.iter().map(|w| format!(" {w}")).collect();
    assert_eq!(decoded_words(tk, &enc), want);
}

#[test]
fn natural_stories_words_with_attached_punctuation() {
    let words = [
        "If",
        "you",
        "were",
        "to",
        "journey",
        "to",
        "the",
        "North",
        "of",
        "England,",
        "you",
        "would",
        "come",
        "to",
        "a",
        "valley",
        "that",
        "is",
        "surrounded",
        "by",
        "moors",
        "as",
        "high",
        "as",
        "mountains.",
        "'Ah,",
        "Mr.",
        "Smith!'",
        "\"Hello?\"",
    ];
    assert_words_round_trip(&words);
    let enc = tiny_bpe().encode_words(&words, false).unwrap();
    let a = &enc.alignment;
    // every token belongs to exactly one word; ranges tile the tokens in order
    assert!(a.word_of_token().iter().all(Option::is_some));
    let mut next = 0;
    for (w, r) in a.word_tokens().iter().enumerate() {
        assert_eq!(r.start, next);
        assert!(r.end > r.start);
        assert!(a.word_of_token()[r.clone()].iter().all(|&x| x == Some(w)));
        next = r.end;
    }
    assert_eq!(next, a.n_tokens());
    assert_eq!(
        a.last_tokens(),
        a.word_tokens()
            .iter()
            .map(|r| r.end - 1)
            .collect::<Vec<_>>()
    );
}

#[test]
fn pereira_sentence_split_on_whitespace() {
    let words = split_words("  The  pilot\tflew the plane\n over  the ocean. ");
    assert_eq!(
        words,
        ["The", "pilot", "flew", "the", "plane", "over", "the", "ocean."]
    );
    assert_words_round_trip(&words);
}

#[test]
fn odd_words_each_get_tokens() {
    // punctuation only, emoji (with ZWJ and skin tone), Hebrew, Arabic (right to left),
    // combining accents, CJK, digits, a zero-width space, an internal double space
    assert_words_round_trip(&[",", "—", "...", "!?", "'", "\"", "(", ")"]);
    assert_words_round_trip(&["👩‍🔬", "👍🏽", "🙂🙂", "🇬🇧"]);
    assert_words_round_trip(&["שָׁלוֹם", "עולם,", "مرحبا", "بالعالم!", "hello", "שלום"]);
    assert_words_round_trip(&["e\u{301}te\u{301}", "東京", "1984", "\u{200b}", "New  York"]);
    // the special token written in the text is recognised: one token of its own word
    let enc = tiny_bpe()
        .encode_words(&["the", "<|endoftext|>", "end"], false)
        .unwrap();
    let r = enc.alignment.word_tokens()[1].clone();
    assert_eq!(enc.ids[r.end - 1], 0);
    assert_eq!(
        tiny_bpe().decode(&enc.ids[r], false).unwrap(),
        " <|endoftext|>"
    );
}

#[test]
fn long_inputs_align() {
    // one 10,000-character word, and 2,000 words (> 10,000 characters)
    let long_word = "ab".repeat(5000);
    assert_words_round_trip(&["start", &long_word, "end"]);
    let many: Vec<String> = (0..2000).map(|i| format!("w{i},")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_words_round_trip(&many);
}

#[test]
fn empty_input_and_empty_words() {
    let enc = tiny_bpe().encode_words::<&str>(&[], false).unwrap();
    assert_eq!(enc.alignment.n_words(), 0);
    assert!(enc.ids.is_empty() && enc.text.is_empty());
    for (words, bad) in [
        (vec!["a", ""], 1),
        (vec![" ", "a"], 0),
        (vec!["a", "b", "\t\n"], 2),
    ] {
        match tiny_bpe().encode_words(&words, false) {
            Err(TextError::EmptyWord { index, .. }) => assert_eq!(index, bad),
            other => panic!("{words:?}: expected EmptyWord, got {other:?}"),
        }
    }
}

#[test]
fn join_and_split() {
    let (text, spans) = join_words(&["Hi,", "שלום", "🙂"]);
    assert_eq!(text, "Hi, שלום 🙂");
    assert_eq!(&text[spans[1].clone()], "שלום");
    assert_eq!(&text[spans[2].clone()], "🙂");
    assert!(split_words(" \t\n").is_empty());
}

#[test]
fn alignment_from_word_indices_validates() {
    let a = Alignment::from_word_of_token(vec![None, Some(0), Some(0), Some(1), None], 2).unwrap();
    assert_eq!(a.word_tokens(), [1..3, 3..4]);
    assert_eq!(a.last_tokens(), [2, 3]);
    let bos = a.with_prefix_tokens(1);
    assert_eq!(bos.word_tokens(), [2..4, 4..5]);
    assert_eq!(bos.word_of_token()[..2], [None, None]);
    for (map, n) in [
        (vec![Some(0), Some(2)], 3),          // word 1 skipped
        (vec![Some(0), Some(1), Some(0)], 2), // goes back
        (vec![Some(0), None, Some(0)], 1),    // special token inside a word
        (vec![Some(5)], 1),                   // out of range
        (vec![Some(0)], 2),                   // last word without token
    ] {
        let err = Alignment::from_word_of_token(map.clone(), n).unwrap_err();
        assert!(matches!(err, TextError::Alignment(_)), "{map:?}: {err}");
    }
}

#[test]
fn surprisal_sums_token_nats_into_bits() {
    let a = Alignment::from_word_of_token(vec![Some(0), Some(1), Some(1), Some(2)], 3).unwrap();
    let ln2 = std::f64::consts::LN_2;
    let logp = [f64::NAN, -ln2, -2.0 * ln2, -0.5 * ln2];
    let bits = word_surprisal_bits(&logp, &a).unwrap();
    assert!(bits[0].is_nan());
    assert!((bits[1] - 3.0).abs() < 1e-12 && (bits[2] - 0.5).abs() < 1e-12);
    // f32 input, and a certain token (ln P = 0) adds nothing
    let bits = word_surprisal_bits(&[-1.0f32, 0.0, -1.0, 0.0], &a).unwrap();
    assert!((bits[0] - 1.0 / ln2).abs() < 1e-7 && (bits[1] - 1.0 / ln2).abs() < 1e-7);
    assert_eq!(bits[2], 0.0);
    let err = word_surprisal_bits(&[-1.0f32; 3], &a).unwrap_err();
    assert!(matches!(err, TextError::Shape { .. }), "{err}");
    let err = word_surprisal_bits(&[-1.0, 2.5, -1.0, -1.0], &a).unwrap_err();
    assert!(
        matches!(err, TextError::PositiveLogProb { token: 1, .. }),
        "{err}"
    );
}

#[test]
fn last_token_rows_are_gathered() {
    let a = Alignment::from_word_of_token(vec![None, Some(0), Some(0), Some(1)], 2).unwrap();
    let rows: Vec<f32> = (0..8).map(|v| v as f32).collect(); // 4 tokens x 2
    assert_eq!(
        gather_last_token_rows(&rows, 2, &a).unwrap(),
        [4.0, 5.0, 6.0, 7.0]
    );
    assert!(gather_last_token_rows(&rows[..6], 2, &a).is_err());
    assert!(gather_last_token_rows(&rows, 0, &a).is_err());
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn visible_word() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-zA-Z]{1,10}[,.!?;:']{0,2}",
            "[\\p{Hebrew}\\p{Arabic}]{1,8}",
            "[\\p{Emoji}\\p{M}\\p{P}\\p{S}]{1,6}",
        ]
        .prop_filter("a word has a visible character", |w| !w.trim().is_empty())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any non-blank words: every word gets ≥ 1 token, ranges tile the tokens in order,
        /// and all tokens decode back to the joined text.
        #[test]
        fn every_word_maps_to_tokens(words in proptest::collection::vec(visible_word(), 1..12)) {
            let tk = tiny_bpe();
            let enc = tk.encode_words(&words, false).unwrap();
            let a = &enc.alignment;
            prop_assert_eq!(a.n_words(), words.len());
            let mut next = 0;
            for r in a.word_tokens() {
                prop_assert!(r.start == next && r.end > r.start);
                next = r.end;
            }
            prop_assert_eq!(next, enc.ids.len());
            // add_prefix_space adds a space unless the text starts with one
            let prefix = if enc.text.starts_with(' ') { "" } else { " " };
            prop_assert_eq!(tk.decode(&enc.ids, false).unwrap(), format!("{prefix}{}", enc.text));
        }

        /// Words without surrounding whitespace: each word's tokens decode to " " + the word.
        #[test]
        fn trimmed_words_decode_to_themselves(words in proptest::collection::vec(visible_word(), 1..12)) {
            let words: Vec<&str> = words.iter().map(|w| w.trim()).collect();
            let tk = tiny_bpe();
            let enc = tk.encode_words(&words, false).unwrap();
            let want: Vec<String> = words.iter().map(|w| format!(" {w}")).collect();
            prop_assert_eq!(decoded_words(tk, &enc), want);
        }
    }
}
