//! Parity of the elementwise ops. Tolerances: relu, relu6, scale, add, mul exact (one correctly
//! rounded operation on both sides); tanh, sigmoid, gelu (both forms) |diff| <= 1e-6 + 1e-5|cpu|
//! (GPU exp is a few ulp; erf is Abramowitz-Stegun 7.1.26, error < 1.5e-7).

use brainprobe_engine::{Tensor, UnaryOp};

use crate::common::{both, check, gpu, parity, parity_each, read2, TestResult, Tol, EXACT};

const SHAPES: [&[usize]; 5] = [&[1], &[7], &[33, 127], &[3, 257], &[2, 1, 33]];
const SMOOTH: Tol = Tol::new(1e-6, 1e-5);

async fn unary_case(op: UnaryOp, tol: Tol) -> TestResult {
    let label = format!("{op:?}");
    parity_each(&label, &SHAPES, 100.., (-6.0, 6.0), tol, |x| x.unary(op)).await
}

async fn relu_and_scale() -> TestResult {
    unary_case(UnaryOp::Relu, EXACT).await?;
    unary_case(UnaryOp::Scale(-0.375), EXACT).await?;
    unary_case(UnaryOp::Relu6, EXACT).await?;
    // past both bends, and exactly on them
    parity_each("relu6 wide", &SHAPES, 140.., (-9.0, 9.0), EXACT, |x| {
        x.relu6()
    })
    .await?;
    let x = [-7.0, -0.0, 0.0, 3.5, 6.0, 6.5, 1e9];
    let (c, g) = both(&x, &[x.len()], &gpu().await?)?;
    let relu6 = |t: &Tensor| t.relu6().map_err(|e| format!("relu6: {e}"));
    let [got, want] = read2(&relu6(&g)?, &relu6(&c)?).await?;
    check(
        "relu6 bends",
        &want,
        &[0.0, 0.0, 0.0, 3.5, 6.0, 6.0, 6.0],
        None,
        EXACT,
    )?;
    check("relu6 bends", &got, &want, None, EXACT)
}

async fn gelu_tanh_and_erf() -> TestResult {
    unary_case(UnaryOp::GeluTanh, SMOOTH).await?;
    unary_case(UnaryOp::GeluErf, SMOOTH).await
}

async fn tanh_and_sigmoid() -> TestResult {
    unary_case(UnaryOp::Tanh, SMOOTH).await?;
    unary_case(UnaryOp::Sigmoid, SMOOTH).await?;
    // saturation: no NaN or inf for large |x|
    parity("tanh large", &[&[65]], 7, (-90.0, 90.0), SMOOTH, |x| {
        x[0].tanh()
    })
    .await?;
    parity("sigmoid large", &[&[65]], 8, (-90.0, 90.0), SMOOTH, |x| {
        x[0].sigmoid()
    })
    .await
}

async fn add_mul_broadcast() -> TestResult {
    let cases: [(&[usize], &[usize]); 5] = [
        (&[33, 127], &[127]),
        (&[2, 3, 7], &[3, 1]),
        (&[1], &[257]),
        (&[4, 1, 5], &[3, 1]),
        (&[3, 7], &[3, 7]),
    ];
    for (i, (a, b)) in cases.iter().enumerate() {
        parity("add", &[a, b], 200 + i as u64, (-2.0, 2.0), EXACT, |x| {
            x[0].add(&x[1])
        })
        .await?;
        parity("mul", &[a, b], 300 + i as u64, (-2.0, 2.0), EXACT, |x| {
            x[0].mul(&x[1])
        })
        .await?;
    }
    Ok(())
}

parity_test!(
    relu_and_scale,
    gelu_tanh_and_erf,
    tanh_and_sigmoid,
    add_mul_broadcast
);
