//! Parity of the llama block ops: RMS norm (|diff| <= 1e-5 + 1e-5|cpu|, like layer norm),
//! the SwiGLU gate silu(a)·b (1e-6 + 1e-5|cpu|, like sigmoid), rotary position embedding with
//! interleaved pairs (1e-6 + 1e-6|cpu|: the same host-computed angles, two products and a sum
//! per value) and fused grouped-query attention (1e-5 + 1e-4|cpu|, like attention) — each on
//! awkward shapes, under a 16 KiB binding limit (split into blocks), and with typed errors
//! for bad shapes.

use brainprobe_engine::{Device, EngineError, QMatrix, QuantType, Tensor};

use crate::common::{check, gpu, parity, small_binding_gpu, Rng, TestResult, Tol};

const RMS_TOL: Tol = Tol::new(1e-5, 1e-5);
const SILU_TOL: Tol = Tol::new(1e-6, 1e-5);
const ROPE_TOL: Tol = Tol::new(1e-6, 1e-6);
const ATTN_TOL: Tol = Tol::new(1e-5, 1e-4);

async fn rms_norm_rows() -> TestResult {
    let shapes: [&[usize]; 5] = [&[1, 1], &[1, 7], &[33, 127], &[3, 576], &[2, 1, 1024]];
    for (i, s) in shapes.iter().enumerate() {
        let c = *s.last().unwrap_or(&1);
        parity(
            "rms_norm",
            &[s, &[c]],
            1300 + i as u64,
            (-3.0, 3.0),
            RMS_TOL,
            |x| x[0].rms_norm(&x[1], 1e-5),
        )
        .await?;
    }
    Ok(())
}

async fn silu_mul_gate() -> TestResult {
    let shapes: [&[usize]; 4] = [&[1], &[7, 33], &[3, 1536], &[2, 5, 257]];
    for (i, s) in shapes.iter().enumerate() {
        parity(
            "silu_mul",
            &[s, s],
            1310 + i as u64,
            (-8.0, 8.0),
            SILU_TOL,
            |x| x[0].silu_mul(&x[1]),
        )
        .await?;
    }
    Ok(())
}

async fn rope_interleaved() -> TestResult {
    // (shape [.., seq, heads, head_dim], pos0, base)
    let cases: [(&[usize], usize, f32); 6] = [
        (&[1, 1, 2], 0, 10_000.0),
        (&[7, 9, 64], 0, 100_000.0),
        (&[33, 3, 64], 17, 100_000.0),
        (&[5, 2, 8], 1000, 10_000.0),
        (&[2, 4, 3, 16], 3, 500.0),
        (&[129, 1, 128], 0, 100_000.0),
    ];
    for (i, &(shape, pos0, base)) in cases.iter().enumerate() {
        parity(
            "rope",
            &[shape],
            1320 + i as u64,
            (-2.0, 2.0),
            ROPE_TOL,
            |x| x[0].rope(pos0, base),
        )
        .await?;
    }
    Ok(())
}

async fn gqa_attention_heads() -> TestResult {
    // (tq, tk, heads, kv_heads, head_dim, causal)
    let cases = [
        (1, 1, 1, 1, 1, false),
        (7, 7, 9, 3, 64, true),
        (33, 33, 4, 2, 16, true),
        (5, 9, 6, 3, 8, true),
        (3, 70, 2, 1, 256, false),
        (130, 130, 9, 3, 64, true),
        (65, 65, 3, 3, 33, false),
    ];
    for (i, &(tq, tk, h, kvh, hd, causal)) in cases.iter().enumerate() {
        let q: &[usize] = &[tq, h, hd];
        let k: &[usize] = &[tk, kvh, hd];
        parity(
            "gqa_attention",
            &[q, k, k],
            1340 + i as u64,
            (-2.0, 2.0),
            ATTN_TOL,
            |x| Tensor::gqa_attention(&x[0], &x[1], &x[2], causal),
        )
        .await?;
    }
    Ok(())
}

