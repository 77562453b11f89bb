//! `brainprobe predict-langnet "any sentence" [--model M]`: the Pereira encoding model of
//! `M` (RidgeCV from its best Pereira layer, fitted on all 627 sentences) applied to a new
//! sentence — the predicted language-network response and its percentile among the 627
//! measured ones. Predicted, not measured, and the output says so.

use brainprobe_benchmarks::language::new_sentence::predict_sentence;
use brainprobe_benchmarks::{RunContext, Subject};
use clap::Args;

use super::device::{open, DeviceChoice};
use super::scoring::{assets, load_subject, stage_bar};

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

/// Fits and predicts, then prints.
pub fn run(args: PredictArgs) -> Result<(), String> {
    let device = open(args.device)?;
    let subject = load_subject(&args.model, &device, None)?;
    let Subject::Language(lm) = &subject else {
        return Err(format!("`{}` is not a language model", args.model));
    };
    let (assets, _) = assets();
    let ctx = RunContext::new(assets);
    let bar = stage_bar(false);
    let progress = |stage: &str, done: usize, total: usize| {
        bar.set_message(stage.to_string());
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let p = pollster::block_on(predict_sentence(lm, &ctx, &args.sentence, &progress))
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let layer_r = p
        .layer_r
        .map_or("undefined".to_string(), |r| format!("{r:.3}"));
    let (lo, hi) = p.measured_range;
    println!("sentence: {}", p.sentence);
    println!(
        "predicted language-network response: {:.4} — percentile {:.1} among the {} measured Pereira responses (range {lo:.3} to {hi:.3})",
        p.value, p.percentile, p.n_sentences
    );
    println!(
        "PREDICTED, NOT MEASURED: RidgeCV (α = {}) from {}'s layer `{}` fitted on all {} sentences; that layer's cross-validated r on held-out sentences is {layer_r} (raw r, no ceiling exists), so most of the response is not predicted.",
        p.alpha, args.model, p.layer, p.n_sentences
    );
    for n in &p.notes {
        println!("note: {n}");
    }
    Ok(())
}
