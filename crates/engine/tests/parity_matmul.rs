//! Parity of matmul (plain, transposed, batched, broadcast) on awkward shapes.
//! Tolerance: |gpu - cpu| <= 1e-5 * (|A|·|B|)_ij + 1e-6, i.e. 1e-5 relative to the sum of
//! absolute products, which bounds f32 rounding for any summation order at K <= 1024.

use brainprobe_engine::{Device, Tensor};

use crate::common::{
    abs_on_cpu, both, check, gpu, random_both, read2, Rng, TestResult, Tol, EXACT,
};

const TOL: Tol = Tol::new(1e-6, 1e-5);

/// Runs `a.matmul_t(b)` on both devices and checks with the |A|·|B| scale.
pub async fn matmul_case(
    gpu: &Device,
    a_shape: &[usize],
    b_shape: &[usize],
    ta: bool,
    tb: bool,
    seed: u64,
) -> TestResult {
    let mut rng = Rng::new(seed);
    let (a, ac, ag) = random_both(&mut rng, a_shape, gpu)?;
    let (b, bc, bg) = random_both(&mut rng, b_shape, gpu)?;
    let label = format!(
        "matmul {a_shape:?}{} x {b_shape:?}{}",
        if ta { "T" } else { "" },
        if tb { "T" } else { "" }
    );
    let want = ac
        .matmul_t(&bc, ta, tb)
        .map_err(|e| format!("{label} cpu: {e}"))?;
    let got = ag
        .matmul_t(&bg, ta, tb)
        .map_err(|e| format!("{label} gpu: {e}"))?;
    let scale = abs_on_cpu(&a, a_shape)
        .and_then(|x| x.matmul_t(&abs_on_cpu(&b, b_shape)?, ta, tb))
        .map_err(|e| e.to_string())?;
    let scale = scale.to_vec().await.map_err(|e| e.to_string())?;
    let got = got.to_vec().await.map_err(|e| format!("{label}: {e}"))?;
    let want = want.to_vec().await.map_err(|e| e.to_string())?;
    check(&label, &got, &want, Some(&scale), TOL)
}

async fn matmul_awkward_shapes() -> TestResult {
    let gpu = gpu().await?;
    for (i, &(m, k, n)) in [
        (1, 1, 1),
        (3, 7, 5),
        (33, 127, 1),
        (1, 257, 33),
        (257, 33, 7),
        (127, 129, 65),
        (64, 64, 64),
    ]
    .iter()
    .enumerate()
    {
        matmul_case(&gpu, &[m, k], &[k, n], false, false, i as u64).await?;
    }
    Ok(())
}

async fn matmul_transposed_operands() -> TestResult {
    let gpu = gpu().await?;
    let (m, k, n) = (33, 65, 17);
    matmul_case(&gpu, &[k, m], &[k, n], true, false, 10).await?;
    matmul_case(&gpu, &[m, k], &[n, k], false, true, 11).await?;
    matmul_case(&gpu, &[k, m], &[n, k], true, true, 12).await
}

async fn matmul_batched_and_broadcast() -> TestResult {
    let gpu = gpu().await?;
    matmul_case(&gpu, &[3, 7, 33], &[3, 33, 5], false, false, 20).await?;
    matmul_case(&gpu, &[2, 3, 17, 9], &[9, 13], false, false, 21).await?;
    matmul_case(&gpu, &[9, 13], &[4, 13, 7], false, false, 22).await?;
    matmul_case(&gpu, &[1, 2, 7, 16], &[1, 2, 7, 16], false, true, 23).await
}

async fn matmul_long_inner_dimension() -> TestResult {
    let gpu = gpu().await?;
    matmul_case(&gpu, &[16, 1024], &[1024, 24], false, false, 30).await
}

/// Weights rounded to f16 on both devices (stored as f16 where the adapter has shader-f16):
/// the GPU result must match the CPU one within the f32 matmul tolerance, the stored weights
/// must read back exactly, and other ops must refuse f16 storage with a typed error.
async fn matmul_f16_weights() -> TestResult {
    let gpu = gpu().await?;
    let s = |e: brainprobe_engine::EngineError| e.to_string();
    for (i, &(m, k, n)) in [(1, 1, 1), (7, 33, 5), (33, 127, 65)].iter().enumerate() {
        let mut rng = Rng::new(60 + i as u64);
        let x = rng.vec(m * k, -1.0, 1.0);
        let w = rng.vec(n * k, -1.0, 1.0);
        let (xc, xg) = both(&x, &[m, k], &gpu)?;
        let wc = Tensor::from_vec_f16(w.clone(), &[n, k], &Device::Cpu).map_err(s)?;
        let wg = Tensor::from_vec_f16(w, &[n, k], &gpu).map_err(s)?;
        let f16_here = gpu.describe().shader_f16;
        if wg.is_f16() != f16_here {
            return Err(format!(
                "f16 storage {} but shader-f16 {f16_here}",
                wg.is_f16()
            ));
        }
        let w_rounded = wc.to_vec().await.map_err(s)?;
        check(
            "f16 weights round trip",
            &wg.to_vec().await.map_err(s)?,
            &w_rounded,
            None,
            EXACT,
        )?;
        let got = xg.matmul_t(&wg, false, true).map_err(s)?;
        let want = xc.matmul_t(&wc, false, true).map_err(s)?;
        let [got, want] = read2(&got, &want).await?;
        let scale = abs_on_cpu(&x, &[m, k])
            .and_then(|a| a.matmul_t(&abs_on_cpu(&w_rounded, &[n, k])?, false, true))
            .map_err(s)?
            .to_vec()
            .await
            .map_err(s)?;
        check(
            &format!("matmul f16 weights {m}x{k}x{n}"),
            &got,
            &want,
            Some(&scale),
            TOL,
        )?;
        if wg.is_f16() && wg.relu().is_ok() {
            return Err("relu accepted f16-stored weights".into());
        }
    }
    Ok(())
}

parity_test!(
    matmul_f16_weights,
    matmul_awkward_shapes,
    matmul_transposed_operands,
    matmul_batched_and_broadcast,
    matmul_long_inner_dimension,
);
