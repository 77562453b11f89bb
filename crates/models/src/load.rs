//! The one model loader: registered identifier → loaded network + provenance, over a
//! [`WeightStore`] (files natively, fetch + Cache API in the browser). The CLI, the web
//! worker and the tests all call [`load`]; no other code matches on the model family to
//! read weights. Weights named by a manifest are checked against its sha256 before they
//! are parsed.

use brainprobe_arch::WeightsManifest;
use brainprobe_engine::Device;
use sha2::{Digest, Sha256};

use crate::error::{ModelError, Result};
use crate::language::baseline::{
    LengthBaseline, LexicalBaseline, TextBaseline, UnigramBaseline, WordCounts,
};
use crate::language::bert::{bert_config, untrained_weights, Bert, BertConfig, UNTRAINED_SEED};
use crate::language::embedding::{RandomEmbedding, WordEmbedding};
use crate::language::gpt::Gpt;
use crate::language::llama::Llama;
use crate::language::lstm::Lstm;
use crate::language::LanguageModel;
use crate::registry::{
    lookup, manifest_file, weights_file, Control, Family, WeightsSource, BPE_TOKENIZER,
    EFFICIENTNET_WEIGHTS, PIXELS_NORMALISATION_OF, SMOLLM2_GGUF, WORD_COUNTS_TABLE,
};
use crate::store::{Freshness, Origin, WeightStore};
use crate::vision::cornet::Cornet;
use crate::vision::efficientnet::{self, EfficientNet};
use crate::vision::VisionModel;
use crate::weights::{parse_manifest, Weights};
use brainprobe_arch::efficientnet::LITE_NORMALISATION;

/// What a score records about where weights came from.
pub const GENERATED_PROVENANCE: &str = "generated in code from a fixed seed (no weights file)";

/// A loaded network of either modality.
#[allow(clippy::large_enum_variant)]
pub enum Model {
    /// A vision network (CORnet-mini, the pixel control, EfficientNet-Lite0).
    Vision(VisionModel),
    /// A language model on text.
    Language(LanguageModel),
}

/// Where a model's weights came from, as a score records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// sha256 of the weights file, or what generated the weights.
    pub weights_sha256: String,
    /// Supervised updates the weights received (0 when generated).
    pub updates: u64,
}

/// A loaded model and its provenance.
pub struct Loaded {
    /// The network.
    pub model: Model,
    /// Its weights' provenance.
    pub provenance: Provenance,
}

impl Loaded {
    /// The vision network, or an error naming the model.
    pub fn into_vision(self) -> Result<VisionModel> {
        match self.model {
            Model::Vision(m) => Ok(m),
            Model::Language(m) => Err(ModelError::Text(format!(
                "`{}` is a language model, not a vision model",
                m.id()
            ))),
        }
    }

    /// The CORnet-mini (or pixel control), or an error naming the model (for callers that
    /// alter a CORnet's weights, such as tests).
    pub fn into_cornet(self) -> Result<Cornet> {
        match self.into_vision()? {
            VisionModel::Cornet(m) => Ok(m),
            VisionModel::EfficientNet(m) => {
                Err(ModelError::Text(format!("`{}` is not a CORnet-mini", m.id)))
            }
        }
    }

    /// The language model, or an error naming the model.
    pub fn into_language(self) -> Result<LanguageModel> {
        match self.model {
            Model::Language(m) => Ok(m),
            Model::Vision(m) => Err(ModelError::Text(format!(
                "`{}` is a vision model, not a language model",
                m.id()
            ))),
        }
    }
}

