//! Vision benchmarks (CORnet-mini on 32 × 32 images): IT RSA on the 92 images, occlusion
//! robustness and the attractor readout against Tang et al. (2018), and the wiring-up report.

pub mod attractor;
pub mod attractor_objects;
pub mod attractor_trace;
pub mod bubbles;
pub mod categories;
pub mod hopfield;
pub mod kriegeskorte2008;
pub mod object_photos;
pub mod occlusion;
pub mod occlusion_image;
pub mod occlusion_objects;
pub mod wiring_up;
