//! The jobs the worker runs, written for both targets so a native test can check that the
//! app's numbers equal the CLI's. A scored job is `registry::run` with the views its page
//! needs — `views::run_score` (what the score carries) or `views::run` (drawn from the
//! same recording) — sent back as the benchmark returns it; "your sentence", "one image" and the attractor trace call the benchmarks' own
//! functions. Nothing here computes a number.

use std::cell::RefCell;
use std::rc::Rc;

use brainprobe_benchmarks::language::new_sentence::{
    fit_encoding, predict_with, prepare_input, EncodingFit, SentencePrediction,
};
use brainprobe_benchmarks::registry;
use brainprobe_benchmarks::vision::attractor_trace::trace;
use brainprobe_benchmarks::vision::occlusion_image::classify;
use brainprobe_benchmarks::{views, BenchError, LanguageSubject, Progress, RunContext, Subject};

use super::protocol::{Job, JobResult, RunError, RunErrorKind};

/// Runs `job` on `subject` with the data of `ctx`.
pub async fn run_job(
    job: &Job,
    subject: &Subject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<JobResult, BenchError> {
    let spec = registry::find(job.benchmark())?;
    match job {
        Job::Score { .. } => Ok(JobResult::Run(Box::new(
            views::run_score(spec, subject, ctx, progress).await?,
        ))),
        Job::Views {
            subset, readout, ..
        } => {
            // A subset or readout run reads the same bundles with options changed (CLI
            // `--subset`, `--readout`).
            let mut local = RunContext::new(ctx.assets.clone());
            local.options = ctx.options.clone();
            local.options.language_subset = *subset;
            local.options.readout = *readout;
            Ok(JobResult::Run(Box::new(
                views::run(spec, subject, &local, progress).await?,
            )))
        }
        Job::PredictSentence { sentence, .. } => {
            let Subject::Language(lm) = subject else {
                return Err(BenchError::WrongModality {
                    benchmark: spec.id.to_string(),
                    model: subject.id().to_string(),
                    needs: "language",
                });
            };
            Ok(JobResult::Sentence(Box::new(
                sentence_job(lm, ctx, sentence, progress).await?,
            )))
        }
        Job::Classify {
            image,
            visibility_pct,
            ..
        } => Ok(JobResult::Classify(Box::new(
            classify(image, *visibility_pct, subject, ctx, progress).await?,
        ))),
        Job::AttractorTrace {
            photo,
            visibility_pct,
            ..
        } => Ok(JobResult::Attractor(Box::new(
            trace(*photo, *visibility_pct, subject, ctx, progress).await?,
        ))),
    }
}

thread_local! {
    /// The last model's Pereira encoding data, keyed by model, weights and device: the
    /// next sentence for the same model is answered without recording the 627 again.
    static ENCODING: RefCell<Option<(String, Rc<EncodingFit>)>> = const { RefCell::new(None) };
}

/// "Your sentence" through [`ENCODING`]: the first sentence for a model records and
/// scores the Pereira sentences, later ones reuse that (same numbers: same recording).
pub async fn sentence_job(
    lm: &LanguageSubject,
    ctx: &RunContext,
    text: &str,
    progress: &dyn Progress,
) -> Result<SentencePrediction, BenchError> {
    prepare_input(text)?;
    let r = lm.model_ref();
    let readout = lm.readout(&ctx.options);
    let key = format!("{} {} {} {readout}", r.id, r.weights_sha256, r.device);
    let cached = ENCODING.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, fit)| fit.clone())
    });
    let fit = match cached {
        Some(fit) => fit,
        None => {
            let fit = Rc::new(fit_encoding(lm, ctx, progress).await?);
            ENCODING.with(|c| *c.borrow_mut() = Some((key, fit.clone())));
            fit
        }
    };
    predict_with(&fit, lm, text).await
}

/// The page-facing form of a benchmark error: GPU failures are marked so the page can
/// offer a CPU retry.
pub fn run_error(e: &BenchError) -> RunError {
    let kind = if e.is_gpu_failure() {
        RunErrorKind::Gpu
    } else {
        match e {
            BenchError::Data(_) => RunErrorKind::Data,
            BenchError::UnknownBenchmark { .. } | BenchError::WrongModality { .. } => {
                RunErrorKind::Request
            }
            _ => RunErrorKind::Benchmark,
        }
    };
    RunError {
        kind,
        message: e.to_string(),
    }
}
