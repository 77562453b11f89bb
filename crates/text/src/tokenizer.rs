//! [`Tokenizer`]: a `tokenizers` pipeline (any model type) loaded from or saved as
//! `tokenizer.json` bytes, with truncation and padding switched off so that every word of a
//! long text gets its tokens (the model, not the tokenizer, handles its context limit).

use crate::error::{Result, TextError};
use tokenizers::ModelWrapper;

/// The subword model inside a tokenizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// Byte-pair encoding (gpt-mini, lstm-mini: byte-level BPE).
    Bpe,
    /// WordPiece (BERT, MiniLM).
    WordPiece,
    /// Whole-word lookup.
    WordLevel,
    /// SentencePiece unigram.
    Unigram,
}

/// Token ids of one text with each token's byte range in that text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenizedText {
    /// Token ids, including special tokens when they were requested.
    pub ids: Vec<u32>,
    /// Byte range `(start, end)` of each token in the text; `(0, 0)` for added special
    /// tokens such as BERT's `[CLS]`.
    pub offsets: Vec<(usize, usize)>,
    /// Whether each token is a special token added by the post-processor.
    pub special: Vec<bool>,
}

/// A tokenizer of the HF `tokenizers` crate (BPE, WordPiece, WordLevel or Unigram).
#[derive(Clone, Debug)]
pub struct Tokenizer {
    inner: tokenizers::Tokenizer,
}

impl Tokenizer {
    /// Wraps a `tokenizers` tokenizer, switching off truncation and padding.
    pub fn from_inner(mut inner: tokenizers::Tokenizer) -> Result<Self> {
        inner
            .with_truncation(None)
            .map_err(TextError::tk("switching off truncation"))?;
        inner.with_padding(None);
        Ok(Tokenizer { inner })
    }

    /// Parses `tokenizer.json` bytes (any model type); `source_name` names them in errors.
    ///
    /// Truncation and padding stored in the file are switched off.
    pub fn from_json_bytes(bytes: &[u8], source_name: &str) -> Result<Self> {
        let inner = tokenizers::Tokenizer::from_bytes(bytes).map_err(|e| TextError::Load {
            source_name: source_name.to_string(),
            reason: e.to_string(),
        })?;
        Self::from_inner(inner)
    }

    /// Reads and parses a `tokenizer.json` file (native only; the web app fetches bytes).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_file(path: &std::path::Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| TextError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_json_bytes(&bytes, &path.display().to_string())
    }

    /// Serialises to `tokenizer.json` bytes (pretty-printed, as HF `save` writes them);
    /// the output is a pure function of the tokenizer, so equal tokenizers give equal bytes.
    pub fn to_json_bytes(&self) -> Result<Vec<u8>> {
        self.inner
            .to_string(true)
            .map(String::into_bytes)
            .map_err(TextError::tk("serialising tokenizer.json"))
    }

    /// The subword model type.
    pub fn kind(&self) -> ModelKind {
        match self.inner.get_model() {
            ModelWrapper::BPE(_) => ModelKind::Bpe,
            ModelWrapper::WordPiece(_) => ModelKind::WordPiece,
            ModelWrapper::WordLevel(_) => ModelKind::WordLevel,
            ModelWrapper::Unigram(_) => ModelKind::Unigram,
        }
    }

    /// Largest token id + 1, added (special) tokens included: the embedding table's row count.
    pub fn vocab_size(&self) -> usize {
        self.inner
            .get_vocab(true)
            .values()
            .max()
            .map_or(0, |&id| id as usize + 1)
    }

    /// Id of a token string (special tokens included), if it is in the vocabulary.
    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.inner.token_to_id(token)
    }

    /// Token string of an id (byte-level tokens show `Ġ` for a space), if the id exists.
    pub fn id_to_token(&self, id: u32) -> Option<String> {
        self.inner.id_to_token(id)
    }

    /// Encodes one text; `add_special_tokens` applies the post-processor (BERT's `[CLS]`
    /// and `[SEP]`; nothing for the byte-level BPE trained here).
    pub fn encode_text(&self, text: &str, add_special_tokens: bool) -> Result<TokenizedText> {
        let enc = self
            .inner
            .encode(text, add_special_tokens)
            .map_err(TextError::tk("encoding"))?;
        Ok(TokenizedText {
            ids: enc.get_ids().to_vec(),
            offsets: enc.get_offsets().to_vec(),
            special: enc
                .get_special_tokens_mask()
                .iter()
                .map(|&m| m != 0)
                .collect(),
        })
    }

    /// Decodes ids back to text (byte-level BPE keeps the prefix space of the first word).
    pub fn decode(&self, ids: &[u32], skip_special_tokens: bool) -> Result<String> {
        self.inner
            .decode(ids, skip_special_tokens)
            .map_err(TextError::tk("decoding"))
    }

    /// The wrapped `tokenizers` tokenizer, for anything this API does not cover.
    pub fn inner(&self) -> &tokenizers::Tokenizer {
        &self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_bytes_are_a_load_error_naming_the_source() {
        let err = Tokenizer::from_json_bytes(b"{not json", "bad/tokenizer.json").unwrap_err();
        assert!(matches!(err, TextError::Load { .. }));
        assert!(err.to_string().contains("bad/tokenizer.json"), "{err}");
        let err = Tokenizer::from_json_bytes(b"", "empty.json").unwrap_err();
        assert!(err.to_string().contains("empty.json"), "{err}");
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn missing_file_is_an_io_error_naming_it() {
        let err =
            Tokenizer::from_file(std::path::Path::new("/nonexistent/tokenizer.json")).unwrap_err();
        assert!(matches!(err, TextError::Io { .. }));
        assert!(err.to_string().contains("/nonexistent/tokenizer.json"));
    }
}
