//! [`LanguageModel`]: every language architecture behind one `record` call, so benchmarks,
//! the CLI and the app treat them alike (a closed set, as an enum).

use brainprobe_engine::Device;

use super::baseline::TextBaseline;
use super::bert::Bert;
use super::causal::record_model;
use super::embedding::{RandomEmbedding, WordEmbedding};
use super::gpt::Gpt;
use super::llama::Llama;
use super::lstm::Lstm;
use super::{PartRecording, Passage, Readout};
use crate::error::Result;
use crate::vision::record::LayerSelection;

/// A loaded language model.
pub enum LanguageModel {
    /// Bidirectional BERT encoder (`minilm-l6`, `minilm-l6-untrained`).
    Bert(Bert),
    /// Looked-up word vectors (`embed-ppmi`).
    Embedding(WordEmbedding),
    /// Seeded random vector per word type (`random-embedding`).
    Random(RandomEmbedding),
    /// Causal transformer (`gpt-mini` and its checkpoints).
    Gpt(Gpt),
    /// Recurrent network (`lstm-mini`, `lstm-mini-untrained`).
    Lstm(Lstm),
    /// Pretrained llama from a 4-bit GGUF (`smollm2-135m`) or its seeded twin.
    Llama(Llama),
    /// Control features of each part (`baseline-length`, `baseline-lexical`,
    /// `baseline-unigram-surprisal`; METRICS §10.1).
    Baseline(TextBaseline),
}

impl LanguageModel {
    /// Model identifier.
    pub fn id(&self) -> &str {
        match self {
            LanguageModel::Bert(m) => &m.id,
            LanguageModel::Embedding(m) => &m.id,
            LanguageModel::Random(m) => &m.id,
            LanguageModel::Gpt(m) => &m.id,
            LanguageModel::Lstm(m) => &m.id,
            LanguageModel::Llama(m) => &m.id,
            LanguageModel::Baseline(m) => m.id(),
        }
    }

    /// Recorded layer names, in order.
    pub fn layer_names(&self) -> Vec<String> {
        match self {
            LanguageModel::Bert(m) => m.layer_names(),
            LanguageModel::Gpt(m) => m.config.layer_names(),
            LanguageModel::Lstm(m) => m.config.layer_names(),
            LanguageModel::Llama(m) => m.config.layer_names(),
            LanguageModel::Embedding(_) | LanguageModel::Random(_) => {
                vec![super::embedding::LAYER.to_string()]
            }
            LanguageModel::Baseline(m) => vec![m.layer().to_string()],
        }
    }

    /// Whether the model sees words after the one being recorded within its context
    /// (BERT: within part i, yes; never parts after i). For the UI and the benchmark notes.
    pub fn is_bidirectional(&self) -> bool {
        matches!(self, LanguageModel::Bert(_))
    }

    /// Whether the model predicts the next token (gpt-mini, lstm-mini, SmolLM2): only these
    /// have surprisal and a WikiText-2 perplexity.
    pub fn is_causal(&self) -> bool {
        matches!(
            self,
            LanguageModel::Gpt(_) | LanguageModel::Lstm(_) | LanguageModel::Llama(_)
        )
    }

    /// Whether recording gives each part's surprisal (`PartRecording::surprisal_bits`):
    /// the causal models and the unigram control (`baseline-unigram-surprisal`).
    pub fn gives_surprisal(&self) -> bool {
        self.is_causal() || matches!(self, LanguageModel::Baseline(b) if b.gives_surprisal())
    }

    /// Context length in tokens of a causal model (lstm-mini: its training sequence
    /// length, the window METRICS §3.2 evaluates it with); `None` for the others.
    pub fn causal_context(&self) -> Option<usize> {
        match self {
            LanguageModel::Gpt(m) => Some(m.config.context),
            LanguageModel::Lstm(m) => Some(m.config.context),
            LanguageModel::Llama(m) => Some(m.window()),
            _ => None,
        }
    }

