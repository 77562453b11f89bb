//! How long a run takes on the browser's wasm CPU path, estimated before it starts, so a
//! page on a device without WebGPU can say "about 6 min" before a reader presses Run
//! (the progress bar's time left only exists once a run has started).
//!
//! The estimate is measured, not modelled: the seconds the command line took for the
//! same model × benchmark on the engine's CPU path ([`measured`], from the per-cell times
//! `brainprobe leaderboard --device cpu` prints), divided by the wasm path's speed
//! relative to native code ([`wasm_speed_of_native`], from `cargo xtask bench-web`), and
//! scaled by the share of the stimuli a subset runs. Both were measured on one 2-core
//! machine; another device differs, which the page says.

use crate::registry::{find, Modality};

/// Wall seconds of the command line's CPU path (`brainprobe leaderboard --device cpu`,
/// loading included) per model × benchmark, for the runs that take long enough to warn
/// about (≥ 3 s natively) on the pages' benchmarks: `cpu_seconds.tsv` (model id,
/// benchmark id, seconds), measured by the regeneration of `results/` on 2026-12-04
/// (release build, on a 2-core machine whose other core ran another scoring job).
const MEASURED_TSV: &str = include_str!("cpu_seconds.tsv");

/// The rows of `cpu_seconds.tsv` as (model id, benchmark id, native seconds); a line that
/// does not parse is skipped (the unit tests check that none is).
pub fn measured() -> impl Iterator<Item = (&'static str, &'static str, f64)> {
    MEASURED_TSV.lines().skip(1).filter_map(|line| {
        let mut fields = line.split('\t');
        let (model, benchmark) = (fields.next()?, fields.next()?);
        let seconds = fields.next()?.parse().ok()?;
        Some((model, benchmark, seconds))
    })
}

/// Speed of the browser's wasm CPU path relative to the native CPU path, per modality:
/// `cargo xtask bench-web` on 2026-12-04 (README, "Benchmarks"): cornet-z-mini ×
/// kriegeskorte2008-it-rsa 0.48 (vision), gpt-mini × pereira2018-langnet 0.27 (language).
pub fn wasm_speed_of_native(modality: Modality) -> f64 {
    match modality {
        Modality::Vision => 0.48,
        Modality::Language => 0.27,
    }
}

/// Stimuli a language benchmark's subset counts in (`score --subset N`: sentences,
/// stories, or sentences and nonword lists of each condition), for scaling a subset run.
fn subset_units(benchmark: &str) -> Option<usize> {
    match benchmark {
        "pereira2018-langnet" => Some(627),
        "futrell2018-rt" | "futrell2018-rt-surprisal" => Some(10),
        "fedorenko2010-localizer" => Some(240),
        _ => None,
    }
}

/// A run's estimated time on the wasm CPU path and what it rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct CpuEstimate {
    /// Estimated wall seconds in the browser's CPU path.
    pub seconds: f64,
    /// The command line's measured seconds it was scaled from.
    pub native_seconds: f64,
    /// The wasm ÷ native speed used.
    pub wasm_speed: f64,
    /// Share of the benchmark's stimuli the run covers (1 = all).
    pub share: f64,
}

impl CpuEstimate {
    /// One line for a page: how the estimate was made.
    pub fn basis(&self) -> String {
        let share = if self.share < 1.0 {
            format!(" × {:.0} % of the stimuli", 100.0 * self.share)
        } else {
            String::new()
        };
        format!(
            "the command line's {:.0} s on one 2-core machine ÷ the wasm path's measured {:.2}× native speed{share}",
            self.native_seconds, self.wasm_speed
        )
    }
}

/// The estimated time of `model` × `benchmark` (the first `subset` stimuli, if given) on
/// the browser's CPU path, when a measured run exists for the pair.
pub fn wasm_cpu_estimate(
    model: &str,
    benchmark: &str,
    subset: Option<usize>,
) -> Option<CpuEstimate> {
    let (_, _, native_seconds) = measured().find(|(m, b, _)| *m == model && *b == benchmark)?;
    let spec = find(benchmark).ok()?;
    let share = match (subset, subset_units(benchmark)) {
        (Some(n), Some(all)) => n.min(all) as f64 / all as f64,
        _ => 1.0,
    };
    let wasm_speed = wasm_speed_of_native(spec.modality);
    Some(CpuEstimate {
        seconds: native_seconds * share / wasm_speed,
        native_seconds,
        wasm_speed,
        share,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::BENCHMARKS;

    #[test]
    fn every_measured_run_names_a_browser_model_and_a_registered_benchmark() {
        assert_eq!(
            measured().count(),
            MEASURED_TSV.lines().count() - 1,
            "every line parses"
        );
        for (model_id, benchmark, seconds) in measured() {
            let model = brainprobe_models::registry::lookup(model_id).expect("registered");
            assert!(model.in_browser, "{model_id}: not served to browsers");
            assert!(BENCHMARKS.iter().any(|b| b.id == benchmark), "{benchmark}");
            assert!(seconds >= 3.0, "{model_id} × {benchmark}: {seconds}");
        }
    }

    #[test]
    fn every_language_benchmark_a_subset_applies_to_has_its_unit_count() {
        for b in BENCHMARKS
            .iter()
            .filter(|b| b.modality == Modality::Language)
        {
            if b.browser_limitation().is_none() {
                assert!(subset_units(b.id).is_some(), "{}", b.id);
            }
        }
    }

    #[test]
    fn a_subset_scales_the_measured_time_and_the_wasm_speed_divides_it() {
        let Some((model, benchmark, native_seconds)) =
            measured().find(|(_, b, _)| *b == "pereira2018-langnet")
        else {
            panic!("no measured Pereira run");
        };
        let all = wasm_cpu_estimate(model, benchmark, None).expect("measured");
        assert_eq!(all.seconds, native_seconds / 0.27);
        assert_eq!(all.share, 1.0);
        let part = wasm_cpu_estimate(model, benchmark, Some(60)).expect("measured");
        assert!((part.seconds - all.seconds * 60.0 / 627.0).abs() < 1e-9);
        assert!(
            part.basis().contains("10 % of the stimuli"),
            "{}",
            part.basis()
        );
        let more = wasm_cpu_estimate(model, benchmark, Some(10_000)).expect("measured");
        assert_eq!(more.seconds, all.seconds);
    }

    #[test]
    fn no_estimate_without_a_measured_run() {
        assert_eq!(
            wasm_cpu_estimate("gpt-mini", "no-such-benchmark", None),
            None
        );
        assert_eq!(
            wasm_cpu_estimate("no-such-model", "pereira2018-langnet", None),
            None
        );
    }
}
