//! The Occlusion page's classify job shows the benchmarks' own conditions: for a subset
//! image (or an object photo) at a visibility bin, its bubbles and preprocessing give
//! exactly the input `tang2018-occlusion` (`tang2018-occlusion-objects`) feeds the model,
//! and its top-1 is the model's prediction on it; the attractor trace replays
//! `tang2018-attractor-objects` for one photo. Natively on the CPU; needs `cargo xtask
//! prepare-data` (bundles) and the committed weights.
#![cfg(not(target_arch = "wasm32"))]

use brainprobe_app::worker::jobs::{run_error, run_job};
use brainprobe_app::worker::protocol::{ImageSource, Job, JobResult, RunErrorKind};
use brainprobe_benchmarks::data::DataLog;
use brainprobe_benchmarks::vision::attractor_objects::{binarise_rows, unit_means};
use brainprobe_benchmarks::vision::bubbles::{TestSubset, Viewing};
use brainprobe_benchmarks::vision::object_photos::{
    model_input, record_features, to_u8, ObjectPhotos,
};
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
        assert_eq!((r.top.len(), r.class_set.as_str()), (3, "CIFAR-10"));
        assert_eq!(r.top[0].class, CLASSES[bench], "image {i}");
        assert_eq!(r.label.as_deref(), Some(CLASSES[labels[i]]));
        assert!((r.visible_pct - vis).abs() < 1e-12);
        assert!(r.top.windows(2).all(|w| w[0].prob >= w[1].prob));
        assert!(r.feedforward_top.is_none(), "cornet-z-mini is feedforward");
        assert!(r.shown.is_none(), "the page draws CIFAR images itself");
    }
}

#[test]
fn a_photo_is_classified_in_its_benchmark_condition() {
    let ctx = RunContext::new(Assets::new(default_native_root().display().to_string()));
    let subject = subject("cornet-z-mini");
    let Subject::Vision(vision) = &subject else {
        unreachable!()
    };
    for (i, lo) in [(3usize, 10u32), (57, 40), (91, 100)] {
        let mut log = DataLog::new(&ctx.assets);
        let photos = pollster::block_on(ObjectPhotos::load(&mut log, Some(&[i]))).expect("photo");
        let (img, vis) = if lo >= 100 {
            (
                brainprobe_benchmarks::vision::object_photos::to_rgb_f32(photos.images[0].view()),
                100.0,
            )
        } else {
            photos
                .occluded(0, f64::from(lo), f64::from(lo) + 5.0)
                .expect("bubbles")
        };
        let input = model_input(vision, &img);
        let bench = pollster::block_on(vision.predict(&[input], vision.steps, "photo", &Silent))
            .expect("prediction")[0];
        let JobResult::Classify(r) = classify(&subject, &ctx, ImageSource::Photo(i), lo) else {
            panic!("a classify job answers");
        };
        assert_eq!(r.top[0].class, CLASSES[bench], "photo {i} at {lo} %");
        assert!((r.visible_pct - vis).abs() < 1e-12);
        let shown = r.shown.expect("a photo comes back as shown");
        assert_eq!(shown.side, photos.images[0].dim().0);
        assert_eq!(
            shown.rgb,
            to_u8(&img).expect("u8").iter().copied().collect::<Vec<_>>()
        );
        assert_eq!(
            r.label.as_deref(),
            Some(brainprobe_benchmarks::vision::object_photos::CATEGORIES[photos.labels[0]])
        );
    }
}

