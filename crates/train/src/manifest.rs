//! `weights/<id>/manifest.toml`: what a set of exported weights is and how it was made.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// One exported model's manifest (vision models; language models add their own fields
/// under `extra`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WeightsManifest {
    /// Model identifier (`cornet-s-mini@2pct`, …).
    pub id: String,
    /// Architecture, as the model loader reads it.
    pub architecture: toml::Value,
    /// Per-channel input normalisation (vision) — RGB mean and std of training pixels.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub normalisation: Option<Normalisation>,
    /// Optimiser steps taken.
    pub steps: usize,
    /// Supervised updates: training images (or tokens) seen.
    pub updates: u64,
    /// Fraction of the full run's updates.
    pub fraction_of_training: f64,
    /// Trainable parameters updated by training / all parameters.
    pub parameters: usize,
    /// Parameters that training updated.
    pub trained_parameters: usize,
    /// Held-out quality: CIFAR-10 test accuracy (vision) or held-out loss (language).
    pub evaluation: toml::Table,
    /// sha256 of `model.safetensors`.
    pub sha256: String,
    /// Seed of initialisation, data order and augmentation.
    pub seed: u64,
    /// The command that reproduces these weights.
    pub command: String,
    /// Git revision of the training code.
    pub git_revision: String,
    /// Wall time of the run up to this export, seconds, and the machine it ran on.
    pub wall_seconds: f64,
    /// Threads the run used.
    pub threads: usize,
}

/// Input normalisation stored with vision weights.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Normalisation {
    /// RGB means of training pixels in [0, 1].
    pub mean: [f32; 3],
    /// RGB standard deviations.
    pub std: [f32; 3],
}

impl WeightsManifest {
    /// Writes the manifest next to the weights.
    pub fn write(&self, dir: &Path) -> Result<(), String> {
        let text = toml::to_string_pretty(self).map_err(|e| e.to_string())?;
        crate::checkpoint::write_atomic(&dir.join("manifest.toml"), text.as_bytes())
    }
}
