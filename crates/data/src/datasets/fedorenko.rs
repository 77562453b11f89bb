//! Fedorenko et al. (2010) language localizer: 240 sentences and 240 nonword lists.

use serde::Deserialize;

use crate::error::{DataError, Result};
use crate::formats::parse_csv;

/// Bundle path of the stimulus table.
pub const STIMULI: &str = "fedorenko2010_localizer/stimuli.csv";

/// Localizer condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Condition {
    /// A 12-word English sentence.
    Sentence,
    /// A list of 12 pronounceable nonwords.
    Nonwords,
}

/// One localizer trial as presented (upper case, as in the source).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LocalizerStimulus {
    /// Run 1 or 2.
    pub run: u32,
    /// Stimulus set 1..5.
    pub set: u32,
    /// Row position within the source file, 1..48.
    pub position: u32,
    /// Block of 3 consecutive trials of one condition, 1..16.
    pub block: u32,
    /// Sentence or nonword list.
    pub condition: Condition,
    /// Trial number within the condition.
    pub trial: u32,
    /// The 12 words joined by spaces.
    pub stimulus: String,
}

impl LocalizerStimulus {
    /// The 12 words.
    pub fn words(&self) -> Vec<&str> {
        self.stimulus.split(' ').collect()
    }
}

/// Parses the stimulus table and checks every trial has 12 words.
pub fn parse_stimuli(bytes: &[u8]) -> Result<Vec<LocalizerStimulus>> {
    let rows: Vec<LocalizerStimulus> = parse_csv(STIMULI, bytes)?;
    for r in &rows {
        if r.words().len() != 12 {
            return Err(DataError::malformed(
                STIMULI,
                format!(
                    "run {} set {} position {} does not have 12 words",
                    r.run, r.set, r.position
                ),
            ));
        }
    }
    Ok(rows)
}
