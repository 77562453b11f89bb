//! Schrimpf et al. (2021) published best-layer scores, for reference in the leaderboard.

use serde::Deserialize;

use crate::error::Result;
use crate::formats::parse_csv;

/// Bundle path of the best-layer table.
pub const BEST_LAYER: &str = "schrimpf2021_scores/best_layer_scores.csv";

/// A model's best-layer score on one benchmark, as published.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PublishedScore {
    /// Model name as in the paper (e.g. `gpt2-xl`).
    pub model: String,
    /// 1 for trained weights, 0 for the untrained architecture.
    pub trained: u8,
    /// Benchmark name as in the paper (e.g. `Pereira2018-encoding`).
    pub benchmark: String,
    /// Layer with the best score.
    pub best_layer: String,
    /// Ceiling-normalised score (may be missing).
    pub best_score: Option<f64>,
    /// Error estimate at the best layer.
    pub error_at_best: Option<f64>,
}

/// Parses the best-layer table.
pub fn parse_best_layer(bytes: &[u8]) -> Result<Vec<PublishedScore>> {
    parse_csv(BEST_LAYER, bytes)
}
