#![cfg(not(target_arch = "wasm32"))]

//! Sanity checks of the vision benchmarks on the committed weights and the prepared
//! bundles (`cargo xtask prepare-data`): shuffled image order → RSA ≈ 0; a model whose
//! features are constant → "undefined (constant)", never NaN; 100 % visibility = the
//! unoccluded images exactly; Gpu (lavapipe natively, with `WGPU_BACKEND=vulkan`) = Cpu
//! within 1e-4; small-size runs of the occlusion and attractor benchmarks. Sizes are kept
//! small (≤ 100 images, two bins); the CLI runs the full sizes.

use std::collections::HashMap;

use brainprobe_benchmarks::data::DataLog;
use brainprobe_benchmarks::registry::{self, find};
use brainprobe_benchmarks::score::{Details, Undefined, Value};
use brainprobe_benchmarks::vision::bubbles::{TestSubset, Viewing};
use brainprobe_benchmarks::vision::kriegeskorte2008::{
    self, score_activations, ItReference, Target,
};
use brainprobe_benchmarks::{
    BenchError, RunContext, RunOptions, Score, Silent, Subject, VisionSubject,
};
use brainprobe_data::assets::default_native_root;
use brainprobe_data::Assets;
use brainprobe_engine::{Device, GpuOptions};
use brainprobe_metrics::RandomState;
use brainprobe_models::load::committed_weights;
use brainprobe_models::vision::cornet::Cornet;
use brainprobe_models::vision::record::LayerSelection;
use brainprobe_models::vision::VisionModel;
use brainprobe_models::{HostTensor, Provenance, WeightStore, Weights};

fn assets() -> Assets {
    Assets::new(default_native_root().display().to_string())
}

fn small() -> RunContext {
    let mut ctx = RunContext::new(assets());
    ctx.options = RunOptions {
        occlusion_per_class: 10,
        max_visibility_pct: 10.0,
        attractor_train_per_class: 10,
        attractor_steps: 16,
        feedforward_variant: true,
        ..RunOptions::default()
    };
    ctx
}

/// Benchmark `bench` run through the registry on `s`, as the CLI runs it.
fn run(bench: &str, s: &Subject, ctx: &RunContext) -> Result<Score, BenchError> {
    pollster::block_on(registry::run(find(bench).unwrap(), s, ctx, &Silent))
}

fn subject(id: &str, device: Device) -> VisionSubject {
    match Subject::load_blocking(id, &WeightStore::native(), &device).expect("model loads") {
        Subject::Vision(v) => v,
        _ => panic!("{id} is a vision model"),
    }
}

#[test]
fn shuffled_image_order_drops_rsa_to_zero_and_reruns_are_identical() {
    let s = subject("cornet-z-mini", Device::Cpu);
    let assets = assets();
    let mut log = DataLog::new(&assets);
    let reference = pollster::block_on(ItReference::load(Target::HumanIt, &mut log)).unwrap();
    let images = pollster::block_on(kriegeskorte2008::images(&s, &mut log)).unwrap();
    let data = pollster::block_on(log.finish()).unwrap();
    let layers = LayerSelection::Named(vec!["IT".into()]);
    let rec = pollster::block_on(s.record(&images, &layers, None, "92", &Silent)).unwrap();
    let spec = find("kriegeskorte2008-it-rsa").unwrap();
    let score = |rec: &[_]| {
        score_activations(spec, &reference, rec, s.model_ref(None), data.clone()).unwrap()
    };
    let original = score(&rec);
    assert_eq!(original, score(&rec), "re-run differs");
    let mut shuffled_raw = Vec::new();
    for seed in 0..10 {
        let perm = RandomState::new(seed).permutation(92);
        let mut r = rec.clone();
        r[0].values = rec[0].values.select(ndarray::Axis(0), &perm);
        shuffled_raw.push(score(&r).raw.get().unwrap());
    }
    let mean = shuffled_raw.iter().sum::<f64>() / 10.0;
    assert!(
        mean.abs() < 0.05 && shuffled_raw.iter().all(|r| r.abs() < 0.1),
        "original {:?}, shuffled {shuffled_raw:?}",
        original.raw
    );
}

