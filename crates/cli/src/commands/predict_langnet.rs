//! `brainprobe predict-langnet "any sentence" [--model M]`: the Pereira encoding model of
//! `M` (RidgeCV from its best Pereira layer, fitted on all 627 sentences) applied to a new
//! sentence — the predicted language-network response and its percentile among the 627
//! measured ones. Predicted, not measured, and the output says so.

use brainprobe_benchmarks::language::pereira2018::{self, predict, score_layers, SPEC};
use brainprobe_benchmarks::{data::DataLog, Subject};
use clap::Args;

use super::device::{open, DeviceChoice};
use super::scoring::{assets, load_subject, stage_bar};

/// Longest input presented, in characters; longer input is cut (and the cut is reported).
pub const MAX_CHARS: usize = 1000;

/// Options of `predict-langnet`.
#[derive(Args)]
pub struct PredictArgs {
    /// The sentence to predict the language-network response to.
    sentence: String,
    /// Language model identifier (see `brainprobe models`).
    #[arg(long, default_value = "gpt-mini@step108")]
    model: String,
    /// Engine device.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Cpu)]
    device: DeviceChoice,
}

/// `text` cut to [`MAX_CHARS`] characters (at a character boundary) and a note when cut.
pub fn prepare_input(text: &str) -> Result<(String, Option<String>), String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("the sentence is empty: there is nothing to present to the model".into());
    }
    let n = trimmed.chars().count();
    if n <= MAX_CHARS {
        return Ok((trimmed.to_string(), None));
    }
    let cut: String = trimmed.chars().take(MAX_CHARS).collect();
    Ok((
        cut,
        Some(format!(
            "input truncated from {n} to its first {MAX_CHARS} characters (the Pereira sentences are 4–30 words)"
        )),
    ))
}

/// Fits and predicts, then prints.
pub fn run(args: PredictArgs) -> Result<(), String> {
    let (sentence, cut) = prepare_input(&args.sentence)?;
    let device = open(args.device)?;
    let subject = load_subject(&args.model, &device, None)?;
    let Subject::Language(lm) = &subject else {
        return Err(format!("`{}` is not a language model", args.model));
    };
    let (assets, _) = assets();
    let bar = stage_bar(false);
    let progress = |stage: &str, done: usize, total: usize| {
        bar.set_message(stage.to_string());
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let (score, prediction, responses) = pollster::block_on(async {
        let mut log = DataLog::new(&assets);
        let sentences = pereira2018::sentences(&mut log, None).await?;
        let responses: Vec<f64> = sentences.iter().map(|s| s.response).collect();
        let rec = pereira2018::record(lm, &sentences, &progress).await?;
        let data = log.finish().await?;
        let score = score_layers(&SPEC, &rec.layers, &responses, lm.model_ref(), data)?;
        let layer = score
            .best_layer
            .clone()
            .or_else(|| score.layer.clone())
            .unwrap_or_default();
        let p = predict(lm, &rec, &layer, &responses, &sentence).await?;
        Ok::<_, brainprobe_benchmarks::BenchError>((score, p, responses))
    })
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let layer_r = score
        .layer_score(&prediction.layer)
        .map_or("undefined".to_string(), |l| format!("{:.3}", l.raw));
    let (lo, hi) = responses
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &r| {
            (a.min(r), b.max(r))
        });
    println!("sentence: {sentence}");
    println!(
        "predicted language-network response: {:.4} — percentile {:.1} among the {} measured Pereira responses (range {lo:.3} to {hi:.3})",
        prediction.value, prediction.percentile, prediction.n_sentences
    );
    println!(
        "PREDICTED, NOT MEASURED: RidgeCV (α = {}) from {}'s layer `{}` fitted on all {} sentences; that layer's cross-validated r on held-out sentences is {layer_r} (raw r, no ceiling exists), so most of the response is not predicted.",
        prediction.alpha, args.model, prediction.layer, prediction.n_sentences
    );
    if let Some(note) = cut {
        println!("note: {note}");
    }
    for n in &prediction.notes {
        println!("note: {n}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_checked_and_cut_with_a_note() {
        assert!(prepare_input("   ").is_err());
        assert!(prepare_input("").is_err());
        let long = "é".repeat(10_000);
        let (cut, note) = prepare_input(&long).unwrap();
        assert_eq!(cut.chars().count(), MAX_CHARS);
        assert!(note.unwrap().contains("truncated from 10000"));
        let rtl = "שלום עולם 🙂";
        assert_eq!(prepare_input(rtl).unwrap(), (rtl.to_string(), None));
    }
}
