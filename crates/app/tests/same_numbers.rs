//! The worker's jobs give the CLI's numbers: `Job::VisionRsa` (the Vision page) and
//! `Job::Score` (Leaderboard, wiring up) return exactly the `Score` of
//! `brainprobe_benchmarks::registry::run`, natively on the CPU. Needs `cargo xtask
//! prepare-data` (bundles) and the committed weights.
#![cfg(not(target_arch = "wasm32"))]

use brainprobe_app::worker::jobs::run_job;
use brainprobe_app::worker::protocol::{Job, JobResult};
use brainprobe_benchmarks::{registry, RunContext, Silent, Subject, VisionSubject};
use brainprobe_data::assets::default_native_root;
use brainprobe_data::Assets;
use brainprobe_engine::Device;

fn subject(model: &str) -> Subject {
    let (weights, manifest) = brainprobe_models::native::read(model).expect("committed weights");
    let cornet = brainprobe_models::vision::cornet::Cornet::load(&weights, &manifest, &Device::Cpu)
        .expect("model loads");
    Subject::Vision(VisionSubject::new(cornet, &manifest, Device::Cpu))
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
        &Job::VisionRsa {
            model: model.into(),
            benchmark: benchmark.into(),
        },
        &subject,
        &ctx,
        &Silent,
    ))
    .expect("vision job");
    let JobResult::VisionRsa(page) = page else {
        panic!("a VisionRsa job returns RDMs");
    };
    assert_eq!(
        page.score, cli,
        "Vision page score differs from registry::run"
    );
    assert_eq!(page.model_rdm.len(), 92 * 92);
    assert_eq!(page.brain_rdm.len(), 92 * 92);
    assert_eq!(page.categories.len(), 92);
    assert_eq!(page.layer, "IT");

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
