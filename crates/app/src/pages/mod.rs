//! Pages of the app, one file each.

pub mod about;
pub mod data;
pub mod data_previews;
pub mod language;
pub mod language_extras;
pub mod leaderboard;
pub mod occlusion;
pub mod occlusion_attractor;
pub mod occlusion_image;
pub mod occlusion_trace;
pub mod occlusion_upload;
pub mod overview;
pub mod vision;
pub mod vision_wiring;