/// The manifest of `id` (`None` for weights generated in code), always read fresh.
pub async fn manifest(id: &str, store: &WeightStore) -> Result<Option<WeightsManifest>> {
    let (origin, rel) = match lookup(id)?.weights {
        WeightsSource::Committed => (Origin::Committed, manifest_file(id)),
        WeightsSource::Prepared(dir) => (Origin::Prepared, format!("{dir}/manifest.toml")),
        WeightsSource::Generated(_) => return Ok(None),
    };
    let bytes = store.read(id, origin, &rel, Freshness::Fresh).await?;
    let text = String::from_utf8(bytes).map_err(|e| ModelError::Manifest {
        model: id.to_string(),
        detail: e.to_string(),
    })?;
    Ok(Some(parse_manifest(id, &text)?))
}

/// The weights file the manifest names, checked against its sha256, then parsed.
async fn weights(
    id: &str,
    store: &WeightStore,
    origin: Origin,
    rel: &str,
    manifest: &WeightsManifest,
) -> Result<Weights> {
    let want = manifest.sha256.clone();
    let bytes = store
        .read(id, origin, rel, Freshness::Digest(want.clone()))
        .await?;
    let have = hex::encode(Sha256::digest(&bytes));
    if !want.is_empty() && have != want {
        return Err(ModelError::Weights {
            model: id.to_string(),
            detail: format!(
                "{rel}: sha256 {have} ({} bytes) differs from the manifest's {want} — a \
                 corrupted or truncated copy",
                bytes.len()
            ),
        });
    }
    Weights::from_safetensors(id, &bytes)
}

/// The manifest and checked weights of committed model `id` (for callers that build a
/// network from altered weights, such as tests; everything else calls [`load`]).
pub async fn committed_weights(
    id: &str,
    store: &WeightStore,
) -> Result<(WeightsManifest, Weights)> {
    let m = manifest(id, store)
        .await?
        .ok_or_else(|| ModelError::Manifest {
            model: id.to_string(),
            detail: "no manifest: the weights are generated in code".into(),
        })?;
    let w = weights(id, store, Origin::Committed, &weights_file(id), &m).await?;
    Ok((m, w))
}

async fn text_file(id: &str, store: &WeightStore, origin: Origin, rel: &str) -> Result<Vec<u8>> {
    store.read(id, origin, rel, Freshness::Cached).await
}

