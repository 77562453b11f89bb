//! Parity of the engine CORnet-mini forward pass (Cpu and Gpu) with the candle forward
//! pass of the training code, on the committed weights: every recorded area and the
//! logits within 1e-4 relative (max |diff| / max |reference| per layer). The reference
//! is `tests/fixtures/<id>.parity.safetensors`, written by
//! `cargo run -p brainprobe-train --release -- parity-fixture <id>` (whose own test
//! checks that the fixture still equals candle's output).

use brainprobe_engine::{Device, Tensor};
use brainprobe_models::vision::cornet::Cornet;
use brainprobe_models::vision::VisionModel;
use brainprobe_models::{parse_manifest, Weights};

use crate::common::{gpu, relative_error, TestResult};

/// Largest accepted relative error per layer.
const TOLERANCE: f32 = 1e-4;

struct Case {
    id: &'static str,
    weights: &'static [u8],
    manifest: &'static str,
    fixture: &'static [u8],
}

macro_rules! case {
    ($id:literal) => {
        Case {
            id: $id,
            weights: include_bytes!(concat!("../../../weights/", $id, "/model.safetensors")),
            manifest: include_str!(concat!("../../../weights/", $id, "/manifest.toml")),
            fixture: include_bytes!(concat!("fixtures/", $id, ".parity.safetensors")),
        }
    };
}

fn cases() -> Vec<Case> {
    vec![case!("cornet-z-mini"), case!("cornet-s-mini")]
}

async fn check(case: &Case, device: &Device) -> TestResult {
    let err = |e: brainprobe_models::ModelError| format!("{}: {e}", case.id);
    let weights = Weights::from_safetensors(case.id, case.weights).map_err(err)?;
    let manifest = parse_manifest(case.id, case.manifest).map_err(err)?;
    let fixture = Weights::from_safetensors("fixture", case.fixture).map_err(err)?;
    let model = Cornet::load(&weights, &manifest, device).map_err(err)?;
    let input = fixture.get("input", &[2, 3, 32, 32]).map_err(err)?;
    let x =
        Tensor::from_vec(input.data.clone(), &input.shape, device).map_err(|e| e.to_string())?;
    let out = model.forward(&x, None).map_err(err)?;
    let tensors: Vec<&Tensor> = out.layers.iter().map(|(_, t)| t).collect();
    let values = Tensor::read_all(&tensors)
        .await
        .map_err(|e| e.to_string())?;
    let mut checked = 0;
    for ((name, t), got) in out.layers.iter().zip(&values) {
        let key = if name == "logits" {
            "logits".to_string()
        } else {
            format!("layer.{name}")
        };
        let want = fixture.get(&key, t.shape()).map_err(err)?;
        let rel = relative_error(got, &want.data);
        if rel.is_nan() || rel > TOLERANCE {
            return Err(format!(
                "{} on {}: layer `{name}` differs from candle by {rel:e} (relative)",
                case.id,
                device.describe()
            ));
        }
        checked += 1;
    }
    if checked < 6 {
        return Err(format!("{}: only {checked} layers compared", case.id));
    }
    Ok(())
}

async fn cornet_cpu_matches_candle() -> TestResult {
    for case in cases() {
        check(&case, &Device::Cpu).await?;
    }
    Ok(())
}

async fn cornet_gpu_matches_candle() -> TestResult {
    let device = gpu().await?;
    for case in cases() {
        check(&case, &device).await?;
    }
    Ok(())
}

/// T = 1 (the feedforward sweep) records one step per area and changes the output.
async fn cornet_s_timestep_override() -> TestResult {
    let case = case!("cornet-s-mini");
    let weights = Weights::from_safetensors(case.id, case.weights).map_err(|e| e.to_string())?;
    let manifest = parse_manifest(case.id, case.manifest).map_err(|e| e.to_string())?;
    let model = Cornet::load(&weights, &manifest, &Device::Cpu).map_err(|e| e.to_string())?;
    let x = Tensor::from_vec(vec![0.5; 3 * 32 * 32], &[1, 3, 32, 32], &Device::Cpu)
        .map_err(|e| e.to_string())?;
    let full = model.forward(&x, None).map_err(|e| e.to_string())?;
    let sweep = model.forward(&x, Some(1)).map_err(|e| e.to_string())?;
    let names: Vec<&str> = sweep.layers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["V1", "V2.t0", "V2", "V4.t0", "V4", "IT.t0", "IT", "decoder", "logits"]
    );
    assert_eq!(model.layer_names(Some(1)), names);
    let a = full.logits.to_vec().await.map_err(|e| e.to_string())?;
    let b = sweep.logits.to_vec().await.map_err(|e| e.to_string())?;
    if a == b {
        return Err("T=1 gave the same logits as full recurrence".into());
    }
    Ok(())
}

/// `record` on the Gpu and the Cpu agree on every layer (batching and readback included).
async fn record_gpu_matches_cpu() -> TestResult {
    use brainprobe_models::vision::record::{record, LayerSelection};
    let case = case!("cornet-s-mini");
    let weights = Weights::from_safetensors(case.id, case.weights).map_err(|e| e.to_string())?;
    let manifest = parse_manifest(case.id, case.manifest).map_err(|e| e.to_string())?;
    let images: Vec<Vec<f32>> = (0..5)
        .map(|i| {
            (0..3 * 32 * 32)
                .map(|j| ((i * 7919 + j * 104_729) % 1000) as f32 / 500.0 - 1.0)
                .collect()
        })
        .collect();
    let gpu = gpu().await?;
    let mut results = Vec::new();
    for device in [&Device::Cpu, &gpu] {
        let model = VisionModel::Cornet(
            Cornet::load(&weights, &manifest, device).map_err(|e| e.to_string())?,
        );
        let mut calls = 0;
        let layers = record(
            &model,
            &images,
            &LayerSelection::All,
            None,
            2,
            device,
            |_, _| calls += 1,
        )
        .await
        .map_err(|e| e.to_string())?;
        if calls != 3 {
            return Err(format!("progress called {calls} times for 3 batches"));
        }
        results.push(layers);
    }
    for (c, g) in results[0].iter().zip(&results[1]) {
        if c.values.dim() != g.values.dim() || c.values.nrows() != 5 {
            return Err(format!(
                "layer {}: shapes {:?} vs {:?}",
                c.name,
                c.values.dim(),
                g.values.dim()
            ));
        }
        let rel = relative_error(
            g.values.as_slice().unwrap_or(&[]),
            c.values.as_slice().unwrap_or(&[]),
        );
        if rel.is_nan() || rel > TOLERANCE {
            return Err(format!(
                "record: layer `{}` differs between Gpu and Cpu by {rel:e}",
                c.name
            ));
        }
    }
    let model = VisionModel::Cornet(
        Cornet::load(&weights, &manifest, &Device::Cpu).map_err(|e| e.to_string())?,
    );
    let bad = record(
        &model,
        &images,
        &LayerSelection::Named(vec!["V3".into()]),
        None,
        2,
        &Device::Cpu,
        |_, _| {},
    )
    .await;
    match bad {
        Err(e) if e.to_string().contains("no layer `V3`") => Ok(()),
        other => Err(format!(
            "unknown layer accepted: {:?}",
            other.map(|l| l.len())
        )),
    }
}

parity_test!(
    cornet_cpu_matches_candle,
    cornet_gpu_matches_candle,
    cornet_s_timestep_override,
    record_gpu_matches_cpu
);
