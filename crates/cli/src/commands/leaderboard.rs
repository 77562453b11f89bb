//! `brainprobe leaderboard [--benchmarks …] [--models …] --out results/`: every model ×
//! benchmark pair of the same modality; writes `leaderboard.json` (every Score, and each
//! model score's paired difference from its benchmark's baseline) and `leaderboard.md`,
//! with a progress bar and ETA over the pairs. The chosen benchmarks' baselines (METRICS
//! §10.1) are always run, as rows of their own.

use std::path::PathBuf;
use std::time::Instant;

use brainprobe_benchmarks::data::DataLog;
use brainprobe_benchmarks::language::findings::{findings, published_rows};
use brainprobe_benchmarks::leaderboard::{Failure, Leaderboard};
use brainprobe_benchmarks::registry::{self, find, Modality, BENCHMARKS};
use brainprobe_benchmarks::BenchError;
use brainprobe_benchmarks::BenchmarkSpec;
use brainprobe_models::registry::MODELS;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::device::{open, DeviceChoice};
use super::scoring::{context, is_vision, load_subject, ReadoutArg};

/// Options of `leaderboard`.
#[derive(Args)]
pub struct LeaderboardArgs {
    /// Comma-separated benchmark ids (default: all registered).
    #[arg(long, value_delimiter = ',')]
    benchmarks: Vec<String>,
    /// Comma-separated model ids (default: all registered).
    #[arg(long, value_delimiter = ',')]
    models: Vec<String>,
    /// Output directory for leaderboard.json and leaderboard.md.
    #[arg(long)]
    out: PathBuf,
    /// Engine device.
    #[arg(long, value_enum, default_value_t)]
    device: DeviceChoice,
    /// `wikitext2-nextword`: score only the first N tokens (stated in every such score).
    #[arg(long)]
    wikitext_tokens: Option<usize>,
    /// Keep the scores of an existing `leaderboard.json` in `--out` for pairs not run now
    /// (pairs run now replace theirs); findings are recomputed over the union.
    #[arg(long)]
    append: bool,
    /// Language benchmarks: the readout of every language model (default: each model's
    /// own — last-token, or mean for minilm-l6 and the word embeddings).
    #[arg(long, value_enum)]
    readout: Option<ReadoutArg>,
    /// Run nothing: rewrite leaderboard.md and leaderboard.json in `--out` from the
    /// scores of its leaderboard.json (baseline pairing, findings, published rows and
    /// notes recomputed by this version).
    #[arg(long, conflicts_with_all = ["benchmarks", "models", "append", "readout", "wikitext_tokens"])]
    rewrite: bool,
}

/// The note on what a language cell is.
const LANGUAGE_NOTE: &str = "Language scores are raw Pearson r for pereira2018-langnet and fedorenko2010-localizer (no ceiling exists for the averaged response), ceiling-normalised (raw in brackets) for the futrell2018 benchmarks, and word-level perplexity (lower is better) for wikitext2-nextword. A pereira2018-langnet or futrell2018-rt cell is the nested headline: in each split the layer is chosen on the training rows only (METRICS §10.3); the chosen layer per split, every layer's score, the last layer's value and the best layer (chosen on the test data, optimistic) are in leaderboard.json. Each language model is read with its own default readout (last-token; mean for minilm-l6, minilm-l6-untrained and the word embeddings), named in each score's model.readout and notes.";

/// Findings, published rows and the language note of a board holding language scores.
fn language_parts(
    board: &mut Leaderboard,
    ctx: &brainprobe_benchmarks::RunContext,
) -> Result<(), String> {
    let mut log = DataLog::new(&ctx.assets);
    board.reference = pollster::block_on(published_rows(&mut log)).map_err(|e| e.to_string())?;
    board.findings = findings(&board.scores, &board.reference);
    board
        .notes
        .retain(|n| !n.starts_with("Language scores are raw"));
    board.notes.push(LANGUAGE_NOTE.into());
    Ok(())
}

/// Writes leaderboard.json and leaderboard.md under `out` and prints the Markdown.
fn write_board(board: &mut Leaderboard, out: &std::path::Path) -> Result<(), String> {
    board.pair_with_baselines();
    let mut seen = std::collections::HashSet::new();
    board.notes.retain(|n| seen.insert(n.clone()));
    let json = serde_json::to_string_pretty(&board).map_err(|e| e.to_string())?;
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write("leaderboard.json", &json)?;
    let md = board.to_markdown();
    write("leaderboard.md", &md)?;
    print!("{md}");
    Ok(())
}

