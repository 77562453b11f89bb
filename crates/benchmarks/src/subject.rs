//! What a benchmark sees of a model: give it stimuli, get recordings or predictions —
//! never its internals. One variant per modality: [`Subject::Vision`] (CORnet-mini on
//! images) and [`Subject::Language`] (any [`LanguageModel`] on passages of text).

use brainprobe_engine::Device;
use brainprobe_models::language::{LanguageModel, PartRecording, Passage, Readout};
use brainprobe_models::vision::record::{record, LayerActivations, LayerSelection};
use brainprobe_models::vision::VisionModel;
use brainprobe_models::{load, Loaded, Model, Provenance, WeightStore};

use crate::context::RunOptions;
use crate::error::Result;
use crate::progress::Progress;
use crate::score::ModelRef;

/// A model under test. Made once per run and passed by reference, so the variants' size
/// difference does not matter (and boxing would change the public constructors).
#[allow(clippy::large_enum_variant)]
#[non_exhaustive]
pub enum Subject {
    /// A CORnet-mini on 32 × 32 images.
    Vision(VisionSubject),
    /// A language model on passages of text.
    Language(LanguageSubject),
}

impl Subject {
    /// Loads registered model `id` from `store` onto `device` through the one model
    /// loader (`brainprobe_models::load`), with its weights' provenance.
    pub async fn load(id: &str, store: &WeightStore, device: &Device) -> Result<Self> {
        Ok(Self::from_loaded(
            load(id, store, device).await?,
            device.clone(),
        ))
    }

    /// [`Subject::load`] for native callers (the native store never waits).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_blocking(id: &str, store: &WeightStore, device: &Device) -> Result<Self> {
        Ok(Self::from_loaded(
            brainprobe_models::load_blocking(id, store, device)?,
            device.clone(),
        ))
    }

    /// Wraps a loaded model of either modality.
    pub fn from_loaded(loaded: Loaded, device: Device) -> Self {
        match loaded.model {
            Model::Vision(m) => Subject::Vision(VisionSubject::new(m, &loaded.provenance, device)),
            Model::Language(m) => {
                Subject::Language(LanguageSubject::new(m, device, loaded.provenance))
            }
        }
    }

    /// Model identifier.
    pub fn id(&self) -> &str {
        match self {
            Subject::Vision(v) => v.model.id(),
            Subject::Language(l) => l.model.id(),
        }
    }
}

/// A vision model on a device, with the provenance a score records.
pub struct VisionSubject {
    /// The loaded network.
    pub model: VisionModel,
    /// Where it runs.
    pub device: Device,
    /// sha256 of its weights file (from the manifest).
    pub weights_sha256: String,
    /// Supervised updates its weights received.
    pub updates: u64,
    /// Time-step cap for every recurrent area (`None` = as trained; 1 = feedforward sweep).
    pub steps: Option<usize>,
    /// Images per forward pass (the model's own: 50 at 32 px, 4 at 224 px).
    pub batch: usize,
}

/// The device a score ran on, as stored in it: `cpu`, or `gpu (adapter, backend)` —
/// "unnamed adapter" where the browser reports no name (SwiftShader, privacy settings).
pub fn device_label(device: &Device) -> String {
    let info = device.describe();
    if info.kind == "cpu" {
        return "cpu".into();
    }
    let name = if info.name.trim().is_empty() {
        "unnamed adapter"
    } else {
        info.name.as_str()
    };
    format!("gpu ({name}, {})", info.backend)
}

/// The model reference a score stores for model `id` with these weights on `device`,
/// before any time-step cap or readout: what both modalities' references share.
fn base_model_ref(id: &str, weights_sha256: &str, updates: u64, device: &Device) -> ModelRef {
    ModelRef {
        id: id.to_string(),
        weights_sha256: weights_sha256.to_string(),
        updates,
        timesteps: None,
        device: device_label(device),
        readout: None,
    }
}

impl VisionSubject {
    /// Wraps a loaded model with its weights' provenance.
    pub fn new(model: VisionModel, provenance: &Provenance, device: Device) -> Self {
        Self {
            batch: model.batch(),
            model,
            device,
            weights_sha256: provenance.weights_sha256.clone(),
            updates: provenance.updates,
            steps: None,
        }
    }

    /// True for CORnet-S (areas with more than one time step).
    pub fn is_recurrent(&self) -> bool {
        self.model.is_recurrent()
    }

    /// The model reference stored in a score, with the time-step cap it ran at.
    pub fn model_ref(&self, steps: Option<usize>) -> ModelRef {
        ModelRef {
            timesteps: steps,
            ..base_model_ref(
                self.model.id(),
                &self.weights_sha256,
                self.updates,
                &self.device,
            )
        }
    }

