//! Futrell et al. (2018) Natural Stories: per-token self-paced reading times.

use serde::Deserialize;

use crate::error::{DataError, Result};
use crate::formats::parse_csv;

/// Bundle path of the per-token reading-time table.
pub const WORDS: &str = "futrell2018_naturalstories/words.csv";
/// Bundle path of the story texts (line k = story k, tokens joined by single spaces).
pub const STORIES: &str = "futrell2018_naturalstories/stories.txt";

/// One token of a story with its reading-time statistics across subjects.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StoryWord {
    /// Story number, 1..10.
    pub story: u32,
    /// 1-based token position within the story (the self-paced-reading region).
    pub zone: u32,
    /// The token as displayed, punctuation attached.
    pub word: String,
    /// Mean reading time over subjects, ms.
    pub mean_rt_ms: f64,
    /// Standard deviation over subjects, ms.
    pub sd_rt_ms: f64,
    /// Geometric mean reading time, ms.
    pub gmean_rt_ms: f64,
    /// Geometric standard deviation (multiplicative factor).
    pub gsd_rt_factor: f64,
    /// Number of subjects whose reading time was kept for this token.
    pub n_subjects: u32,
}

/// The Natural Stories corpus: tokens with reading times, and the story texts.
#[derive(Debug, Clone)]
pub struct NaturalStories {
    /// All tokens in (story, zone) order.
    pub words: Vec<StoryWord>,
    /// The story texts; `stories[k].split(' ')` gives the tokens of story k+1.
    pub stories: Vec<String>,
}

impl NaturalStories {
    /// Parses both files and checks that they agree token for token.
    pub fn parse(words_csv: &[u8], stories_txt: &[u8]) -> Result<Self> {
        let words: Vec<StoryWord> = parse_csv(WORDS, words_csv)?;
        let text =
            std::str::from_utf8(stories_txt).map_err(|e| DataError::malformed(STORIES, e))?;
        let stories: Vec<String> = text.lines().map(str::to_string).collect();
        let mut expected = stories
            .iter()
            .enumerate()
            .flat_map(|(k, s)| s.split(' ').map(move |w| (k as u32 + 1, w)));
        for w in &words {
            match expected.next() {
                Some((story, token)) if story == w.story && token == w.word => {}
                _ => {
                    return Err(DataError::malformed(
                        WORDS,
                        format!(
                            "story {} zone {} (`{}`) does not match {}",
                            w.story, w.zone, w.word, STORIES
                        ),
                    ))
                }
            }
        }
        if expected.next().is_some() {
            return Err(DataError::malformed(
                WORDS,
                "fewer tokens than the story texts",
            ));
        }
        Ok(Self { words, stories })
    }

    /// Number of stories.
    pub fn n_stories(&self) -> usize {
        self.stories.len()
    }
}
