//! `brainprobe eval wikitext2 --model M`: next-word quality of a causal language model on
//! the WikiText-2 raw test text, exactly as METRICS §3.2 decides — the whole file tokenised
//! once, sliding windows of the model's context with stride half of it, every token but
//! the first scored once; word-level perplexity over the file's whitespace-separated words
//! is the headline (comparable across tokenizers). `--update-manifest` writes the numbers
//! into the model's committed `manifest.toml` under `[evaluation]`.

use std::path::PathBuf;

use brainprobe_data::assets::default_native_root;
use brainprobe_models::language::native::load_language;
use brainprobe_models::language::LanguageModel;
use indicatif::{ProgressBar, ProgressStyle};

use super::device::{open, DeviceChoice};

/// Path of the WikiText-2 raw test split in the prepared cache (`data/cache/` beside the
/// `www/assets/data` bundles of the same workspace).
fn wikitext_test() -> PathBuf {
    let rel = PathBuf::from(brainprobe_data::prepare::CACHE_DIR).join("corpora/wikitext2/test.txt");
    default_native_root()
        .ancestors()
        .nth(3)
        .map(|workspace| workspace.join(&rel))
        .unwrap_or(rel)
}

/// Perplexities of `model` on WikiText-2 test.
pub struct Wikitext2Eval {
    /// Scored tokens.
    pub tokens: usize,
    /// Whitespace-separated words in the file.
    pub words: usize,
    /// exp(mean token NLL), word-level perplexity, bits per word.
    pub summary: brainprobe_metrics::lm::Perplexity,
}

/// Runs the evaluation (`limit` keeps only the first N tokens: a quick look, not the
/// benchmark number).
pub fn wikitext2(
    model: &str,
    device: DeviceChoice,
    limit: Option<usize>,
) -> Result<Wikitext2Eval, String> {
    let path = wikitext_test();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e} (run `cargo xtask prepare-data`)", path.display()))?;
    let device = open(device)?;
    let lm = load_language(model, &device).map_err(|e| e.to_string())?;
    let LanguageModel::Gpt(gpt) = &lm else {
        return Err(format!(
            "`{model}` has no next-token head: WikiText-2 perplexity is for causal models"
        ));
    };
    let encoded = gpt
        .tokenizer
        .encode_text(&text, false)
        .map_err(|e| e.to_string())?;
    let mut ids = encoded.ids;
    let mut words = text.split_whitespace().count();
    if let Some(n) = limit.filter(|&n| n > 0 && n < ids.len()) {
        ids.truncate(n);
        let end = encoded.offsets[n - 1].1.min(text.len());
        words = text
            .get(..end)
            .map_or(words, |t| t.split_whitespace().count());
        eprintln!("note: --limit-tokens {n}: a quick look, not the benchmark number");
    }
    let windows = brainprobe_models::language::causal::sliding_windows(
        ids.len(),
        gpt.config.context,
        gpt.config.context / 2,
    );
    let bar = ProgressBar::new(windows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} windows, {eta} left")
            .map_err(|e| e.to_string())?,
    );
    let mut nll = Vec::with_capacity(ids.len());
    for w in &windows {
        let states = pollster::block_on(gpt.token_states(&ids[w.begin..w.end], &[]))
            .map_err(|e| e.to_string())?;
        for t in w.first.max(1)..w.end {
            nll.push(-states.logprob[t - w.begin]);
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let summary = brainprobe_metrics::lm::perplexity(&nll, words).map_err(|e| e.to_string())?;
    Ok(Wikitext2Eval {
        tokens: nll.len(),
        words,
        summary,
    })
}

/// Adds the evaluation to `weights/<model>/manifest.toml` under `[evaluation]`.
pub fn update_manifest(model: &str, eval: &Wikitext2Eval) -> Result<PathBuf, String> {
    let path = brainprobe_models::native::weights_root()
        .join(brainprobe_models::registry::manifest_file(model));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut doc: toml::Table = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let evaluation = doc
        .entry("evaluation")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let Some(table) = evaluation.as_table_mut() else {
        return Err(format!("{}: [evaluation] is not a table", path.display()));
    };
    table.insert(
        "wikitext2_test_word_perplexity".into(),
        eval.summary.word_ppl.into(),
    );
    table.insert(
        "wikitext2_test_token_perplexity".into(),
        eval.summary.token_ppl.into(),
    );
    table.insert(
        "wikitext2_test_bits_per_word".into(),
        eval.summary.bits_per_word.into(),
    );
    table.insert(
        "wikitext2_test_scored_tokens".into(),
        (eval.tokens as i64).into(),
    );
    let out = toml::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    std::fs::write(&path, out).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Arguments of `brainprobe eval`.
#[derive(clap::Args)]
pub struct EvalArgs {
    /// What to evaluate (only `wikitext2`).
    #[arg(value_parser = ["wikitext2"])]
    pub what: String,
    /// Causal model identifier(s), comma-separated (`gpt-mini,gpt-mini@step36`).
    #[arg(long)]
    pub model: String,
    /// Engine device.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Auto)]
    pub device: DeviceChoice,
    /// Score only the first N tokens (a quick look, not the benchmark number).
    #[arg(long)]
    pub limit_tokens: Option<usize>,
    /// Write the result into the model's weights manifest (full runs only).
    #[arg(long)]
    pub update_manifest: bool,
}

/// Runs `brainprobe eval`.
pub fn run(args: EvalArgs) -> Result<(), String> {
    if args.update_manifest && args.limit_tokens.is_some() {
        return Err("--update-manifest needs the full test set (drop --limit-tokens)".into());
    }
    for model in args
        .model
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        let t0 = std::time::Instant::now();
        let e = wikitext2(model, args.device, args.limit_tokens)?;
        println!(
            "{model}: WikiText-2 test word perplexity {:.2} (token perplexity {:.2}, {:.3} bits/word; {} tokens, {} words; {:.0} s)",
            e.summary.word_ppl,
            e.summary.token_ppl,
            e.summary.bits_per_word,
            e.tokens,
            e.words,
            t0.elapsed().as_secs_f64()
        );
        if args.update_manifest {
            let path = update_manifest(model, &e)?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}
