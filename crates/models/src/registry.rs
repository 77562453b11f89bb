//! Model identifiers (as on Brain-Score: `cornet-s-mini`, `cornet-s-mini@2pct`, …) and
//! where their committed weights live (`weights/<id>/model.safetensors` + `manifest.toml`).

/// What kind of network an identifier names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// CORnet-Z-mini / CORnet-S-mini on 32 × 32 images.
    Cornet,
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
}

/// Where a model's weights come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightsSource {
    /// The project's own, committed under `weights/<id>/` with a manifest.
    Committed,
    /// Third-party, obtained and converted by `prepare-data` into
    /// `data/cache/models/<dir>/` (never committed).
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
}

/// The byte-level BPE of gpt-mini and lstm-mini, relative to the weights root.
pub const BPE_TOKENIZER: &str = "tokenizer-bpe8k/tokenizer.json";

/// Directory (under `data/cache/models/`) of the converted all-MiniLM-L6-v2.
pub const MINILM_DIR: &str = "minilm-l6";

impl ModelInfo {
    /// Where the weights come from: committed unless listed here.
    pub fn weights_source(&self) -> WeightsSource {
        match self.id {
            "minilm-l6" => WeightsSource::Prepared(MINILM_DIR),
            "minilm-l6-untrained" => WeightsSource::Generated(Some(MINILM_DIR)),
            "random-embedding" => WeightsSource::Generated(None),
            _ => WeightsSource::Committed,
        }
    }
}

/// Every model brainprobe ships weights for.
pub const MODELS: &[ModelInfo] = &[
    ModelInfo {
        id: "cornet-z-mini",
        family: Family::Cornet,
        description: "feedforward V1→V2→V4→IT (conv + ReLU + max-pool), trained on CIFAR-10",
    },
    ModelInfo {
        id: "cornet-z-mini-untrained",
        family: Family::Cornet,
        description: "cornet-z-mini at its seeded initialisation",
    },
    ModelInfo {
        id: "cornet-s-mini",
        family: Family::Cornet,
        description:
            "recurrent CORnet-S-style areas (V2 ×2, V4 ×4, IT ×2 time steps), trained on CIFAR-10",
    },
    ModelInfo {
        id: "cornet-s-mini-untrained",
        family: Family::Cornet,
        description: "cornet-s-mini at its seeded initialisation (\"at birth\")",
    },
    ModelInfo {
        id: "cornet-s-mini@0.5pct",
        family: Family::Cornet,
        description: "cornet-s-mini after 0.5 % of its supervised updates",
    },
    ModelInfo {
        id: "cornet-s-mini@2pct",
        family: Family::Cornet,
        description: "cornet-s-mini after 2 % of its supervised updates",
    },
    ModelInfo {
        id: "cornet-s-mini@10pct",
        family: Family::Cornet,
        description: "cornet-s-mini after 10 % of its supervised updates",
    },
    ModelInfo {
        id: "cornet-s-mini@50pct",
        family: Family::Cornet,
        description: "cornet-s-mini after 50 % of its supervised updates",
    },
    ModelInfo {
        id: "cornet-s-mini-wc",
        family: Family::Cornet,
        description: "\"weight compression\" at birth: kernels sampled from Gaussians fitted to cornet-s-mini, no training",
    },
    ModelInfo {
        id: "cornet-s-mini-ct",
        family: Family::Cornet,
        description: "\"critical training\": from -wc, only projections, skips and the decoder trained",
    },
    ModelInfo {
        id: "gpt-mini-untrained",
        family: Family::Gpt,
        description: "gpt-mini at its seeded initialisation (step 0)",
    },
    ModelInfo {
        id: "gpt-mini@step4",
        family: Family::Gpt,
        description: "gpt-mini after 4 of its 360 updates (1 %)",
    },
    ModelInfo {
        id: "gpt-mini@step11",
        family: Family::Gpt,
        description: "gpt-mini after 11 of its 360 updates (3 %)",
    },
    ModelInfo {
        id: "gpt-mini@step36",
        family: Family::Gpt,
        description: "gpt-mini after 36 of its 360 updates (10 %)",
    },
    ModelInfo {
        id: "gpt-mini@step108",
        family: Family::Gpt,
        description: "gpt-mini after 108 of its 360 updates (30 %)",
    },
    ModelInfo {
        id: "gpt-mini",
        family: Family::Gpt,
        description: "gpt-mini (4-layer causal transformer, d 192) after all 360 updates (1.47 M tokens)",
    },
    ModelInfo {
        id: "lstm-mini",
        family: Family::Lstm,
        description: "lstm-mini (2-layer LSTM, hidden 256) after 200 updates (0.82 M tokens); still at the unigram plateau",
    },
    ModelInfo {
        id: "lstm-mini-untrained",
        family: Family::Lstm,
        description: "lstm-mini (2-layer LSTM, hidden 256) at its seeded initialisation",
    },
    ModelInfo {
        id: "minilm-l6",
        family: Family::Bert,
        description: "pretrained all-MiniLM-L6-v2 (6-layer bidirectional BERT, 384-d; sees the whole context), from prepare-data",
    },
    ModelInfo {
        id: "minilm-l6-untrained",
        family: Family::Bert,
        description: "minilm-l6's architecture at a seeded initialisation (normal(0, 0.02))",
    },
    ModelInfo {
        id: "embed-ppmi",
        family: Family::WordEmbedding,
        description: "256-d context-free word vectors: PPMI (±5 words) on the training corpora + truncated SVD",
    },
    ModelInfo {
        id: "random-embedding",
        family: Family::RandomEmbedding,
        description: "control: a fixed random 192-d vector per word type (seeded by the word)",
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
        assert!(lookup("gpt-99")
            .unwrap_err()
            .to_string()
            .contains("unknown model"));
    }
}