async fn llama_ops_chunked_under_small_binding_limit() -> TestResult {
    // 16 KiB bindings = 4096 floats: every tensor below is larger (k and v of the attention are
    // bound whole and stay under it).
    let small = small_binding_gpu().await?;
    let mut seed = 1360;
    let mut next = || {
        seed += 1;
        seed
    };
    crate::common::parity_on(
        &small,
        "rms_norm",
        &[&[100, 96], &[96]],
        next(),
        (-3.0, 3.0),
        RMS_TOL,
        |x| x[0].rms_norm(&x[1], 1e-5),
    )
    .await?;
    crate::common::parity_on(
        &small,
        "silu_mul",
        &[&[10_001], &[10_001]],
        next(),
        (-8.0, 8.0),
        SILU_TOL,
        |x| x[0].silu_mul(&x[1]),
    )
    .await?;
    crate::common::parity_on(
        &small,
        "rope",
        &[&[50, 9, 64]],
        next(),
        (-2.0, 2.0),
        ROPE_TOL,
        |x| x[0].rope(5, 100_000.0),
    )
    .await?;
    crate::common::parity_on(
        &small,
        "gqa_attention",
        &[&[40, 4, 64], &[40, 1, 64], &[40, 1, 64]],
        next(),
        (-2.0, 2.0),
        ATTN_TOL,
        |x| Tensor::gqa_attention(&x[0], &x[1], &x[2], true),
    )
    .await?;
    // One row over the limit cannot be split: a typed error.
    let wide = Tensor::from_vec(Rng::new(1370).vec(5000, -1.0, 1.0), &[1, 5000], &small)
        .map_err(|e| e.to_string())?;
    let w = Tensor::zeros(&[5000], &small).map_err(|e| e.to_string())?;
    match wide.rms_norm(&w, 1e-5) {
        Err(EngineError::BindingTooLarge { op: "rms_norm", .. }) => Ok(()),
        other => Err(format!("unsplittable rms_norm: {other:?}")),
    }
}

async fn llama_ops_shape_errors() -> TestResult {
    let gpu = gpu().await?;
    let t = |shape: &[usize]| Tensor::zeros(shape, &gpu).map_err(|e| e.to_string());
    let is_shape = |r: Result<Tensor, EngineError>| matches!(r, Err(EngineError::Shape { .. }));
    // q of shape `q`, k and v both of shape `kv`
    let gqa_is_shape = |q: &[usize], kv: &[usize], causal: bool| -> Result<bool, String> {
        Ok(is_shape(Tensor::gqa_attention(
            &t(q)?,
            &t(kv)?,
            &t(kv)?,
            causal,
        )))
    };
    let checks = [
        (
            "rms_norm weight",
            is_shape(t(&[2, 8])?.rms_norm(&t(&[7])?, 1e-5)),
        ),
        ("silu_mul shapes", is_shape(t(&[2, 8])?.silu_mul(&t(&[8])?))),
        ("rope odd head dim", is_shape(t(&[2, 3, 7])?.rope(0, 1e4))),
        ("rope rank 2", is_shape(t(&[2, 8])?.rope(0, 1e4))),
        (
            "gqa heads not a multiple",
            gqa_is_shape(&[2, 4, 8], &[2, 3, 8], true)?,
        ),
        (
            "gqa head dims differ",
            gqa_is_shape(&[2, 4, 8], &[2, 2, 4], true)?,
        ),
        (
            "gqa causal tq > tk",
            gqa_is_shape(&[3, 2, 8], &[2, 1, 8], true)?,
        ),
        (
            "gqa head dim > 256 on the GPU",
            gqa_is_shape(&[1, 1, 258], &[1, 1, 258], false)?,
        ),
    ];
    for (what, ok) in checks {
        if !ok {
            return Err(format!("llama op errors: {what} was not a shape error"));
        }
    }
    Ok(())
}

/// A weight to quantise: format, values, `[rows, cols]`.
type Weight = (QuantType, Vec<f32>, [usize; 2]);

