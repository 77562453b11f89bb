//! prepare-data's word-count step (native only): how often each whitespace-separated word
//! occurs in the language models' training corpora — the table the frequency baselines
//! (`baseline-lexical`, `baseline-unigram-surprisal`; METRICS §10.1) read.
//!
//! The documents are [`crate::datasets::corpora::training_documents`] (Brown detokenised,
//! Gutenberg, ABC, State of the Union, inaugural, webtext, Reuters — never WikiText-2),
//! exactly the text the language models were trained on; every whitespace-separated word
//! is counted as it appears (case and punctuation kept: the baselines lower-case and strip
//! punctuation when they read the table, so that rule lives in one place).
//!
//! Written to `data/cache/models/training-word-counts/` (`word_counts.tsv` + a
//! `manifest.toml` in the weights-manifest shape, with the table's sha256 and a digest of
//! the corpus files it was counted from) and copied to
//! `www/assets/models/training-word-counts/` for the web app. Both are git-ignored: a
//! table derived from the corpora is never committed. Re-running is a no-op when the
//! table is current (same corpus files, same format).

use std::collections::HashMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::datasets::corpora::training_documents;
use crate::error::{DataError, Result};
use crate::manifest::Manifest;
use crate::prepare::write_atomic;

/// Identifier and directory name (under `data/cache/models/` and `www/assets/models/`).
pub const WORD_COUNTS_ID: &str = "training-word-counts";
/// The table: a header line `word\tcount`, then one line per distinct word.
pub const TABLE: &str = "word_counts.tsv";
/// Header line of [`TABLE`].
pub const HEADER: &str = "word\tcount";
/// Bumped whenever the counting changes, so old tables are rebuilt.
pub const FORMAT: u32 = 1;
/// Dataset (in `data/manifest.toml`) whose files the table is counted from.
const CORPORA_DATASET: &str = "corpora";

/// What the step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordCountsStatus {
    /// The table was already current.
    Current,
    /// Counted now.
    Built {
        /// Words counted.
        tokens: u64,
        /// Distinct words.
        types: usize,
    },
}

impl std::fmt::Display for WordCountsStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WordCountsStatus::Current => write!(f, "{WORD_COUNTS_ID}: already current"),
            WordCountsStatus::Built { tokens, types } => write!(
                f,
                "{WORD_COUNTS_ID}: counted {tokens} words ({types} distinct) in the training corpora"
            ),
        }
    }
}

/// Counts of every whitespace-separated word of `docs`.
pub fn count_words<S: AsRef<str>>(docs: &[S]) -> HashMap<String, u64> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for doc in docs {
        for word in doc.as_ref().split_whitespace() {
            match counts.get_mut(word) {
                Some(c) => *c += 1,
                None => {
                    counts.insert(word.to_string(), 1);
                }
            }
        }
    }
    counts
}

/// The table's bytes: [`HEADER`], then `word\tcount` lines by descending count, ties by
/// word (byte order), so the same counts always give the same bytes.
pub fn table_bytes(counts: &HashMap<String, u64>) -> Vec<u8> {
    let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut out = String::with_capacity(rows.len() * 12 + HEADER.len() + 1);
    out.push_str(HEADER);
    out.push('\n');
    for (word, count) in rows {
        out.push_str(word);
        out.push('\t');
        out.push_str(&count.to_string());
        out.push('\n');
    }
    out.into_bytes()
}

/// Digest of the corpus files the table is counted from (their paths and sha256 in the
/// project manifest) and of [`FORMAT`]: a table is current when its manifest holds it.
pub fn source_digest(manifest: &Manifest) -> Result<String> {
    let mut h = Sha256::new();
    h.update(format!("{WORD_COUNTS_ID} format {FORMAT}\n"));
    for f in &manifest.dataset(CORPORA_DATASET)?.files {
        h.update(format!("{}\t{}\n", f.path, f.sha256));
    }
    Ok(hex::encode(h.finalize()))
}

