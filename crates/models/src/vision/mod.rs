//! Vision models: the shared image preprocessing, CORnet-mini inference, recording.

pub mod cornet;
pub mod preprocess;
pub mod record;
