//! The language-model training corpora (Brown, Gutenberg, ABC, State of the Union,
//! inaugural addresses, webtext, Reuters — never WikiText-2, which is for evaluation only),
//! normalised to running text, tokenised once and cut into fixed-length blocks with a
//! deterministic 1 % held-out split.

use std::path::{Path, PathBuf};

use brainprobe_text::{train_bpe, BpeConfig, Tokenizer};

/// Every hundredth block is held out (1 % of the training corpora; WikiText is not used).
pub const HELD_OUT_EVERY: usize = 100;

/// One document of running text.
pub type Document = String;

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: {e} (run `cargo xtask prepare-data` first)",
            path.display()
        )
    })
}

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

fn text_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
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
/// Brown samples, Gutenberg books, ABC, State of the Union, inaugural, webtext, Reuters.
pub fn training_documents(corpora: &Path) -> Result<Vec<Document>, String> {
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

/// Trains the project's byte-level BPE (8 192 tokens) on `docs`.
pub fn train_tokenizer(docs: &[Document]) -> Result<Tokenizer, String> {
    train_bpe(docs.iter().flat_map(|d| d.lines()), &BpeConfig::default()).map_err(|e| e.to_string())
}

/// One token stream: each document's tokens followed by `<|endoftext|>` (id 0).
pub fn token_stream(tokenizer: &Tokenizer, docs: &[Document]) -> Result<Vec<u16>, String> {
    let mut out = Vec::new();
    for doc in docs {
        for line in doc.lines() {
            let ids = tokenizer
                .encode_text(line, false)
                .map_err(|e| e.to_string())?
                .ids;
            out.extend(ids.iter().map(|&i| i as u16));
            // newline between paragraphs, as the byte-level BPE sees it
            if let Some(nl) = tokenizer.token_to_id("Ċ") {
                out.push(nl as u16);
            }
        }
        out.push(0);
    }
    Ok(out)
}

/// Fixed-length training windows of `context + 1` tokens (input + shifted target) cut
/// from the stream with stride `context`, split into (train, held-out) block starts.
pub fn blocks(n_tokens: usize, context: usize) -> (Vec<usize>, Vec<usize>) {
    let n_blocks = n_tokens.saturating_sub(1) / context;
    (0..n_blocks)
        .map(|b| b * context)
        .partition(|&s| (s / context) % HELD_OUT_EVERY != HELD_OUT_EVERY - 1)
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

    #[test]
    fn one_block_in_a_hundred_is_held_out() {
        let (train, held) = blocks(128 * 1000 + 1, 128);
        assert_eq!(train.len() + held.len(), 1000);
        assert_eq!(held.len(), 10);
        assert!(held.iter().all(|s| !train.contains(s)));
    }
}