/// `manifest.toml` of the table, in the shape of a weights manifest (the one model loader
/// reads it): `sha256` of the table, `[architecture]` saying what it counts.
fn manifest_toml(table: &[u8], tokens: u64, types: usize, source: &str) -> Result<String> {
    let mut arch = toml::Table::new();
    let s = |v: &str| toml::Value::String(v.to_string());
    arch.insert("kind".into(), s("word counts"));
    arch.insert(
        "words".into(),
        s(
            "whitespace-separated, as they appear in the training documents (case and \
           punctuation kept)",
        ),
    );
    arch.insert("tokens".into(), toml::Value::Integer(tokens as i64));
    arch.insert("types".into(), toml::Value::Integer(types as i64));
    arch.insert("format".into(), toml::Value::Integer(i64::from(FORMAT)));
    let mut t = toml::Table::new();
    t.insert("id".into(), s(WORD_COUNTS_ID));
    t.insert("sha256".into(), s(&hex::encode(Sha256::digest(table))));
    t.insert(
        "source".into(),
        s(
            "the language models' training corpora (data/manifest.toml dataset `corpora`: \
           Brown detokenised, Gutenberg, ABC, State of the Union, inaugural, webtext, \
           Reuters; never WikiText-2), read as brainprobe-train reads them",
        ),
    );
    t.insert("source_sha256".into(), s(source));
    t.insert("command".into(), s("cargo xtask prepare-data"));
    t.insert(
        "licence".into(),
        s(
            "derived counts of the corpora (see their licences in data/manifest.toml); \
           never committed",
        ),
    );
    t.insert("architecture".into(), toml::Value::Table(arch));
    toml::to_string_pretty(&t).map_err(|e| DataError::malformed(WORD_COUNTS_ID, e))
}

/// The table and manifest in `dir` if both are there, the table matches the manifest's
/// sha256 and the manifest was made from `source`; `None` otherwise (they are rebuilt).
fn read_current(dir: &Path, source: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let table = std::fs::read(dir.join(TABLE)).ok()?;
    let manifest = std::fs::read(dir.join("manifest.toml")).ok()?;
    let t: toml::Table = toml::from_str(std::str::from_utf8(&manifest).ok()?).ok()?;
    let field = |k: &str| t.get(k).and_then(|v| v.as_str());
    let current = field("source_sha256") == Some(source)
        && field("sha256") == Some(hex::encode(Sha256::digest(&table)).as_str());
    current.then_some((table, manifest))
}

/// Writes `bytes` to `path` unless an identical copy is there.
fn sync(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::read(path).is_ok_and(|b| b == bytes) {
        return Ok(());
    }
    write_atomic(path, bytes)
}

/// Runs the step with `cache` = `data/cache` (the corpora under `cache/corpora`, the table
/// under `cache/models/`) and `assets` = `www/assets` (the served copy under `models/`).
pub fn prepare_word_counts(cache: &Path, assets: &Path) -> Result<WordCountsStatus> {
    let source = source_digest(&Manifest::project()?)?;
    build_word_counts(&cache.join("corpora"), &source, cache, assets)
}

