//! `brainprobe-models`: one inference definition per architecture, written once against
//! engine ops so the CPU and the GPU run the same code; weight loading (safetensors +
//! manifest), activation recording by layer name, and the shared image preprocessing.

#![warn(missing_docs)]

pub mod error;
pub mod language;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub mod registry;
pub mod vision;
pub mod weights;

pub use error::{ModelError, Result};
pub use weights::{HostTensor, Manifest, Normalisation, Weights};
