//! Models × benchmarks: the scores of one run, any failures, and published reference rows
//! kept apart from our own numbers; each model score paired with its benchmark's baseline
//! (METRICS §10.1, §10.4); JSON (serde) and a Markdown table.

use serde::{Deserialize, Serialize};

use crate::language::findings::Finding;
use crate::paired::{against_baseline, Paired};
use crate::score::Score;

/// A model score paired with its benchmark's baseline on the same splits or subjects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    /// Model identifier.
    pub model: String,
    /// Its time-step cap (`None` = as trained).
    pub timesteps: Option<usize>,
    /// Benchmark identifier.
    pub benchmark: String,
    /// Model − baseline (raw units).
    pub delta: Paired,
}

/// Whether `model` is a control (METRICS §10.1) rather than a network.
pub fn is_baseline(model: &str) -> bool {
    brainprobe_models::registry::lookup(model).is_ok_and(|m| m.is_baseline())
}

/// Each network's score in `scores` whose benchmark has a baseline, paired with that
/// baseline's score in `scores` (same benchmark version and data); scores without a
/// baseline score, and the controls themselves, get none.
pub fn deltas(scores: &[Score]) -> Vec<Delta> {
    scores
        .iter()
        .filter_map(|s| {
            let b = crate::registry::find(&s.benchmark.id).ok()?.baseline?;
            if is_baseline(&s.model.id) {
                return None;
            }
            let base = scores
                .iter()
                .find(|x| x.model.id == b && x.benchmark == s.benchmark)?;
            Some(Delta {
                model: s.model.id.clone(),
                timesteps: s.model.timesteps,
                benchmark: s.benchmark.id.clone(),
                delta: against_baseline(s, base)?,
            })
        })
        .collect()
}

/// A published number shown beside ours, never mixed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferenceRow {
    /// Model name as published.
    pub model: String,
    /// Benchmark name as published.
    pub benchmark: String,
    /// The published value.
    pub value: f64,
    /// Its published error (`error_at_best`), where the table gives one.
    #[serde(default)]
    pub error: Option<f64>,
    /// Label, e.g. "published (Schrimpf et al. 2021), not computed here".
    pub source: String,
}

impl ReferenceRow {
    /// "1.044 ± 0.050" (the published `error_at_best`), or "1.044 (no error published)".
    pub fn value_text(&self) -> String {
        match self.error {
            Some(e) => format!("{:.3} ± {e:.3}", self.value),
            None => format!("{:.3} (no error published)", self.value),
        }
    }
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
    /// Every model score paired with its benchmark's baseline ([`deltas`]; METRICS §10.4).
    #[serde(default)]
    pub deltas: Vec<Delta>,
}

impl Leaderboard {
    /// Recomputes [`Leaderboard::deltas`] from the scores.
    pub fn pair_with_baselines(&mut self) {
        self.deltas = deltas(&self.scores);
    }

    /// The paired difference of `score` from its benchmark's baseline, if computed.
    pub fn delta(&self, score: &Score) -> Option<&Paired> {
        self.deltas
            .iter()
            .find(|d| {
                d.model == score.model.id
                    && d.timesteps == score.model.timesteps
                    && d.benchmark == score.benchmark.id
            })
            .map(|d| &d.delta)
    }

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

    /// One table cell: the value ± its own error (METRICS §10.4), the raw score ± its error
    /// when a ceiling was applied, the paired difference from the baseline; where the score
    /// has no error, the reason instead ("no SE: one RDM").
    pub fn cell(&self, s: &Score) -> String {
        let mut head = format!("{:.3}", s.value);
        let mut inner: Vec<String> = Vec::new();
        let raw_error = s.error.as_ref().map(|e| e.value);
        match (s.value_error(), &s.ceiling) {
            (Some(e), _) => head.push_str(&format!(" ± {e:.3}")),
            (None, Some(_)) if raw_error.is_some() && s.value.get().is_some() => {
                inner.push("clipped".into())
            }
            _ => {}
        }
        if s.ceiling.is_some() {
            match raw_error {
                Some(e) => inner.push(format!("raw {:.3} ± {e:.3}", s.raw)),
                None => inner.push(format!("raw {:.3}", s.raw)),
            }
        }
        if let Some(why) = s.missing_error() {
            inner.push(format!("no SE: {why}"));
        }
        if let Some(d) = self.delta(s) {
            inner.push(d.short());
        }
        if inner.is_empty() {
            head
        } else {
            format!("{head} ({})", inner.join("; "))
        }
    }

    /// What "±" means in each benchmark's column: the error methods its scores state.
    fn error_legend(&self, benches: &[String]) -> String {
        let mut lines = Vec::new();
        for b in benches {
            let mut methods: Vec<&str> = Vec::new();
            for s in self.scores.iter().filter(|s| &s.benchmark.id == b) {
                if let Some(e) = &s.error {
                    if !methods.contains(&e.method.as_str()) {
                        methods.push(&e.method);
                    }
                }
            }
            if !methods.is_empty() {
                lines.push(format!("`{b}`: {}", methods.join("; ")));
            }
        }
        if lines.is_empty() {
            return String::new();
        }
        format!(
            "\n±: each score's own error, of the raw score, as its JSON states it — {}. A \
             ceiling-normalised value's ± is the raw error divided by the ceiling (none for \
             a clipped value). \"no SE\": the benchmark yields one number (one RDM, one \
             pooled correlation or perplexity), so no error exists.\n",
            lines.join("; ")
        )
    }

