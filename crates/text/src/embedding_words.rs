//! The context-free embedding models' word rule (METRICS §7.1), shared by training
//! (`brainprobe-train embed-ppmi`) and lookup (`brainprobe-models`' `embed-ppmi`,
//! `random-embedding`), so the two cannot drift apart.

/// Splits text into lookup words: `. ? ! , :` removed, split at whitespace, lower-cased, a
/// final `'s` stripped; words left empty are dropped. (The reference strips any trailing
/// run of `'` and `s`, turning "class" into "cla"; brainprobe strips only `'s`.)
pub fn embedding_words(text: &str) -> Vec<String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '.' | '?' | '!' | ',' | ':'))
        .collect();
    cleaned
        .split_whitespace()
        .map(|w| {
            let w = w.to_lowercase();
            w.strip_suffix("'s").map(str::to_string).unwrap_or(w)
        })
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_case_and_possessives() {
        assert_eq!(
            embedding_words("The King's men, at 5:30 p.m. -- \"hello\"! class's"),
            [
                "the",
                "king",
                "men",
                "at",
                "530",
                "pm",
                "--",
                "\"hello\"",
                "class"
            ]
        );
        assert!(embedding_words(" .,!? 's ").is_empty());
    }
}
