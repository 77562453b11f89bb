//! Parity of the layout ops and gathers: transpose, concat, slice, reshape, embedding (all
//! exact: pure copies) and mean over an axis (|diff| <= 1e-6 + 1e-5|cpu|).

use crate::common::{both, check, gpu, parity, Rng, TestResult, Tol, EXACT};
use brainprobe_engine::{Device, Tensor};

async fn transpose_permutations() -> TestResult {
    let cases: [(&[usize], &[usize]); 4] = [
        (&[33, 127], &[1, 0]),
        (&[2, 3, 7, 5], &[0, 2, 1, 3]),
        (&[3, 1, 257], &[2, 0, 1]),
        (&[1], &[0]),
    ];
    for (i, (s, perm)) in cases.iter().enumerate() {
        parity("transpose", &[s], 600 + i as u64, (-1.0, 1.0), EXACT, |x| {
            x[0].transpose(perm)
        })
        .await?;
    }
    parity("t", &[&[2, 7, 33]], 605, (-1.0, 1.0), EXACT, |x| x[0].t()).await
}

async fn concat_and_slice() -> TestResult {
    parity(
        "concat axis 1",
        &[&[3, 7], &[3, 1], &[3, 33]],
        610,
        (-1.0, 1.0),
        EXACT,
        |x| Tensor::concat(&[&x[0], &x[1], &x[2]], 1),
    )
    .await?;
    parity(
        "concat axis 0",
        &[&[2, 3], &[5, 3]],
        611,
        (-1.0, 1.0),
        EXACT,
        |x| Tensor::concat(&[&x[0], &x[1]], 0),
    )
    .await?;
    parity("slice", &[&[7, 33]], 612, (-1.0, 1.0), EXACT, |x| {
        x[0].slice(1, 5, 20)
    })
    .await?;
    parity(
        "slice tail",
        &[&[3, 257, 2]],
        613,
        (-1.0, 1.0),
        EXACT,
        |x| x[0].slice(1, 100, 257),
    )
    .await?;
    parity(
        "reshape then slice",
        &[&[4, 6]],
        614,
        (-1.0, 1.0),
        EXACT,
        |x| x[0].reshape(&[2, 12])?.slice(0, 1, 2),
    )
    .await
}

async fn mean_over_axes() -> TestResult {
    let tol = Tol::new(1e-6, 1e-5);
    for axis in 0..2 {
        parity(
            "mean",
            &[&[7, 33]],
            620 + axis as u64,
            (-2.0, 2.0),
            tol,
            |x| x[0].mean(axis),
        )
        .await?;
    }
    parity("mean", &[&[2, 3, 127]], 622, (-2.0, 2.0), tol, |x| {
        x[0].mean(1)
    })
    .await?;
    parity("mean", &[&[1, 257]], 623, (-2.0, 2.0), tol, |x| {
        x[0].mean(1)
    })
    .await
}

async fn embedding_gather() -> TestResult {
    let gpu = gpu().await?;
    let mut rng = Rng::new(630);
    let table = rng.vec(257 * 33, -1.0, 1.0);
    let mut ids: Vec<u32> = (0..127).map(|_| rng.below(257)).collect();
    ids.extend([0, 256]);
    let (tc, tg) = both(&table, &[257, 33], &gpu)?;
    let want = tc
        .embedding(&ids)
        .map_err(|e| e.to_string())?
        .to_vec()
        .await
        .map_err(|e| e.to_string())?;
    let got = tg.embedding(&ids).map_err(|e| e.to_string())?;
    let got = got.to_vec().await.map_err(|e| e.to_string())?;
    check("embedding", &got, &want, None, EXACT)?;
    // an id past the vocabulary is a typed error on both devices, never a bad read
    for device in [Device::Cpu, gpu] {
        let t = Tensor::zeros(&[4, 2], &device).map_err(|e| e.to_string())?;
        if t.embedding(&[1, 4]).is_ok() {
            return Err("embedding accepted id 4 for a vocabulary of 4".into());
        }
    }
    Ok(())
}

parity_test!(
    transpose_permutations,
    concat_and_slice,
    mean_over_axes,
    embedding_gather
);