/// [`prepare_word_counts`] from the corpora under `corpora`, current when its manifest
/// holds `source`.
pub fn build_word_counts(
    corpora: &Path,
    source: &str,
    cache: &Path,
    assets: &Path,
) -> Result<WordCountsStatus> {
    let out = cache.join("models").join(WORD_COUNTS_ID);
    let web = assets.join("models").join(WORD_COUNTS_ID);
    if let Some((table, manifest)) = read_current(&out, source) {
        sync(&web.join(TABLE), &table)?;
        sync(&web.join("manifest.toml"), &manifest)?;
        return Ok(WordCountsStatus::Current);
    }
    let docs = training_documents(corpora)
        .map_err(|e| DataError::io(corpora.display(), format!("{e} (counting words)")))?;
    let counts = count_words(&docs);
    let tokens: u64 = counts.values().sum();
    let table = table_bytes(&counts);
    let manifest = manifest_toml(&table, tokens, counts.len(), source)?;
    // The table first: a manifest never names a table that is not there.
    write_atomic(&out.join(TABLE), &table)?;
    write_atomic(&out.join("manifest.toml"), manifest.as_bytes())?;
    sync(&web.join(TABLE), &table)?;
    sync(&web.join("manifest.toml"), manifest.as_bytes())?;
    Ok(WordCountsStatus::Built {
        tokens,
        types: counts.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A corpus directory laid out like `data/cache/corpora`, two Brown sentences and one
    /// Gutenberg book.
    fn tiny_corpora(root: &Path) {
        let c = root.join("corpora");
        for d in [
            "gutenberg",
            "extra/abc",
            "extra/state_union",
            "extra/inaugural",
            "extra/webtext",
            "extra/reuters",
        ] {
            std::fs::create_dir_all(c.join(d)).unwrap();
        }
        std::fs::write(
            c.join("brown.txt"),
            "The cat did n't sit .\n`` The dog '' sat , too .\n",
        )
        .unwrap();
        std::fs::write(
            c.join("brown_index.csv"),
            "sample,genre,genre_name,first_line,n_lines\nca01,A,press,1,2\n",
        )
        .unwrap();
        std::fs::write(
            c.join("gutenberg/book.txt"),
            "the cat\nsat.\n\nÉté 😊 مرحبا\n",
        )
        .unwrap();
        std::fs::write(c.join("gutenberg/README.txt"), "not counted").unwrap();
        std::fs::write(c.join("wikitext2.txt"), "never counted").unwrap();
    }

    #[test]
    fn counts_the_training_documents_words_and_is_current_on_a_rerun() {
        let dir = tempfile::tempdir().unwrap();
        tiny_corpora(dir.path());
        let (cache, assets) = (dir.path().join("cache"), dir.path().join("assets"));
        let status = build_word_counts(&dir.path().join("corpora"), "s1", &cache, &assets).unwrap();
        // Brown detokenised: "The cat didn't sit." and "\"The dog\" sat, too."; the book:
        // "the cat sat." and "Été 😊 مرحبا". Case and punctuation are kept.
        assert_eq!(
            status,
            WordCountsStatus::Built {
                tokens: 4 + 4 + 6,
                types: 13
            }
        );
        let table =
            std::fs::read_to_string(cache.join("models").join(WORD_COUNTS_ID).join(TABLE)).unwrap();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], HEADER);
        // The only word seen twice comes first; then byte order.
        assert_eq!(lines[1], "cat\t2");
        assert_eq!(lines[2], "\"The\t1");
        assert!(lines.contains(&"didn't\t1") && lines.contains(&"\"The\t1"));
        assert!(lines.contains(&"😊\t1") && lines.contains(&"مرحبا\t1"));
        assert!(!table.contains("README") && !table.contains("never"));
        let served = assets.join("models").join(WORD_COUNTS_ID);
        assert_eq!(std::fs::read_to_string(served.join(TABLE)).unwrap(), table);
        let manifest = std::fs::read_to_string(served.join("manifest.toml")).unwrap();
        assert!(manifest.contains(&hex::encode(Sha256::digest(table.as_bytes()))));
        // Same source: current, nothing rewritten.
        assert_eq!(
            build_word_counts(&dir.path().join("corpora"), "s1", &cache, &assets).unwrap(),
            WordCountsStatus::Current
        );
        // A served copy that went missing is restored from the cache.
        std::fs::remove_file(served.join(TABLE)).unwrap();
        build_word_counts(&dir.path().join("corpora"), "s1", &cache, &assets).unwrap();
        assert!(served.join(TABLE).is_file());
        // Another source (corpus files changed): counted again.
        assert!(matches!(
            build_word_counts(&dir.path().join("corpora"), "s2", &cache, &assets).unwrap(),
            WordCountsStatus::Built { .. }
        ));
    }

    #[test]
    fn missing_corpora_say_to_run_prepare_data() {
        let dir = tempfile::tempdir().unwrap();
        let err = build_word_counts(&dir.path().join("nope"), "s", dir.path(), dir.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("prepare-data"), "{err}");
    }

    #[test]
    fn the_table_is_byte_stable() {
        let a = count_words(&["b a b", "c\ta"]);
        assert_eq!(
            String::from_utf8(table_bytes(&a)).unwrap(),
            "word\tcount\na\t2\nb\t2\nc\t1\n"
        );
        let digest = source_digest(&Manifest::project().unwrap()).unwrap();
        assert_eq!(digest.len(), 64);
    }
}
