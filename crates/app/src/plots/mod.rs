//! SVG plots, drawn from data with no plotting library (the app budget is small).

pub mod line_plot;
pub mod rdm_heatmap;
pub mod scale;
