//! One module per subcommand.

pub mod bench_engine;
pub mod bench_lm;
pub mod bench_metrics;
pub mod classify;
pub mod datasets;
pub mod device;
pub mod eval;
pub mod leaderboard;
pub mod metric;
pub mod models;
pub mod predict_langnet;
pub mod prepare;
pub mod record;
pub mod record_language;
pub mod score;
pub mod score_details;
pub mod scoring;
pub mod wiring_up;
