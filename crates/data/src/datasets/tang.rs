//! Tang et al. (2018): 13 000 human categorisation trials on bubble-occluded objects,
//! with and without backward masking, and the accuracy-by-visibility summary.

use serde::Deserialize;

use crate::error::{DataError, Result};
use crate::formats::parse_csv;

/// Bundle path of the trial table.
pub const TRIALS: &str = "tang2018_occlusion/trials.csv";
/// Bundle path of the accuracy-by-visibility summary.
pub const ACCURACY: &str = "tang2018_occlusion/human_accuracy_by_visibility.csv";
/// Bundle path of the summary split by SOA.
pub const ACCURACY_SOA: &str = "tang2018_occlusion/human_accuracy_by_visibility_soa.csv";
/// Image side of the experiment (bubble centres index a 256 x 256 image).
pub const IMAGE_SIDE: u32 = 256;
/// Category names by `truth` code (1-based).
pub const CATEGORIES: [&str; 5] = ["animals", "chairs", "faces", "fruits", "vehicles"];

/// Bundle path of occluded example image `k` (object k+1), 256 x 256 grayscale.
pub fn occluded_image_path(k: usize) -> String {
    format!("tang2018_occlusion/images/occluded/{k:03}.png")
}

#[derive(Deserialize)]
struct TrialRow {
    trial: u32,
    pres: u32,
    soa: f64,
    nbubbles: u32,
    reaction_times: f64,
    response_category: u32,
    correct: u8,
    truth: u32,
    masked: u8,
    subject: u32,
    visibility_pct: f64,
    truth_name: String,
    bubble_center_1: u32,
    bubble_center_2: u32,
    bubble_center_3: u32,
    bubble_center_4: u32,
    bubble_center_5: u32,
    bubble_center_6: u32,
    bubble_center_7: u32,
    bubble_center_8: u32,
    bubble_center_9: u32,
    bubble_center_10: u32,
}

/// One human trial.
#[derive(Debug, Clone, PartialEq)]
pub struct OcclusionTrial {
    /// 1-based source row.
    pub trial: u32,
    /// Object 1..325.
    pub object: u32,
    /// Stimulus-onset asynchrony, seconds.
    pub soa_s: f64,
    /// Reaction time, seconds.
    pub reaction_time_s: f64,
    /// Category the subject chose, 1..5.
    pub response_category: u32,
    /// Whether the response was correct.
    pub correct: bool,
    /// True category 1..5 (see [`CATEGORIES`]).
    pub truth: u32,
    /// Category name of `truth`.
    pub truth_name: String,
    /// Whether a backward mask followed the image.
    pub masked: bool,
    /// Subject id.
    pub subject: u32,
    /// Percentage of the image left visible.
    pub visibility_pct: f64,
    /// The bubble centres actually used, as 0-based (row, col) in the 256 x 256 image.
    pub bubbles: Vec<(u32, u32)>,
}

/// Parses the trial table; only the first `nbubbles` centres are kept (the other slots
/// hold leftover values in the source and must be ignored).
pub fn parse_trials(bytes: &[u8]) -> Result<Vec<OcclusionTrial>> {
    let rows: Vec<TrialRow> = parse_csv(TRIALS, bytes)?;
    rows.into_iter()
        .map(|r| {
            let centres = [
                r.bubble_center_1,
                r.bubble_center_2,
                r.bubble_center_3,
                r.bubble_center_4,
                r.bubble_center_5,
                r.bubble_center_6,
                r.bubble_center_7,
                r.bubble_center_8,
                r.bubble_center_9,
                r.bubble_center_10,
            ];
            let n = r.nbubbles as usize;
            if n == 0 || n > centres.len() || !(1..=5).contains(&r.truth) {
                return Err(DataError::malformed(
                    TRIALS,
                    format!(
                        "trial {}: nbubbles {} / truth {} out of range",
                        r.trial, n, r.truth
                    ),
                ));
            }
            let mut bubbles = Vec::with_capacity(n);
            for &c in &centres[..n] {
                if c == 0 || c > IMAGE_SIDE * IMAGE_SIDE {
                    return Err(DataError::malformed(
                        TRIALS,
                        format!("trial {}: bubble centre {c} outside the image", r.trial),
                    ));
                }
                // MATLAB column-major 1-based linear index.
                bubbles.push(((c - 1) % IMAGE_SIDE, (c - 1) / IMAGE_SIDE));
            }
            Ok(OcclusionTrial {
                trial: r.trial,
                object: r.pres,
                soa_s: r.soa,
                reaction_time_s: r.reaction_times,
                response_category: r.response_category,
                correct: r.correct == 1,
                truth: r.truth,
                truth_name: r.truth_name,
                masked: r.masked == 1,
                subject: r.subject,
                visibility_pct: r.visibility_pct,
                bubbles,
            })
        })
        .collect()
}

/// Human accuracy in one visibility bin `[lo, hi)` percent, masked or not.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HumanAccuracyBin {
    /// 1 if backward-masked.
    pub masked: u8,
    /// Lower bin edge, percent visible (inclusive).
    #[serde(rename = "visibility_lo_pct")]
    pub lo_pct: f64,
    /// Upper bin edge, percent visible (exclusive).
    #[serde(rename = "visibility_hi_pct")]
    pub hi_pct: f64,
    /// Trials in the bin.
    pub n_trials: u32,
    /// Correct trials in the bin.
    pub n_correct: u32,
    /// `n_correct / n_trials`.
    pub accuracy: f64,
    /// Binomial standard error of the accuracy.
    #[serde(rename = "sem_binomial")]
    pub sem: f64,
    /// Subjects contributing.
    pub n_subjects: u32,
    /// Chance accuracy (0.2 for 5 categories).
    pub chance: f64,
}

/// Parses the accuracy-by-visibility summary.
pub fn parse_accuracy(bytes: &[u8]) -> Result<Vec<HumanAccuracyBin>> {
    parse_csv(ACCURACY, bytes)
}

/// Accuracy over trials matching `masked` with visibility below `max_pct` — the paper's
/// headline numbers (e.g. < 15 %: 0.605 unmasked, 0.446 masked).
pub fn accuracy_below(trials: &[OcclusionTrial], masked: bool, max_pct: f64) -> (usize, usize) {
    let sel = trials
        .iter()
        .filter(|t| t.masked == masked && t.visibility_pct < max_pct);
    sel.fold((0, 0), |(c, n), t| (c + t.correct as usize, n + 1))
}
