//! `brainprobe-benchmarks`: one module per benchmark — data by identifier + model
//! recording + metric → [`Score`] — and a registry by identifier. It sits above `models`
//! (which it runs through a [`Subject`]), `metrics` (every number) and `data` (every file,
//! read through [`brainprobe_data::Assets`]: native files or web fetch); `cli` and `app`
//! call the same entry point, so they print the same numbers.
//!
//! ```no_run
//! # async fn demo() -> Result<(), brainprobe_benchmarks::BenchError> {
//! use brainprobe_benchmarks::{registry, RunContext, Silent, Subject};
//! use brainprobe_engine::Device;
//! let store = brainprobe_models::WeightStore::native();
//! let subject = Subject::load("cornet-s-mini", &store, &Device::Cpu).await?;
//! let ctx = RunContext::new(brainprobe_data::Assets::new("www/assets/data"));
//! let spec = registry::find("kriegeskorte2008-it-rsa")?;
//! let score = registry::run(spec, &subject, &ctx, &Silent).await?;
//! println!("{}: {} (raw {}, best layer {:?})", spec.id, score.value, score.raw, score.best_layer);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod context;
pub mod cpu_time;
pub mod data;
pub mod error;
pub mod language;
pub mod leaderboard;
pub mod paired;
pub mod progress;
pub mod registry;
pub mod score;
pub mod subject;
pub mod views;
pub mod vision;

pub use context::{RunContext, RunOptions};
pub use error::{BenchError, Result};
pub use progress::{Progress, Silent};
pub use registry::{find, BenchmarkSpec, Modality, BENCHMARKS};
pub use score::{Run, Score, Undefined, Value};
pub use subject::{LanguageSubject, Subject, VisionSubject};
