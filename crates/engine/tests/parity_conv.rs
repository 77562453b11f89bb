//! Parity of conv2d (GPU: im2col + tiled matmul, and the direct kernel; CPU: im2col + ndarray
//! matmul, itself checked against the direct loop nest) — ordinary, grouped and depthwise,
//! symmetric and TF-"same" (asymmetric) padding — and pooling.
//! Tolerances: conv2d |diff| <= 1e-6 + 1e-5 (|x| * |w|) (the conv of absolute values, as for
//! matmul); max pool exact; average pool and global average pool <= 1e-6 + 1e-6|cpu|.

use brainprobe_engine::{Conv2dParams, ConvAlgo, Device, Tensor};

use crate::common::{abs_on_cpu, check, gpu, parity, random_both, Rng, TestResult, Tol, EXACT};

async fn conv_case(
    gpu: &Device,
    x_shape: [usize; 4],
    w_shape: [usize; 4],
    p: Conv2dParams,
    seed: u64,
) -> TestResult {
    let mut rng = Rng::new(seed);
    let (x, xc, xg) = random_both(&mut rng, &x_shape, gpu)?;
    let (w, wc, wg) = random_both(&mut rng, &w_shape, gpu)?;
    let (b, bc, bg) = random_both(&mut rng, &[w_shape[0]], gpu)?;
    let want = xc
        .conv2d(&wc, Some(&bc), p)
        .map_err(|e| format!("conv2d cpu: {e}"))?;
    let want = want.to_vec().await.map_err(|e| e.to_string())?;
    let scale = abs_on_cpu(&x, &x_shape)
        .and_then(|xa| {
            let wa = abs_on_cpu(&w, &w_shape)?;
            xa.conv2d(&wa, Some(&abs_on_cpu(&b, &[w_shape[0]])?), p)
        })
        .map_err(|e| e.to_string())?;
    let scale = scale.to_vec().await.map_err(|e| e.to_string())?;
    let tol = Tol::new(1e-6, 1e-5);
    for algo in [ConvAlgo::Im2col, ConvAlgo::Direct, ConvAlgo::Auto] {
        let label = format!("conv2d {algo:?} {x_shape:?} * {w_shape:?} {p:?}");
        // the direct kernel also runs without a bias; the bias is then added afterwards
        let bias = (algo != ConvAlgo::Direct).then_some(&bg);
        let got = xg
            .conv2d_with(&wg, bias, p, algo)
            .map_err(|e| format!("{label}: {e}"))?;
        let got = match bias {
            Some(_) => got,
            None => bg
                .reshape(&[w_shape[0], 1, 1])
                .and_then(|b| got.add(&b))
                .map_err(|e| format!("{label}: {e}"))?,
        };
        let got = got.to_vec().await.map_err(|e| format!("{label}: {e}"))?;
        check(&label, &got, &want, Some(&scale), tol)?;
    }
    Ok(())
}

async fn conv2d_awkward_shapes() -> TestResult {
    let gpu = gpu().await?;
    let p = Conv2dParams::new;
    conv_case(&gpu, [1, 1, 3, 3], [1, 1, 2, 2], p(1, 0), 500).await?;
    conv_case(&gpu, [2, 3, 7, 7], [4, 3, 3, 3], p(1, 1), 501).await?;
    conv_case(&gpu, [1, 5, 33, 17], [7, 5, 5, 3], p(1, 2), 502).await?;
    conv_case(&gpu, [2, 3, 9, 11], [8, 3, 1, 1], p(1, 0), 503).await?;
    conv_case(&gpu, [1, 2, 12, 12], [3, 2, 5, 5], p(2, 2), 504).await
}

