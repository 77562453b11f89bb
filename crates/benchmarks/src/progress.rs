//! Progress reporting from inside a benchmark run (CLI progress bar, app worker messages).

/// Receives `(stage, done, total)` as a benchmark works through its stimuli.
pub trait Progress {
    /// `done` of `total` units of `stage` (e.g. "occluded images") are finished.
    fn update(&self, stage: &str, done: usize, total: usize);
}

/// Discards progress.
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _stage: &str, _done: usize, _total: usize) {}
}

impl<F: Fn(&str, usize, usize)> Progress for F {
    fn update(&self, stage: &str, done: usize, total: usize) {
        self(stage, done, total)
    }
}