    /// The input normalisation of a CIFAR-10 classifier at 32 px (the CORnet-minis), or an
    /// error for a network of another input size and class set (the CIFAR-based benchmarks
    /// read its 10 logits or train on 32 px CIFAR images).
    pub fn cifar_normalisation(
        &self,
        benchmark: &str,
    ) -> Result<&brainprobe_models::Normalisation> {
        if self.model.input_side() != brainprobe_models::vision::preprocess::SIDE
            || self.model.classes() != brainprobe_data::datasets::cifar::CLASSES.len()
        {
            return Err(crate::BenchError::NotApplicable {
                benchmark: benchmark.to_string(),
                model: self.model.id().to_string(),
                reason: "it reads a 32 px CIFAR-10 classifier's 10 classes; this network has \
                         another input size or class set"
                    .into(),
            });
        }
        Ok(self.model.normalisation())
    }

    /// Activations of `layers` for normalised CHW images, at time-step cap `steps`.
    pub async fn record(
        &self,
        images: &[Vec<f32>],
        layers: &LayerSelection,
        steps: Option<usize>,
        stage: &str,
        progress: &dyn Progress,
    ) -> Result<Vec<LayerActivations>> {
        Ok(record(
            &self.model,
            images,
            layers,
            steps,
            self.batch,
            &self.device,
            |done, total| progress.update(stage, done, total),
        )
        .await?)
    }

    /// Top-1 class per image (first on ties) at time-step cap `steps`.
    pub async fn predict(
        &self,
        images: &[Vec<f32>],
        steps: Option<usize>,
        stage: &str,
        progress: &dyn Progress,
    ) -> Result<Vec<usize>> {
        let layers = LayerSelection::Named(vec!["logits".into()]);
        let rec = self.record(images, &layers, steps, stage, progress).await?;
        Ok(rec
            .first()
            .map(|l| {
                l.values
                    .rows()
                    .into_iter()
                    .map(|r| argmax(r.iter()))
                    .collect()
            })
            .unwrap_or_default())
    }
}

/// The readout note of scores that read no state (surprisal, perplexity).
pub const NO_READOUT_NOTE: &str = "Readout: none — this score uses the model's next-token probabilities (surprisal summed over each word's tokens), not a state, so no readout applies.";

/// A language model on a device, with the provenance a score records.
pub struct LanguageSubject {
    /// The loaded model.
    pub model: LanguageModel,
    /// Where it runs (context-free embeddings ignore it).
    pub device: Device,
    /// sha256 of its weights file, or a description of generated weights.
    pub weights_sha256: String,
    /// Training updates its weights received (0 = untrained).
    pub updates: u64,
}

impl LanguageSubject {
    /// Wraps a loaded model with its weights' provenance.
    pub fn new(model: LanguageModel, device: Device, provenance: Provenance) -> Self {
        Self {
            model,
            device,
            weights_sha256: provenance.weights_sha256,
            updates: provenance.updates,
        }
    }

    /// The model reference stored in a score that read no representation (surprisal,
    /// perplexity): no readout.
    pub fn model_ref(&self) -> ModelRef {
        base_model_ref(
            self.model.id(),
            &self.weights_sha256,
            self.updates,
            &self.device,
        )
    }

    /// The model reference stored in a score whose representations were read with
    /// `readout` (a baseline's features take none, so it records none).
    pub fn model_ref_read(&self, readout: Readout) -> ModelRef {
        ModelRef {
            readout: self.model.readout_meaning(readout).map(|_| readout),
            ..self.model_ref()
        }
    }

    /// The readout of a run: the one `options` ask for (`--readout`), else the model's
    /// default (its registry row).
    pub fn readout(&self, options: &RunOptions) -> Readout {
        options
            .readout
            .unwrap_or_else(|| self.model.default_readout())
    }

    /// The note that names the readout a score used, and what it took from each part.
    pub fn readout_note(&self, readout: Readout) -> String {
        let id = self.model.id();
        let default = self.model.default_readout();
        match self.model.readout_meaning(readout) {
            Some(meaning) if readout == default => {
                format!("Readout `{readout}` ({id}'s default): {meaning}.")
            }
            Some(meaning) => format!(
                "Readout `{readout}` (asked for; {id}'s default is `{default}`): {meaning}."
            ),
            None => format!(
                "Readout: none — {id}'s features describe each whole part, the same under \
                 every readout."
            ),
        }
    }

    /// Records `passages` (METRICS §7.1): per selected layer one row per part read with
    /// `readout`, surprisal for causal models, and the recording's notes.
    pub async fn record(
        &self,
        passages: &[Passage],
        layers: &LayerSelection,
        readout: Readout,
        stage: &str,
        progress: &dyn Progress,
    ) -> Result<PartRecording> {
        Ok(self
            .model
            .record(passages, layers, readout, &self.device, |done, total| {
                progress.update(stage, done, total)
            })
            .await?)
    }
}

/// Index of the largest value (first on ties; NaN never wins).
pub fn argmax<'a>(values: impl Iterator<Item = &'a f32>) -> usize {
    let mut best = (0, f32::NEG_INFINITY);
    for (i, &v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

#[cfg(test)]
mod device_label_tests {
    use super::*;

    #[test]
    fn the_cpu_is_labelled_cpu() {
        assert_eq!(device_label(&Device::Cpu), "cpu");
    }
}
