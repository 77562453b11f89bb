//! `brainprobe metric <name>`: run one metric of `brainprobe-metrics` on `.npy` inputs and
//! print the result as JSON (for users, and for checking numbers against other tools). One file
//! per metric family; `io` reads the inputs and prints the JSON.

mod bubbles;
mod ceiling;
mod correlation;
mod io;
mod regression;
mod rsa;
mod splits;

use clap::{Args, Subcommand};

pub use bubbles::BubblesArgs;
pub use ceiling::{ExtrapolationArgs, ReliabilityArgs};
pub use correlation::PearsonArgs;
pub use regression::CvArgs;
pub use rsa::{NiliArgs, RdmArgs, RsaArgs};
pub use splits::SplitsArgs;

/// The `metric` subcommands.
#[derive(Subcommand)]
pub enum MetricCommand {
    /// Per-column Pearson r between X and Y (`{"r": [...]}`).
    Pearson(PearsonArgs),
    /// Cross-validated RidgeCV (or fixed-α ridge) predictivity over explicit folds.
    RidgeCv(CvArgs),
    /// Cross-validated OLS predictivity over explicit folds.
    OlsCv(CvArgs),
    /// Fold ids / train-test index lists of a scikit-learn-compatible splitter.
    Splits(SplitsArgs),
    /// Correlation-distance RDM (1 − Pearson) of a conditions × units pattern matrix.
    Rdm(RdmArgs),
    /// Compare two RDMs (square matrices or upper-triangle vectors).
    Rsa(RsaArgs),
    /// Nili et al. noise-ceiling bounds of subject RDMs.
    Nili(NiliArgs),
    /// Extrapolation ceiling from a neuroid × pool-size × value score table.
    ExtrapolationCeiling(ExtrapolationArgs),
    /// Reliability of item means from per-item mean, SD and N (`{"rho": r}`).
    Reliability(ReliabilityArgs),
    /// Bubble mask reaching a target visibility bin.
    Bubbles(BubblesArgs),
}

/// Output switch shared by every subcommand.
#[derive(Args)]
pub struct JsonFlag {
    /// Compact one-line JSON (default: pretty-printed JSON).
    #[arg(long)]
    json: bool,
}

/// Runs one `metric` subcommand.
pub fn run(cmd: MetricCommand) -> Result<(), String> {
    match cmd {
        MetricCommand::Pearson(a) => correlation::run_pearson(a),
        MetricCommand::RidgeCv(a) => regression::run_ridge_cv(a),
        MetricCommand::OlsCv(a) => regression::run_ols_cv(a),
        MetricCommand::Splits(a) => splits::run_splits(&a),
        MetricCommand::Rdm(a) => rsa::run_rdm(a),
        MetricCommand::Rsa(a) => rsa::run_rsa(a),
        MetricCommand::Nili(a) => rsa::run_nili(a),
        MetricCommand::ExtrapolationCeiling(a) => ceiling::run_extrapolation_ceiling(a),
        MetricCommand::Reliability(a) => ceiling::run_reliability(a),
        MetricCommand::Bubbles(a) => bubbles::run_bubbles(a),
    }
}