#[test]
fn constant_features_give_undefined_constant_not_nan() {
    let (manifest, weights) =
        pollster::block_on(committed_weights("cornet-z-mini", &WeightStore::native())).unwrap();
    let shapes = shapes("cornet-z-mini");
    let zeros: HashMap<String, HostTensor> = weights
        .names()
        .into_iter()
        .map(|n| {
            let t = weights.get(n, &shapes[n]).unwrap();
            (
                n.to_string(),
                HostTensor {
                    shape: t.shape.clone(),
                    data: vec![0.0; t.data.len()],
                },
            )
        })
        .collect();
    let model = Cornet::load(
        &Weights::from_tensors("zeros", zeros),
        &manifest,
        &Device::Cpu,
    )
    .unwrap();
    let provenance = Provenance {
        weights_sha256: "zeros".into(),
        updates: 0,
    };
    let subject = Subject::Vision(VisionSubject::new(
        VisionModel::Cornet(model),
        &provenance,
        Device::Cpu,
    ));
    let score = run("kriegeskorte2008-it-rsa", &subject, &small()).unwrap();
    assert_eq!(score.value, Value::Undefined(Undefined::Constant));
    assert_eq!(score.raw.to_string(), "undefined (constant)");
    assert!(score
        .layers
        .iter()
        .all(|l| l.value == Value::Undefined(Undefined::Constant)));
    assert_eq!(score.best_layer, None);
    assert!(
        score
            .notes
            .iter()
            .any(|n| n.contains("undefined (constant)")),
        "{:?}",
        score.notes
    );
    let json = serde_json::to_string(&score).unwrap();
    assert!(!json.contains("NaN") && json.contains(r#""undefined":"constant""#));
}

/// Shapes of the tensors in the safetensors file of `id`.
fn shapes(id: &str) -> HashMap<String, Vec<usize>> {
    let path = brainprobe_models::native::weights_root()
        .join(brainprobe_models::registry::weights_file(id));
    let bytes = std::fs::read(path).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    st.tensors()
        .into_iter()
        .map(|(n, t)| (n, t.shape().to_vec()))
        .collect()
}

#[test]
fn full_visibility_reproduces_unoccluded_accuracy_exactly() {
    let s = subject("cornet-z-mini", Device::Cpu);
    let assets = assets();
    let mut log = DataLog::new(&assets);
    let subset = pollster::block_on(TestSubset::load(&mut log, 10)).unwrap();
    let (whole, _) = subset
        .inputs(Viewing::Whole, s.model.normalisation())
        .unwrap();
    let (full, vis) = subset
        .inputs(Viewing::FullyVisible, s.model.normalisation())
        .unwrap();
    assert_eq!(vis, 100.0);
    assert_eq!(
        whole, full,
        "compositing through a mask of ones changed pixels"
    );
    let a = pollster::block_on(s.predict(&whole, None, "whole", &Silent)).unwrap();
    let b = pollster::block_on(s.predict(&full, None, "full", &Silent)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn occlusion_and_attractor_run_small() {
    let s = Subject::Vision(subject("cornet-s-mini", Device::Cpu));
    let mut ctx = small();
    ctx.options.occlusion_per_class = 5;
    let occ = run("tang2018-occlusion", &s, &ctx).unwrap();
    let Some(Details::Occlusion(d)) = &occ.details else {
        panic!("no occlusion details")
    };
    assert_eq!((d.images, d.bins.len()), (50, 2));
    assert!(
        d.feedforward.is_some(),
        "cornet-s-mini gets the T=1 variant"
    );
    assert_eq!(d.model.answers.len(), 2);
    assert!(d.model.answers.iter().all(|a| a.n == 50));
    assert_eq!(
        d.model.whole_answers.correct as f64 / 50.0,
        d.model.whole_accuracy
    );
    let v = occ.value.get().unwrap();
    assert!((0.0..=1.0).contains(&v), "{v}");
    let err = run("tang2018-attractor", &s, &ctx).unwrap_err();
    assert!(err.to_string().contains("training images"), "{err}");
    // smoke run only: the bundle's test images stand in for training images here
    ctx.options.attractor_train_per_class = 5;
    let mut log = DataLog::new(&ctx.assets);
    ctx.cifar_train = Some(
        pollster::block_on(TestSubset::load(&mut log, 100))
            .unwrap()
            .set,
    );
    let att = run("tang2018-attractor", &s, &ctx).unwrap();
    let Some(Details::Attractor(a)) = &att.details else {
        panic!("no attractor details")
    };
    assert_eq!((a.units, a.patterns, a.bins.len()), (128, 10, 2));
    assert!(a.bins.iter().all(|b| b.accuracy_by_step.len() == 17));
    assert!(a
        .bins
        .iter()
        .chain([&a.whole])
        .all(|b| b.feedforward_answers.n == 50 && b.attractor_answers.n == 50));
}

#[test]
fn gpu_and_cpu_scores_agree() {
    let gpu = pollster::block_on(Device::gpu(GpuOptions::default()))
        .expect("GPU test needs an adapter (lavapipe natively with WGPU_BACKEND=vulkan)");
    let rsa_on = |d: Device| {
        run(
            "kriegeskorte2008-it-rsa",
            &Subject::Vision(subject("cornet-z-mini", d)),
            &small(),
        )
        .unwrap()
    };
    let (c, g) = (rsa_on(Device::Cpu), rsa_on(gpu));
    assert_eq!(c.layers.len(), g.layers.len());
    for (a, b) in c.layers.iter().zip(&g.layers) {
        let (x, y) = (a.raw.get().unwrap(), b.raw.get().unwrap());
        assert!((x - y).abs() <= 1e-4, "{}: cpu {x} gpu {y}", a.layer);
    }
}
