//! Training is bit-for-bit reproducible on one machine: the same seed gives the same
//! exported weights, and a run resumed from its epoch checkpoint ends where an
//! uninterrupted run ends. Uses a small synthetic image set (no dataset needed).

use std::path::Path;

use brainprobe_data::datasets::cifar::CifarSet;
use brainprobe_train::vision::cornet::CornetConfig;
use brainprobe_train::vision::data::Cifar;
use brainprobe_train::vision::train_vision::{train, VisionRun};
use ndarray::{Array1, Array4};

fn synthetic(n: usize, salt: usize) -> CifarSet {
    CifarSet {
        images: Array4::from_shape_fn((n, 32, 32, 3), |(i, y, x, c)| {
            ((i * 31 + y * 7 + x * 3 + c * 11 + salt) % 251) as u8
        }),
        labels: Array1::from_shape_fn(n, |i| (i % 10) as u8),
    }
}

fn run(epochs: usize) -> VisionRun {
    VisionRun {
        id: "tiny".into(),
        config: CornetConfig {
            family: "cornet-s".into(),
            channels: [4, 8, 8, 8],
            timesteps: [2, 2, 1],
            scale: 1,
            classes: 10,
        },
        epochs,
        batch: 16,
        lr: 2e-3,
        weight_decay: 0.05,
        seed: 5,
        checkpoints: vec![("@half".into(), 0.5)],
        trainable: None,
        init_from: None,
        max_train: None,
        threads: 1,
        stop_after: None,
    }
}

fn sha(root: &Path, id: &str) -> String {
    let text =
        std::fs::read_to_string(root.join("weights").join(id).join("manifest.toml")).unwrap();
    let value: toml::Table = toml::from_str(&text).unwrap();
    value["sha256"].as_str().unwrap().to_string()
}

#[test]
fn same_seed_same_weights_and_resume_matches_uninterrupted() {
    let cifar = Cifar {
        train: synthetic(48, 0),
        test: synthetic(20, 1),
    };
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    train(&run(2), &cifar, a.path(), &a.path().join("run")).unwrap();
    train(&run(2), &cifar, b.path(), &b.path().join("run")).unwrap();
    assert_eq!(sha(a.path(), "tiny"), sha(b.path(), "tiny"));
    assert_eq!(sha(a.path(), "tiny@half"), sha(b.path(), "tiny@half"));

    // Interrupted after epoch 1 (run state saved), then resumed to the end: the same
    // weights as the uninterrupted run.
    let c = tempfile::tempdir().unwrap();
    let state = c.path().join("run");
    let mut interrupted = run(2);
    interrupted.stop_after = Some(1);
    train(&interrupted, &cifar, c.path(), &state).unwrap();
    assert!(!c.path().join("weights/tiny/model.safetensors").exists());
    train(&run(2), &cifar, c.path(), &state).unwrap();
    assert_eq!(sha(c.path(), "tiny"), sha(a.path(), "tiny"));
}
