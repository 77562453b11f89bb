//! `brainprobe datasets [show <id>]`: what data brainprobe scores against.

use brainprobe_data::datasets::{cifar, corpora, fedorenko::Condition, tang};
use brainprobe_data::{assets::default_native_root, summarize, Assets, Bundle, Manifest};
use clap::{Args, Subcommand};

/// Options of `datasets`.
#[derive(Args)]
pub struct DatasetsArgs {
    #[command(subcommand)]
    action: Option<DatasetsAction>,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
enum DatasetsAction {
    /// A summary of one dataset (previews, human accuracy table, RDM shapes...).
    Show {
        /// Dataset identifier, e.g. `tang2018_occlusion`.
        id: String,
    },
}

/// Loads the bundle and runs the subcommand.
pub fn run(args: DatasetsArgs) -> Result<(), String> {
    let manifest = Manifest::project().map_err(|e| e.to_string())?;
    let root = default_native_root();
    let bundle = pollster::block_on(Bundle::load(&Assets::new(root.display().to_string())))
        .map_err(|e| {
            format!(
                "{e}\n(bundles are read from {}; run `cargo xtask prepare-data`)",
                root.display()
            )
        })?;
    let summaries = summarize(&manifest, &bundle).map_err(|e| e.to_string())?;
    match args.action {
        None if args.json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&summaries).map_err(|e| e.to_string())?
            );
        }
        None => {
            println!("{:<28} {:<70} licence", "dataset", "counts");
            for s in &summaries {
                println!(
                    "{:<28} {:<70} {}",
                    s.dataset.id,
                    s.counts_line(),
                    short(&s.dataset.licence, 60)
                );
                if let Some(c) = s.dataset.citation.first() {
                    println!("{:<28} cite: {}", "", short(c, 120));
                }
            }
        }
        Some(DatasetsAction::Show { id }) => {
            let summary = summaries
                .iter()
                .find(|s| s.dataset.id == id)
                .ok_or_else(|| format!("unknown dataset `{id}`; known: {}", ids(&summaries)))?;
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(summary).map_err(|e| e.to_string())?
                );
                return Ok(());
            }
            println!(
                "{} — {}\n{}\n",
                summary.dataset.id, summary.dataset.title, summary.dataset.description
            );
            println!("counts:  {}", summary.counts_line());
            println!("licence: {}", summary.dataset.licence);
            for c in &summary.dataset.citation {
                println!("cite:    {c}");
            }
            for s in &summary.dataset.source {
                println!("source:  {s}");
            }
            println!();
            show_details(&id, &bundle);
        }
    }
    Ok(())
}

