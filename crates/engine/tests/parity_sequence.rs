//! Parity of the sequence ops: an LSTM step (|diff| <= 1e-5 + 1e-5|cpu|) and scaled
//! dot-product attention, plain and causal, Tq <= Tk (|diff| <= 1e-5 + 1e-4|cpu|: two matmuls
//! and a softmax compound their rounding).

use brainprobe_engine::{LstmWeights, Tensor};

use crate::common::{parity, TestResult, Tol};

async fn lstm_step() -> TestResult {
    let tol = Tol::new(1e-5, 1e-5);
    for (i, &(b, inp, h)) in [(1, 1, 1), (3, 7, 33), (2, 16, 9)].iter().enumerate() {
        let shapes: [&[usize]; 6] = [
            &[b, inp],
            &[b, h],
            &[b, h],
            &[4 * h, inp],
            &[4 * h, h],
            &[4 * h],
        ];
        for (part, label) in [(0, "lstm h"), (1, "lstm c")] {
            parity(label, &shapes, 700 + i as u64, (-1.0, 1.0), tol, |x| {
                let w = LstmWeights {
                    w_ih: &x[3],
                    w_hh: &x[4],
                    bias: &x[5],
                };
                let (h, c) = x[0].lstm_step(&x[1], &x[2], &w)?;
                Ok(if part == 0 { h } else { c })
            })
            .await?;
        }
    }
    Ok(())
}

async fn attention_heads() -> TestResult {
    let tol = Tol::new(1e-5, 1e-4);
    let cases: [(&[usize], &[usize], bool); 5] = [
        (&[1, 1, 7, 16], &[1, 1, 7, 16], true),
        (&[2, 3, 33, 64], &[2, 3, 33, 64], false),
        (&[1, 2, 129, 32], &[1, 2, 129, 32], true),
        (&[1, 5, 8], &[1, 9, 8], true),
        (&[1, 1], &[1, 1], false),
    ];
    for (i, &(q, k, causal)) in cases.iter().enumerate() {
        parity(
            "attention",
            &[q, k, k],
            710 + i as u64,
            (-2.0, 2.0),
            tol,
            |x| Tensor::attention(&x[0], &x[1], &x[2], causal),
        )
        .await?;
    }
    Ok(())
}

parity_test!(lstm_step, attention_heads);
