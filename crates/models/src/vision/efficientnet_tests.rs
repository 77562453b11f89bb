use super::*;

#[test]
fn same_padding_is_tensorflows_asymmetric_rule() {
    // pad = max((ceil(in/s) - 1) * s + k - in, 0), pad // 2 before, the rest after.
    assert_eq!(same_padding(224, 3, 2), (0, 1));
    assert_eq!(same_padding(112, 3, 1), (1, 1));
    assert_eq!(same_padding(56, 5, 2), (1, 2));
    assert_eq!(same_padding(28, 3, 2), (0, 1));
    assert_eq!(same_padding(14, 5, 1), (2, 2));
    assert_eq!(same_padding(7, 1, 1), (0, 0));
    assert_eq!(same_padding(7, 3, 2), (1, 1));
}

#[test]
fn the_seeded_twin_is_deterministic_and_initialised_like_pytorch() {
    let c = EfficientNetConfig::lite0();
    let a = untrained_weights("efficientnet-lite0-untrained", &c);
    let b = untrained_weights("efficientnet-lite0-untrained", &c);
    let other = untrained_weights("another-id", &c);
    let name = "_blocks.1._depthwise_conv.weight";
    let shape = [96, 1, 3, 3];
    let w = &a.get(name, &shape).unwrap().data;
    assert_eq!(w, &b.get(name, &shape).unwrap().data);
    assert_ne!(w, &other.get(name, &shape).unwrap().data);
    // Depthwise fan_in = 1 * 3 * 3: uniform(±1/3), mean ~0, variance bound^2 / 3.
    let bound = 1.0 / 3.0;
    assert!(w.iter().all(|v| v.abs() <= bound));
    let mean = w.iter().sum::<f32>() / w.len() as f32;
    let var = w.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / w.len() as f32;
    assert!(
        mean.abs() < 0.02 && (var - bound * bound / 3.0).abs() < 0.006,
        "{mean} {var}"
    );
    let fc = &a.get("_fc.weight", &[1000, 1280]).unwrap().data;
    assert!(fc.iter().all(|v| v.abs() <= 1.0 / 1280f32.sqrt()));
    assert!(a
        .get("_bn1.weight", &[1280])
        .unwrap()
        .data
        .iter()
        .all(|&v| v == 1.0));
    assert!(a
        .get("_bn1.running_mean", &[1280])
        .unwrap()
        .data
        .iter()
        .all(|&v| v == 0.0));
    assert!(a
        .get("_bn1.running_var", &[1280])
        .unwrap()
        .data
        .iter()
        .all(|&v| v == 1.0));
}

#[test]
fn the_twin_runs_and_names_every_layer_with_its_shape() {
    let config = EfficientNetConfig {
        image_size: 64,
        ..EfficientNetConfig::lite0()
    };
    let w = untrained_weights("t", &config);
    let norm = brainprobe_arch::efficientnet::LITE_NORMALISATION;
    let m = EfficientNet::load("t", config, norm, &w, &Device::Cpu).unwrap();
    let x = Tensor::from_vec(vec![0.5; 3 * 64 * 64], &[1, 3, 64, 64], &Device::Cpu).unwrap();
    let out = m.forward(&x).unwrap();
    let shapes: Vec<(String, Vec<usize>)> = out
        .layers
        .iter()
        .map(|(n, t)| (n.clone(), t.shape().to_vec()))
        .collect();
    let want: Vec<(&str, Vec<usize>)> = vec![
        ("stem", vec![1, 32, 32, 32]),
        ("stage1", vec![1, 16, 32, 32]),
        ("stage2", vec![1, 24, 16, 16]),
        ("stage3", vec![1, 40, 8, 8]),
        ("stage4", vec![1, 80, 4, 4]),
        ("stage5", vec![1, 112, 4, 4]),
        ("stage6", vec![1, 192, 2, 2]),
        ("stage7", vec![1, 320, 2, 2]),
        ("head", vec![1, 1280, 2, 2]),
        ("pool", vec![1, 1280]),
        ("logits", vec![1, 1000]),
    ];
    assert_eq!(shapes.len(), want.len());
    for ((n, s), (wn, ws)) in shapes.iter().zip(&want) {
        assert_eq!((n.as_str(), s), (*wn, ws));
    }
    let bad = Tensor::from_vec(vec![0.0; 3 * 32 * 32], &[1, 3, 32, 32], &Device::Cpu).unwrap();
    let Err(e) = m.forward(&bad) else {
        panic!("a 32 px input was accepted")
    };
    assert!(e.to_string().contains("64"), "{e}");
}

#[test]
fn a_manifest_names_a_known_family_with_its_input_and_classes() {
    let manifest = |arch: &str| {
        brainprobe_arch::WeightsManifest::parse(&format!("id = \"e\"\n[architecture]\n{arch}\n"))
            .unwrap()
    };
    let ok = manifest("family = \"efficientnet-lite0\"\nimage_size = 224\nclasses = 1000");
    assert_eq!(
        EfficientNet::config_of(&ok).unwrap(),
        EfficientNetConfig::lite0()
    );
    let other = manifest("family = \"efficientnet-b7\"\nimage_size = 600\nclasses = 1000");
    assert!(EfficientNet::config_of(&other)
        .unwrap_err()
        .to_string()
        .contains("b7"));
    let size = manifest("family = \"efficientnet-lite0\"\nimage_size = 240\nclasses = 1000");
    assert!(EfficientNet::config_of(&size)
        .unwrap_err()
        .to_string()
        .contains("image_size"));
}
