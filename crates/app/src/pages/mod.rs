//! Pages of the app.

pub mod data;
pub mod data_previews;
pub mod placeholder;
