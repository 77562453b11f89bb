//! Parity of softmax (plain and causal), layer norm and inference batch norm.
//! Tolerances: softmax |diff| <= 1e-6 + 1e-5|cpu|; layer norm <= 1e-5 + 1e-5|cpu| (the CPU
//! reference accumulates in f64); batch norm <= 1e-6 + 1e-6|cpu| (x*s+b may fuse into an fma).

use brainprobe_engine::fold_batch_norm;

use crate::common::{both, check, gpu, parity, parity_each, read2, Rng, TestResult, Tol};

async fn softmax_rows() -> TestResult {
    let tol = Tol::new(1e-6, 1e-5);
    let shapes: [&[usize]; 5] = [&[1, 1], &[7, 33], &[3, 257], &[2, 3, 127], &[1, 1024]];
    parity_each("softmax", &shapes, 400.., (-8.0, 8.0), tol, |x| {
        x.softmax(false)
    })
    .await
}

async fn softmax_causal() -> TestResult {
    let tol = Tol::new(1e-6, 1e-5);
    let shapes: [&[usize]; 4] = [&[3, 3], &[2, 4, 7, 7], &[1, 33, 33], &[5, 9]];
    parity_each("softmax causal", &shapes, 410.., (-8.0, 8.0), tol, |x| {
        x.softmax(true)
    })
    .await
}

async fn layer_norm_rows() -> TestResult {
    let tol = Tol::new(1e-5, 1e-5);
    let shapes: [&[usize]; 4] = [&[1, 7], &[33, 127], &[3, 257], &[2, 1, 1024]];
    for (i, s) in shapes.iter().enumerate() {
        let c = *s.last().unwrap_or(&1);
        parity(
            "layer_norm",
            &[s, &[c], &[c]],
            420 + i as u64,
            (-3.0, 3.0),
            tol,
            |x| x[0].layer_norm(&x[1], &x[2], 1e-5),
        )
        .await?;
    }
    Ok(())
}

async fn batch_norm_channels() -> TestResult {
    let gpu = gpu().await?;
    let tol = Tol::new(1e-6, 1e-6);
    for (i, shape) in [[2usize, 3, 7, 7], [1, 33, 5, 1]].iter().enumerate() {
        let c = shape[1];
        let mut rng = Rng::new(430 + i as u64);
        let (g, b, m) = (
            rng.vec(c, 0.5, 2.0),
            rng.vec(c, -1.0, 1.0),
            rng.vec(c, -1.0, 1.0),
        );
        let var = rng.vec(c, 0.1, 3.0);
        let (scale, shift) = fold_batch_norm(&g, &b, &m, &var, 1e-5).map_err(|e| e.to_string())?;
        let x = rng.vec(shape.iter().product(), -3.0, 3.0);
        let (xc, xg) = both(&x, shape, &gpu)?;
        let (sc, sg) = both(&scale, &[c], &gpu)?;
        let (bc, bg) = both(&shift, &[c], &gpu)?;
        let want = xc.batch_norm(&sc, &bc).map_err(|e| e.to_string())?;
        let got = xg.batch_norm(&sg, &bg).map_err(|e| e.to_string())?;
        let [got, want] = read2(&got, &want).await?;
        check(&format!("batch_norm {shape:?}"), &got, &want, None, tol)?;
    }
    Ok(())
}

parity_test!(
    softmax_rows,
    softmax_causal,
    layer_norm_rows,
    batch_norm_channels
);
