//! Device-level behaviour: the forced-CPU path, descriptions, device mixing, the pipeline
//! cache, binding-size chunking under a small configured limit, device loss and fallback.

use brainprobe_engine::{Device, EngineError, GpuOptions, Tensor};

use crate::common::{
    both, check, gpu, open_gpu, small_binding_gpu, Rng, TestResult, Tol, EXACT, SMALL_BINDING_BYTES,
};
use crate::parity_matmul::matmul_case;

fn s<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

async fn forced_cpu_matches_reference_and_says_so() -> TestResult {
    let cpu = Device::Cpu;
    let line = cpu.describe().to_string();
    if !line.contains("CPU") || !line.contains("no GPU") {
        return Err(format!("CPU description does not say so: {line}"));
    }
    // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50], then relu(x - 30) = [0 0 13 20]
    let a = Tensor::from_vec(vec![1., 2., 3., 4.], &[2, 2], &cpu).map_err(s)?;
    let b = Tensor::from_vec(vec![5., 6., 7., 8.], &[2, 2], &cpu).map_err(s)?;
    let off = Tensor::from_vec(vec![-30.], &[1], &cpu).map_err(s)?;
    let y = a
        .matmul(&b)
        .and_then(|c| c.add(&off))
        .and_then(|c| c.relu())
        .map_err(s)?;
    check(
        "cpu forward",
        &y.to_vec().await.map_err(s)?,
        &[0., 0., 13., 20.],
        None,
        EXACT,
    )
}

async fn gpu_describes_itself() -> TestResult {
    let gpu = gpu().await?;
    let info = gpu.describe();
    if info.kind != "gpu" || info.backend.is_empty() || info.max_binding_bytes.is_none() {
        return Err(format!("bad GPU description: {info:?}"));
    }
    Ok(())
}

async fn mixing_devices_is_an_error() -> TestResult {
    let gpu = gpu().await?;
    let (c, g) = both(&[1.0, 2.0], &[2], &gpu)?;
    match c.add(&g) {
        Err(EngineError::DeviceMismatch { op: "add", .. }) => Ok(()),
        other => Err(format!("expected DeviceMismatch, got {other:?}")),
    }
}

async fn pipelines_are_cached_and_work_batched() -> TestResult {
    let gpu = gpu().await?;
    let Device::Gpu(handle) = &gpu else {
        return Err("not a GPU".into());
    };
    let (_, x) = both(&Rng::new(1).vec(64, -1.0, 1.0), &[8, 8], &gpu)?;
    // a small forward: many ops, one readback (one submit)
    let y = x
        .matmul(&x)
        .and_then(|y| y.relu())
        .and_then(|y| y.softmax(false))
        .map_err(s)?;
    let before = handle.cached_pipelines();
    let z = y
        .matmul(&x)
        .and_then(|z| z.relu())
        .and_then(|z| z.softmax(false))
        .map_err(s)?;
    if handle.cached_pipelines() != before {
        return Err("repeating the same ops compiled new pipelines".into());
    }
    let out = Tensor::read_all(&[&y, &z]).await.map_err(s)?;
    if out.len() != 2 || out[1].len() != 64 {
        return Err("read_all returned the wrong sizes".into());
    }
    Ok(())
}

async fn chunked_matmul_under_small_binding_limit() -> TestResult {
    // 16 KiB bindings = 4096 floats: every operand below is larger, so matmul splits M, N and K.
    let small = small_binding_gpu().await?;
    if small.describe().max_binding_bytes != Some(SMALL_BINDING_BYTES) {
        return Err(format!("limit not applied: {:?}", small.describe()));
    }
    matmul_case(&small, &[100, 70], &[70, 90], false, false, 40).await?;
    matmul_case(&small, &[70, 100], &[90, 70], true, true, 41).await?;
    matmul_case(&small, &[100, 70], &[90, 70], false, true, 42).await?;
    matmul_case(&small, &[2, 65, 80], &[80, 3], false, false, 43).await?;
    matmul_case(&small, &[3, 300], &[300, 200], false, false, 44).await
}

async fn chunked_unary_and_typed_error_when_unsplittable() -> TestResult {
    let small = small_binding_gpu().await?;
    let data = Rng::new(50).vec(10_000, -3.0, 3.0);
    let (c, g) = both(&data, &[10_000], &small)?;
    let want = c.gelu_erf().map_err(s)?.to_vec().await.map_err(s)?;
    let got = g.gelu_erf().map_err(s)?.to_vec().await.map_err(s)?;
    check("chunked gelu_erf", &got, &want, None, Tol::new(1e-6, 1e-5))?;
    match g.softmax(false) {
        Err(EngineError::BindingTooLarge { op: "softmax", .. }) => Ok(()),
        other => Err(format!("expected BindingTooLarge, got {other:?}")),
    }
}

async fn device_loss_is_an_error_and_cpu_takes_over() -> TestResult {
    let own = open_gpu(GpuOptions::default()).await?;
    let Device::Gpu(handle) = &own else {
        return Err("not a GPU".into());
    };
    let (_, x) = both(&[1.0, -1.0], &[2], &own)?;
    handle.simulate_device_loss();
    let err = match x.relu() {
        Ok(y) => y.to_vec().await.err(),
        Err(e) => Some(e),
    };
    match err {
        Some(e @ EngineError::DeviceLost(_)) if e.is_gpu_failure() => {}
        other => return Err(format!("expected DeviceLost, got {other:?}")),
    }
    let y = Tensor::from_vec(vec![1.0, -1.0], &[2], &Device::Cpu)
        .and_then(|x| x.relu())
        .map_err(s)?;
    check(
        "fallback",
        &y.to_vec().await.map_err(s)?,
        &[1.0, 0.0],
        None,
        EXACT,
    )
}

async fn oversized_matmul_is_out_of_memory() -> TestResult {
    let gpu = gpu().await?;
    // [2^18, 1] x [1, 2^18] would need a 256 GiB output buffer: refused before any GPU work.
    let n = 1 << 18;
    let (_, a) = both(&vec![1.0; n], &[n, 1], &gpu)?;
    let (_, b) = both(&vec![1.0; n], &[1, n], &gpu)?;
    match a.matmul(&b) {
        Err(e @ EngineError::OutOfMemory { .. }) if e.is_gpu_failure() => Ok(()),
        other => Err(format!(
            "expected OutOfMemory, got {:?}",
            other.map(|t| t.shape().to_vec())
        )),
    }
}

parity_test!(
    oversized_matmul_is_out_of_memory,
    forced_cpu_matches_reference_and_says_so,
    gpu_describes_itself,
    mixing_devices_is_an_error,
    pipelines_are_cached_and_work_batched,
    chunked_matmul_under_small_binding_limit,
    chunked_unary_and_typed_error_when_unsplittable,
    device_loss_is_an_error_and_cpu_takes_over,
);
