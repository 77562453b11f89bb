//! Baseline subjects (METRICS §10.1): trivial features a score must beat, recorded through
//! the same contract as the networks so every benchmark scores them unchanged.
//!
//! - `baseline-length`: per part, [Unicode scalar values, whitespace-separated words,
//!   tokens under `tokenizer-bpe8k`] — the three numbers of a sentence's length. One
//!   recorded layer, `length`.
//! - `baseline-lexical`: per word, [characters, log10(1 + count), sentence-final
//!   punctuation (0/1), position in its sentence (1-based)] — one layer, `lexical`.
//! - `baseline-unigram-surprisal`: per word, −log2 of its add-one-smoothed unigram
//!   probability — given as the part's surprisal (the contract causal models fill, so the
//!   surprisal benchmark scores it unchanged) and as one layer, `surprisal`.
//!
//! Counts come from the training corpora's word table that prepare-data derives
//! ([`WordCounts`]); a word is looked up lower-cased with its punctuation removed
//! ([`word_key`]). Parts with several words (a sentence) get the mean log frequency, the
//! summed surprisal, and the flag and position of their last word.

use std::collections::HashMap;

use ndarray::Array2;

use super::{select_layers, LayerActivations, PartRecording, Passage};
use crate::error::{ModelError, Result};
use crate::vision::record::LayerSelection;

/// The one recorded layer of `baseline-length`.
pub const LENGTH_LAYER: &str = "length";
/// The one recorded layer of `baseline-lexical`.
pub const LEXICAL_LAYER: &str = "lexical";
/// The one recorded layer of `baseline-unigram-surprisal`.
pub const SURPRISAL_LAYER: &str = "surprisal";

/// Whether `c` is punctuation: ASCII punctuation, or one of the Unicode punctuation
/// characters and blocks (Latin-1, Greek, Armenian, Hebrew and Arabic punctuation, General
/// and Supplemental Punctuation, CJK and full-width punctuation).
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0x00A1 | 0x00A7 | 0x00AB | 0x00B6 | 0x00B7 | 0x00BB | 0x00BF
            | 0x037E | 0x0387 | 0x055A..=0x055F | 0x0589 | 0x058A
            | 0x05BE | 0x05C0 | 0x05C3 | 0x05C6 | 0x05F3 | 0x05F4
            | 0x060C | 0x060D | 0x061B | 0x061D..=0x061F | 0x066A..=0x066D | 0x06D4
            | 0x2010..=0x2027 | 0x2030..=0x205E | 0x2E00..=0x2E4F
            | 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F
            | 0xFE10..=0xFE19 | 0xFE30..=0xFE52 | 0xFE54..=0xFE61 | 0xFF01..=0xFF0F
            | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// The form a word is counted and looked up under (METRICS §10.1): lower-cased, every
