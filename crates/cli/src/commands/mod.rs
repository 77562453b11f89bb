//! One module per subcommand.

pub mod bench_engine;
pub mod bench_metrics;
pub mod datasets;
pub mod metric;
pub mod prepare;
