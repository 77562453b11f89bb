//! Parity of the block-quantised ops (GGUF Q4_1 and Q8_0 weights dequantised in the kernel):
//! `x.qmatmul(&w)` with |gpu - cpu| <= 1e-6 + 1e-5 (|x|·|W|)_ij (the matmul tolerance, W
//! dequantised), also against the f32 matmul of the dequantised W on the CPU; the embedding
//! gather exactly (dequantisation is exact on every device); both under a 16 KiB binding limit
//! (split into blocks of rows), and typed errors for bad shapes, ids and devices.

use brainprobe_engine::{Device, EngineError, QMatrix, QuantType, Tensor};

use crate::common::{
    abs_on_cpu, both, check, gpu, read2, small_binding_gpu, Rng, TestResult, Tol, EXACT,
};

const TOL: Tol = Tol::new(1e-6, 1e-5);
const TYPES: [QuantType; 2] = [QuantType::Q4_1, QuantType::Q8_0];

fn s(e: EngineError) -> String {
    e.to_string()
}

/// `x [x_shape] · Wᵀ` for a random `W [n, k]` in `qtype` on the CPU and on `gpu`.
async fn qmatmul_case(
    gpu: &Device,
    qtype: QuantType,
    x_shape: &[usize],
    n: usize,
    seed: u64,
) -> TestResult {
    let k = *x_shape.last().unwrap_or(&0);
    let mut rng = Rng::new(seed);
    let x = rng.vec(x_shape.iter().product(), -1.0, 1.0);
    let w = rng.vec(n * k, -1.0, 1.0);
    let (xc, xg) = both(&x, x_shape, gpu)?;
    let wc = QMatrix::quantize(qtype, &w, [n, k], &Device::Cpu).map_err(s)?;
    let wg = QMatrix::quantize(qtype, &w, [n, k], gpu).map_err(s)?;
    let label = format!("qmatmul {} {x_shape:?} x [{n}, {k}]", qtype.name());
    let want = xc.qmatmul(&wc).map_err(|e| format!("{label} cpu: {e}"))?;
    let got = xg.qmatmul(&wg).map_err(|e| format!("{label} gpu: {e}"))?;
    let mut out_shape = x_shape.to_vec();
    *out_shape.last_mut().ok_or("empty shape")? = n;
    if got.shape() != out_shape || want.shape() != out_shape {
        return Err(format!(
            "{label}: shapes {:?} {:?}",
            got.shape(),
            want.shape()
        ));
    }
    // The f32 matmul of the dequantised weights is the same product (another summation order).
    let deq = wc.dequantize_cpu().map_err(s)?;
    let dense = xc.matmul_t(&deq, false, true).map_err(s)?;
    let w_abs = deq.to_vec().await.map_err(s)?;
    let scale = abs_on_cpu(&x, x_shape)
        .and_then(|a| a.matmul_t(&abs_on_cpu(&w_abs, &[n, k])?, false, true))
        .map_err(s)?
        .to_vec()
        .await
        .map_err(s)?;
    let [got, want] = read2(&got, &want).await?;
    check(&label, &got, &want, Some(&scale), TOL)?;
    let dense = dense.to_vec().await.map_err(s)?;
    check(
        &format!("{label} (cpu vs dense)"),
        &want,
        &dense,
        Some(&scale),
        TOL,
    )
}

async fn qmatmul_awkward_shapes() -> TestResult {
    let gpu = gpu().await?;
    let cases: [(&[usize], usize); 7] = [
        (&[1, 32], 1),
        (&[3, 64], 5),
        (&[33, 96], 65),
        (&[7, 576], 129),
        (&[2, 5, 32], 7),
        (&[65, 1536], 70),
        (&[64, 128], 64),
    ];
    for (i, &(x_shape, n)) in cases.iter().enumerate() {
        for (j, qtype) in TYPES.iter().enumerate() {
            qmatmul_case(&gpu, *qtype, x_shape, n, 900 + 10 * i as u64 + j as u64).await?;
        }
    }
    Ok(())
}

