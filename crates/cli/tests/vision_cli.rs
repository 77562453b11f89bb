//! `brainprobe record` on the Cpu and the Gpu writes the same activations for the 92
//! images, and `brainprobe classify` answers images and refuses non-images clearly.
//! Needs the bundles (`cargo xtask prepare-data`) and, for the Gpu, an adapter
//! (lavapipe with `WGPU_BACKEND=vulkan`).

mod common;
use common::{brainprobe, read_npy};

const MODEL: &str = "cornet-s-mini";

#[test]
fn record_on_gpu_matches_cpu_for_the_92_images() {
    let dir = tempfile::tempdir().unwrap();
    for device in ["cpu", "gpu"] {
        let out = dir.path().join(format!("{device}.npy"));
        let run = brainprobe(&[
            "record",
            "--model",
            MODEL,
            "--dataset",
            "kriegeskorte2008_92images",
            "--layer",
            "V4.t3,IT,decoder",
            "--device",
            device,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            run.status.success(),
            "{device}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    for (layer, width) in [("V4.t3", 64 * 8 * 8), ("IT", 128 * 4 * 4), ("decoder", 128)] {
        let cpu = read_npy(&dir.path().join(format!("cpu.{layer}.npy")));
        let gpu = read_npy(&dir.path().join(format!("gpu.{layer}.npy")));
        assert_eq!(cpu.dim(), (92, width), "{layer}");
        assert_eq!(gpu.dim(), cpu.dim(), "{layer}");
        let scale = cpu.iter().fold(0f32, |m, v| m.max(v.abs()));
        let diff = cpu
            .iter()
            .zip(gpu.iter())
            .fold(0f32, |m, (a, b)| m.max((a - b).abs()));
        assert!(
            scale > 0.0 && diff <= 1e-4 * scale,
            "{layer}: Gpu vs Cpu differ by {diff} (scale {scale})"
        );
    }
}

#[test]
fn classify_prints_top3_and_refuses_non_images() {
    let ok = brainprobe(&[
        "classify",
        "--model",
        MODEL,
        "--device",
        "cpu",
        "www/assets/data/kriegeskorte2008_92images/images/000.png",
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(
        text.lines().filter(|l| l.trim_end().ends_with('%')).count(),
        3,
        "{text}"
    );
    let bad = brainprobe(&["classify", "--model", MODEL, "--device", "cpu", "README.md"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("not a PNG or JPEG"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let unknown = brainprobe(&["classify", "--model", "cornet-q", "README.md"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown model"));
}
