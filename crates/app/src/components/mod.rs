//! Reusable pieces of pages.

pub mod cifar_grid;
pub mod run_progress;
