//! Text corpora (training) and WikiText-2 (evaluation): per-file word counts in the bundle;
//! the texts themselves stay native-only in the verified cache, where
//! [`training_documents`] reads them as the language models are trained on them (and
//! prepare-data counts their words for the frequency baselines, METRICS §10.1).

use serde::Deserialize;

use crate::error::Result;
use crate::formats::parse_csv;

/// Bundle path of the per-file counts.
pub const WORD_COUNTS: &str = "corpora/word_counts.csv";

/// Line/word/byte counts of one corpus file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CorpusFileCount {
    /// File path relative to `corpora/`.
    pub file: String,
    /// Corpus name (brown, gutenberg, abc, state_union, inaugural, webtext, reuters, wikitext2).
    pub corpus: String,
    /// Number of lines.
    pub lines: u64,
    /// Whitespace-separated tokens.
    #[serde(rename = "words_whitespace")]
    pub words: u64,
    /// Size in bytes.
    pub bytes: u64,
}

/// Parses `word_counts.csv`.
pub fn parse_word_counts(bytes: &[u8]) -> Result<Vec<CorpusFileCount>> {
    parse_csv(WORD_COUNTS, bytes)
}

/// Total words per corpus name, in first-appearance order.
pub fn words_by_corpus(counts: &[CorpusFileCount]) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for c in counts {
        match out.iter_mut().find(|(n, _)| *n == c.corpus) {
            Some((_, w)) => *w += c.words,
            None => out.push((c.corpus.clone(), c.words)),
        }
    }
    out
}

/// One document of running text.
pub type Document = String;

/// Collapses whitespace inside paragraphs (hard-wrapped lines become one line) and keeps
/// paragraph breaks (blank lines) as single newlines, so the model sees text shaped like
/// the stimuli: sentences on one line.
pub fn normalise_paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for para in text.split("\n\n") {
        let words: Vec<&str> = para.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&words.join(" "));
    }
    out
}

/// Undoes the Brown corpus's tokenisation (`word , word`, ``` `` ``` and `''` quotes) so its
/// text looks like ordinary prose.
pub fn detokenise_brown(sentence: &str) -> String {
    let mut out = String::with_capacity(sentence.len());
    let mut glue_next = false;
    for tok in sentence.split_whitespace() {
        match tok {
            "``" => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push('"');
                glue_next = true;
                continue;
            }
            "''" => {
                out.push('"');
                continue;
            }
            _ => {}
        }
        let attach_left = matches!(tok, "." | "," | ";" | ":" | "!" | "?" | ")" | "'s" | "n't");
        if !out.is_empty() && !attach_left && !glue_next && !out.ends_with('(') {
            out.push(' ');
        }
        out.push_str(tok);
        glue_next = false;
    }
    out
}

#[cfg(not(target_arch = "wasm32"))]
fn read(path: &std::path::Path) -> std::result::Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: {e} (run `cargo xtask prepare-data` first)",
            path.display()
        )
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn text_files(dir: &std::path::Path) -> std::result::Result<Vec<std::path::PathBuf>, String> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| {
            format!(
                "{}: {e} (run `cargo xtask prepare-data` first)",
                dir.display()
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "txt")
                && p.file_name().is_none_or(|n| n != "README.txt")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The training documents under `corpora` (= `data/cache/corpora`), in a fixed order:
/// Brown samples, Gutenberg books, ABC, State of the Union, inaugural, webtext, Reuters
/// (never WikiText-2, which is for evaluation only). Native only.
#[cfg(not(target_arch = "wasm32"))]
pub fn training_documents(corpora: &std::path::Path) -> std::result::Result<Vec<Document>, String> {
    let mut docs = Vec::new();
    // Brown: one tokenised sentence per line; samples are line ranges in brown_index.csv.
    let brown = read(&corpora.join("brown.txt"))?;
    let lines: Vec<&str> = brown.lines().collect();
    let index = read(&corpora.join("brown_index.csv"))?;
    for row in index.lines().skip(1) {
        let f: Vec<&str> = row.split(',').collect();
        let (Some(first), Some(n)) = (
            f.get(3).and_then(|v| v.parse::<usize>().ok()),
            f.get(4).and_then(|v| v.parse::<usize>().ok()),
        ) else {
            return Err(format!("brown_index.csv: bad row `{row}`"));
        };
        let end = (first - 1 + n).min(lines.len());
        let sample: Vec<String> = lines[first.saturating_sub(1)..end]
            .iter()
            .map(|l| detokenise_brown(l))
            .collect();
        docs.push(sample.join(" "));
    }
    let mut dirs = vec![corpora.join("gutenberg")];
    for sub in ["abc", "state_union", "inaugural", "webtext", "reuters"] {
        dirs.push(corpora.join("extra").join(sub));
    }
    for dir in dirs {
        for file in text_files(&dir)? {
            if file.to_string_lossy().contains("wikitext") {
                continue;
            }
            let text = normalise_paragraphs(&read(&file)?);
            if !text.is_empty() {
                docs.push(text);
            }
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brown_reads_like_prose() {
        let s = "The jury said `` no evidence '' was found , and it did n't ( really ) .";
        assert_eq!(
            detokenise_brown(s),
            "The jury said \"no evidence\" was found, and it didn't (really)."
        );
    }

    #[test]
    fn paragraphs_are_unwrapped() {
        assert_eq!(normalise_paragraphs("a b\nc\n\n\n d  e \n"), "a b c\nd e");
    }
}
