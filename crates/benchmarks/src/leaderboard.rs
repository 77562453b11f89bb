//! Models × benchmarks: the scores of one run, any failures, and published reference rows
//! kept apart from our own numbers; JSON (serde) and a Markdown table.

use serde::{Deserialize, Serialize};

use crate::language::findings::Finding;
use crate::score::Score;

/// A published number shown beside ours, never mixed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferenceRow {
    /// Model name as published.
    pub model: String,
    /// Benchmark name as published.
    pub benchmark: String,
    /// The published value.
    pub value: f64,
    /// Label, e.g. "published (Schrimpf et al. 2021), not computed here".
    pub source: String,
}

/// A (model, benchmark) pair that did not produce a score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// Model identifier.
    pub model: String,
    /// Benchmark identifier.
    pub benchmark: String,
    /// The error message.
    pub error: String,
}

/// The leaderboard of one run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    /// Our scores, in run order.
    pub scores: Vec<Score>,
    /// Pairs that failed.
    pub failures: Vec<Failure>,
    /// Published rows, labelled by source.
    pub reference: Vec<ReferenceRow>,
    /// Remarks (e.g. "no published vision reference rows").
    pub notes: Vec<String>,
    /// Findings read off our scores (language runs), each with its numbers and verdict.
    #[serde(default)]
    pub findings: Vec<Finding>,
}

impl Leaderboard {
    /// Benchmark ids in registry order (unregistered ids last, in first-seen order).
    fn benchmarks(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in &self.scores {
            if !out.contains(&s.benchmark.id) {
                out.push(s.benchmark.id.clone());
            }
        }
        let rank = |id: &String| {
            crate::registry::BENCHMARKS
                .iter()
                .position(|b| b.id == id)
                .unwrap_or(usize::MAX)
        };
        out.sort_by_key(rank);
        out
    }

    /// Rows = models (with time-step cap), columns = benchmarks; a cell is the value, with
    /// the raw score in brackets when a ceiling was applied.
    pub fn to_markdown(&self) -> String {
        let benches = self.benchmarks();
        let mut rows: Vec<String> = Vec::new();
        let key = |s: &Score| match s.model.timesteps {
            Some(t) => format!("{} (T={t})", s.model.id),
            None => s.model.id.clone(),
        };
        for s in &self.scores {
            if !rows.contains(&key(s)) {
                rows.push(key(s));
            }
        }
        let mut md = format!(
            "| model | {} |\n|---|{}\n",
            benches.join(" | "),
            "---:|".repeat(benches.len())
        );
        for r in &rows {
            let cells: Vec<String> = benches
                .iter()
                .map(|b| {
                    self.scores
                        .iter()
                        .find(|s| &key(s) == r && &s.benchmark.id == b)
                        .map_or("–".into(), |s| match s.ceiling {
                            Some(_) => format!("{:.3} (raw {:.3})", s.value, s.raw),
                            None => format!("{:.3}", s.value),
                        })
                })
                .collect();
            md.push_str(&format!("| `{r}` | {} |\n", cells.join(" | ")));
        }
        if !self.reference.is_empty() {
            md.push_str("\n| published model | benchmark | value | source |\n|---|---|---:|---|\n");
            for p in &self.reference {
                md.push_str(&format!(
                    "| {} | {} | {:.3} | {} |\n",
                    p.model, p.benchmark, p.value, p.source
                ));
            }
        }
        for f in &self.failures {
            md.push_str(&format!(
                "\nfailed: `{}` × `{}`: {}\n",
                f.model, f.benchmark, f.error
            ));
        }
        for n in &self.notes {
            md.push_str(&format!("\n{n}\n"));
        }
        for f in &self.findings {
            md.push_str(&format!("\n**Finding {}: {}**\n\n", f.number, f.claim));
            for l in &f.lines {
                md.push_str(&format!("- {l}\n"));
            }
            md.push_str(&format!("\nVerdict: {}\n", f.verdict));
        }
        md
    }
}
