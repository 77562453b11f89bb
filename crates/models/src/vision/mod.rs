//! Vision models: the shared image preprocessing, CORnet-mini and EfficientNet-Lite0
//! inference behind one [`VisionModel`], recording.

pub mod cornet;
pub mod efficientnet;
mod folded;
pub mod imagenet;
pub mod model;
pub mod preprocess;
pub mod record;

pub use model::{VisionModel, VisionOutput};
