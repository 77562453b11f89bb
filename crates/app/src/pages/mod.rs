//! Pages of the app, one file each.

pub mod about;
pub mod data;
pub mod data_previews;
pub mod leaderboard;
pub mod overview;
pub mod placeholder;
pub mod vision;
pub mod vision_wiring;
