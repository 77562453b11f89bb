//! Pereira et al. (2018): 627 sentences with the averaged language-network response.

use serde::Deserialize;

use crate::error::{DataError, Result};
use crate::formats::parse_csv;

/// Bundle path of the sentence table.
pub const SENTENCES: &str = "pereira2018_langnet/sentences.csv";

/// One sentence and the mean left-hemisphere language-network response to it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PereiraSentence {
    /// 0..626, alphabetical order of the sentence (carries no passage information).
    #[serde(rename = "sentence_id")]
    pub id: u32,
    /// The sentence as shown to participants.
    #[serde(rename = "sentence")]
    pub text: String,
    /// GLM effect size averaged over fROIs and participants.
    #[serde(rename = "effect_size")]
    pub response: f64,
}

/// Parses `sentences.csv` and checks ids are 0..n in order with finite responses.
pub fn parse_sentences(bytes: &[u8]) -> Result<Vec<PereiraSentence>> {
    let rows: Vec<PereiraSentence> = parse_csv(SENTENCES, bytes)?;
    for (i, row) in rows.iter().enumerate() {
        if row.id as usize != i {
            return Err(DataError::malformed(
                SENTENCES,
                format!("row {} has sentence_id {}", i + 1, row.id),
            ));
        }
        if !row.response.is_finite() || row.text.trim().is_empty() {
            return Err(DataError::malformed(
                SENTENCES,
                format!("sentence {} is empty or has a non-finite response", row.id),
            ));
        }
    }
    Ok(rows)
}
