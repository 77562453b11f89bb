//! Readouts: which tokens of a part make its row in every recorded layer (METRICS §7.1;
//! issue 16). A benchmark asks for one; without a request it uses the model's registry
//! default ([`crate::registry::ModelInfo::readout`]): `last-token` (Brain-Score's
//! convention), `mean` for the sentence encoders whose own pooling is the mean (MiniLM)
//! and for the context-free embeddings (their part row has always been the mean of its
//! word vectors).
//!
//! What each readout takes, per architecture:
//!
//! | readout      | gpt-mini, lstm-mini, MiniLM (tokens in context)                         | embed-ppmi, random-embedding (words, no context) |
//! |--------------|--------------------------------------------------------------------------|--------------------------------------------------|
//! | `last-token` | the state at the part's last token                                       | the vector of the part's last word               |
//! | `last-word`  | the state at the last token of its last word, trailing punctuation tokens skipped | the vector of its last word that is not only punctuation |
//! | `mean`       | the mean of the states at the part's tokens (each token in its context) | the mean of its word vectors                     |
//!
//! Every token state is the same whichever readout is asked for: a causal model's token
//! sees the tokens before it, a BERT token its whole context (parts 0..=i). The mean is
//! over the part's own tokens only — never `[CLS]`, `[SEP]` or the `<|endoftext|>` in
//! front of a passage (sentence-transformers' mean pooling also averages `[CLS]` and
//! `[SEP]`). A part whose tokens are all punctuation (`"..."`) reads its last token under
//! `last-word`. The embeddings' words are those of [`super::embedding::embedding_words`]
//! (`. ? ! , :` already removed). Baseline subjects (`baseline-length`) describe the whole
//! part, so no readout applies to them: every readout gives the same features.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use brainprobe_text::EncodedWords;
use serde::{Deserialize, Serialize};

/// Which tokens of each part make its representation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Readout {
    /// The part's last token (Brain-Score's convention).
    #[default]
    LastToken,
    /// The last token of the part's last word, trailing punctuation tokens excluded.
    LastWord,
    /// The mean over the part's tokens.
    Mean,
}

impl Readout {
    /// Every readout, in the order front ends offer them.
    pub const ALL: [Readout; 3] = [Readout::LastToken, Readout::LastWord, Readout::Mean];

    /// The name on the command line, in URLs and in JSON (`last-token`, `last-word`, `mean`).
    pub fn as_str(self) -> &'static str {
        match self {
            Readout::LastToken => "last-token",
            Readout::LastWord => "last-word",
            Readout::Mean => "mean",
        }
    }

    /// For every word (part) of `enc`, the tokens this readout averages (one token for
    /// `last-token` and `last-word`). Indices are `enc`'s own.
    pub fn token_ranges(self, enc: &EncodedWords) -> Vec<Range<usize>> {
        let last = |r: &Range<usize>| r.end - 1..r.end;
        match self {
            Readout::LastToken => enc.alignment.word_tokens().iter().map(last).collect(),
            Readout::LastWord => enc
                .word_tokens_before_punctuation()
                .iter()
                .map(last)
                .collect(),
            Readout::Mean => enc.alignment.word_tokens().to_vec(),
        }
    }

    /// Of a context-free model's `words` of one part, the ones this readout averages: the
    /// last, the last that is not only punctuation (else the last), or all of them.
    pub fn words<S: AsRef<str>>(self, words: &[S]) -> &[S] {
        let n = words.len();
        let at = |i: usize| &words[i..=i];
        match self {
            Readout::Mean => words,
            _ if n == 0 => words,
            Readout::LastToken => at(n - 1),
            Readout::LastWord => words
                .iter()
                .rposition(|w| !brainprobe_text::is_punctuation_only(w.as_ref()))
                .map_or(at(n - 1), at),
        }
    }
}

impl fmt::Display for Readout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Readout {
    type Err = String;

