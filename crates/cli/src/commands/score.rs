//! `brainprobe score --model M --benchmark B [--device auto|cpu|gpu] [--json] [--timesteps N]
//! [--subset N] [--readout last-token|last-word|mean]`:
//! one benchmark on one model — per-layer table, best layer, ceiling, time taken; `--json`
//! prints the Score. Where the benchmark has a baseline (METRICS §10.1) it is run on the
//! same splits and the paired difference is printed (`delta` in the JSON, §10.4).

use std::time::Instant;

use brainprobe_benchmarks::paired::against_baseline;
use brainprobe_benchmarks::registry::{self, find, Modality};
use brainprobe_benchmarks::score::Score;
use clap::Args;

use super::device::{open, DeviceChoice};
use super::scoring::{context, load_subject, stage_bar, ReadoutArg};

/// Options of `score`.
#[derive(Args)]
pub struct ScoreArgs {
    /// Model identifier (see `brainprobe models`).
    #[arg(long)]
    model: String,
    /// Benchmark identifier (`kriegeskorte2008-it-rsa`, `kriegeskorte2008-monkey-it-rsa`,
    /// `tang2018-occlusion`, `tang2018-attractor`).
    #[arg(long)]
    benchmark: String,
    /// Engine device.
    #[arg(long, value_enum, default_value_t)]
    device: DeviceChoice,
    /// Print the Score as JSON.
    #[arg(long)]
    json: bool,
    /// Cap every recurrent area at this many time steps (1 = feedforward sweep).
    #[arg(long)]
    timesteps: Option<usize>,
    /// Language benchmarks only: score the first N sentences (Pereira, localizer) or
    /// stories (Natural Stories) — a quick look, not the benchmark number (the score's
    /// notes say so). The web app's `subset=N` setting is the same option.
    #[arg(long)]
    subset: Option<usize>,
    /// Language benchmarks only: which tokens of each part (sentence or word) make its
    /// representation. Default: the model's own (last-token; mean for minilm-l6 and the
    /// word embeddings). The score's notes and its JSON `model.readout` name it.
    #[arg(long, value_enum)]
    readout: Option<ReadoutArg>,
}

/// Runs one benchmark and prints it.
pub fn run(args: ScoreArgs) -> Result<(), String> {
    let spec = find(&args.benchmark).map_err(|e| e.to_string())?;
    let device = open(args.device)?;
    let subject = load_subject(&args.model, &device, args.timesteps)?;
    let mut ctx = context(&[spec])?;
    if let Some(n) = args.subset {
        if spec.modality != Modality::Language || n == 0 {
            return Err(format!(
                "--subset takes a positive count and applies to language benchmarks only (`{}` is not one)",
                spec.id
            ));
        }
        ctx.options.language_subset = Some(n);
    }
    if let Some(r) = args.readout {
        if spec.modality != Modality::Language {
            return Err(format!(
                "--readout applies to language benchmarks only (`{}` is not one)",
                spec.id
            ));
        }
        ctx.options.readout = Some(r.into());
    }
    let bar = stage_bar(false);
    let progress = |stage: &str, done: usize, total: usize| {
        bar.set_message(stage.to_string());
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let start = Instant::now();
    let score = pollster::block_on(registry::run(spec, &subject, &ctx, &progress))
        .map_err(|e| e.to_string())?;
    let delta = match spec.baseline {
        Some(b) if b != args.model => {
            bar.set_message(format!("baseline {b}"));
            let baseline = load_subject(b, &device, None)?;
            let base = pollster::block_on(registry::run(spec, &baseline, &ctx, &progress))
                .map_err(|e| format!("baseline {b}: {e}"))?;
            against_baseline(&score, &base)
        }
        _ => None,
    };
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    if args.json {
        let mut json = serde_json::to_value(&score).map_err(|e| e.to_string())?;
        if let (Some(d), Some(obj)) = (&delta, json.as_object_mut()) {
            obj.insert(
                "delta".into(),
                serde_json::to_value(d).map_err(|e| e.to_string())?,
            );
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", report(&score));
        if let Some(d) = &delta {
            println!("vs baseline (paired, same splits): {}", d.describe());
        }
    }
    eprintln!(
        "brainprobe: {} on {} took {seconds:.1} s",
        spec.id, args.model
    );
    Ok(())
}

/// The human-readable report of a score.
pub fn report(s: &Score) -> String {
    let mut o = format!(
        "{} v{} — {}",
        s.benchmark.id, s.benchmark.version, s.model.id
    );
    if let Some(t) = s.model.timesteps {
        o.push_str(&format!(" (T={t})"));
    }
    if let Some(r) = s.model.readout {
        o.push_str(&format!(" (readout {r})"));
    }
    o.push_str(&format!(" on {}\nmetric: {}\n", s.model.device, s.metric));
    if !s.layers.is_empty() {
        o.push_str(&format!(
            "\n{:<10} {:>22} {:>22} {:>8}\n",
            "layer", "raw", "normalised", "±SE"
        ));
        for l in &s.layers {
            let committed = s.layer.as_deref().or_else(|| {
                s.layer_choice
                    .as_ref()
                    .and_then(|c| c.committed_layer.as_deref())
            });
            let mark = if s.best_layer.as_deref() == Some(l.layer.as_str()) {
                " ← best (chosen on these data, optimistic)"
            } else if committed == Some(l.layer.as_str()) {
                " ← committed"
            } else {
                ""
            };
            let se = l.error.map_or("".into(), |e| format!("{e:.3}"));
            o.push_str(&format!(
                "{:<10} {:>22.3} {:>22.3} {:>8}{mark}\n",
                l.layer, l.raw, l.value, se
            ));
        }
        o.push_str(&format!(
            "\nbest layer: {}\n",
            s.best_layer.as_deref().unwrap_or("none (all undefined)")
        ));
    }
    match &s.ceiling {
        Some(c) => o.push_str(&format!(
            "ceiling: {:.4}{} — {}\n",
            c.value,
            c.lower
                .map_or(String::new(), |l| format!(" (lower bound {l:.4})")),
            c.method
        )),
        None => o.push_str("ceiling: none\n"),
    }
    if let Some(c) = &s.layer_choice {
        o.push_str(&format!("layer choice: {}\n  {}\n", c.summary(), c.method));
        let per_fold: Vec<String> = c
            .folds
            .iter()
            .map(|f| match f.alpha {
                Some(a) => format!("{} {:.3} (α {a:e})", f.layer, f.value),
                None => format!("{} {:.3}", f.layer, f.value),
            })
            .collect();
        o.push_str(&format!("  per {}: {}\n", c.fold, per_fold.join(", ")));
        if let (Some(l), Some(v)) = (&c.committed_layer, &c.committed_raw) {
            o.push_str(&format!("  committed layer {l}: raw {v:.4}\n"));
        }
    }
    let layer = match (&s.layer, &s.layer_choice) {
        (Some(l), _) => format!(" [{l}]"),
        (None, Some(_)) => " [nested]".into(),
        (None, None) => String::new(),
    };
    o.push_str(&format!("score{layer}: {:.4} (raw {:.4}", s.value, s.raw));
    if let Some(e) = &s.error {
        o.push_str(&format!(", ±{:.4} {}", e.value, e.method));
    }
    o.push_str(")\n");
    o.push_str(&super::score_details::details(s.details.as_ref()));
    for n in &s.notes {
        o.push_str(&format!("note: {n}\n"));
    }
    o
}