/// A two-block llama (d 64, 4 query / 2 kv heads of 16, FFN 96, vocabulary 50, Q4_1 linears,
/// tied Q8_0 embedding) composed of the ops above, as the model code chains them (reshapes
/// between head splits, rope on q and k, the residual adds, the tied head): the logits and the
/// residual stream after each block agree GPU vs CPU within 1e-4 + 1e-4|cpu|.
async fn llama_blocks_chained() -> TestResult {
    let gpu = gpu().await?;
    let (vocab, d, heads, kv, hd, ffn, t) = (50, 64, 4, 2, 16, 96, 9);
    let mut rng = Rng::new(1380);
    let mut mat = |q, rows: usize, cols: usize| {
        let w = rng.vec(rows * cols, -0.3, 0.3);
        (q, w, [rows, cols])
    };
    let emb = mat(QuantType::Q8_0, vocab, d);
    let blocks: Vec<Vec<Weight>> = (0..2)
        .map(|_| {
            vec![
                mat(QuantType::Q4_1, heads * hd, d),
                mat(QuantType::Q4_1, kv * hd, d),
                mat(QuantType::Q4_1, kv * hd, d),
                mat(QuantType::Q4_1, d, heads * hd),
                mat(QuantType::Q4_1, ffn, d),
                mat(QuantType::Q4_1, ffn, d),
                mat(QuantType::Q4_1, d, ffn),
            ]
        })
        .collect();
    let norms: Vec<f32> = Rng::new(1381).vec(5 * d, 0.5, 1.5);
    let ids: Vec<u32> = (0..t as u32).map(|i| (i * 7 + 3) % vocab as u32).collect();
    let run = |dev: &Device| -> Result<Vec<Tensor>, EngineError> {
        let q = |m: &Weight| QMatrix::quantize(m.0, &m.1, m.2, dev);
        let norm = |i: usize| Tensor::from_vec(norms[i * d..(i + 1) * d].to_vec(), &[d], dev);
        let table = q(&emb)?;
        let mut x = table.embedding(&ids)?;
        let mut out = Vec::new();
        for (b, w) in blocks.iter().enumerate() {
            let w: Vec<QMatrix> = w.iter().map(q).collect::<Result<_, _>>()?;
            let h = x.rms_norm(&norm(2 * b)?, 1e-5)?;
            let qh = h
                .qmatmul(&w[0])?
                .reshape(&[t, heads, hd])?
                .rope(0, 100_000.0)?;
            let kh = h
                .qmatmul(&w[1])?
                .reshape(&[t, kv, hd])?
                .rope(0, 100_000.0)?;
            let vh = h.qmatmul(&w[2])?.reshape(&[t, kv, hd])?;
            let a = Tensor::gqa_attention(&qh, &kh, &vh, true)?.reshape(&[t, heads * hd])?;
            x = x.add(&a.qmatmul(&w[3])?)?;
            let h = x.rms_norm(&norm(2 * b + 1)?, 1e-5)?;
            x = x.add(
                &h.qmatmul(&w[4])?
                    .silu_mul(&h.qmatmul(&w[5])?)?
                    .qmatmul(&w[6])?,
            )?;
            out.push(x.clone());
        }
        out.push(x.rms_norm(&norm(4)?, 1e-5)?.qmatmul(&table)?);
        Ok(out)
    };
    let want = run(&Device::Cpu).map_err(|e| format!("cpu: {e}"))?;
    let got = run(&gpu).map_err(|e| format!("gpu: {e}"))?;
    let got = Tensor::read_all(&got.iter().collect::<Vec<_>>())
        .await
        .map_err(|e| e.to_string())?;
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let w = w.to_vec().await.map_err(|e| e.to_string())?;
        let what = if i < 2 {
            format!("block.{i}")
        } else {
            "logits".into()
        };
        check(
            &format!("llama chain {what}"),
            g,
            &w,
            None,
            Tol::new(1e-4, 1e-4),
        )?;
    }
    Ok(())
}

parity_test!(
    llama_blocks_chained,
    rms_norm_rows,
    silu_mul_gate,
    rope_interleaved,
    gqa_attention_heads,
    llama_ops_chunked_under_small_binding_limit,
    llama_ops_shape_errors
);
