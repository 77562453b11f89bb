//! Elementwise functions: relu, relu6, gelu (tanh and erf forms), tanh, sigmoid, scale.

use ndarray::ArrayD;

use crate::ops::UnaryOp;

/// `f(x)` elementwise.
pub(crate) fn unary(x: &ArrayD<f32>, op: UnaryOp) -> ArrayD<f32> {
    x.mapv(|v| apply(op, v))
}

fn apply(op: UnaryOp, v: f32) -> f32 {
    match op {
        UnaryOp::Relu => v.max(0.0),
        UnaryOp::GeluTanh => {
            let v = v as f64;
            let inner = (2.0 / std::f64::consts::PI).sqrt() * (v + 0.044715 * v * v * v);
            (0.5 * v * (1.0 + inner.tanh())) as f32
        }
        UnaryOp::GeluErf => {
            let v = v as f64;
            (0.5 * v * (1.0 + erf(v / std::f64::consts::SQRT_2))) as f32
        }
        UnaryOp::Tanh => v.tanh(),
        UnaryOp::Sigmoid => (1.0 / (1.0 + (-(v as f64)).exp())) as f32,
        UnaryOp::Scale(alpha) => alpha * v,
        UnaryOp::Relu6 => v.clamp(0.0, 6.0),
    }
}

/// The error function to ~1e-15: Maclaurin series for |x| <= 3, continued fraction beyond.
pub(crate) fn erf(x: f64) -> f64 {
    let a = x.abs();
    let r = if a <= 3.0 {
        // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
        let mut term = a;
        let mut sum = a;
        let mut n = 0.0;
        while term.abs() > 1e-17 * sum.abs() {
            n += 1.0;
            term *= -a * a / n;
            sum += term / (2.0 * n + 1.0);
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    } else {
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
        let mut f = a;
        for k in (1..60).rev() {
            f = a + (k as f64 / 2.0) / f;
        }
        1.0 - (-a * a).exp() / (std::f64::consts::PI.sqrt() * f)
    };
    r.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn erf_matches_tables() {
        for (x, want) in [
            (0.0, 0.0),
            (0.5, 0.520_499_877_813_046_5),
            (1.0, 0.842_700_792_949_714_9),
            (-2.0, -0.995_322_265_018_952_7),
            (3.5, 0.999_999_256_901_627_7),
        ] {
            assert!((erf(x) - want).abs() < 1e-13, "erf({x}) = {}", erf(x));
        }
    }

    #[test]
    fn activations_by_hand() {
        let x = arr(&[4], &[-1.0, 0.0, 1.0, 2.0]);
        // (op, f(x) for x = -1, 0, 1, 2, tolerance)
        let cases: [(UnaryOp, [f32; 4], f32); 7] = [
            (UnaryOp::Relu, [0.0, 0.0, 1.0, 2.0], 0.0),
            // gelu_erf(1) = 0.5 (1 + erf(1/sqrt 2)) = 0.841344746
            (
                UnaryOp::GeluErf,
                [-0.158_655_25, 0.0, 0.841_344_7, 1.954_5],
                1e-4,
            ),
            // gelu_tanh(1) = 0.5 (1 + tanh(0.7978845608 * 1.044715)) = 0.841191990
            (
                UnaryOp::GeluTanh,
                [-0.158_808, 0.0, 0.841_192, 1.954_598],
                1e-5,
            ),
            (
                UnaryOp::Sigmoid,
                [0.268_941_4, 0.5, 0.731_058_6, 0.880_797_1],
                1e-6,
            ),
            (
                UnaryOp::Tanh,
                [-0.761_594_2, 0.0, 0.761_594_2, 0.964_027_6],
                1e-6,
            ),
            (UnaryOp::Scale(-2.0), [2.0, 0.0, -2.0, -4.0], 0.0),
            (UnaryOp::Relu6, [0.0, 0.0, 1.0, 2.0], 0.0),
        ];
        for (op, want, tol) in cases {
            assert_close(&unary(&x, op), &want, tol);
        }
        // relu6 clips at 6 as well
        let x = arr(&[5], &[-3.0, 5.5, 6.0, 6.25, 1e9]);
        assert_close(&unary(&x, UnaryOp::Relu6), &[0.0, 5.5, 6.0, 6.0, 6.0], 0.0);
    }
}
