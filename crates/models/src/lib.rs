//! `brainprobe-models`: one inference definition per architecture, written once against
//! engine ops so the CPU and the GPU run the same code; one loader over a weight store (safetensors +
//! manifest), activation recording by layer name, and the shared image preprocessing.

#![warn(missing_docs)]

pub mod error;
pub mod gguf;
pub mod language;
pub mod load;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub mod registry;
pub mod store;
pub mod vision;
pub mod weights;

pub use brainprobe_arch::{Normalisation, WeightsManifest};
pub use error::{ModelError, Result};
pub use load::{load, manifest, Loaded, Model, Provenance};
#[cfg(not(target_arch = "wasm32"))]
pub use load::{load_blocking, manifest_blocking};
pub use store::{Freshness, Origin, WeightStore};
pub use weights::{architecture, parse_manifest, HostTensor, Weights};