    /// The subword tokenizer of a causal model; `None` for the others.
    pub fn causal_tokenizer(&self) -> Option<&brainprobe_text::Tokenizer> {
        match self {
            LanguageModel::Gpt(m) => Some(&m.tokenizer),
            LanguageModel::Lstm(m) => Some(&m.tokenizer),
            LanguageModel::Llama(m) => Some(&m.tokenizer),
            _ => None,
        }
    }

    /// Per-token states of the layers `keep` and next-token log-probabilities for `ids`
    /// (a causal model; see [`super::gpt::Gpt::token_states`]). Errors for the others.
    pub async fn token_states(
        &self,
        ids: &[u32],
        keep: &[usize],
    ) -> Result<super::causal::TokenStates> {
        match self {
            LanguageModel::Gpt(m) => m.token_states(ids, keep).await,
            LanguageModel::Lstm(m) => m.token_states(ids, keep).await,
            LanguageModel::Llama(m) => m.token_states(ids, keep).await,
            _ => Err(crate::ModelError::Text(format!(
                "{} has no next-token head (not a causal model)",
                self.id()
            ))),
        }
    }

    /// The readout benchmarks use for this model unless asked for another: its registry
    /// row's ([`crate::registry::ModelInfo::readout`]); `last-token` for a model built
    /// outside the registry.
    pub fn default_readout(&self) -> Readout {
        crate::registry::lookup(self.id()).map_or(Readout::LastToken, |m| m.readout)
    }

    /// What `readout` takes from each part with this model, in words (for score notes;
    /// [`super::readout`]); `None` for the baselines, whose features describe the whole
    /// part whatever the readout.
    pub fn readout_meaning(&self, readout: Readout) -> Option<&'static str> {
        Some(match (self, readout) {
            (LanguageModel::Baseline(_), _) => return None,
            (LanguageModel::Embedding(_) | LanguageModel::Random(_), r) => match r {
                Readout::LastToken => "the vector of each part's last word (a context-free model's tokens are its words)",
                Readout::LastWord => "the vector of each part's last word that is not only punctuation",
                Readout::Mean => "the mean of each part's word vectors",
            },
            (_, Readout::LastToken) => "the state at each part's last token",
            (_, Readout::LastWord) => "the state at the last token of each part's last word (trailing punctuation tokens skipped)",
            (_, Readout::Mean) => "the mean of the states at each part's tokens (each in its context)",
        })
    }

    /// Records `passages` (METRICS §7.1; see [`super`]): per selected layer one row per part,
    /// read from its tokens under `readout` ([`super::readout`]; baselines ignore it).
    /// `device` must be the device the model was loaded on (context-free embeddings are
    /// computed on the host and ignore it). `progress(done, total)` is called as parts finish.
    pub async fn record(
        &self,
        passages: &[Passage],
        layers: &LayerSelection,
        readout: Readout,
        device: &Device,
        progress: impl FnMut(usize, usize),
    ) -> Result<PartRecording> {
        match self {
            LanguageModel::Bert(m) => {
                same_device(&m.id, &m.device, device)?;
                m.record(passages, layers, readout, progress).await
            }
            LanguageModel::Gpt(m) => {
                same_device(&m.id, &m.device, device)?;
                record_model(m, passages, layers, readout, progress).await
            }
            LanguageModel::Lstm(m) => {
                same_device(&m.id, &m.device, device)?;
                record_model(m, passages, layers, readout, progress).await
            }
            LanguageModel::Llama(m) => {
                same_device(&m.id, &m.device, device)?;
                m.record(passages, layers, readout, progress).await
            }
            LanguageModel::Embedding(m) => m.record(passages, layers, readout, progress),
            LanguageModel::Random(m) => m.record(passages, layers, readout, progress),
            LanguageModel::Baseline(m) => m.record(passages, layers, progress),
        }
    }
}

/// Errors unless a model loaded on `loaded` is asked to record on the same kind of device.
fn same_device(id: &str, loaded: &Device, asked: &Device) -> Result<()> {
    let (loaded, asked) = (loaded.describe().kind, asked.describe().kind);
    if loaded != asked {
        return Err(crate::ModelError::Text(format!(
            "{id} was loaded on {loaded}, asked to record on {asked}"
        )));
    }
    Ok(())
}
