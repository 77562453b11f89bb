//! EfficientNet-Lite0 natively: the engine forward (Cpu) against an independent forward
//! written with candle's ops (unfolded batch norms, explicit zero padding, grouped conv),
//! every recorded layer and the logits within 1e-4 relative — on the seeded twin (always)
//! and on the prepared ImageNet weights, which candle reads from the safetensors file itself
//! (when prepare-data has converted them). Then a semantic check that the weights are read
//! correctly: for the Kriegeskorte images whose object has an ImageNet class
//! (`tests/data/kriegeskorte_imagenet_classes.tsv`, annotated by hand), how often the right
//! class is in the top 5.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;

use brainprobe_arch::efficientnet::LITE_NORMALISATION;
use brainprobe_arch::{EfficientNetConfig, Normalisation};
use brainprobe_engine::{Device, Tensor};
use brainprobe_models::vision::efficientnet::{same_padding, untrained_weights, EfficientNet};
use brainprobe_models::vision::imagenet::top_k;
use brainprobe_models::vision::preprocess::preprocess_bytes_at;
use brainprobe_models::vision::VisionModel;
use candle_core::{DType, Device as CDevice, Tensor as CTensor, D};

const TOLERANCE: f32 = 1e-4;

/// The reference forward: `w` holds the state dict in f32 (EfficientNet-PyTorch names).
fn candle_layers(
    config: &EfficientNetConfig,
    w: &HashMap<String, CTensor>,
    x: &CTensor,
) -> Vec<(String, Vec<f32>)> {
    let get = |n: &str| w.get(n).unwrap_or_else(|| panic!("missing {n}")).clone();
    let bn = |x: &CTensor, name: &str| -> CTensor {
        let c = |p: &str| get(&format!("{name}.{p}")).reshape((1, (), 1, 1)).unwrap();
        let denom = (c("running_var") + config.bn_eps).unwrap().sqrt().unwrap();
        x.broadcast_sub(&c("running_mean"))
            .unwrap()
            .broadcast_div(&denom)
            .unwrap()
            .broadcast_mul(&c("weight"))
            .unwrap()
            .broadcast_add(&c("bias"))
            .unwrap()
    };
    let conv = |x: &CTensor, name: &str, k: usize, s: usize, groups: usize| -> CTensor {
        let side = x.dim(2).unwrap();
        let (a, b) = same_padding(side, k, s);
        let x = x
            .pad_with_zeros(2, a, b)
            .unwrap()
            .pad_with_zeros(3, a, b)
            .unwrap();
        x.conv2d(&get(&format!("{name}.weight")), 0, s, 1, groups)
            .unwrap()
    };
    let relu6 = |x: CTensor| x.clamp(0f32, 6f32).unwrap();
    let flat = |t: &CTensor| t.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let mut out = Vec::new();
    let mut h = relu6(bn(&conv(x, "_conv_stem", 3, 2, 1), "_bn0"));
    out.push(("stem".to_string(), flat(&h)));
    let blocks = config.blocks();
    for (i, b) in blocks.iter().enumerate() {
        let p = format!("_blocks.{i}");
        let input = h.clone();
        let mut y = h.clone();
        if b.has_expand {
            y = relu6(bn(
                &conv(&y, &format!("{p}._expand_conv"), 1, 1, 1),
                &format!("{p}._bn0"),
            ));
        }
        y = relu6(bn(
            &conv(
                &y,
                &format!("{p}._depthwise_conv"),
                b.kernel,
                b.stride,
                b.expanded,
            ),
            &format!("{p}._bn1"),
        ));
        y = bn(
            &conv(&y, &format!("{p}._project_conv"), 1, 1, 1),
            &format!("{p}._bn2"),
        );
        h = if b.skip { (y + input).unwrap() } else { y };
        if blocks.get(i + 1).is_none_or(|n| n.stage != b.stage) {
            out.push((format!("stage{}", b.stage + 1), flat(&h)));
        }
    }
    h = relu6(bn(&conv(&h, "_conv_head", 1, 1, 1), "_bn1"));
    out.push(("head".into(), flat(&h)));
    let pooled = h.mean(D::Minus1).unwrap().mean(D::Minus1).unwrap();
    out.push(("pool".into(), flat(&pooled)));
    let logits = pooled
        .matmul(&get("_fc.weight").t().unwrap())
        .unwrap()
        .broadcast_add(&get("_fc.bias"))
        .unwrap();
    out.push(("logits".into(), flat(&logits)));
    out
}

/// The engine's layers (Cpu) for the same input.
fn engine_layers(model: &EfficientNet, x: &[f32], n: usize) -> Vec<(String, Vec<f32>)> {
    let side = model.config.image_size;
    let t = Tensor::from_vec(x.to_vec(), &[n, 3, side, side], &Device::Cpu).unwrap();
    let out = model.forward(&t).unwrap();
    let tensors: Vec<&Tensor> = out.layers.iter().map(|(_, t)| t).collect();
    let values = pollster::block_on(Tensor::read_all(&tensors)).unwrap();
    out.layers
        .iter()
        .map(|(n, _)| n.clone())
        .zip(values)
        .collect()
}