#[test]
fn the_attractor_trace_replays_one_photo() {
    let ctx = RunContext::new(Assets::new(default_native_root().display().to_string()));
    let subject = subject("cornet-z-mini");
    let trace = |photo: usize, lo: u32| {
        let job = Job::AttractorTrace {
            model: "cornet-z-mini".into(),
            photo,
            visibility_pct: lo,
        };
        match pollster::block_on(run_job(&job, &subject, &ctx, &Silent)).expect("trace job") {
            JobResult::Attractor(t) => t,
            _ => panic!("a trace job answers with a trace"),
        }
    };
    let whole = trace(5, 100);
    assert_eq!(whole.visible_pct, 100.0);
    assert_eq!(
        whole.sweeps[0].own_overlap, 1.0,
        "a whole photo starts at its own pattern"
    );
    assert_eq!(whole.sweeps[0].nearest, 5);
    assert_eq!((whole.patterns, whole.photo), (92, 5));
    let t = trace(5, 10);
    assert!((10.0..15.0).contains(&t.visible_pct), "{}", t.visible_pct);
    assert!(t.sweeps[0].own_overlap < 1.0, "occluded features differ");
    assert_eq!(t.sweeps[0].flipped, 0);
    if t.settled_after < ctx.options.attractor_steps {
        assert_eq!(t.sweeps.len(), t.settled_after + 1);
    }
    assert!(
        t.sweeps[1..].iter().all(|s| s.flipped > 0),
        "a sweep that flips nothing ends the run"
    );
    assert_eq!(t.states.len(), t.sweeps.len().min(64));
    assert!(t
        .states
        .iter()
        .all(|s| s.len() == t.units && s.iter().all(|v| *v == 1 || *v == -1)));
    assert_eq!(t.shown.rgb.len(), t.shown.side * t.shown.side * 3);
    assert_eq!(trace(5, 10), t, "deterministic");
    // The benchmark's own recording (all 92 photos, batched) starts the network in the same
    // state, so the same seed gives the benchmark's trajectory for this photo and bin.
    let Subject::Vision(vision) = &subject else {
        unreachable!()
    };
    let mut log = DataLog::new(&ctx.assets);
    let photos = pollster::block_on(ObjectPhotos::load(&mut log, None)).expect("photos");
    let feats = pollster::block_on(record_features(vision, &photos, &[(10.0, 15.0)], &Silent))
        .expect("benchmark features");
    let thr = unit_means(feats.whole.view());
    let rows = binarise_rows(feats.bins[0].view(), &thr);
    assert_eq!(rows[5], t.states[0], "the benchmark's starting state");
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
    assert_eq!(r.feedforward_top.map(|g| g.len()), Some(3), "T = 1 too");
    let sum: f64 = r.top.iter().map(|g| g.prob).sum();
    assert!(sum > 0.0 && sum <= 1.0 + 1e-9);
    // An upload at another side is resized to the model's; its bubbles reach their bin.
    let big: Vec<u8> = (0..96 * 96 * 3).map(|i| (i * 7 % 256) as u8).collect();
    let JobResult::Classify(r) = classify(&s, &ctx, ImageSource::Pixels(big), 30) else {
        panic!("a classify job answers");
    };
    assert!((30.0..35.0).contains(&r.visible_pct));
    assert_eq!(r.top.len(), 3);

    for bad in [
        ImageSource::Pixels(vec![1, 2, 3, 4]),
        ImageSource::Pixels(vec![0; 600 * 600 * 3]),
        ImageSource::Cifar(1_000_000),
        ImageSource::Photo(92),
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

#[test]
fn an_imagenet_network_answers_with_five_imagenet_classes() {
    let dir = brainprobe_models::native::prepared_root().join("efficientnet-lite0");
    if !dir.join("model.safetensors").exists() {
        eprintln!(
            "skipped: {} is not prepared (cargo xtask prepare-data)",
            dir.display()
        );
        return;
    }
    let ctx = RunContext::new(Assets::new(default_native_root().display().to_string()));
    let s = subject("efficientnet-lite0");
    // Photo 0 whole, and an upload at the page's 224 px behind bubbles.
    let JobResult::Classify(r) = classify(&s, &ctx, ImageSource::Photo(0), 100) else {
        panic!("a classify job answers");
    };
    assert_eq!((r.top.len(), r.class_set.as_str()), (5, "ImageNet-1k"));
    assert!(r.top.windows(2).all(|w| w[0].prob >= w[1].prob));
    assert!(
        r.top.iter().all(|g| !g.class.starts_with("class ")),
        "named classes: {:?}",
        r.top
    );
    let px: Vec<u8> = (0..224 * 224 * 3).map(|i| (i * 31 % 256) as u8).collect();
    let JobResult::Classify(u) = classify(&s, &ctx, ImageSource::Pixels(px), 20) else {
        panic!("a classify job answers");
    };
    assert!((20.0..25.0).contains(&u.visible_pct));
    assert_eq!(u.top.len(), 5);
    let cifar = pollster::block_on(run_job(
        &Job::Classify {
            model: "efficientnet-lite0".into(),
            image: ImageSource::Cifar(0),
            visibility_pct: 20,
        },
        &s,
        &ctx,
        &Silent,
    ))
    .expect_err("CIFAR-10 images are for CIFAR-10 models");
    assert!(
        run_error(&cifar).message.contains("CIFAR"),
        "{}",
        run_error(&cifar).message
    );
}
