//! Plots drawn from plain numbers with no plotting library (the app budget is small): SVG,
//! and canvas for the 92 × 92 heatmaps. No I/O.

pub mod layer_curve;
pub mod line_plot;
pub mod palette;
pub mod rdm_canvas;
pub mod rdm_heatmap;
pub mod scale;
pub mod scatter_plot;
pub mod wiring_plot;
