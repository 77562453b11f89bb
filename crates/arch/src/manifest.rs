//! `manifest.toml` beside every set of weights: what the weights are (architecture,
//! input normalisation) and how they were made (steps, updates, seed, command, revision).
//! `brainprobe-train` writes it; `brainprobe-models` reads it; the prepare step writes
//! the same shape for converted pretrained weights (provenance fields then default).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// One set of weights' manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightsManifest {
    /// Model identifier (`cornet-s-mini@2pct`, …).
    pub id: String,
    /// Architecture table; each family reads its config from it ([`Self::architecture_as`]).
    pub architecture: toml::Value,
    /// Per-channel input normalisation (vision) — RGB mean and std of training pixels.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub normalisation: Option<Normalisation>,
    /// Optimiser steps taken.
    #[serde(default)]
    pub steps: usize,
    /// Supervised updates: training images (or tokens) seen.
    #[serde(default)]
    pub updates: u64,
    /// Fraction of the full run's updates.
    #[serde(default)]
    pub fraction_of_training: f64,
    /// Trainable parameters.
    #[serde(default)]
    pub parameters: usize,
    /// Parameters that training updated.
    #[serde(default)]
    pub trained_parameters: usize,
    /// Held-out quality: CIFAR-10 test accuracy (vision) or held-out loss (language).
    #[serde(default)]
    pub evaluation: toml::Table,
    /// sha256 of the weights file.
    #[serde(default)]
    pub sha256: String,
    /// Seed of initialisation, data order and augmentation.
    #[serde(default)]
    pub seed: u64,
    /// The command that reproduces these weights.
    #[serde(default)]
    pub command: String,
    /// Git revision of the training code.
    #[serde(default)]
    pub git_revision: String,
    /// Wall time of the run up to this export, seconds.
    #[serde(default)]
    pub wall_seconds: f64,
    /// Threads the run used.
    #[serde(default)]
    pub threads: usize,
}

/// RGB mean and standard deviation of training pixels in [0, 1], stored with vision
/// weights and applied to every input image.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Normalisation {
    /// Per-channel means.
    pub mean: [f32; 3],
    /// Per-channel standard deviations.
    pub std: [f32; 3],
}

impl WeightsManifest {
    /// Parses `manifest.toml` text.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The manifest as TOML text (what the training side writes).
    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string_pretty(self).map_err(|e| e.to_string())
    }

    /// The `[architecture]` table read as config `T` (e.g. [`crate::GptConfig`]); unknown
    /// keys (storage, tokenizer path) are ignored.
    pub fn architecture_as<T: DeserializeOwned>(&self) -> Result<T, String> {
        self.architecture
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| format!("[architecture]: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CornetConfig, GptConfig};

    #[test]
    fn round_trip_and_partial_manifests() {
        let m = WeightsManifest {
            id: "cornet-z-mini".into(),
            architecture: toml::Value::try_from(CornetConfig::z_mini()).unwrap(),
            normalisation: Some(Normalisation {
                mean: [0.5, 0.4, 0.3],
                std: [0.2, 0.2, 0.2],
            }),
            steps: 10,
            updates: 640,
            fraction_of_training: 1.0,
            parameters: 5,
            trained_parameters: 5,
            evaluation: toml::Table::new(),
            sha256: "ab".into(),
            seed: 1,
            command: "c".into(),
            git_revision: "r".into(),
            wall_seconds: 1.5,
            threads: 2,
        };
        let back = WeightsManifest::parse(&m.to_toml().unwrap()).unwrap();
        assert_eq!(back, m);
        assert_eq!(
            back.architecture_as::<CornetConfig>().unwrap(),
            CornetConfig::z_mini()
        );
        // A converted model's manifest has no training provenance.
        let minimal = WeightsManifest::parse("id = \"x\"\n[architecture]\nvocab = 3\n").unwrap();
        assert_eq!(minimal.steps, 0);
        let err = minimal.architecture_as::<GptConfig>().unwrap_err();
        assert!(err.contains("[architecture]"), "{err}");
        assert!(WeightsManifest::parse("id = ").is_err());
    }
}
