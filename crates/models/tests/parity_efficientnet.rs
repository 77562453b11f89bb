//! Parity of the engine EfficientNet-Lite forward pass, Gpu against Cpu, on the seeded
//! twin's weights (generated in code, so the browser harness needs no files) at a 64 px
//! input (the architecture is resolution-agnostic; the small side keeps SwiftShader fast):
//! every recorded layer and the logits within 1e-4 relative (max |diff| / max |Cpu|). The
//! Cpu forward itself is checked against an independent candle forward in
//! `efficientnet.rs` (native).

use brainprobe_arch::efficientnet::LITE_NORMALISATION;
use brainprobe_arch::EfficientNetConfig;
use brainprobe_engine::{Device, Tensor};
use brainprobe_models::vision::efficientnet::{untrained_weights, EfficientNet};

use crate::common::{gpu, relative_error, TestResult};

/// Largest accepted relative error per layer.
const TOLERANCE: f32 = 1e-4;

async fn layers(device: &Device, side: usize) -> Result<Vec<(String, Vec<f32>)>, String> {
    let config = EfficientNetConfig {
        image_size: side,
        ..EfficientNetConfig::lite0()
    };
    let id = "efficientnet-lite0-untrained";
    let weights = untrained_weights(id, &config);
    let model = EfficientNet::load(id, config, LITE_NORMALISATION, &weights, device)
        .map_err(|e| e.to_string())?;
    let n = 2 * 3 * side * side;
    let x: Vec<f32> = (0..n)
        .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
        .collect();
    let x = Tensor::from_vec(x, &[2, 3, side, side], device).map_err(|e| e.to_string())?;
    let out = model.forward(&x).map_err(|e| e.to_string())?;
    let tensors: Vec<&Tensor> = out.layers.iter().map(|(_, t)| t).collect();
    let values = Tensor::read_all(&tensors)
        .await
        .map_err(|e| e.to_string())?;
    Ok(out
        .layers
        .iter()
        .map(|(n, _)| n.clone())
        .zip(values)
        .collect())
}

async fn efficientnet_gpu_equals_cpu() -> TestResult {
    let side = 64;
    let want = layers(&Device::Cpu, side).await?;
    let got = layers(&gpu().await?, side).await?;
    assert_eq!(want.len(), 11);
    for ((name, w), (_, g)) in want.iter().zip(&got) {
        let e = relative_error(g, w);
        if e.is_nan() || e > TOLERANCE {
            return Err(format!("efficientnet layer {name}: relative error {e:.3e}"));
        }
    }
    Ok(())
}

parity_test!(efficientnet_gpu_equals_cpu);
