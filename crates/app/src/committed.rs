//! The committed command-line results the pages show before (or instead of) a run in the
//! browser: `results/leaderboard.json` (vision), `results/language/leaderboard.json` and
//! `results/wiring-up.json`, compiled in and each parsed once, on first use.

use std::sync::OnceLock;

use brainprobe_benchmarks::leaderboard::Leaderboard;
use brainprobe_benchmarks::vision::wiring_up::WiringUp;
use brainprobe_benchmarks::Score;

/// `brainprobe leaderboard --json` over the vision benchmarks.
const VISION_JSON: &str = include_str!("../../../results/leaderboard.json");
/// `brainprobe leaderboard --json` over the language benchmarks (with findings).
const LANGUAGE_JSON: &str = include_str!("../../../results/language/leaderboard.json");
/// `brainprobe wiring-up --json`.
const WIRING_UP_JSON: &str = include_str!("../../../results/wiring-up.json");

/// The committed vision leaderboard, if it parses.
pub fn vision_leaderboard() -> Option<&'static Leaderboard> {
    static BOARD: OnceLock<Option<Leaderboard>> = OnceLock::new();
    BOARD
        .get_or_init(|| serde_json::from_str(VISION_JSON).ok())
        .as_ref()
}

/// The committed language leaderboard (scores, published reference rows, findings), if it
/// parses.
pub fn language_leaderboard() -> Option<&'static Leaderboard> {
    static BOARD: OnceLock<Option<Leaderboard>> = OnceLock::new();
    BOARD
        .get_or_init(|| serde_json::from_str(LANGUAGE_JSON).ok())
        .as_ref()
}

/// The committed wiring-up report, if it parses.
pub fn wiring_up() -> Option<&'static WiringUp> {
    static REPORT: OnceLock<Option<WiringUp>> = OnceLock::new();
    REPORT
        .get_or_init(|| serde_json::from_str(WIRING_UP_JSON).ok())
        .as_ref()
}

/// The committed CLI score of `model` on `benchmark` in either leaderboard, if any.
pub fn committed_score(model: &str, benchmark: &str) -> Option<&'static Score> {
    [vision_leaderboard(), language_leaderboard()]
        .into_iter()
        .flatten()
        .flat_map(|b| &b.scores)
        .find(|s| s.model.id == model && s.benchmark.id == benchmark)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_committed_file_parses() {
        assert!(vision_leaderboard().is_some_and(|b| !b.scores.is_empty()));
        assert!(language_leaderboard().is_some_and(|b| !b.findings.is_empty()));
        assert!(wiring_up().is_some_and(|r| !r.rows.is_empty()));
        assert!(committed_score("cornet-s-mini", "tang2018-occlusion").is_some());
        assert!(committed_score("gpt-mini", "pereira2018-langnet").is_some());
        assert!(committed_score("nope", "tang2018-occlusion").is_none());
    }
}
