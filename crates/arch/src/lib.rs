//! Architecture configs, the weights manifest and layer names: the one contract between
//! `brainprobe-train`, which writes weights and their `manifest.toml`, and
//! `brainprobe-models`, which reads them. A leaf crate (serde + toml only), so both sides
//! and the browser build compile the same definitions instead of agreeing on a TOML shape.

pub mod bert;
pub mod cornet;
pub mod efficientnet;
pub mod gpt;
pub mod llama;
pub mod lstm;
pub mod manifest;

pub use bert::BertConfig;
pub use cornet::{CornetConfig, AREAS};
pub use efficientnet::{EfficientNetConfig, MbConvBlock, MbConvStage};
pub use gpt::GptConfig;
pub use llama::LlamaConfig;
pub use lstm::LstmConfig;
pub use manifest::{Normalisation, WeightsManifest};

/// Name of the token(+position) embedding layer of every language model.
pub const EMBEDDING_LAYER: &str = "embedding";