/// Loads registered model `id` from `store` onto `device`.
pub async fn load(id: &str, store: &WeightStore, device: &Device) -> Result<Loaded> {
    let info = lookup(id)?;
    let (manifest, committed) = match info.weights {
        WeightsSource::Committed => {
            let (m, w) = committed_weights(id, store).await?;
            (Some(m), Some(w))
        }
        _ => (
            manifest(id, store)
                .await
                .map_err(|e| match (info.family, e) {
                    (Family::Baseline(_), ModelError::Weights { model, detail }) => {
                        ModelError::Weights {
                            model,
                            detail: format!(
                                "the training corpora's word counts are missing — run `cargo \
                             xtask prepare-data`, which counts them ({detail})"
                            ),
                        }
                    }
                    (_, e) => e,
                })?,
            None,
        ),
    };
    let provenance = match &manifest {
        Some(m) => Provenance {
            weights_sha256: m.sha256.clone(),
            updates: m.updates,
        },
        None => Provenance {
            weights_sha256: GENERATED_PROVENANCE.into(),
            updates: 0,
        },
    };
    let model = match (info.family, manifest, committed) {
        (Family::Cornet, Some(m), Some(w)) => {
            Model::Vision(VisionModel::Cornet(Cornet::load(&w, &m, device)?))
        }
        (Family::EfficientNet, manifest, None) => Model::Vision(VisionModel::EfficientNet(
            efficientnet(id, info.weights, manifest, store, device).await?,
        )),
        (Family::Gpt, Some(m), Some(w)) => {
            let tokenizer = bpe_tokenizer(id, store).await?;
            Model::Language(LanguageModel::Gpt(Gpt::load(&w, &m, tokenizer, device)?))
        }
        (Family::Lstm, Some(m), Some(w)) => {
            let tokenizer = bpe_tokenizer(id, store).await?;
            Model::Language(LanguageModel::Lstm(Lstm::load(&w, &m, tokenizer, device)?))
        }
        (Family::WordEmbedding, Some(_), Some(w)) => {
            let rel = format!("{id}/vocab.txt");
            let vocab = String::from_utf8(text_file(id, store, Origin::Committed, &rel).await?)
                .map_err(|e| ModelError::Text(format!("{rel}: {e}")))?;
            Model::Language(LanguageModel::Embedding(WordEmbedding::load(
                id, &w, &vocab,
            )?))
        }
        (Family::Baseline(Control::Pixels), None, None) => Model::Vision(VisionModel::Cornet(
            Cornet::pixels(id, pixel_normalisation(id, store).await?),
        )),
        (Family::Baseline(Control::Length), None, None) => {
            Model::Language(LanguageModel::Baseline(TextBaseline::Length(
                LengthBaseline::new(id, bpe_tokenizer(id, store).await?),
            )))
        }
        (Family::Baseline(control), Some(m), None) => {
            let counts = word_counts(id, info.weights, &m, store).await?;
            Model::Language(LanguageModel::Baseline(match control {
                Control::UnigramSurprisal => {
                    TextBaseline::UnigramSurprisal(UnigramBaseline::new(id, counts))
                }
                _ => TextBaseline::Lexical(LexicalBaseline::new(id, counts)),
            }))
        }
        (Family::RandomEmbedding, None, None) => {
            Model::Language(LanguageModel::Random(RandomEmbedding::new(id)))
        }
        (Family::Bert, manifest, None) => Model::Language(LanguageModel::Bert(
            bert(id, info.weights, manifest, store, device).await?,
        )),
        (Family::Llama, manifest, None) => Model::Language(LanguageModel::Llama(
            llama(id, info.weights, manifest, store, device).await?,
        )),
        (family, _, _) => {
            return Err(ModelError::Weights {
                model: id.to_string(),
                detail: format!("no loader for {family:?} weights from {:?}", info.weights),
            })
        }
    };
    Ok(Loaded { model, provenance })
}

/// EfficientNet-Lite0 from its prepared manifest and f16 weights (sha256 checked), or its
/// seeded twin generated in code with the ImageNet normalisation of the pretrained one.
async fn efficientnet(
    id: &str,
    source: WeightsSource,
    manifest: Option<WeightsManifest>,
    store: &WeightStore,
    device: &Device,
) -> Result<EfficientNet> {
    match (source, manifest) {
        (WeightsSource::Prepared(dir), Some(m)) => {
            let config = EfficientNet::config_of(&m)?;
            let norm = m.normalisation.ok_or_else(|| ModelError::Manifest {
                model: id.to_string(),
                detail: "no [normalisation] for a vision model".into(),
            })?;
            let rel = format!("{dir}/{EFFICIENTNET_WEIGHTS}");
            let w = weights(id, store, Origin::Prepared, &rel, &m).await?;
            let mut model = EfficientNet::load(id, config, norm, &w, device)?;
            model.class_names = names(id, store).await?;
            Ok(model)
        }
        (WeightsSource::Generated(_), None) => {
            let config = brainprobe_arch::EfficientNetConfig::lite0();
            let w = efficientnet::untrained_weights(id, &config);
            let mut model = EfficientNet::load(id, config, LITE_NORMALISATION, &w, device)?;
            // The twin's logits name the same classes when prepare-data has fetched them.
            model.class_names = names(id, store).await.unwrap_or_default();
            Ok(model)
        }
        (source, _) => Err(ModelError::Weights {
            model: id.to_string(),
            detail: format!("no EfficientNet loader for weights from {source:?}"),
        }),
    }
}

/// The short ImageNet class names (prepare-data's `classes.tsv`).
async fn names(id: &str, store: &WeightStore) -> Result<Vec<String>> {
    Ok(crate::vision::imagenet::class_names(id, store)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect())
}

