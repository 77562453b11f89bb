//! Reusable UI components.

pub mod cifar_grid;
