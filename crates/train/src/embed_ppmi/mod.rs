//! `embed-ppmi`: context-free word vectors from positive pointwise mutual information
//! (Levy, Goldberg & Dagan 2015, "Improving Distributional Similarity with Lessons Learned
//! from Word Embeddings", TACL), a GloVe-like baseline trained on the project's corpora.
//!
//! 1. Words: the training documents of [`crate::language::corpus::training_documents`]
//!    (Brown detokenised, Gutenberg, ABC, State of the Union, inaugural, webtext, Reuters —
//!    never WikiText), split by the embedding rule of METRICS §7.1 ([`embedding_words`]).
//! 2. Vocabulary: the `vocab` most frequent words (ties broken alphabetically).
//! 3. Counts: every pair of in-vocabulary words at most `window` positions apart inside a
//!    document (out-of-vocabulary words keep their positions), both directions, unweighted.
//! 4. PPMI with context-distribution smoothing α = 0.75 (Levy et al.):
//!    `max(0, ln(#(w,c) / (#w · P_α(c))))`, `P_α(c) = #c^α / Σ #c'^α`.
//! 5. Randomised truncated SVD of the sparse PPMI matrix to `dim` components
//!    ([`svd::randomized_svd`]); vectors = U·Σ^½ — the symmetric "eigenvalue weighting"
//!    p = 0.5 that Levy et al. found better than U·Σ for similarity tasks.
//!
//! Exported with [`crate::quantise::export_q8`] as `weights/embed-ppmi/model.safetensors`
//! (tensor `embedding`, `[vocab, dim]`), `vocab.txt` (row i = line i) and `manifest.toml`.

pub mod svd;

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

pub use brainprobe_text::embedding_words;

use crate::checkpoint::{command_line, git_revision, write_atomic};
use brainprobe_arch::WeightsManifest;
use svd::{randomized_svd, Csr};

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct PpmiConfig {
    /// Largest vocabulary.
    pub vocab: usize,
    /// Context half-width in words.
    pub window: usize,
    /// Output dimension.
    pub dim: usize,
    /// Context-distribution smoothing exponent.
    pub alpha: f64,
    /// Extra columns of the randomised sketch.
    pub oversample: usize,
    /// Subspace iterations.
    pub power_iterations: usize,
    /// Seed of the sketch.
    pub seed: u64,
}

impl Default for PpmiConfig {
    fn default() -> Self {
        Self {
            vocab: 20_000,
            window: 5,
            dim: 256,
            alpha: 0.75,
            oversample: 16,
            power_iterations: 3,
            seed: 20180,
        }
    }
}

/// Word vectors and what produced them.
pub struct PpmiVectors {
    /// Vocabulary, row order.
    pub words: Vec<String>,
    /// `[words.len(), dim]`, row-major.
    pub vectors: Vec<f32>,
    /// Leading singular values.
    pub singular_values: Vec<f64>,
    /// Words in the corpus.
    pub corpus_tokens: u64,
    /// Corpus words that are in the vocabulary.
    pub covered_tokens: u64,
    /// Non-zero PPMI entries.
    pub nonzero: usize,
}