    /// Rows = models (with time-step cap), columns = benchmarks; a cell is [`Leaderboard::cell`].
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
        // Controls last, set apart by their label.
        rows.sort_by_key(|r| is_baseline(r));
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
                        .map_or("–".into(), |s| self.cell(s))
                })
                .collect();
            let label = if is_baseline(r) {
                format!("*`{r}` (control)*")
            } else {
                format!("`{r}`")
            };
            md.push_str(&format!("| {label} | {} |\n", cells.join(" | ")));
        }
        md.push_str(&self.error_legend(&benches));
        if !self.deltas.is_empty() {
            md.push_str(
                "\nΔ: the model minus its benchmark's baseline (a control, in italics; METRICS \
                 §10.1) in raw units on the same splits, story folds or subjects — mean ± SE \
                 over them, then in how many the model is ahead (§10.4); \"1 value\": the \
                 benchmark keeps one number, so there is no SE.\n",
            );
        }
        if !self.reference.is_empty() {
            md.push_str(
                "\n| published model | benchmark | value ± published error | source |\n|---|---|---:|---|\n",
            );
            for p in &self.reference {
                md.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    p.model,
                    p.benchmark,
                    p.value_text(),
                    p.source
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{Ceiling, Details, ErrorEstimate, Value};

    fn pereira(model: &str, per_split: &[f64]) -> Score {
        let mut s = crate::score::test_score("pereira2018-langnet", model, "r");
        s.set_raw(Value::Defined(
            per_split.iter().sum::<f64>() / per_split.len() as f64,
        ));
        let mut d: serde_json::Value = serde_json::from_str(
            r#"{"kind":"pereira","sentences":627,"splits":"10 splits","alphas":[],"per_split_r":[]}"#,
        )
        .unwrap();
        d["per_split_r"] = serde_json::json!(per_split);
        s.details = serde_json::from_value(d).ok();
        s.error = Some(ErrorEstimate {
            value: 0.05,
            method: "SE over splits".into(),
        });
        s
    }

    #[test]
    fn model_scores_carry_their_difference_from_the_baseline() {
        let mut board = Leaderboard {
            scores: vec![
                pereira("baseline-length", &[0.4, 0.4, 0.5]),
                pereira("gpt-mini", &[0.3, 0.5, 0.3]),
                pereira("embed-ppmi", &[0.2]),
                pereira("baseline-lexical", &[0.5, 0.5, 0.5]),
            ],
            ..Leaderboard::default()
        };
        assert!(
            matches!(board.scores[1].details, Some(Details::Pereira(_))),
            "the test's details parse"
        );
        board.pair_with_baselines();
        assert_eq!(
            board.deltas.len(),
            1,
            "no delta for the controls or for unpaired splits"
        );
        let d = board.delta(&board.scores[1]).unwrap();
        assert_eq!(
            (d.against.as_str(), d.pairs, d.positive),
            ("baseline-length", 3, 1)
        );
        assert!((d.mean - (-0.1 + 0.1 - 0.2) / 3.0).abs() < 1e-12);
        let md = board.to_markdown();
        assert!(
            md.contains("| `gpt-mini` | 0.367 ± 0.050 (Δ −0.067 ± "),
            "{md}"
        );
        assert!(md.contains(", 1/3) |"), "{md}");
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
        assert!(
            rows[rows.len() - 2].starts_with("| *`baseline-length` (control)* |")
                && rows.last().unwrap().ends_with("| 0.500 ± 0.050 |"),
            "controls come last, labelled: {md}"
        );
        assert!(md.contains("Δ: the model minus its benchmark's baseline"));
        assert!(
            md.contains("±: each score's own error")
                && md.contains("`pereira2018-langnet`: SE over splits"),
            "the legend names each column's error: {md}"
        );
        let back: Leaderboard =
            serde_json::from_str(&serde_json::to_string(&board).unwrap()).unwrap();
        assert_eq!(back.deltas, board.deltas);
        let old: Leaderboard =
            serde_json::from_str(r#"{"scores":[],"failures":[],"reference":[],"notes":[]}"#)
                .unwrap();
        assert!(
            old.deltas.is_empty(),
            "files written before deltas still parse"
        );
    }

    #[test]
    fn every_cell_has_its_error_or_says_why_not() {
        let board = Leaderboard::default();
        let mut s = pereira("gpt-mini", &[0.3, 0.5]);
        // a ceiling: the value's error is the raw error over the ceiling
        s.ceiling = Some(Ceiling {
            value: 0.5,
            lower: None,
            method: "c".into(),
        });
        s.set_raw(Value::Defined(0.4));
        assert_eq!(board.cell(&s), "0.800 ± 0.100 (raw 0.400 ± 0.050)");
        // clipped: no symmetric error for the value, the raw one stays
        s.set_raw(Value::Defined(0.6));
        assert_eq!(board.cell(&s), "1.000 (clipped; raw 0.600 ± 0.050)");
        // one pooled number: the reason instead of an error
        let mut one = pereira("gpt-mini", &[0.3]);
        one.error = None;
        one.details = serde_json::from_value(serde_json::json!({
            "kind": "rsa", "subjects": ["monkey"], "per_subject": [0.3], "layer": "IT",
            "kendall_tau_a": {"defined": 0.1}, "constant_conditions": [], "categories": []
        }))
        .ok();
        assert!(matches!(one.details, Some(Details::Rsa(_))));
        assert_eq!(board.cell(&one), "0.300 (no SE: one RDM)");
        one.details = None;
        assert_eq!(board.cell(&one), "0.300 (no SE: none computed)");
        // published rows: their error, or that none is published
        let mut p = ReferenceRow {
            model: "m".into(),
            benchmark: "b".into(),
            value: 1.0441,
            error: Some(0.0512),
            source: "published".into(),
        };
        assert_eq!(p.value_text(), "1.044 ± 0.051");
        p.error = None;
        assert_eq!(p.value_text(), "1.044 (no error published)");
    }
}