/// Gathered rows equal the CPU's exactly, and equal the rows of the dequantised table.
async fn qembedding_case(
    gpu: &Device,
    qtype: QuantType,
    vocab: usize,
    dim: usize,
    seed: u64,
) -> TestResult {
    let mut rng = Rng::new(seed);
    let table = rng.vec(vocab * dim, -2.0, 2.0);
    let ids: Vec<u32> = (0..13)
        .map(|_| rng.below(vocab as u32))
        .chain([0, vocab as u32 - 1])
        .collect();
    let wc = QMatrix::quantize(qtype, &table, [vocab, dim], &Device::Cpu).map_err(s)?;
    let wg = QMatrix::quantize(qtype, &table, [vocab, dim], gpu).map_err(s)?;
    let label = format!("qembedding {} [{vocab}, {dim}]", qtype.name());
    let want = wc
        .embedding(&ids)
        .map_err(|e| format!("{label} cpu: {e}"))?;
    let got = wg
        .embedding(&ids)
        .map_err(|e| format!("{label} gpu: {e}"))?;
    if got.shape() != [ids.len(), dim] {
        return Err(format!("{label}: shape {:?}", got.shape()));
    }
    let rows = wc
        .dequantize_cpu()
        .and_then(|t| t.embedding(&ids))
        .map_err(s)?
        .to_vec()
        .await
        .map_err(s)?;
    let [got, want] = read2(&got, &want).await?;
    check(&label, &got, &want, None, EXACT)?;
    check(
        &format!("{label} (rows of the dequantised table)"),
        &want,
        &rows,
        None,
        EXACT,
    )
}

async fn qembedding_rows() -> TestResult {
    let gpu = gpu().await?;
    for (i, &(vocab, dim)) in [(1, 32), (7, 64), (101, 96), (300, 576)].iter().enumerate() {
        for (j, qtype) in TYPES.iter().enumerate() {
            qembedding_case(&gpu, *qtype, vocab, dim, 950 + 10 * i as u64 + j as u64).await?;
        }
    }
    Ok(())
}

async fn quant_chunked_under_small_binding_limit() -> TestResult {
    // 16 KiB bindings = 4096 words: each weight matrix, input and output below is larger, so
    // the work is split into blocks of rows (Q8_0 blocks then start mid-word).
    let small = small_binding_gpu().await?;
    for (j, qtype) in TYPES.iter().enumerate() {
        let seed = 980 + 10 * j as u64;
        qmatmul_case(&small, *qtype, &[100, 96], 200, seed).await?;
        qmatmul_case(&small, *qtype, &[3, 1024], 70, seed + 1).await?;
        qmatmul_case(&small, *qtype, &[2, 9, 64], 333, seed + 2).await?;
        qembedding_case(&small, *qtype, 777, 64, seed + 3).await?;
    }
    // One row of x over the limit cannot be split: a typed error, not a panic.
    let mut rng = Rng::new(999);
    let x = Tensor::from_vec(rng.vec(8192, -1.0, 1.0), &[1, 8192], &small).map_err(s)?;
    let w = QMatrix::quantize(
        QuantType::Q4_1,
        &rng.vec(8192, -1.0, 1.0),
        [1, 8192],
        &small,
    )
    .map_err(s)?;
    match x.qmatmul(&w) {
        Err(EngineError::BindingTooLarge { op: "qmatmul", .. }) => Ok(()),
        other => Err(format!("unsplittable qmatmul: {other:?}")),
    }
}

async fn quant_errors() -> TestResult {
    let gpu = gpu().await?;
    let w = QMatrix::quantize(QuantType::Q8_0, &[0.5; 64], [2, 32], &gpu).map_err(s)?;
    let wc = QMatrix::quantize(QuantType::Q8_0, &[0.5; 64], [2, 32], &Device::Cpu).map_err(s)?;
    let (xc, xg) = both(&[0.0; 64], &[2, 32], &gpu)?;
    let bad = Tensor::zeros(&[2, 33], &gpu).map_err(s)?;
    let checks = [
        (
            "k mismatch",
            matches!(
                bad.qmatmul(&w),
                Err(EngineError::Shape { op: "qmatmul", .. })
            ),
        ),
        (
            "cpu x, gpu W",
            matches!(xc.qmatmul(&w), Err(EngineError::DeviceMismatch { .. })),
        ),
        (
            "gpu x, cpu W",
            matches!(xg.qmatmul(&wc), Err(EngineError::DeviceMismatch { .. })),
        ),
        (
            "id out of range",
            matches!(
                w.embedding(&[0, 2]),
                Err(EngineError::IndexOutOfRange {
                    index: 2,
                    len: 2,
                    ..
                })
            ),
        ),
        (
            "cols not a multiple of 32",
            QMatrix::quantize(QuantType::Q4_1, &[0.0; 40], [1, 40], &gpu).is_err(),
        ),
        (
            "wrong byte count",
            QMatrix::from_bytes(QuantType::Q4_1, [2, 32], &[0; 20], &gpu).is_err(),
        ),
    ];
    for (what, ok) in checks {
        if !ok {
            return Err(format!("quant errors: {what} was not the typed error"));
        }
    }
    Ok(())
}

parity_test!(
    qmatmul_awkward_shapes,
    qembedding_rows,
    quant_chunked_under_small_binding_limit,
    quant_errors
);
