//! The jobs the worker runs, written for both targets so a native test can check that the
//! app's numbers equal the CLI's. `Job::Score` is `registry::run` itself; `Job::VisionRsa`
//! makes the same calls `kriegeskorte2008::run` makes (reference, images, one recording,
//! `score_activations`) and keeps the headline layer's RDM for the heatmap.

use brainprobe_benchmarks::data::DataLog;
use brainprobe_benchmarks::registry::{self, Kind};
use brainprobe_benchmarks::vision::kriegeskorte2008::{self, ItReference};
use brainprobe_benchmarks::{BenchError, Progress, RunContext, Subject};
use brainprobe_metrics::rsa;
use brainprobe_models::vision::record::LayerSelection;

use super::protocol::{Job, JobResult, RunError, RunErrorKind, VisionRsaResult};

/// Runs `job` on `subject` with the data of `ctx`.
pub async fn run_job(
    job: &Job,
    subject: &Subject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<JobResult, BenchError> {
    let spec = registry::find(job.benchmark())?;
    match job {
        Job::Score { .. } => Ok(JobResult::Score(Box::new(
            registry::run(spec, subject, ctx, progress).await?,
        ))),
        Job::VisionRsa { .. } => {
            let target = match spec.kind {
                Kind::ItRsa(target) => target,
                _ => {
                    return Err(BenchError::InvalidOption {
                        name: "benchmark",
                        reason: format!("`{}` is not an IT RSA benchmark", spec.id),
                    })
                }
            };
            let Subject::Vision(vision) = subject else {
                return Err(BenchError::WrongModality {
                    benchmark: spec.id.to_string(),
                    model: subject.id().to_string(),
                    needs: "vision",
                });
            };
            let mut log = DataLog::new(&ctx.assets);
            let reference = ItReference::load(target, &mut log).await?;
            let images = kriegeskorte2008::images(vision, &mut log).await?;
            let layers = vision
                .record(
                    &images,
                    &LayerSelection::All,
                    vision.steps,
                    "92 images",
                    progress,
                )
                .await?;
            let data = log.finish().await?;
            let score = kriegeskorte2008::score_activations(
                spec,
                &reference,
                &layers,
                vision.model_ref(vision.steps),
                data,
            )?;
            let layer = score.layer.clone().unwrap_or_default();
            let model_rdm = match layers.iter().find(|l| l.name == layer) {
                Some(l) => rsa::rdm(l.values.mapv(f64::from).view())?
                    .matrix
                    .iter()
                    .map(|&x| x as f32)
                    .collect(),
                None => Vec::new(),
            };
            Ok(JobResult::VisionRsa(Box::new(VisionRsaResult {
                layer,
                model_rdm,
                brain_rdm: reference.group.iter().map(|&x| x as f32).collect(),
                categories: reference
                    .stimuli
                    .iter()
                    .map(|s| s.category.clone())
                    .collect(),
                score,
            })))
        }
        Job::Language { subset, .. } => {
            // A subset run reads the same bundles with one option changed (CLI `--subset`).
            let mut local = RunContext::new(ctx.assets.clone());
            local.options = ctx.options.clone();
            local.options.language_subset = *subset;
            Ok(JobResult::Language(Box::new(
                super::language_jobs::language_job(spec, subject, &local, progress).await?,
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
                super::language_jobs::sentence_job(lm, ctx, sentence, progress).await?,
            )))
        }
        Job::Classify {
            image,
            visibility_pct,
            ..
        } => Ok(JobResult::Classify(Box::new(
            super::occlusion_jobs::run_classify(image, *visibility_pct, subject, ctx, progress)
                .await?,
        ))),
    }
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
