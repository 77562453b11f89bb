//! `brainprobe eval wikitext2 --model M`: next-word quality of a causal language model on
//! the WikiText-2 raw test text, exactly as METRICS §3.2 decides — the whole file tokenised
//! once, sliding windows of the model's context with stride half of it, every token but
//! the first scored once; word-level perplexity over the file's whitespace-separated words
//! is the headline (comparable across tokenizers). `--update-manifest` writes the numbers
//! into the model's committed `manifest.toml` under `[evaluation]`. The computation is the
//! `wikitext2-nextword` benchmark's (`brainprobe_benchmarks::language::wikitext2`), so
//! `eval` and `score --benchmark wikitext2-nextword` give the same numbers.

use std::path::PathBuf;

use brainprobe_benchmarks::language::wikitext2::{causal, evaluate, SPEC};
use brainprobe_models::{load_blocking, WeightStore};

use super::device::{open, DeviceChoice};
use super::scoring::{assets, stage_bar, wikitext2_test_path};

/// Perplexities of `model` on WikiText-2 test.
pub struct Wikitext2Eval {
    /// Scored tokens.
    pub tokens: usize,
    /// Whitespace-separated words in the file.
    pub words: usize,
    /// exp(mean token NLL), word-level perplexity, bits per word.
    pub summary: brainprobe_metrics::lm::Perplexity,
}

/// Runs the evaluation through the `wikitext2-nextword` benchmark's code (`limit` keeps
/// only the first N tokens: a quick look, not the benchmark number).
pub fn wikitext2(
    model: &str,
    device: DeviceChoice,
    limit: Option<usize>,
) -> Result<Wikitext2Eval, String> {
    let path = wikitext2_test_path(&assets().1);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e} (run `cargo xtask prepare-data`)", path.display()))?;
    let device = open(device)?;
    let lm = load_blocking(model, &WeightStore::native(), &device)
        .and_then(|l| l.into_language())
        .map_err(|e| e.to_string())?;
    let causal_lm = causal(&lm, SPEC.id).map_err(|e| e.to_string())?;
    if let Some(n) = limit {
        eprintln!("note: --limit-tokens {n}: a quick look, not the benchmark number");
    }
    let bar = stage_bar(false);
    let progress = |stage: &str, done: usize, total: usize| {
        bar.set_message(stage.to_string());
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let (summary, details) = pollster::block_on(evaluate(causal_lm, &text, limit, &progress))
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    Ok(Wikitext2Eval {
        tokens: details.tokens,
        words: details.words,
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