/// punctuation character removed (`"Didn't,"` → `didnt`). Empty for a word that is all
/// punctuation (`"—"`): such a token is not a word and is never counted.
pub fn word_key(word: &str) -> String {
    word.chars()
        .filter(|c| !is_punctuation(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `word` carries sentence-final punctuation: it ends in `.`, `!`, `?`, `…` (or
/// the Arabic, CJK or full-width marks) once closing quotes and brackets are set aside
/// (`"end."'` does; `Mr.` does too — no abbreviation list).
pub fn is_sentence_final(word: &str) -> bool {
    word.trim_end_matches(['"', '\'', '’', '”', '»', ')', ']', '}'])
        .ends_with(['.', '!', '?', '…', '؟', '۔', '。', '！', '？'])
}

/// Word counts of the training corpora (prepare-data's `word_counts.tsv`), by [`word_key`].
#[derive(Debug, Clone, PartialEq)]
pub struct WordCounts {
    counts: HashMap<String, u64>,
    tokens: u64,
}

impl WordCounts {
    /// Parses the table (`word\tcount` lines after a `word\tcount` header; words as they
    /// appear in the corpora) and merges its rows by [`word_key`]. `label` names the file
    /// in errors.
    pub fn parse(bytes: &[u8], label: &str) -> Result<Self> {
        let bad = |detail: String| ModelError::Text(format!("{label}: {detail}"));
        let text = std::str::from_utf8(bytes).map_err(|e| bad(format!("not UTF-8: {e}")))?;
        let mut lines = text.lines();
        if lines.next() != Some("word\tcount") {
            return Err(bad("no `word<TAB>count` header".into()));
        }
        let mut counts: HashMap<String, u64> = HashMap::new();
        let mut tokens = 0u64;
        for (i, line) in lines.enumerate() {
            let (word, n) = line
                .rsplit_once('\t')
                .ok_or_else(|| bad(format!("line {}: no tab", i + 2)))?;
            let n: u64 = n
                .parse()
                .map_err(|e| bad(format!("line {}: count `{n}`: {e}", i + 2)))?;
            let key = word_key(word);
            if key.is_empty() {
                continue;
            }
            *counts.entry(key).or_default() += n;
            tokens += n;
        }
        if tokens == 0 {
            return Err(bad("no words".into()));
        }
        Ok(Self { counts, tokens })
    }

    /// Counts `words` directly (for tests and callers with their own text).
    pub fn from_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut counts: HashMap<String, u64> = HashMap::new();
        let mut tokens = 0;
        for key in words.into_iter().map(word_key).filter(|k| !k.is_empty()) {
            *counts.entry(key).or_default() += 1;
            tokens += 1;
        }
        Self { counts, tokens }
    }

    /// Occurrences of `word`'s [`word_key`] (0 when unseen or all punctuation).
    pub fn count(&self, word: &str) -> u64 {
        self.counts.get(&word_key(word)).copied().unwrap_or(0)
    }

    /// Words counted (N).
    pub fn tokens(&self) -> u64 {
        self.tokens
    }

    /// Distinct keys (V).
    pub fn types(&self) -> usize {
        self.counts.len()
    }

    /// log10(1 + count of `word`).
    pub fn log_frequency(&self, word: &str) -> f64 {
        (1.0 + self.count(word) as f64).log10()
    }

    /// −log2 of `word`'s add-one-smoothed unigram probability, (count + 1) / (N + V + 1):
    /// every one of the V seen keys and one class for unseen words get one extra count.
    /// 0 bits for a token that is all punctuation (not a word).
    pub fn surprisal_bits(&self, word: &str) -> f64 {
        if word_key(word).is_empty() {
            return 0.0;
        }
        let total = self.tokens as f64 + self.counts.len() as f64 + 1.0;
        -((self.count(word) as f64 + 1.0) / total).log2()
    }
}

/// One layer of `width` columns over every part of `passages`, row by row from `row`.
fn one_layer(
    id: &str,
    layer: &str,
    width: usize,
    passages: &[Passage],
    layers: &LayerSelection,
    mut row: impl FnMut(&Passage) -> Vec<Vec<f32>>,
    mut progress: impl FnMut(usize, usize),
) -> Result<(Vec<LayerActivations>, usize)> {
    let names = select_layers(id, &[layer.to_string()], layers)?;
    let total: usize = passages.iter().map(Vec::len).sum();
    let mut values = Vec::with_capacity(total * width);
    let mut done = 0;
    for passage in passages {
        for r in row(passage) {
            values.extend(r);
        }
        done += passage.len();
        progress(done, total);
    }
    let values = Array2::from_shape_vec((total, width), values)
        .map_err(|e| ModelError::Text(e.to_string()))?;
    let layers = names
        .into_iter()
        .map(|name| LayerActivations {
            name,
            values: values.clone(),
        })
        .collect();
    Ok((layers, total))
}

/// `baseline-length`: characters, words and BPE tokens of each part.
pub struct LengthBaseline {
    /// Model identifier.
    pub id: String,
    tokenizer: brainprobe_text::Tokenizer,
}

impl LengthBaseline {
    /// The baseline counting tokens with `tokenizer` (the project's byte-level BPE).
    pub fn new(id: &str, tokenizer: brainprobe_text::Tokenizer) -> Self {
        Self {
            id: id.to_string(),
            tokenizer,
        }
    }

    /// The three length features of one part.
    pub fn features(&self, part: &str) -> Result<[f32; 3]> {
        let tokens = self
            .tokenizer
            .encode_text(part, false)
            .map_err(|e| ModelError::Text(format!("{}: {e}", self.id)))?
            .ids
            .len();
        Ok([
            part.chars().count() as f32,
            part.split_whitespace().count() as f32,
            tokens as f32,
        ])
    }

    /// Records `passages`: one row of three length features per part.
    pub fn record(
        &self,
        passages: &[Passage],
        layers: &LayerSelection,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<PartRecording> {
        let names = select_layers(&self.id, &[LENGTH_LAYER.to_string()], layers)?;
        let total: usize = passages.iter().map(Vec::len).sum();
        let mut values = Vec::with_capacity(total * 3);
        for (done, part) in passages.iter().flatten().enumerate() {
            values.extend(self.features(part)?);
            progress(done + 1, total);
        }
        let values = Array2::from_shape_vec((total, 3), values)
            .map_err(|e| ModelError::Text(e.to_string()))?;
        Ok(PartRecording {
            layers: names
                .into_iter()
                .map(|name| LayerActivations {
                    name,
                    values: values.clone(),
                })
                .collect(),
            surprisal_bits: None,
            notes: vec![format!(
                "{}: a control, not a model — each part's characters, words and \
                 tokenizer-bpe8k tokens (METRICS §10.1).",
                self.id
            )],
        })
    }
}

/// `baseline-lexical`: each part's characters, log frequency in the training corpora,
/// sentence-final punctuation and position in its sentence.
pub struct LexicalBaseline {
    /// Model identifier.
    pub id: String,
    counts: WordCounts,
}

impl LexicalBaseline {
    /// The baseline over the training corpora's `counts`.
    pub fn new(id: &str, counts: WordCounts) -> Self {
        Self {
            id: id.to_string(),
            counts,
        }
    }

    /// The four features of each part of `passage`, in order: [characters of the part
    /// (surrounding whitespace aside), log10(1 + count) (mean over its words), 1 if its
    /// last word carries sentence-final punctuation, the 1-based position of its last word
    /// in its sentence]. A sentence starts the passage and after every word carrying
    /// sentence-final punctuation; an empty part is all zeros and moves nothing.
    pub fn features(&self, passage: &[String]) -> Vec<[f32; 4]> {
        let mut position = 0usize;
        passage
            .iter()
            .map(|part| {
                let words: Vec<&str> = part.split_whitespace().collect();
                let Some(last) = words.last() else {
                    return [0.0; 4];
                };
                let mut last_position = 0;
                for w in &words {
                    position += 1;
                    last_position = position;
                    if is_sentence_final(w) {
                        position = 0;
                    }
                }
                let log_f = words
                    .iter()
                    .map(|w| self.counts.log_frequency(w))
                    .sum::<f64>()
                    / words.len() as f64;
                [
                    part.trim().chars().count() as f32,
                    log_f as f32,
                    f32::from(u8::from(is_sentence_final(last))),
                    last_position as f32,
                ]
            })
            .collect()
    }

    /// Records `passages`: one row of four features per part.
    pub fn record(
        &self,
        passages: &[Passage],
        layers: &LayerSelection,
        progress: impl FnMut(usize, usize),
    ) -> Result<PartRecording> {
        let (layers, _) = one_layer(
            &self.id,
            LEXICAL_LAYER,
            4,
            passages,
            layers,
            |p| self.features(p).into_iter().map(Vec::from).collect(),
            progress,
        )?;
        Ok(PartRecording {
            layers,
            surprisal_bits: None,
            notes: vec![format!(
                "{}: a control, not a model — each word's characters, log10(1 + its count \
                 among the {} words of the training corpora, lower-cased, punctuation \
                 stripped), sentence-final punctuation (0/1) and position in its sentence \
                 (METRICS §10.1).",
                self.id,
                self.counts.tokens()
            )],
        })
    }
}

/// `baseline-unigram-surprisal`: each part's surprisal under an add-one-smoothed unigram
/// model of the training corpora.
pub struct UnigramBaseline {
    /// Model identifier.
    pub id: String,
    counts: WordCounts,
}

impl UnigramBaseline {
    /// The baseline over the training corpora's `counts`.
    pub fn new(id: &str, counts: WordCounts) -> Self {
        Self {
            id: id.to_string(),
            counts,
        }
    }

    /// Bits of `part`: the sum over its words of [`WordCounts::surprisal_bits`] (0 for an
    /// empty part).
    pub fn bits(&self, part: &str) -> f64 {
        part.split_whitespace()
            .map(|w| self.counts.surprisal_bits(w))
            .sum()
    }

    /// Records `passages`: each part's surprisal in bits, as the causal models give it
    /// (`surprisal_bits`), and as the one column of layer `surprisal`.
    pub fn record(
        &self,
        passages: &[Passage],
        layers: &LayerSelection,
        progress: impl FnMut(usize, usize),
    ) -> Result<PartRecording> {
        let bits: Vec<f64> = passages.iter().flatten().map(|p| self.bits(p)).collect();
        let mut next = bits.iter();
        let (layers, _) = one_layer(
            &self.id,
            SURPRISAL_LAYER,
            1,
            passages,
            layers,
            |p| {
                p.iter()
                    .map(|_| vec![next.next().copied().unwrap_or(0.0) as f32])
                    .collect()
            },
            progress,
        )?;
        Ok(PartRecording {
            layers,
            surprisal_bits: Some(bits),
            notes: vec![format!(
                "{}: a control, not a model — each word's −log2 (count + 1) / (N + V + 1) \
                 over the training corpora (N = {} words, V = {} distinct lower-cased, \
                 punctuation-stripped words; METRICS §10.1); no context.",
                self.id,
                self.counts.tokens(),
                self.counts.types()
            )],
        })
    }
}

/// A text control of METRICS §10.1, recorded through the language-model contract. Made
/// once per run and passed by reference (as [`super::LanguageModel`]), so the variants'
/// sizes do not matter.
#[allow(clippy::large_enum_variant)]
pub enum TextBaseline {
    /// `baseline-length`.
    Length(LengthBaseline),
    /// `baseline-lexical`.
    Lexical(LexicalBaseline),
    /// `baseline-unigram-surprisal`.
    UnigramSurprisal(UnigramBaseline),
}

impl TextBaseline {
    /// Model identifier.
    pub fn id(&self) -> &str {
        match self {
            TextBaseline::Length(b) => &b.id,
            TextBaseline::Lexical(b) => &b.id,
            TextBaseline::UnigramSurprisal(b) => &b.id,
        }
    }

    /// The one recorded layer's name.
    pub fn layer(&self) -> &'static str {
        match self {
            TextBaseline::Length(_) => LENGTH_LAYER,
            TextBaseline::Lexical(_) => LEXICAL_LAYER,
            TextBaseline::UnigramSurprisal(_) => SURPRISAL_LAYER,
        }
    }

    /// Whether it gives each part's surprisal (the unigram control).
    pub fn gives_surprisal(&self) -> bool {
        matches!(self, TextBaseline::UnigramSurprisal(_))
    }

    /// Records `passages` (one row per part of the one layer; surprisal for the unigram
    /// control).
    pub fn record(
        &self,
        passages: &[Passage],
        layers: &LayerSelection,
        progress: impl FnMut(usize, usize),
    ) -> Result<PartRecording> {
        match self {
            TextBaseline::Length(b) => b.record(passages, layers, progress),
            TextBaseline::Lexical(b) => b.record(passages, layers, progress),
            TextBaseline::UnigramSurprisal(b) => b.record(passages, layers, progress),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> LengthBaseline {
        let tk = brainprobe_text::train_bpe(
            [
                "a small corpus for a small tokenizer",
                "words and more words",
            ]
            .into_iter(),
            &brainprobe_text::BpeConfig {
                vocab_size: 300,
                min_frequency: 1,
            },
        )
        .unwrap();
        LengthBaseline::new("baseline-length", tk)
    }

    #[test]
    fn odd_text_gives_finite_counts() {
        let b = baseline();
        let f = b.features("Héllo wörld 😊 مرحبا").unwrap();
        assert_eq!(f[0], 19.0);
        assert_eq!(f[1], 4.0);
        assert!(f[2] >= 4.0);
        assert_eq!(b.features("").unwrap(), [0.0, 0.0, 0.0]);
        let long = "word ".repeat(2000);
        assert_eq!(b.features(&long).unwrap()[1], 2000.0);
        let rec = b
            .record(
                &[vec!["one two".into()], vec!["three".into()]],
                &LayerSelection::All,
                |_, _| {},
            )
            .unwrap();
        assert_eq!(rec.layers[0].values.shape(), &[2, 3]);
        assert_eq!(rec.layers[0].values[[1, 1]], 1.0);
        assert!(b
            .record(&[], &LayerSelection::Named(vec!["x".into()]), |_, _| {})
            .is_err());
    }

    /// A corpus of 10 words, 6 distinct keys: the 4, cat 2, sat 1, on 1, mat 1, didnt 1.
    fn counts() -> WordCounts {
        WordCounts::from_words("The cat sat on the mat . The CAT, the… didn't".split_whitespace())
    }

    #[test]
    fn words_are_counted_lower_cased_without_punctuation() {
        assert_eq!(word_key("Didn't,"), "didnt");
        assert_eq!(word_key("“Été”"), "été");
        assert_eq!(word_key("😊"), "😊");
        assert_eq!(word_key("مرحبا؟"), "مرحبا");
        assert_eq!(word_key("—"), "");
        let c = counts();
        assert_eq!((c.tokens(), c.types()), (10, 6));
        assert_eq!(c.count("THE"), 4);
        assert_eq!(c.count("cat."), 2);
        assert_eq!(c.count("didn’t"), 1);
        assert_eq!(c.count("dog"), 0);
        assert_eq!(c.count(""), 0);
        // The table prepare-data writes: words as they appear, merged by key on reading.
        let t = WordCounts::parse(b"word\tcount\nThe\t3\nthe,\t2\n--\t7\ncat\t1\n", "t").unwrap();
        assert_eq!((t.count("the"), t.tokens(), t.types()), (5, 6, 2));
        for bad in [
            &b"word\tcount\nthe 3\n"[..],
            b"the\t3\n",
            b"word\tcount\nthe\tx\n",
            b"word\tcount\n",
        ] {
            assert!(WordCounts::parse(bad, "t")
                .unwrap_err()
                .to_string()
                .contains("t: "));
        }
    }

    #[test]
    fn lexical_features_by_hand() {
        let b = LexicalBaseline::new("baseline-lexical", counts());
        let passage: Passage = ["The", "cat", "sat.", "“Then", "dog!”", "", "😊", "مرحبا"]
            .map(String::from)
            .to_vec();
        let f = b.features(&passage);
        let l = |n: f64| (1.0 + n).log10() as f32;
        assert_eq!(f[0], [3.0, l(4.0), 0.0, 1.0]);
        assert_eq!(f[1], [3.0, l(2.0), 0.0, 2.0]);
        assert_eq!(f[2], [4.0, l(1.0), 1.0, 3.0]);
        assert_eq!(f[3], [5.0, 0.0, 0.0, 1.0], "a new sentence after `sat.`");
        assert_eq!(
            f[4],
            [5.0, 0.0, 1.0, 2.0],
            "`!` inside a closing quote ends it"
        );
        assert_eq!(f[5], [0.0; 4], "an empty part");
        assert_eq!(f[6], [1.0, 0.0, 0.0, 1.0], "emoji: one character, unseen");
        assert_eq!(
            f[7],
            [5.0, 0.0, 0.0, 2.0],
            "right-to-left text counts its characters"
        );
        // A sentence as one part: its characters, mean log frequency, last word's flag and
        // position.
        let s = b.features(&["The cat sat.".to_string()]);
        assert_eq!(s[0][0], 12.0);
        assert!((s[0][1] - (l(4.0) + l(2.0) + l(1.0)) / 3.0).abs() < 1e-6);
        assert_eq!((s[0][2], s[0][3]), (1.0, 3.0));
        assert!(b.features(&[]).is_empty());
        let rec = b
            .record(&[passage.clone(), vec![]], &LayerSelection::All, |_, _| {})
            .unwrap();
        assert_eq!(rec.layers[0].name, LEXICAL_LAYER);
        assert_eq!(rec.layers[0].values.shape(), &[8, 4]);
        assert_eq!(rec.layers[0].values[[2, 3]], 3.0);
        assert!(rec.surprisal_bits.is_none());
    }

    #[test]
    fn unigram_surprisal_by_hand() {
        let b = UnigramBaseline::new("baseline-unigram-surprisal", counts());
        // N = 10 words, V = 6 keys: p(the) = 5 / 17, p(unseen) = 1 / 17.
        assert!((b.bits("The") - (17.0f64 / 5.0).log2()).abs() < 1e-12);
        assert!((b.bits("cat,") - (17.0f64 / 3.0).log2()).abs() < 1e-12);
        assert!((b.bits("😊") - 17.0f64.log2()).abs() < 1e-12);
        assert!((b.bits("مرحبا") - 17.0f64.log2()).abs() < 1e-12);
        assert_eq!(b.bits(""), 0.0);
        assert_eq!(b.bits("— …"), 0.0, "punctuation alone is no word");
        assert!((b.bits("the cat") - b.bits("the") - b.bits("cat")).abs() < 1e-12);
        let rec = b
            .record(
                &[vec!["The".into(), "".into()], vec!["mat".into()]],
                &LayerSelection::All,
                |_, _| {},
            )
            .unwrap();
        let bits = rec.surprisal_bits.unwrap();
        assert_eq!(bits.len(), 3);
        assert_eq!(bits[1], 0.0);
        assert_eq!(rec.layers[0].name, SURPRISAL_LAYER);
        assert_eq!(rec.layers[0].values[[2, 0]], bits[2] as f32);
        // The surprisal benchmark asks for no layer and still gets the bits.
        let none = b
            .record(
                &[vec!["x".into()]],
                &LayerSelection::Named(vec![]),
                |_, _| {},
            )
            .unwrap();
        assert!(none.layers.is_empty() && none.surprisal_bits.is_some());
        assert!(TextBaseline::UnigramSurprisal(b).gives_surprisal());
    }
}
