//! The GGUF-style byte-level BPE on a small vocabulary (the 256 byte symbols and a few
//! merges): the `smollm` digit split, round trips on awkward text, special tokens and the
//! errors. The real SmolLM2 vocabulary's hand-checked ids are tested in `brainprobe-models`
//! (they need the GGUF that prepare-data fetches).
use super::*;

/// The 256 byte symbols in a fixed order, then `merged`, with `<|endoftext|>` and
/// `<|im_start|>` first.
fn small(merges: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    let mut alphabet: Vec<char> = ByteLevel::alphabet().into_iter().collect();
    alphabet.sort();
    let mut tokens: Vec<String> = vec!["<|endoftext|>".into(), "<|im_start|>".into()];
    tokens.extend(alphabet.iter().map(|c| c.to_string()));
    let mut lines = Vec::new();
    for (l, r) in merges {
        tokens.push(format!("{l}{r}"));
        lines.push(format!("{l} {r}"));
    }
    (tokens, lines)
}

fn pieces(tk: &Tokenizer, text: &str) -> Vec<String> {
    let enc = tk.encode_text(text, false).unwrap();
    enc.ids
        .iter()
        .map(|&i| tk.id_to_token(i).unwrap())
        .collect()
}

#[test]
fn smollm_splits_every_digit_and_gpt2_does_not() {
    let (tokens, merges) = small(&[("1", "2"), ("Ġ", "1"), ("h", "e"), ("Ġ", "he")]);
    let smollm = byte_level_bpe(&tokens, &merges, "smollm", &[0, 1], "small").unwrap();
    assert_eq!(pieces(&smollm, "he 12"), ["he", "Ġ", "1", "2"]);
    let gpt2 = byte_level_bpe(&tokens, &merges, "gpt2", &[0, 1], "small").unwrap();
    assert_eq!(pieces(&gpt2, "he 12"), ["he", "Ġ", "12"]);
    // no prefix space; a space-led word keeps its space (Ġ) in its first token
    assert_eq!(pieces(&smollm, " he he"), ["Ġhe", "Ġhe"]);
    // control tokens match whole, elsewhere their characters are ordinary bytes
    let ids = smollm.encode_text("<|im_start|>he", false).unwrap().ids;
    assert_eq!(ids[0], 1);
    assert_eq!(smollm.decode(&ids, false).unwrap(), "<|im_start|>he");
}

#[test]
fn awkward_text_round_trips() {
    let (tokens, merges) = small(&[("t", "h"), ("th", "e"), ("Ġ", "the")]);
    let tk = byte_level_bpe(&tokens, &merges, "smollm", &[0, 1], "small").unwrap();
    let long: String = "the quick brown fox — ".repeat(500);
    let texts = [
        "",
        " ",
        "\n",
        "\r\n\t  \n",
        "the the  the",
        "😀👍🏽🇺🇸 ❤️",
        "مرحبا بالعالم",
        "עברית ומספרים 123",
        "line one\nline two\n\n",
        "Café déjà vu.",
        "\u{0}\u{7f}\u{ffff}",
        &long,
    ];
    assert!(long.chars().count() >= 10_000);
    for text in texts {
        let enc = tk.encode_text(text, false).unwrap();
        assert_eq!(tk.decode(&enc.ids, false).unwrap(), text, "{text:?}");
        // offsets cover the text in order, without gaps
        let mut at = 0;
        for &(s, e) in &enc.offsets {
            assert!(s <= at && e >= s, "{text:?}: {:?}", enc.offsets);
            at = at.max(e);
        }
        assert_eq!(at, text.len(), "{text:?}");
    }
}

#[test]
fn bad_vocabularies_say_why() {
    let (tokens, merges) = small(&[("a", "b")]);
    let err = |t: &[String], m: &[String], pre: &str, sp: &[u32]| {
        byte_level_bpe(t, m, pre, sp, "v.gguf")
            .unwrap_err()
            .to_string()
    };
    let e = err(&tokens, &merges, "llama3", &[]);
    assert!(
        e.contains("`llama3` is not supported") && e.contains("v.gguf"),
        "{e}"
    );
    let mut twice = tokens.clone();
    twice.push("a".into());
    assert!(err(&twice, &merges, "smollm", &[]).contains("appears twice"));
    assert!(err(&tokens, &["ab".into()], "smollm", &[]).contains("not `left right`"));
    assert!(err(&tokens, &["a c".into()], "smollm", &[]).contains("\"ac\", which is not a token"));
    assert!(err(&tokens, &merges, "smollm", &[9999]).contains("outside the vocabulary"));
}