/// Vocabulary: the `max` most frequent words, most frequent first, ties alphabetical.
pub fn vocabulary(docs: &[Vec<String>], max: usize) -> (Vec<String>, u64) {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    let mut total = 0;
    for w in docs.iter().flatten() {
        *counts.entry(w.as_str()).or_default() += 1;
        total += 1;
    }
    let mut v: Vec<(&str, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.truncate(max);
    (v.into_iter().map(|(w, _)| w.to_string()).collect(), total)
}

/// Symmetric co-occurrence counts within `window` words, as a CSR matrix (`vocab` rows),
/// and the number of corpus words found in the vocabulary.
pub fn cooccurrences(docs: &[Vec<String>], words: &[String], window: usize) -> (Csr, u64) {
    let index: HashMap<&str, u32> = words
        .iter()
        .enumerate()
        .map(|(i, w)| (w.as_str(), i as u32))
        .collect();
    let mut covered = 0u64;
    // one key per unordered pair occurrence: (min << 32) | max
    let mut keys: Vec<u64> = Vec::new();
    for doc in docs {
        let ids: Vec<Option<u32>> = doc.iter().map(|w| index.get(w.as_str()).copied()).collect();
        covered += ids.iter().filter(|i| i.is_some()).count() as u64;
        for (t, a) in ids.iter().enumerate() {
            let Some(a) = *a else { continue };
            for b in ids.iter().skip(t + 1).take(window).flatten() {
                let (lo, hi) = if a <= *b { (a, *b) } else { (*b, a) };
                keys.push((u64::from(lo) << 32) | u64::from(hi));
            }
        }
    }
    keys.par_sort_unstable();
    let mut entries: Vec<(u32, u32, f64)> = Vec::new();
    let mut i = 0;
    while i < keys.len() {
        let mut j = i;
        while j < keys.len() && keys[j] == keys[i] {
            j += 1;
        }
        let (lo, hi) = ((keys[i] >> 32) as u32, keys[i] as u32);
        let n = (j - i) as f64;
        if lo == hi {
            entries.push((lo, lo, 2.0 * n));
        } else {
            entries.push((lo, hi, n));
            entries.push((hi, lo, n));
        }
        i = j;
    }
    drop(keys);
    entries.par_sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let rows = words.len();
    let mut indptr = vec![0usize; rows + 1];
    for e in &entries {
        indptr[e.0 as usize + 1] += 1;
    }
    for r in 0..rows {
        indptr[r + 1] += indptr[r];
    }
    let csr = Csr {
        rows,
        cols: rows,
        indptr,
        indices: entries.iter().map(|e| e.1).collect(),
        values: entries.iter().map(|e| e.2).collect(),
    };
    (csr, covered)
}

/// Positive PMI with context-distribution smoothing `alpha`, zeros dropped.
pub fn ppmi(counts: &Csr, alpha: f64) -> Csr {
    let row_sums: Vec<f64> = (0..counts.rows)
        .map(|r| {
            counts.values[counts.indptr[r]..counts.indptr[r + 1]]
                .iter()
                .sum()
        })
        .collect();
    // symmetric counts: column sums = row sums
    let smoothed: Vec<f64> = row_sums.iter().map(|c| c.powf(alpha)).collect();
    let z: f64 = smoothed.iter().sum();
    let (mut indptr, mut indices, mut values) = (vec![0], Vec::new(), Vec::new());
    for (r, row_sum) in row_sums.iter().enumerate() {
        for e in counts.indptr[r]..counts.indptr[r + 1] {
            let c = counts.indices[e] as usize;
            let pmi = (counts.values[e] * z / (row_sum * smoothed[c])).ln();
            if pmi > 0.0 {
                indices.push(c as u32);
                values.push(pmi);
            }
        }
        indptr.push(indices.len());
    }
    Csr {
        rows: counts.rows,
        cols: counts.cols,
        indptr,
        indices,
        values,
    }
}

/// Runs steps 2–5 on tokenised documents.
pub fn train_vectors(docs: &[Vec<String>], cfg: &PpmiConfig) -> Result<PpmiVectors, String> {
    let (words, corpus_tokens) = vocabulary(docs, cfg.vocab);
    if words.len() <= cfg.dim {
        return Err(format!(
            "only {} distinct words; need more than {} for {} dimensions",
            words.len(),
            cfg.dim,
            cfg.dim
        ));
    }
    let (counts, covered_tokens) = cooccurrences(docs, &words, cfg.window);
    let m = ppmi(&counts, cfg.alpha);
    drop(counts);
    let svd = randomized_svd(&m, cfg.dim, cfg.oversample, cfg.power_iterations, cfg.seed)?;
    let mut vectors = Vec::with_capacity(words.len() * cfg.dim);
    for i in 0..words.len() {
        for j in 0..cfg.dim {
            vectors.push((svd.u[(i, j)] * svd.s[j].sqrt()) as f32);
        }
    }
    Ok(PpmiVectors {
        words,
        vectors,
        singular_values: svd.s,
        corpus_tokens,
        covered_tokens,
        nonzero: m.nnz(),
    })
}

/// The `n` nearest words to `word` by cosine (for the manifest's sanity check).
pub fn neighbours(v: &PpmiVectors, dim: usize, word: &str, n: usize) -> Vec<String> {
    let Some(i) = v.words.iter().position(|w| w == word) else {
        return Vec::new();
    };
    let row = |k: usize| &v.vectors[k * dim..(k + 1) * dim];
    let norm = |x: &[f32]| x.iter().map(|a| a * a).sum::<f32>().sqrt().max(1e-12);
    let q = row(i);
    let nq = norm(q);
    let mut sims: Vec<(f32, usize)> = (0..v.words.len())
        .filter(|&k| k != i)
        .map(|k| {
            let r = row(k);
            (
                q.iter().zip(r).map(|(a, b)| a * b).sum::<f32>() / (nq * norm(r)),
                k,
            )
        })
        .collect();
    sims.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    sims.iter()
        .take(n)
        .map(|(_, k)| v.words[*k].clone())
        .collect()
}

/// The whole run: reads `<root>/data/cache/corpora`, writes `<root>/weights/embed-ppmi/`.
pub fn run(root: &Path, cfg: &PpmiConfig, threads: usize) -> Result<(), String> {
    let start = Instant::now();
    let corpora = root.join("data/cache/corpora");
    eprintln!("embed-ppmi: reading {}", corpora.display());
    let docs: Vec<Vec<String>> = crate::language::corpus::training_documents(&corpora)?
        .iter()
        .map(|d| embedding_words(d))
        .collect();
    let v = train_vectors(&docs, cfg)?;
    eprintln!(
        "embed-ppmi: {} corpus words, vocabulary {}, {} non-zero PPMI entries, {:.0} s",
        v.corpus_tokens,
        v.words.len(),
        v.nonzero,
        start.elapsed().as_secs_f64()
    );
    let out = root.join("weights/embed-ppmi");
    let table = candle_core::Tensor::from_vec(
        v.vectors.clone(),
        (v.words.len(), cfg.dim),
        &candle_core::Device::Cpu,
    )
    .map_err(|e| e.to_string())?;
    let sha256 = crate::quantise::export_q8(&HashMap::from([("embedding".into(), table)]), &out)?;
    write_atomic(
        &out.join("vocab.txt"),
        (v.words.join("\n") + "\n").as_bytes(),
    )?;
    let mut evaluation = toml::Table::new();
    let int = |x: u64| toml::Value::Integer(x as i64);
    evaluation.insert("corpus_tokens".into(), int(v.corpus_tokens));
    evaluation.insert("vocab_size".into(), int(v.words.len() as u64));
    evaluation.insert(
        "token_coverage".into(),
        toml::Value::Float(v.covered_tokens as f64 / v.corpus_tokens.max(1) as f64),
    );
    evaluation.insert("nonzero_ppmi".into(), int(v.nonzero as u64));
    evaluation.insert(
        "singular_values_first_last".into(),
        toml::Value::Array(vec![
            toml::Value::Float(v.singular_values[0]),
            toml::Value::Float(v.singular_values[cfg.dim - 1]),
        ]),
    );
    let mut nn = toml::Table::new();
    for probe in ["king", "monday", "oil", "good", "ship", "war"] {
        let list = neighbours(&v, cfg.dim, probe, 5);
        nn.insert(
            probe.into(),
            toml::Value::Array(list.into_iter().map(toml::Value::String).collect()),
        );
    }
    evaluation.insert("nearest_neighbours".into(), toml::Value::Table(nn));
    let mut arch = toml::Table::new();
    let text = |x: &str| toml::Value::String(x.into());
    arch.insert("family".into(), text("embed-ppmi"));
    arch.insert("dim".into(), int(cfg.dim as u64));
    arch.insert("vocab".into(), int(v.words.len() as u64));
    arch.insert("window".into(), int(cfg.window as u64));
    arch.insert(
        "context_distribution_smoothing".into(),
        toml::Value::Float(cfg.alpha),
    );
    arch.insert("svd".into(), text("randomised (Halko et al. 2011)"));
    arch.insert("oversample".into(), int(cfg.oversample as u64));
    arch.insert("power_iterations".into(), int(cfg.power_iterations as u64));
    arch.insert("vectors".into(), text("U * sqrt(S)"));
    arch.insert("storage".into(), text("q8 (i8 + per-row f32 scale)"));
    arch.insert(
        "word_rule".into(),
        text("remove the characters . ? ! , : then split at whitespace, lower-case, strip a final 's"),
    );
    let architecture = toml::Value::Table(arch);
    let manifest = WeightsManifest {
        id: "embed-ppmi".into(),
        architecture,
        normalisation: None,
        steps: 0,
        updates: v.corpus_tokens,
        fraction_of_training: 1.0,
        parameters: v.words.len() * cfg.dim,
        trained_parameters: v.words.len() * cfg.dim,
        evaluation,
        sha256,
        seed: cfg.seed,
        command: command_line(),
        git_revision: git_revision(),
        wall_seconds: start.elapsed().as_secs_f64(),
        threads,
    };
    crate::manifest::write(&manifest, &out)?;
    eprintln!(
        "embed-ppmi: wrote {} in {:.0} s",
        out.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Vec<String> {
        embedding_words(text)
    }

    #[test]
    fn counts_are_symmetric_and_windowed() {
        let docs = vec![doc("a b c a"), doc("b b")];
        let (words, total) = vocabulary(&docs, 10);
        assert_eq!(total, 6);
        assert_eq!(words, ["b", "a", "c"]);
        let (m, covered) = cooccurrences(&docs, &words, 1);
        assert_eq!(covered, 6);
        let get = |r: usize, c: usize| {
            (m.indptr[r]..m.indptr[r + 1])
                .find(|&e| m.indices[e] as usize == c)
                .map_or(0.0, |e| m.values[e])
        };
        // pairs within 1: (a,b) (b,c) (c,a) | (b,b)
        assert_eq!(get(1, 0), 1.0);
        assert_eq!(get(0, 1), 1.0);
        assert_eq!(get(0, 0), 2.0);
        assert_eq!(get(2, 1), 1.0);
        assert_eq!(m, m.transpose());
    }

    #[test]
    fn ppmi_keeps_only_positive_associations() {
        let docs = vec![doc("x y x y x y p q p q p q x y")];
        let (words, _) = vocabulary(&docs, 10);
        let (m, _) = cooccurrences(&docs, &words, 1);
        let p = ppmi(&m, 0.75);
        assert!(p.values.iter().all(|&v| v > 0.0));
        assert!(p.nnz() < m.nnz() || p.nnz() == m.nnz());
    }
}