fn ids(summaries: &[brainprobe_data::DatasetSummary]) -> String {
    summaries
        .iter()
        .map(|s| s.dataset.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn show_details(id: &str, b: &Bundle) {
    match id {
        "pereira2018_langnet" => {
            let r: Vec<f64> = b.pereira.iter().map(|s| s.response).collect();
            let mean = r.iter().sum::<f64>() / r.len() as f64;
            let (lo, hi) = r
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, c), &x| (a.min(x), c.max(x)));
            println!("language-network response: mean {mean:.3}, range {lo:.3} .. {hi:.3}");
            println!("no noise ceiling exists for this averaged data: scores are raw Pearson r\n");
            for s in b.pereira.iter().take(5) {
                println!("  {:>6.3}  {}", s.response, s.text);
            }
        }
        "futrell2018_naturalstories" => {
            let w = &b.stories.words;
            let n = w.len() as f64;
            let mean = |f: fn(&brainprobe_data::datasets::futrell::StoryWord) -> f64| {
                w.iter().map(f).sum::<f64>() / n
            };
            println!("ceiling inputs (METRICS §2.3: sampling-error reliability from per-word mean, SD, N):");
            println!(
                "  mean RT {:.1} ms, mean SD {:.1} ms, mean N {:.1} subjects",
                mean(|x| x.mean_rt_ms),
                mean(|x| x.sd_rt_ms),
                mean(|x| x.n_subjects as f64)
            );
            for (k, story) in b.stories.stories.iter().enumerate() {
                println!("  story {:>2}: {} words", k + 1, story.split(' ').count());
            }
            println!("\nstory 1, first 15 words (mean RT ms):");
            let line: Vec<String> = w
                .iter()
                .take(15)
                .map(|x| format!("{}({:.0})", x.word, x.mean_rt_ms))
                .collect();
            println!("  {}", line.join(" "));
        }
        "fedorenko2010_localizer" => {
            for cond in [Condition::Sentence, Condition::Nonwords] {
                if let Some(s) = b.localizer.iter().find(|s| s.condition == cond) {
                    println!("{cond:?}: {}", s.stimulus);
                }
            }
        }
        "kriegeskorte2008_92images" => {
            let k = &b.kriegeskorte;
            println!(
                "human IT RDMs: shape {:?} (subjects {} × sessions)",
                k.human_it.shape(),
                k.subjects.join(", ")
            );
            println!(
                "group human IT RDM `{}`: {:?}",
                k.human_it_fig1.name,
                k.human_it_fig1.values.shape()
            );
            println!(
                "monkey IT RDM `{}`: {:?}",
                k.monkey_it.name,
                k.monkey_it.values.shape()
            );
            let mut cats: Vec<(&str, usize)> = Vec::new();
            for s in &k.stimuli {
                match cats.iter_mut().find(|(c, _)| *c == s.category) {
                    Some((_, n)) => *n += 1,
                    None => cats.push((&s.category, 1)),
                }
            }
            for (c, n) in cats {
                println!("  {n:>3} {c}");
            }
        }
        "tang2018_occlusion" => {
            println!("human accuracy by visibility (chance 0.2):");
            println!("  {:<12} {:>14} {:>14}", "visible %", "unmasked", "masked");
            let bins: Vec<_> = b
                .occlusion_accuracy
                .iter()
                .filter(|x| x.masked == 0)
                .collect();
            for u in bins {
                let m = b
                    .occlusion_accuracy
                    .iter()
                    .find(|x| x.masked == 1 && x.lo_pct == u.lo_pct);
                let fmt = |x: Option<&brainprobe_data::datasets::tang::HumanAccuracyBin>| {
                    x.map(|x| format!("{:.3} ({})", x.accuracy, x.n_trials))
                        .unwrap_or_else(|| "-".into())
                };
                println!(
                    "  {:<12} {:>14} {:>14}",
                    format!("{}–{}", u.lo_pct, u.hi_pct),
                    fmt(Some(u)),
                    fmt(m)
                );
            }
            for masked in [false, true] {
                let (c, n) = tang::accuracy_below(&b.occlusion_trials, masked, 15.0);
                println!(
                    "visibility < 15 %, masked = {}: {:.3} ({c}/{n})",
                    masked as u8,
                    c as f64 / n as f64
                );
            }
        }
        "cifar10" => {
            println!("classes: {}", cifar::CLASSES.join(", "));
            println!(
                "browser subset: {} test images, {} per class, seed {}",
                b.cifar_subset.len(),
                cifar::SUBSET_PER_CLASS,
                b.info.cifar_subset_seed
            );
        }
        "corpora" | "wikitext2" => {
            for (name, words) in corpora::words_by_corpus(&b.corpus_counts) {
                if (id == "wikitext2") == (name == "wikitext2") {
                    println!("  {name:<12} {words:>10} words");
                }
            }
        }
        "schrimpf2021_scores" => {
            for s in b.published_scores.iter().filter(|s| {
                s.trained == 1 && ["gpt2-xl", "distilgpt2", "glove"].contains(&s.model.as_str())
            }) {
                println!(
                    "  {:<12} {:<26} {:>8}",
                    s.model,
                    s.benchmark,
                    s.best_score.map(|x| format!("{x:.3}")).unwrap_or_default()
                );
            }
        }
        _ => {}
    }
}