/// `--rewrite`: the files of `out` rewritten from its leaderboard.json.
fn rewrite(out: &std::path::Path) -> Result<(), String> {
    let path = out.join("leaderboard.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut board: Leaderboard =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let language: Vec<&BenchmarkSpec> = BENCHMARKS
        .iter()
        .filter(|b| b.modality == Modality::Language)
        .filter(|b| board.scores.iter().any(|s| s.benchmark.id == b.id))
        .collect();
    if !language.is_empty() {
        let (assets, _) = super::scoring::assets();
        language_parts(&mut board, &brainprobe_benchmarks::RunContext::new(assets))?;
    }
    write_board(&mut board, out)?;
    eprintln!(
        "brainprobe: rewrote {}/leaderboard.{{json,md}} from its {} scores",
        out.display(),
        board.scores.len()
    );
    Ok(())
}

/// Runs the pairs and writes the files.
pub fn run(args: LeaderboardArgs) -> Result<(), String> {
    if args.rewrite {
        return rewrite(&args.out);
    }
    let specs: Vec<&BenchmarkSpec> = if args.benchmarks.is_empty() {
        BENCHMARKS.iter().collect()
    } else {
        args.benchmarks
            .iter()
            .map(|b| find(b).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?
    };
    let mut models: Vec<String> = if args.models.is_empty() {
        MODELS.iter().map(|m| m.id.to_string()).collect()
    } else {
        args.models.clone()
    };
    // Every delta needs its baseline's score on the same run.
    for b in specs.iter().filter_map(|s| s.baseline) {
        if !models.iter().any(|m| m == b) {
            models.push(b.to_string());
        }
    }
    let mut pairs = Vec::new();
    for m in &models {
        let modality = if is_vision(m)? {
            Modality::Vision
        } else {
            Modality::Language
        };
        for s in specs.iter().filter(|s| s.modality == modality) {
            pairs.push((m.clone(), *s));
        }
    }
    if pairs.is_empty() {
        return Err("no model matches the modality of any chosen benchmark".into());
    }
    let device = open(args.device)?;
    let mut ctx = context(&specs)?;
    ctx.options.wikitext_tokens = args.wikitext_tokens;
    ctx.options.readout = args.readout.map(Into::into);
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let bar = ProgressBar::new(pairs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} pairs, {eta} left — {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut board = Leaderboard::default();
    if args.append {
        let path = args.out.join("leaderboard.json");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let old: Leaderboard =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let rerun = |m: &str, b: &str| pairs.iter().any(|(pm, ps)| pm == m && ps.id == b);
            board.scores = old
                .scores
                .into_iter()
                .filter(|s| !rerun(&s.model.id, &s.benchmark.id))
                .collect();
            board.failures = old
                .failures
                .into_iter()
                .filter(|f| !rerun(&f.model, &f.benchmark))
                .collect();
            board.notes = old
                .notes
                .into_iter()
                .filter(|n| n.starts_with("not applicable") || n.starts_with("not run"))
                .collect();
        }
    }
    let start = Instant::now();
    let mut loaded: Option<(String, brainprobe_benchmarks::Subject)> = None;
    for (model, spec) in &pairs {
        if loaded.as_ref().map(|(id, _)| id) != Some(model) {
            loaded = Some((model.clone(), load_subject(model, &device, None)?));
        }
        let Some((_, subject)) = loaded.as_ref() else {
            continue;
        };
        let progress = |stage: &str, done: usize, total: usize| {
            bar.set_message(format!("{model} × {}: {stage} {done}/{total}", spec.id));
        };
        let t0 = Instant::now();
        match pollster::block_on(registry::run(spec, subject, &ctx, &progress)) {
            Ok(score) => {
                bar.suspend(|| {
                    eprintln!(
                        "{model} × {}: {:.4} (raw {:.4}) in {:.0} s",
                        spec.id,
                        score.value,
                        score.raw,
                        t0.elapsed().as_secs_f64()
                    )
                });
                board.scores.push(score)
            }
            Err(e @ BenchError::NotApplicable { .. }) => {
                board.notes.push(format!("not applicable: {e}"))
            }
            Err(e) => board.failures.push(Failure {
                model: model.clone(),
                benchmark: spec.id.into(),
                error: e.to_string(),
            }),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if specs.iter().any(|s| s.modality == Modality::Vision) {
        board.notes.push("No published reference rows exist for these vision benchmarks in the data mirror (the Schrimpf et al. 2021 scores are for language benchmarks); every number above was computed here.".into());
    }
    if specs.iter().any(|s| s.modality == Modality::Language) {
        language_parts(&mut board, &ctx)?;
    }
    write_board(&mut board, &args.out)?;
    eprintln!(
        "brainprobe: {} scores, {} failures in {:.0} s; wrote {}/leaderboard.{{json,md}}",
        board.scores.len(),
        board.failures.len(),
        start.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}