/// Largest per-layer relative gap, printed per layer.
fn compare(label: &str, ours: &[(String, Vec<f32>)], theirs: &[(String, Vec<f32>)]) -> f32 {
    assert_eq!(ours.len(), theirs.len());
    let mut worst = 0f32;
    for ((name, a), (name_b, b)) in ours.iter().zip(theirs) {
        assert_eq!(name, name_b);
        assert_eq!(a.len(), b.len(), "{name}");
        let scale = b.iter().fold(0f32, |m, v| m.max(v.abs()));
        let gap = a.iter().zip(b).fold(0f32, |m, (x, y)| m.max((x - y).abs()));
        let rel = if scale > 0.0 { gap / scale } else { gap };
        println!(
            "{label} {name:>7}: max |engine - candle| = {gap:.3e} ({rel:.3e} of max {scale:.3})"
        );
        worst = worst.max(rel);
    }
    worst
}

fn input(n: usize, side: usize) -> Vec<f32> {
    (0..n * 3 * side * side)
        .map(|i| ((i * 7919 % 1000) as f32 / 500.0) - 1.0)
        .collect()
}

#[test]
fn the_seeded_twin_equals_an_independent_candle_forward() {
    let config = EfficientNetConfig {
        image_size: 96,
        ..EfficientNetConfig::lite0()
    };
    let id = "efficientnet-lite0-untrained";
    let weights = untrained_weights(id, &config);
    let model = EfficientNet::load(
        id,
        config.clone(),
        LITE_NORMALISATION,
        &weights,
        &Device::Cpu,
    )
    .unwrap();
    let dev = CDevice::Cpu;
    let w: HashMap<String, CTensor> = config
        .tensor_shapes()
        .into_iter()
        .map(|(name, shape)| {
            let t = weights.get(&name, &shape).unwrap();
            (
                name,
                CTensor::from_vec(t.data.clone(), shape, &dev).unwrap(),
            )
        })
        .collect();
    let x = input(2, 96);
    let cx = CTensor::from_vec(x.clone(), (2, 3, 96, 96), &dev).unwrap();
    let gap = compare(
        "twin",
        &engine_layers(&model, &x, 2),
        &candle_layers(&config, &w, &cx),
    );
    assert!(gap < TOLERANCE, "{gap}");
}

/// The prepared model (None when prepare-data has not converted it).
fn prepared() -> Option<(VisionModel, std::path::PathBuf)> {
    let dir = brainprobe_models::native::prepared_root().join("efficientnet-lite0");
    if !dir.join("model.safetensors").is_file() {
        eprintln!(
            "skipped: {} is not prepared (cargo xtask prepare-data)",
            dir.display()
        );
        return None;
    }
    let store = brainprobe_models::WeightStore::native();
    let loaded =
        brainprobe_models::load_blocking("efficientnet-lite0", &store, &Device::Cpu).unwrap();
    Some((loaded.into_vision().unwrap(), dir))
}

fn stimulus(i: usize, side: usize, norm: &Normalisation) -> Vec<f32> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../data/cache/kriegeskorte2008_92images/images/{i:03}.png"
    ));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    preprocess_bytes_at(&bytes, side, norm).unwrap()
}

#[test]
fn the_prepared_weights_equal_an_independent_candle_forward() {
    let Some((VisionModel::EfficientNet(model), dir)) = prepared() else {
        return;
    };
    let dev = CDevice::Cpu;
    let w: HashMap<String, CTensor> =
        candle_core::safetensors::load(dir.join("model.safetensors"), &dev)
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k, v.to_dtype(DType::F32).unwrap()))
            .collect();
    let norm = model.normalisation;
    let x = [stimulus(62, 224, &norm), stimulus(40, 224, &norm)].concat();
    let cx = CTensor::from_vec(x.clone(), (2, 3, 224, 224), &dev).unwrap();
    let gap = compare(
        "pretrained",
        &engine_layers(&model, &x, 2),
        &candle_layers(&model.config, &w, &cx),
    );
    assert!(gap < TOLERANCE, "{gap}");
}

#[test]
fn the_right_imagenet_class_is_in_the_top_5_for_most_annotated_images() {
    let Some((VisionModel::EfficientNet(model), _)) = prepared() else {
        return;
    };
    let table = include_str!("data/kriegeskorte_imagenet_classes.tsv");
    let rows: Vec<(usize, Vec<usize>, &str)> = table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let classes = f[1].split('|').map(|c| c.parse().unwrap()).collect();
            (f[0].parse().unwrap(), classes, f[2])
        })
        .collect();
    // The checkpoints' own normalisation (the manifest's), and for the record the ImageNet
    // mean/SD of the reference package's inherited README example.
    let imagenet = Normalisation {
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
    };
    let mut counts = Vec::new();
    for (label, norm) in [
        ("manifest", model.normalisation),
        ("imagenet mean/SD", imagenet),
    ] {
        let mut hits = 0;
        for (image, classes, what) in &rows {
            let out = engine_layers(&model, &stimulus(*image, 224, &norm), 1);
            let logits = &out.last().unwrap().1;
            let top = top_k(logits, 5);
            let hit = top.iter().any(|(c, _)| classes.contains(c));
            hits += hit as usize;
            println!(
                "{label}: image {image:>2} ({what}): top-5 {:?} {}",
                top,
                if hit { "hit" } else { "miss" }
            );
        }
        println!(
            "{label}: right class in the top 5 for {hits} of {} annotated images",
            rows.len()
        );
        counts.push(hits);
    }
    // Most of them: at least three in four with the manifest's normalisation.
    assert!(
        4 * counts[0] >= 3 * rows.len(),
        "{counts:?} of {}",
        rows.len()
    );
}