/// The input normalisation of the CORnet-minis (every one stores the same CIFAR-10
/// statistics), read from [`PIXELS_NORMALISATION_OF`]'s manifest for `baseline-pixels`.
async fn pixel_normalisation(
    id: &str,
    store: &WeightStore,
) -> Result<brainprobe_arch::Normalisation> {
    manifest(PIXELS_NORMALISATION_OF, store)
        .await?
        .and_then(|m| m.normalisation)
        .ok_or_else(|| ModelError::Manifest {
            model: id.to_string(),
            detail: format!("{PIXELS_NORMALISATION_OF}'s manifest has no [normalisation]"),
        })
}

/// The training corpora's word counts prepared for the frequency baselines, checked
/// against the sha256 of their manifest `m`.
async fn word_counts(
    id: &str,
    source: WeightsSource,
    m: &WeightsManifest,
    store: &WeightStore,
) -> Result<WordCounts> {
    let WeightsSource::Prepared(dir) = source else {
        return Err(ModelError::Weights {
            model: id.to_string(),
            detail: format!("no word counts from {source:?}"),
        });
    };
    let rel = format!("{dir}/{WORD_COUNTS_TABLE}");
    let bytes = checked_bytes(id, store, &rel, m).await?;
    WordCounts::parse(&bytes, &rel)
}

/// The project's byte-level BPE shared by gpt-mini and lstm-mini.
async fn bpe_tokenizer(id: &str, store: &WeightStore) -> Result<brainprobe_text::Tokenizer> {
    let bytes = text_file(id, store, Origin::Committed, BPE_TOKENIZER).await?;
    brainprobe_text::Tokenizer::from_json_bytes(&bytes, BPE_TOKENIZER)
        .map_err(|e| ModelError::Text(e.to_string()))
}

/// MiniLM: converted weights from the prepared directory, or the seeded twin; the
/// WordPiece vocabulary always comes from the prepared directory.
async fn bert(
    id: &str,
    source: WeightsSource,
    manifest: Option<WeightsManifest>,
    store: &WeightStore,
    device: &Device,
) -> Result<Bert> {
    let (dir, w, config) = match (source, manifest) {
        (WeightsSource::Prepared(dir), Some(m)) => {
            let rel = format!("{dir}/model.safetensors");
            let w = weights(id, store, Origin::Prepared, &rel, &m).await?;
            (dir, w, bert_config(&m)?)
        }
        (WeightsSource::Generated(Some(dir)), _) => {
            let config = BertConfig::minilm_l6();
            (dir, untrained_weights(id, &config, UNTRAINED_SEED), config)
        }
        (other, _) => {
            return Err(ModelError::Weights {
                model: id.to_string(),
                detail: format!("no BERT weights from {other:?}"),
            })
        }
    };
    let rel = format!("{dir}/vocab.txt");
    let vocab = text_file(id, store, Origin::Prepared, &rel).await?;
    let tokenizer = brainprobe_text::wordpiece_from_vocab(&vocab, true, &rel)
        .map_err(|e| ModelError::Text(e.to_string()))?;
    Bert::load(id, config, &w, tokenizer, device)
}