/// Ordinary convolutions with TF-"same" padding (more zeros after than before), through
/// both GPU algorithms.
async fn conv2d_asymmetric_padding() -> TestResult {
    let gpu = gpu().await?;
    let same = Conv2dParams::same;
    // 16 px, k3 s2: 0 before, 1 after; 14 px, k5 s2: 1 before, 2 after
    conv_case(&gpu, [2, 3, 16, 16], [16, 3, 3, 3], same(16, 3, 2), 540).await?;
    conv_case(&gpu, [1, 16, 14, 14], [24, 16, 5, 5], same(14, 5, 2), 541).await?;
    conv_case(&gpu, [2, 5, 9, 9], [7, 5, 2, 2], same(9, 2, 1), 542).await?;
    let one_after = Conv2dParams {
        stride: 2,
        pad_begin: 0,
        pad_end: 1,
        groups: 1,
    };
    conv_case(&gpu, [1, 1, 3, 3], [1, 1, 2, 2], one_after, 543).await
}

/// Depthwise (`groups == C == O`, weight `[C, 1, k, k]`) as in EfficientNet-Lite0: k 3 and 5,
/// stride 1 and 2, TF-"same" padding, up to 112x112x32 and 7x7x1152.
async fn conv2d_depthwise() -> TestResult {
    let gpu = gpu().await?;
    let dw = |side: usize, k: usize, stride: usize, c: usize| {
        Conv2dParams::same(side, k, stride).with_groups(c)
    };
    for (i, (n, c, side, k, stride)) in [
        (2, 32, 112, 3, 1),
        (1, 1152, 7, 5, 1),
        (3, 7, 9, 3, 2),
        (2, 16, 16, 3, 2),
        (2, 24, 14, 5, 2),
        (1, 40, 15, 5, 2),
        (3, 5, 10, 5, 1),
        (1, 3, 1, 3, 1),
    ]
    .into_iter()
    .enumerate()
    {
        let p = dw(side, k, stride, c);
        conv_case(&gpu, [n, c, side, side], [c, 1, k, k], p, 550 + i as u64).await?;
    }
    Ok(())
}

/// Grouped convolutions: several channels per group, and a depth multiplier (O = 2C).
async fn conv2d_grouped() -> TestResult {
    let gpu = gpu().await?;
    let p = |stride, pad_begin, pad_end, groups| Conv2dParams {
        stride,
        pad_begin,
        pad_end,
        groups,
    };
    conv_case(&gpu, [2, 6, 9, 9], [4, 3, 3, 3], p(1, 1, 0, 2), 560).await?;
    conv_case(&gpu, [1, 8, 10, 10], [12, 2, 3, 3], p(2, 0, 1, 4), 561).await?;
    conv_case(&gpu, [2, 4, 7, 7], [8, 1, 3, 3], p(1, 1, 1, 4), 562).await?;
    conv_case(&gpu, [1, 32, 6, 5], [64, 4, 1, 1], p(1, 0, 0, 8), 563).await?;
    conv_case(&gpu, [2, 9, 12, 12], [6, 3, 5, 5], p(2, 2, 2, 3), 564).await
}

async fn pooling() -> TestResult {
    let avg_tol = Tol::new(1e-6, 1e-6);
    let cases: [(&[usize], usize, usize, usize); 4] = [
        (&[2, 3, 7, 7], 2, 2, 0),
        (&[2, 3, 7, 7], 3, 2, 1),
        (&[1, 4, 33, 17], 3, 1, 1),
        (&[1, 1, 1, 1], 1, 1, 0),
    ];
    type Pool = fn(&Tensor, usize, usize, usize) -> brainprobe_engine::Result<Tensor>;
    let pools: [(&str, u64, Tol, Pool); 2] = [
        ("max_pool2d", 510, EXACT, Tensor::max_pool2d),
        ("avg_pool2d", 520, avg_tol, Tensor::avg_pool2d),
    ];
    for (i, &(s, k, st, pad)) in cases.iter().enumerate() {
        for (op, first_seed, tol, pool) in pools {
            let seed = first_seed + i as u64;
            parity(op, &[s], seed, (-4.0, 4.0), tol, |x| {
                pool(&x[0], k, st, pad)
            })
            .await?;
        }
    }
    parity(
        "global_avg_pool",
        &[&[2, 7, 5, 3]],
        530,
        (-4.0, 4.0),
        avg_tol,
        |x| x[0].global_avg_pool(),
    )
    .await
}

parity_test!(
    conv2d_awkward_shapes,
    conv2d_asymmetric_padding,
    conv2d_depthwise,
    conv2d_grouped,
    pooling
);
