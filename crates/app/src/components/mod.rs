//! Reusable pieces of pages.

pub mod cifar_grid;
pub mod download_notice;
pub mod pixel_canvas;
pub mod run_outcome;
pub mod run_progress;
pub mod select_options;
pub mod stimulus_grid;
pub mod sweep_animation;
pub mod timer;
pub mod use_run;
