//! Vision models: the shared image preprocessing and CORnet-mini inference.

pub mod cornet;
pub mod preprocess;
