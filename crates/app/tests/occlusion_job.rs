//! The Occlusion page's classify job shows the benchmark's own conditions: for a subset
//! image at a visibility bin, its bubbles and preprocessing give exactly the input
//! `tang2018-occlusion` feeds the model, and its top-1 is the benchmark's prediction.
//! Natively on the CPU; needs `cargo xtask prepare-data` (bundles) and the committed weights.
#![cfg(not(target_arch = "wasm32"))]

use brainprobe_app::worker::jobs::{run_error, run_job};
use brainprobe_app::worker::protocol::{ImageSource, Job, JobResult, RunErrorKind};
use brainprobe_benchmarks::data::DataLog;
use brainprobe_benchmarks::vision::bubbles::{TestSubset, Viewing};
use brainprobe_benchmarks::vision::occlusion_image::{occluded, PIXELS};
use brainprobe_benchmarks::{RunContext, Silent, Subject};
use brainprobe_data::assets::default_native_root;
use brainprobe_data::datasets::cifar::CLASSES;
use brainprobe_data::Assets;
use brainprobe_engine::Device;
use brainprobe_models::vision::preprocess::preprocess_rgb8;
use brainprobe_models::WeightStore;
use ndarray::Axis;

fn subject(model: &str) -> Subject {
    Subject::load_blocking(model, &WeightStore::native(), &Device::Cpu).expect("committed weights")
}

fn classify(subject: &Subject, ctx: &RunContext, image: ImageSource, lo: u32) -> JobResult {
    pollster::block_on(run_job(
        &Job::Classify {
            model: subject.id().to_string(),
            image,
            visibility_pct: lo,
        },
        subject,
        ctx,
        &Silent,
    ))
    .expect("classify job")
}

#[test]
fn classify_equals_the_benchmark_condition() {
    let ctx = RunContext::new(Assets::new(default_native_root().display().to_string()));
    let subject = subject("cornet-z-mini");
    let Subject::Vision(vision) = &subject else {
        unreachable!()
    };
    let mut log = DataLog::new(&ctx.assets);
    let subset = pollster::block_on(TestSubset::load(&mut log, ctx.options.occlusion_per_class))
        .expect("test subset");
    let norm = *vision.model.normalisation();
    let (lo, hi) = (10.0, 15.0);
    let (inputs, _) = subset
        .inputs(Viewing::Bin { lo, hi }, &norm)
        .expect("benchmark inputs");
    let labels = subset.labels();
    for i in [0usize, 1, 517, 999] {
        let px: Vec<u8> = subset
            .set
            .images
            .index_axis(Axis(0), i)
            .iter()
            .copied()
            .collect();
        let (shown, vis) = occluded(&px, lo as u32, i).expect("bubbles");
        assert!((lo..hi).contains(&vis));
        assert_eq!(
            preprocess_rgb8(&shown, &norm).expect("preprocess"),
            inputs[i],
            "image {i}: the page's bubbles differ from the benchmark's"
        );
        let bench =
            pollster::block_on(vision.predict(&inputs[i..=i], vision.steps, "one image", &Silent))
                .expect("benchmark prediction")[0];
        let JobResult::Classify(r) = classify(&subject, &ctx, ImageSource::Cifar(i), lo as u32)
        else {
            panic!("a classify job answers with top-3");
        };
        assert_eq!(r.top3.len(), 3);
        assert_eq!(r.top3[0].class, CLASSES[bench], "image {i}");
        assert_eq!(r.label.as_deref(), Some(CLASSES[labels[i]]));
        assert!((r.visible_pct - vis).abs() < 1e-12);
        assert!(r.top3.windows(2).all(|w| w[0].prob >= w[1].prob));
        assert!(r.feedforward_top3.is_none(), "cornet-z-mini is feedforward");
    }
}

#[test]
fn uploads_and_recurrent_models_and_bad_input() {
    let ctx = RunContext::new(Assets::new(default_native_root().display().to_string()));
    let s = subject("cornet-s-mini");
    let px: Vec<u8> = (0..PIXELS).map(|i| (i * 13 % 256) as u8).collect();
    let JobResult::Classify(r) = classify(&s, &ctx, ImageSource::Pixels(px), 100) else {
        panic!("a classify job answers with top-3");
    };
    assert_eq!(r.visible_pct, 100.0);
    assert_eq!(r.label, None);
    assert_eq!(r.feedforward_top3.map(|g| g.len()), Some(3), "T = 1 too");
    let sum: f64 = r.top3.iter().map(|g| g.prob).sum();
    assert!(sum > 0.0 && sum <= 1.0 + 1e-9);

    for bad in [
        ImageSource::Pixels(vec![1, 2, 3]),
        ImageSource::Cifar(1_000_000),
    ] {
        let err = pollster::block_on(run_job(
            &Job::Classify {
                model: "cornet-s-mini".into(),
                image: bad,
                visibility_pct: 20,
            },
            &s,
            &ctx,
            &Silent,
        ))
        .expect_err("bad image fails");
        assert_eq!(run_error(&err).kind, RunErrorKind::Benchmark);
    }
}