    /// Parses `last-token`, `last-word` or `mean`; the error lists them.
    fn from_str(s: &str) -> Result<Self, String> {
        Readout::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown readout `{s}`: use last-token, last-word or mean"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_json() {
        for r in Readout::ALL {
            assert_eq!(r.as_str().parse::<Readout>().unwrap(), r);
            let json = serde_json_like(r);
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        assert!("last".parse::<Readout>().unwrap_err().contains("last-word"));
        assert_eq!(Readout::default(), Readout::LastToken);
    }

    /// The JSON string of a readout, through `toml`'s serde (the crate has no serde_json).
    fn serde_json_like(r: Readout) -> String {
        #[derive(Serialize)]
        struct W {
            r: Readout,
        }
        let t = toml::to_string(&W { r }).unwrap();
        t.trim().trim_start_matches("r = ").to_string()
    }

    /// A causal recording of `passages` whose token states are hand-built: token t of a
    /// passage (t = 0 is `<|endoftext|>`) has the state `[t, 1]` in layer `index` and
    /// arbitrary bits in layer `noise`; returns the recording and the states.
    #[cfg(not(target_arch = "wasm32"))]
    fn toy_recording(
        tk: &brainprobe_text::Tokenizer,
        passages: &[super::super::Passage],
        readout: Readout,
    ) -> super::super::PartRecording {
        use super::super::causal::{record_causal, TokenStates};
        let names = vec!["index".to_string(), "noise".to_string()];
        let states = |ids: Vec<u32>, keep: Vec<usize>| async move {
            let n = ids.len();
            let index: Vec<f32> = (0..n).flat_map(|t| [t as f32, 1.0]).collect();
            let noise: Vec<f32> = (0..n * 3)
                .map(|i| ((i as f32 * 7.31).sin() * 1e3).exp2().recip() - 0.37)
                .collect();
            let all = [index, noise];
            let mut logprob = vec![-0.5; n];
            logprob[0] = f64::NAN;
            Ok(TokenStates {
                rows: keep.iter().map(|&k| all[k].clone()).collect(),
                widths: keep.iter().map(|&k| [2, 3][k]).collect(),
                logprob,
            })
        };
        let rec = record_causal(
            "toy",
            tk,
            &names,
            passages,
            &crate::vision::record::LayerSelection::All,
            readout,
            states,
            |_, _| {},
        );
        pollster::block_on(rec).unwrap()
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn toy_tokenizer() -> brainprobe_text::Tokenizer {
        let corpus = [
            "the the the dog ran. the dog sat, so the end",
            "hi there! hi.",
        ];
        let cfg = brainprobe_text::BpeConfig {
            vocab_size: 300,
            min_frequency: 1,
        };
        brainprobe_text::train_bpe(corpus.iter(), &cfg).unwrap()
    }

    /// Each readout reads the tokens it names, on a hand-built recording: trailing
    /// punctuation, a one-token part, an empty part, emoji, right-to-left text and a part
    /// of punctuation only.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn each_readout_picks_its_tokens() {
        let tk = toy_tokenizer();
        let passage = |parts: &[&str]| parts.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        let passages = vec![
            passage(&["The dog ran."]),
            passage(&["the"]),
            passage(&["", "so 🙂."]),
            passage(&["مرحبا بالعالم؟"]),
            passage(&["hi there", "..."]),
        ];
        // each part's text, and its tokens' indices in its passage (after the separator)
        let mut parts: Vec<(String, Vec<u32>, std::ops::Range<usize>)> = Vec::new();
        for p in &passages {
            let kept: Vec<&str> = p
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect();
            let enc = tk.encode_words(&kept, false).unwrap();
            let mut k = 0;
            for text in p {
                if text.trim().is_empty() {
                    parts.push((String::new(), Vec::new(), 0..0));
                    continue;
                }
                let r = enc.alignment.word_tokens()[k].clone();
                parts.push((text.clone(), enc.ids.clone(), r.start + 1..r.end + 1));
                k += 1;
            }
        }
        // "the" is one token here, so the three readouts agree on it
        assert_eq!(parts[1].2.len(), 1);
        // the part's text through token `last` (an index after the separator)
        let through = |ids: &[u32], r: &std::ops::Range<usize>, last: f32| {
            let text = tk.decode(&ids[r.start - 1..last as usize], false).unwrap();
            text.trim_start().to_string()
        };
        let last_token = toy_recording(&tk, &passages, Readout::LastToken);
        let last_word = toy_recording(&tk, &passages, Readout::LastWord);
        let mean = toy_recording(&tk, &passages, Readout::Mean);
        let want_word = [
            "The dog ran",
            "the",
            "",
            "so 🙂",
            "مرحبا بالعالم",
            "hi there",
            "...",
        ];
        for (i, (text, ids, r)) in parts.iter().enumerate() {
            let (lt, lw, m) = (
                last_token.layers[0].values.row(i),
                last_word.layers[0].values.row(i),
                mean.layers[0].values.row(i),
            );
            if text.is_empty() {
                // an empty part is not shown: zero rows under every readout
                assert!(lt
                    .iter()
                    .chain(lw.iter())
                    .chain(m.iter())
                    .all(|&v| v == 0.0));
                continue;
            }
            assert_eq!(lt[0] as usize, r.end - 1, "{text}");
            assert_eq!(through(ids, r, lt[0]), *text, "{text}");
            assert_eq!(through(ids, r, lw[0]), want_word[i], "{text}");
            let mean_index = (r.start + r.end - 1) as f32 / 2.0;
            assert_eq!((m[0], m[1]), (mean_index, 1.0), "{text}");
        }
        assert!(mean.notes.iter().any(|n| n.contains("empty part")));
        // surprisal does not depend on the readout
        assert_eq!(
            format!("{:?}", last_token.surprisal_bits),
            format!("{:?}", mean.surprisal_bits)
        );
    }

    /// The last-token readout gives the rows the recording gave before readouts existed
    /// (each part's last-token row, gathered by the alignment), bit for bit.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn last_token_is_the_old_gather_bit_for_bit() {
        let tk = toy_tokenizer();
        let words: Vec<String> = "the dog ran. so 🙂 مرحبا , hi there!"
            .split(' ')
            .map(String::from)
            .collect();
        let rec = toy_recording(&tk, std::slice::from_ref(&words), Readout::LastToken);
        let enc = tk.encode_words(&words, false).unwrap();
        let n = enc.ids.len() + 1;
        let noise: Vec<f32> = (0..n * 3)
            .map(|i| ((i as f32 * 7.31).sin() * 1e3).exp2().recip() - 0.37)
            .collect();
        let old = brainprobe_text::gather_last_token_rows(
            &noise,
            3,
            &enc.alignment.with_prefix_tokens(1),
        )
        .unwrap();
        let got: Vec<u32> = rec.layers[1].values.iter().map(|v| v.to_bits()).collect();
        let want: Vec<u32> = old.iter().map(|v| v.to_bits()).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn word_readouts_pick_the_last_word_or_all() {
        let words = ["the", "dog", "ran", "--", "\"'"];
        assert_eq!(Readout::Mean.words(&words), words);
        assert_eq!(Readout::LastToken.words(&words), ["\"'"]);
        assert_eq!(Readout::LastWord.words(&words), ["ran"]);
        assert_eq!(Readout::LastWord.words(&["--", "..."]), ["..."]);
        assert_eq!(Readout::LastWord.words(&["🙂", "!"]), ["🙂"]);
        let none: [&str; 0] = [];
        assert!(Readout::LastWord.words(&none).is_empty());
    }
}
