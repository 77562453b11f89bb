//! Shared by the native (`parity.rs`) and browser (`web.rs`) harnesses: the GPU under
//! test and the relative-error check (`parity_test!` is `brainprobe_engine`'s).

#![allow(dead_code)]

use brainprobe_engine::{Device, GpuOptions};

/// Test result: the error names the model, device, layer and error.
pub type TestResult = Result<(), String>;

/// Opens the GPU, failing loudly (never skipping) when there is no adapter.
pub async fn gpu() -> Result<Device, String> {
    Device::gpu(GpuOptions::default()).await.map_err(|e| {
        format!("GPU test needs an adapter (lavapipe natively, WebGPU in Chromium): {e}")
    })
}

/// max |got − want| / max |want| (0 when both are zero).
pub fn relative_error(got: &[f32], want: &[f32]) -> f32 {
    let scale = want.iter().fold(0f32, |m, v| m.max(v.abs()));
    let diff = got
        .iter()
        .zip(want)
        .fold(0f32, |m, (a, b)| m.max((a - b).abs()));
    if scale == 0.0 {
        diff
    } else {
        diff / scale
    }
}

/// Compares a causal model's forward pass with its candle fixture: every recorded
/// `layer.<name>` and `logits` within `tolerance` relative; `expected` tensors in all.
pub async fn matches_causal_fixture(
    id: &str,
    device: &Device,
    fixture: &brainprobe_models::Weights,
    layers: &[(String, brainprobe_engine::Tensor)],
    logits: &brainprobe_engine::Tensor,
    tolerance: f32,
    expected: usize,
) -> TestResult {
    let err = |e: brainprobe_models::ModelError| format!("{id}: {e}");
    let mut tensors: Vec<(String, &brainprobe_engine::Tensor)> = layers
        .iter()
        .map(|(n, t)| (format!("layer.{n}"), t))
        .collect();
    tensors.push(("logits".to_string(), logits));
    let values =
        brainprobe_engine::Tensor::read_all(&tensors.iter().map(|(_, t)| *t).collect::<Vec<_>>())
            .await
            .map_err(|e| e.to_string())?;
    for ((key, t), got) in tensors.iter().zip(&values) {
        let want = fixture.get(key, t.shape()).map_err(err)?;
        let rel = relative_error(got, &want.data);
        if rel.is_nan() || rel > tolerance {
            return Err(format!(
                "{id} on {}: `{key}` differs from candle by {rel:e} (relative)",
                device.describe()
            ));
        }
    }
    if tensors.len() != expected {
        return Err(format!(
            "{id}: {} tensors compared, expected {expected}",
            tensors.len()
        ));
    }
    Ok(())
}

/// A committed checkpoint's weights, manifest and tokenizer, parsed; errors name `id`.
pub fn checkpoint(
    id: &str,
    weights: &[u8],
    manifest: &str,
    tokenizer: &[u8],
) -> Result<
    (
        brainprobe_models::Weights,
        brainprobe_arch::WeightsManifest,
        brainprobe_text::Tokenizer,
    ),
    String,
> {
    let err = |e: brainprobe_models::ModelError| format!("{id}: {e}");
    Ok((
        brainprobe_models::Weights::from_safetensors(id, weights).map_err(err)?,
        brainprobe_models::parse_manifest(id, manifest).map_err(err)?,
        brainprobe_text::Tokenizer::from_json_bytes(tokenizer, "tokenizer.json")
            .map_err(|e| e.to_string())?,
    ))
}

/// A candle parity fixture and its `input_ids` (`n` of them) as token ids.
pub fn fixture_with_ids(
    bytes: &[u8],
    n: usize,
) -> Result<(brainprobe_models::Weights, Vec<u32>), String> {
    let err = |e: brainprobe_models::ModelError| format!("fixture: {e}");
    let fixture = brainprobe_models::Weights::from_safetensors("fixture", bytes).map_err(err)?;
    let ids = fixture
        .get("input_ids", &[n])
        .map_err(err)?
        .data
        .iter()
        .map(|&v| v as u32)
        .collect();
    Ok((fixture, ids))
}

/// Records `passages` (the last of them `["", "Hi"]`: an empty part, then a word) at
/// `layer` with the last-token readout and checks the recording: one `width`-wide row per
/// part, surprisal finite and positive for every part before the empty one, NaN for it.
pub async fn record_with_empty_part(
    model: &impl brainprobe_models::language::causal::CausalModel,
    passages: &[Vec<String>],
    layer: &str,
    width: usize,
) -> Result<brainprobe_models::language::PartRecording, String> {
    use brainprobe_models::language::{LayerSelection, Readout};
    let rec = brainprobe_models::language::causal::record_model(
        model,
        passages,
        &LayerSelection::Named(vec![layer.into()]),
        Readout::LastToken,
        |_, _| {},
    )
    .await
    .map_err(|e| e.to_string())?;
    let n: usize = passages.iter().map(Vec::len).sum();
    if rec.layers[0].values.dim() != (n, width) {
        return Err(format!(
            "rows {:?}, expected ({n}, {width})",
            rec.layers[0].values.dim()
        ));
    }
    let s = rec.surprisal_bits.as_ref().ok_or("no surprisal")?;
    if !s[..n - 2].iter().all(|v| v.is_finite() && *v > 0.0) || !s[n - 2].is_nan() {
        return Err(format!("surprisal not as expected: {s:?}"));
    }
    Ok(rec)
}