/// A llama GGUF: the prepared file (checked against its manifest's sha256, then parsed
/// and checked by [`crate::gguf::Gguf`]), or — for the seeded twin — the prepared file's
/// architecture and tokenizer with [`Llama::untrained`] weights.
async fn llama(
    id: &str,
    source: WeightsSource,
    manifest: Option<WeightsManifest>,
    store: &WeightStore,
    device: &Device,
) -> Result<Llama> {
    let (dir, trained) = match (source, manifest) {
        (WeightsSource::Prepared(dir), Some(m)) => (dir, Some(m)),
        (WeightsSource::Generated(Some(dir)), None) => (dir, None),
        (other, _) => {
            return Err(ModelError::Weights {
                model: id.to_string(),
                detail: format!("no llama weights from {other:?}"),
            })
        }
    };
    // the twin reads its architecture and tokenizer from the trained model's prepared file
    let m = match trained {
        Some(m) => m,
        None => prepared_manifest(id, dir, store).await?,
    };
    let rel = format!("{dir}/{SMOLLM2_GGUF}");
    let bytes = checked_bytes(id, store, &rel, &m).await?;
    let gguf = crate::gguf::Gguf::parse(id, bytes)?;
    if source == WeightsSource::Prepared(dir) {
        Llama::load(id, &gguf, device)
    } else {
        let (config, tokenizer) = (gguf.config.clone(), gguf.tokenizer()?);
        drop(gguf);
        Llama::untrained(id, config, tokenizer, device)
    }
}

/// The manifest in prepared directory `dir`, read fresh (for a generated model that takes
/// its architecture or tokenizer from there).
async fn prepared_manifest(id: &str, dir: &str, store: &WeightStore) -> Result<WeightsManifest> {
    let rel = format!("{dir}/manifest.toml");
    let bytes = store
        .read(id, Origin::Prepared, &rel, Freshness::Fresh)
        .await?;
    let text = String::from_utf8(bytes).map_err(|e| ModelError::Manifest {
        model: id.to_string(),
        detail: format!("{rel}: {e}"),
    })?;
    parse_manifest(id, &text)
}

/// Prepared file `rel`, checked against the sha256 of manifest `m` before anything parses it.
async fn checked_bytes(
    id: &str,
    store: &WeightStore,
    rel: &str,
    m: &WeightsManifest,
) -> Result<Vec<u8>> {
    let bytes = store
        .read(
            id,
            Origin::Prepared,
            rel,
            Freshness::Digest(m.sha256.clone()),
        )
        .await?;
    let have = hex::encode(Sha256::digest(&bytes));
    if have != m.sha256 {
        return Err(ModelError::Weights {
            model: id.to_string(),
            detail: format!(
                "{rel}: sha256 {have} ({} bytes) differs from its manifest's {} — a corrupted \
                 or truncated copy; rerun `cargo xtask prepare-data`",
                bytes.len(),
                m.sha256
            ),
        });
    }
    Ok(bytes)
}

/// [`load`] for native callers: the native store never waits, so this only drives it.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_blocking(id: &str, store: &WeightStore, device: &Device) -> Result<Loaded> {
    pollster::block_on(load(id, store, device))
}

/// [`manifest`] for native callers.
#[cfg(not(target_arch = "wasm32"))]
pub fn manifest_blocking(id: &str, store: &WeightStore) -> Result<Option<WeightsManifest>> {
    pollster::block_on(manifest(id, store))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn a_corrupted_weights_file_is_named_and_not_parsed() {
        let dir = std::env::temp_dir().join(format!("bp-load-{}", std::process::id()));
        let id = "cornet-z-mini";
        let src = crate::native::weights_root().join(id);
        std::fs::create_dir_all(dir.join(id)).unwrap();
        std::fs::copy(
            src.join("manifest.toml"),
            dir.join(id).join("manifest.toml"),
        )
        .unwrap();
        let mut bytes = std::fs::read(src.join("model.safetensors")).unwrap();
        bytes.truncate(bytes.len() / 2);
        std::fs::write(dir.join(id).join("model.safetensors"), &bytes).unwrap();
        let store = WeightStore::new(dir.display().to_string(), "/nonexistent");
        let err = load_blocking(id, &store, &Device::Cpu)
            .err()
            .expect("truncated weights are refused")
            .to_string();
        assert!(
            err.contains("model.safetensors") && err.contains("sha256"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        let loaded = load_blocking(id, &WeightStore::native(), &Device::Cpu).unwrap();
        assert!(loaded.provenance.updates > 0);
        assert!(loaded.into_language().is_err());
    }
}
