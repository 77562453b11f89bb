//! The worker's jobs give the CLI's numbers: `Job::Views` (the Vision page, with the RDMs
//! and neighbours the benchmark drew from the same recording) and `Job::Score`
//! (Leaderboard, wiring up) return exactly the `Score` of
//! `brainprobe_benchmarks::registry::run`, natively on the CPU. Needs `cargo xtask prepare-data` (bundles) and the committed weights.
#![cfg(not(target_arch = "wasm32"))]

use brainprobe_app::worker::jobs::run_job;
use brainprobe_app::worker::protocol::{Job, JobResult};
use brainprobe_benchmarks::{registry, RunContext, Silent, Subject};
use brainprobe_data::assets::default_native_root;
use brainprobe_data::Assets;
use brainprobe_engine::Device;
use brainprobe_models::WeightStore;

fn subject(model: &str) -> Subject {
    Subject::load_blocking(model, &WeightStore::native(), &Device::Cpu).expect("committed weights")
}

#[test]
fn vision_page_and_leaderboard_jobs_equal_the_cli_score() {
    let ctx = RunContext::new(Assets::new(default_native_root().display().to_string()));
    let model = "cornet-z-mini";
    let benchmark = "kriegeskorte2008-it-rsa";
    let subject = subject(model);
    let spec = registry::find(benchmark).expect("registered");
    let cli = pollster::block_on(registry::run(spec, &subject, &ctx, &Silent)).expect("CLI path");

    let page = pollster::block_on(run_job(
        &Job::Views {
            model: model.into(),
            benchmark: benchmark.into(),
            subset: None,
            readout: None,
        },
        &subject,
        &ctx,
        &Silent,
    ))
    .expect("vision job");
    let JobResult::Run(page) = page else {
        panic!("a Views job returns the benchmark's Run");
    };
    assert_eq!(
        page.score, cli,
        "Vision page score differs from registry::run"
    );
    let rdms = page
        .views
        .rdms
        .as_ref()
        .expect("RDMs of the headline layer");
    assert_eq!(rdms.model.len(), 92 * 92);
    assert_eq!(rdms.brain.len(), 92 * 92);
    assert_eq!(rdms.categories.len(), 92);
    assert_eq!(rdms.layer, "IT");
    let neighbours = page.views.neighbours.as_ref().expect("nearest neighbours");
    assert_eq!(neighbours.model.len(), 92);
    assert!(neighbours.brain.iter().all(|n| n.len() == 5));
    assert_eq!(page.views.layer_curve.committed.as_deref(), Some("IT"));

    let board = pollster::block_on(run_job(
        &Job::Score {
            model: model.into(),
            benchmark: benchmark.into(),
        },
        &subject,
        &ctx,
        &Silent,
    ))
    .expect("score job");
    assert_eq!(board.score(), Some(&cli));
    let JobResult::Run(board) = board else {
        panic!("a Score job returns the benchmark's Run");
    };
    assert!(
        board.views.rdms.is_none(),
        "a leaderboard cell computes no RDM view"
    );
    assert_eq!(board.views.layer_curve, page.views.layer_curve);
}

#[test]
fn unknown_benchmark_is_a_request_error() {
    let ctx = RunContext::new(Assets::new(default_native_root().display().to_string()));
    let err = pollster::block_on(run_job(
        &Job::Score {
            model: "cornet-z-mini".into(),
            benchmark: "nope".into(),
        },
        &subject("cornet-z-mini"),
        &ctx,
        &Silent,
    ))
    .expect_err("unknown benchmark fails");
    let e = brainprobe_app::worker::jobs::run_error(&err);
    assert_eq!(
        e.kind,
        brainprobe_app::worker::protocol::RunErrorKind::Request
    );
    assert!(
        e.message.contains("kriegeskorte2008-it-rsa"),
        "{}",
        e.message
    );
}
