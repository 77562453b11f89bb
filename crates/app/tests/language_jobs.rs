//! The Language page's jobs give the CLI's numbers: `Job::Views` returns exactly the
//! `Score` of `brainprobe_benchmarks::registry::run` plus views the benchmark drew from the
//! same recording, and `Job::PredictSentence` handles odd text. Natively on the CPU; needs
//! `cargo xtask prepare-data` (bundles) and the committed weights.
#![cfg(not(target_arch = "wasm32"))]

use brainprobe_app::worker::jobs::run_job;
use brainprobe_app::worker::protocol::{Job, JobResult};
use brainprobe_benchmarks::language::new_sentence::predict_sentence;
use brainprobe_benchmarks::{registry, RunContext, Silent, Subject};
use brainprobe_data::assets::default_native_root;
use brainprobe_data::Assets;
use brainprobe_engine::Device;
use brainprobe_models::WeightStore;

fn subject(model: &str) -> Subject {
    Subject::load_blocking(model, &WeightStore::native(), &Device::Cpu).expect("committed weights")
}

fn ctx(subset: Option<usize>) -> RunContext {
    let mut ctx = RunContext::new(Assets::new(default_native_root().display().to_string()));
    ctx.options.language_subset = subset;
    ctx
}

fn language(model: &str, benchmark: &str, ctx: &RunContext) -> (Subject, JobResult) {
    let subject = subject(model);
    let job = Job::Views {
        model: model.into(),
        benchmark: benchmark.into(),
        subset: ctx.options.language_subset,
        readout: ctx.options.readout,
    };
    let result = pollster::block_on(run_job(&job, &subject, ctx, &Silent)).expect("language job");
    (subject, result)
}

#[test]
fn pereira_job_equals_the_cli_score_and_draws_held_out_predictions() {
    let ctx = ctx(None);
    let (subject, result) = language("embed-ppmi", "pereira2018-langnet", &ctx);
    let spec = registry::find("pereira2018-langnet").expect("registered");
    let cli = pollster::block_on(registry::run(spec, &subject, &ctx, &Silent)).expect("CLI path");
    let JobResult::Run(page) = result else {
        panic!("a Language job returns the benchmark's Run");
    };
    assert_eq!(
        page.score, cli,
        "Language page score differs from registry::run"
    );
    let scatter = page
        .views
        .scatter
        .expect("Pereira has per-sentence predictions");
    // ShuffleSplit(10 × 63) leaves some of the 627 sentences never held out.
    assert!(scatter.n > 400 && scatter.n <= 627, "{}", scatter.n);
    assert_eq!(scatter.points.len(), scatter.n);
    assert!(scatter.r.is_finite());
    assert!(scatter.points.iter().all(|p| !p.label.is_empty()));
    assert!(
        !page.views.published.is_empty()
            && page
                .views
                .published
                .iter()
                .all(|r| r.benchmark == "Pereira2018-encoding"),
        "published rows of this benchmark: {:?}",
        page.views.published
    );
    assert!(page.views.reading.is_none());
    assert_eq!(page.views.layer_curve.points.len(), page.score.layers.len());
}

#[test]
fn surprisal_job_gives_the_reading_view_and_the_scored_words() {
    let ctx = ctx(Some(1));
    let (subject, result) = language("gpt-mini-untrained", "futrell2018-rt-surprisal", &ctx);
    let spec = registry::find("futrell2018-rt-surprisal").expect("registered");
    let cli = pollster::block_on(registry::run(spec, &subject, &ctx, &Silent)).expect("CLI path");
    let JobResult::Run(page) = result else {
        panic!("a Language job returns the benchmark's Run");
    };
    assert_eq!(page.score, cli);
    let reading = page.views.reading.expect("reading view");
    assert_eq!(reading.story, 1);
    assert!(reading.words.len() > 500);
    assert!(reading.words.iter().all(|w| w.surprisal_bits.is_some()));
    assert!(
        reading.words.iter().any(|w| !w.scored),
        "sentence starts are marked"
    );
    let scatter = page.views.scatter.expect("surprisal against RT");
    let scored = reading.words.iter().filter(|w| w.scored).count();
    assert_eq!(scatter.n, scored);
    // The score is |r| of this very scatter.
    let raw = page.score.raw.get().expect("defined");
    assert!(
        (scatter.r.abs() - raw).abs() < 1e-12,
        "{} vs {raw}",
        scatter.r
    );
}

#[test]
fn sentence_job_takes_odd_text_and_refuses_empty_text() {
    let ctx = ctx(None);
    let subject = subject("embed-ppmi");
    let predict = |sentence: &str| {
        pollster::block_on(run_job(
            &Job::PredictSentence {
                model: "embed-ppmi".into(),
                sentence: sentence.into(),
            },
            &subject,
            &ctx,
            &Silent,
        ))
    };
    for odd in ["🙂🙂 🎉", "שלום עולם, מה שלומך?", "<b>not html</b>"] {
        let Ok(JobResult::Sentence(p)) = predict(odd) else {
            panic!("{odd}: a prediction");
        };
        assert!(p.value.is_finite() && (0.0..=100.0).contains(&p.percentile));
        assert_eq!(p.sentence, odd.trim());
    }
    let Ok(JobResult::Sentence(long)) = predict(&"word ".repeat(2_000)) else {
        panic!("long text is cut, not refused");
    };
    assert_eq!(long.sentence.chars().count(), 1000);
    assert!(long.notes.iter().any(|n| n.contains("truncated")));
    // Later sentences reuse the first one's recording: same numbers as a fresh fit.
    let Ok(JobResult::Sentence(cached)) = predict("The dog chased the ball.") else {
        panic!("a prediction");
    };
    let Subject::Language(lm) = &subject else {
        panic!("a language subject");
    };
    let fresh = pollster::block_on(predict_sentence(
        lm,
        &ctx,
        "The dog chased the ball.",
        &Silent,
    ))
    .expect("fresh fit");
    assert_eq!(*cached, fresh);
    let err = predict("  \n ").expect_err("empty text");
    assert!(err.to_string().contains("empty"), "{err}");
}
