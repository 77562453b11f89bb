//! How long a run takes on the browser's wasm CPU path, estimated before it starts, so a
//! page on a device without WebGPU can say "about 26 min" before a reader presses Run
//! (the progress bar's time left only exists once a run has started).
//!
//! The estimate is measured, not modelled: the seconds the command line took for the
//! same model × benchmark on the engine's CPU path ([`MEASURED`], from the per-cell times
//! `brainprobe leaderboard --device cpu` prints), divided by the wasm path's speed
//! relative to native code ([`WASM_SPEED_OF_NATIVE`], from `cargo xtask bench-web`), and
//! scaled by the share of the stimuli a subset runs. Both were measured on one 2-core
//! machine; another device differs, which the page says.

use crate::registry::{find, Modality};

/// One command-line run whose time the estimate scales.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeasuredRun {
    /// Model identifier.
    pub model: &'static str,
    /// Benchmark identifier.
    pub benchmark: &'static str,
    /// Wall seconds of `brainprobe leaderboard --device cpu` for this cell (loading
    /// included).
    pub native_seconds: f64,
}

/// Wall seconds of the command line's CPU path per model × benchmark, for the runs that
/// take long enough to warn about (≥ 3 s natively) on the pages' benchmarks. Measured by
/// the regeneration of `results/` on 2026-12-04 (`brainprobe leaderboard --device cpu`,
/// release build, on a 2-core machine whose other core ran another scoring job).
pub const MEASURED: &[MeasuredRun] = &[
    MeasuredRun {
        model: "gpt-mini-untrained",
        benchmark: "pereira2018-langnet",
        native_seconds: 6.0,
    },
    MeasuredRun {
        model: "gpt-mini-untrained",
        benchmark: "futrell2018-rt",
        native_seconds: 17.0,
    },
    MeasuredRun {
        model: "gpt-mini-untrained",
        benchmark: "futrell2018-rt-surprisal",
        native_seconds: 11.0,
    },
    MeasuredRun {
        model: "gpt-mini-untrained",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 12.0,
    },
    MeasuredRun {
        model: "gpt-mini@step4",
        benchmark: "pereira2018-langnet",
        native_seconds: 7.0,
    },
    MeasuredRun {
        model: "gpt-mini@step4",
        benchmark: "futrell2018-rt",
        native_seconds: 16.0,
    },
    MeasuredRun {
        model: "gpt-mini@step4",
        benchmark: "futrell2018-rt-surprisal",
        native_seconds: 9.0,
    },
    MeasuredRun {
        model: "gpt-mini@step4",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 12.0,
    },
    MeasuredRun {
        model: "gpt-mini@step11",
        benchmark: "pereira2018-langnet",
        native_seconds: 7.0,
    },
    MeasuredRun {
        model: "gpt-mini@step11",
        benchmark: "futrell2018-rt",
        native_seconds: 19.0,
    },
    MeasuredRun {
        model: "gpt-mini@step11",
        benchmark: "futrell2018-rt-surprisal",
        native_seconds: 9.0,
    },
    MeasuredRun {
        model: "gpt-mini@step11",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 11.0,
    },
    MeasuredRun {
        model: "gpt-mini@step36",
        benchmark: "pereira2018-langnet",
        native_seconds: 6.0,
    },
    MeasuredRun {
        model: "gpt-mini@step36",
        benchmark: "futrell2018-rt",
        native_seconds: 13.0,
    },
    MeasuredRun {
        model: "gpt-mini@step36",
        benchmark: "futrell2018-rt-surprisal",
        native_seconds: 8.0,
    },
    MeasuredRun {
        model: "gpt-mini@step36",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 9.0,
    },
    MeasuredRun {
        model: "gpt-mini@step108",
        benchmark: "pereira2018-langnet",
        native_seconds: 6.0,
    },
    MeasuredRun {
        model: "gpt-mini@step108",
        benchmark: "futrell2018-rt",
        native_seconds: 13.0,
    },
    MeasuredRun {
        model: "gpt-mini@step108",
        benchmark: "futrell2018-rt-surprisal",
        native_seconds: 7.0,
    },
    MeasuredRun {
        model: "gpt-mini@step108",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 9.0,
    },
    MeasuredRun {
        model: "gpt-mini",
        benchmark: "pereira2018-langnet",
        native_seconds: 6.0,
    },
    MeasuredRun {
        model: "gpt-mini",
        benchmark: "futrell2018-rt",
        native_seconds: 13.0,
    },
    MeasuredRun {
        model: "gpt-mini",
        benchmark: "futrell2018-rt-surprisal",
        native_seconds: 7.0,
    },
    MeasuredRun {
        model: "gpt-mini",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 9.0,
    },
    MeasuredRun {
        model: "lstm-mini-untrained",
        benchmark: "pereira2018-langnet",
        native_seconds: 7.0,
    },
    MeasuredRun {
        model: "lstm-mini-untrained",
        benchmark: "futrell2018-rt",
        native_seconds: 10.0,
    },
    MeasuredRun {
        model: "lstm-mini-untrained",
        benchmark: "futrell2018-rt-surprisal",
        native_seconds: 6.0,
    },
    MeasuredRun {
        model: "lstm-mini-untrained",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 13.0,
    },
    MeasuredRun {
        model: "lstm-mini",
        benchmark: "pereira2018-langnet",
        native_seconds: 7.0,
    },
    MeasuredRun {
        model: "lstm-mini",
        benchmark: "futrell2018-rt",
        native_seconds: 11.0,
    },
    MeasuredRun {
        model: "lstm-mini",
        benchmark: "futrell2018-rt-surprisal",
        native_seconds: 6.0,
    },
    MeasuredRun {
        model: "lstm-mini",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 15.0,
    },
    MeasuredRun {
        model: "minilm-l6",
        benchmark: "pereira2018-langnet",
        native_seconds: 16.0,
    },
    MeasuredRun {
        model: "minilm-l6",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 26.0,
    },
    MeasuredRun {
        model: "minilm-l6-untrained",
        benchmark: "pereira2018-langnet",
        native_seconds: 14.0,
    },
    MeasuredRun {
        model: "minilm-l6-untrained",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 22.0,
    },
    MeasuredRun {
        model: "smollm2-135m",
        benchmark: "pereira2018-langnet",
        native_seconds: 101.0,
    },
    MeasuredRun {
        model: "smollm2-135m",
        benchmark: "futrell2018-rt",
        native_seconds: 325.0,
    },
    MeasuredRun {
        model: "smollm2-135m",
        benchmark: "futrell2018-rt-surprisal",
        native_seconds: 128.0,
    },
    MeasuredRun {
        model: "smollm2-135m",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 167.0,
    },
    MeasuredRun {
        model: "smollm2-135m-untrained",
        benchmark: "pereira2018-langnet",
        native_seconds: 99.0,
    },
    MeasuredRun {
        model: "smollm2-135m-untrained",
        benchmark: "futrell2018-rt",
        native_seconds: 349.0,
    },
    MeasuredRun {
        model: "smollm2-135m-untrained",
        benchmark: "futrell2018-rt-surprisal",
        native_seconds: 127.0,
    },
    MeasuredRun {
        model: "smollm2-135m-untrained",
        benchmark: "fedorenko2010-localizer",
        native_seconds: 167.0,
    },
    MeasuredRun {
        model: "efficientnet-lite0",
        benchmark: "kriegeskorte2008-monkey-it-rsa",
        native_seconds: 30.0,
    },
    MeasuredRun {
        model: "efficientnet-lite0",
        benchmark: "kriegeskorte2008-it-rsa",
        native_seconds: 29.0,
    },
    MeasuredRun {
        model: "efficientnet-lite0-untrained",
        benchmark: "kriegeskorte2008-monkey-it-rsa",
        native_seconds: 30.0,
    },
    MeasuredRun {
        model: "efficientnet-lite0-untrained",
        benchmark: "kriegeskorte2008-it-rsa",
        native_seconds: 29.0,
    },
];

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
    /// The measured native run it was scaled from.
    pub measured: MeasuredRun,
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
            self.measured.native_seconds, self.wasm_speed
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
    let measured = *MEASURED
        .iter()
        .find(|m| m.model == model && m.benchmark == benchmark)?;
    let spec = find(benchmark).ok()?;
    let share = match (subset, subset_units(benchmark)) {
        (Some(n), Some(all)) => (n.min(all) as f64 / all as f64).max(0.0),
        _ => 1.0,
    };
    let wasm_speed = wasm_speed_of_native(spec.modality);
    Some(CpuEstimate {
        seconds: measured.native_seconds * share / wasm_speed,
        measured,
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
        for m in MEASURED {
            let model = brainprobe_models::registry::lookup(m.model).expect("registered");
            assert!(model.in_browser, "{}: not served to browsers", m.model);
            assert!(
                BENCHMARKS.iter().any(|b| b.id == m.benchmark),
                "{}",
                m.benchmark
            );
            assert!(m.native_seconds >= 3.0, "{m:?}");
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
        let Some(m) = MEASURED
            .iter()
            .find(|m| m.benchmark == "pereira2018-langnet")
        else {
            panic!("no measured Pereira run");
        };
        let all = wasm_cpu_estimate(m.model, m.benchmark, None).expect("measured");
        assert_eq!(all.seconds, m.native_seconds / 0.27);
        assert_eq!(all.share, 1.0);
        let part = wasm_cpu_estimate(m.model, m.benchmark, Some(60)).expect("measured");
        assert!((part.seconds - all.seconds * 60.0 / 627.0).abs() < 1e-9);
        assert!(
            part.basis().contains("10 % of the stimuli"),
            "{}",
            part.basis()
        );
        let more = wasm_cpu_estimate(m.model, m.benchmark, Some(10_000)).expect("measured");
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
