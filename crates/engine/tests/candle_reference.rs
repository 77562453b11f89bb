//! The llama ops' CPU references against candle, the reference implementation the whole-model
//! check uses (candle-transformers' `quantized_llama`): the GGUF block codecs bit for bit
//! against candle-core's k_quants (`QTensor::quantize` / `dequantize`, i.e. ggml's reference
//! quantiser and `dequantize_row_*`), `qmatmul` against candle's f32 matmul of the
//! dequantised weights, `rope` against `candle_nn::rotary_emb::rope_i` with the cos / sin
//! tables `quantized_llama` builds, `rms_norm` against `candle_nn::ops::rms_norm`, `silu_mul`
//! against `silu(a) * b`, and `gqa_attention` against `quantized_llama`'s attention
//! (`repeat_kv`, `q kᵀ / sqrt(hd)`, the `j > i` mask filled with -inf, softmax, `· v`).
//! Native only (candle is a dev-dependency; the engine never uses it).

#![cfg(not(target_arch = "wasm32"))]

#[allow(unused_macros)]
mod common;

use brainprobe_engine::{Device, QMatrix, QuantType, Tensor};
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{DType, Device as CDevice, Tensor as CTensor};
use common::{check, Rng, Tol};

type R = Result<(), Box<dyn std::error::Error>>;

fn ggml(q: QuantType) -> GgmlDType {
    match q {
        QuantType::Q4_1 => GgmlDType::Q4_1,
        QuantType::Q8_0 => GgmlDType::Q8_0,
    }
}

/// Random rows plus blocks that exercise the edge cases of the quantisers: constant (d = 0),
/// all zero, one large outlier, tiny values (subnormal f16 scales), negative only.
fn awkward_values(rng: &mut Rng, rows: usize, cols: usize) -> Vec<f32> {
    let mut v = rng.vec(rows * cols, -1.0, 1.0);
    let blocks: Vec<&mut [f32]> = v.chunks_mut(32).collect();
    for (i, b) in blocks.into_iter().enumerate().take(6) {
        match i {
            0 => b.fill(0.37),
            1 => b.fill(0.0),
            2 => b[5] = 1000.0,
            3 => b.iter_mut().for_each(|x| *x *= 1e-6),
            4 => b.iter_mut().for_each(|x| *x = -x.abs() - 3.0),
            _ => b.iter_mut().for_each(|x| *x *= 60000.0),
        }
    }
    v
}

#[test]
fn block_codecs_equal_candle_bit_for_bit() -> R {
    for (i, q) in [QuantType::Q4_1, QuantType::Q8_0].into_iter().enumerate() {
        let (rows, cols) = (9, 192);
        let values = awkward_values(&mut Rng::new(1200 + i as u64), rows, cols);
        let t =
            candle_core::Tensor::from_vec(values.clone(), (rows, cols), &candle_core::Device::Cpu)?;
        let qt = QTensor::quantize(&t, ggml(q))?;
        let theirs = qt.data()?;
        let ours = q.quantize(&values)?;
        assert_eq!(ours.len(), rows * q.row_bytes(cols), "{q:?} byte count");
        assert_eq!(
            ours.as_slice(),
            theirs.as_ref(),
            "{q:?}: quantised bytes differ"
        );
        let deq_theirs: Vec<f32> = qt
            .dequantize(&candle_core::Device::Cpu)?
            .flatten_all()?
            .to_vec1()?;
        let deq_ours = q.dequantize(&ours)?;
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&deq_ours),
            bits(&deq_theirs),
            "{q:?}: dequantised values differ"
        );
        // Bytes candle wrote decode the same through QMatrix (the GGUF loading path).
        let m = QMatrix::from_bytes(q, [rows, cols], &theirs, &Device::Cpu)?;
        let via_matrix = m.dequantize_cpu()?.to_array_blocking()?;
        assert_eq!(
            bits(&via_matrix),
            bits(&deq_theirs),
            "{q:?}: QMatrix decode differs"
        );
    }
    Ok(())
}

#[test]
fn qmatmul_equals_candle_matmul_of_dequantised_weights() -> R {
    let tol = Tol::new(1e-6, 1e-5);
    for (i, q) in [QuantType::Q4_1, QuantType::Q8_0].into_iter().enumerate() {
        let (m, k, n) = (11, 576, 96);
        let mut rng = Rng::new(1210 + i as u64);
        let x = rng.vec(m * k, -1.0, 1.0);
        let w = rng.vec(n * k, -1.0, 1.0);
        let dev = candle_core::Device::Cpu;
        let qt = QTensor::quantize(&candle_core::Tensor::from_vec(w, (n, k), &dev)?, ggml(q))?;
        let xt = candle_core::Tensor::from_vec(x.clone(), (m, k), &dev)?;
        let want: Vec<f32> = xt
            .matmul(&qt.dequantize(&dev)?.t()?)?
            .flatten_all()?
            .to_vec1()?;
        let wm = QMatrix::from_bytes(q, [n, k], &qt.data()?, &Device::Cpu)?;
        // Summation orders differ: the tolerance scales with (|x|·|W|)_ij.
        let w_abs = wm.dequantize_cpu()?.to_array_blocking()?;
        let scale = common::abs_on_cpu(&x, &[m, k])?
            .matmul_t(&common::abs_on_cpu(&w_abs, &[n, k])?, false, true)?
            .to_array_blocking()?;
        let got = Tensor::from_vec(x, &[m, k], &Device::Cpu)?
            .qmatmul(&wm)?
            .to_array_blocking()?;
        check(
            &format!("qmatmul {q:?} vs candle"),
            &got,
            &want,
            Some(&scale),
            tol,
        )?;
    }
    Ok(())
}

/// `quantized_llama::precomput_freqs_cis` (private there), verbatim but for `MAX_SEQ_LEN`.
fn precomput_freqs_cis(
    head_dim: usize,
    freq_base: f32,
    max_seq: usize,
) -> candle_core::Result<(CTensor, CTensor)> {
    let device = &CDevice::Cpu;
    let theta: Vec<_> = (0..head_dim)
        .step_by(2)
        .map(|i| 1f32 / freq_base.powf(i as f32 / head_dim as f32))
        .collect();
    let theta = CTensor::new(theta.as_slice(), device)?;
    let idx_theta = CTensor::arange(0, max_seq as u32, device)?
        .to_dtype(DType::F32)?
        .reshape((max_seq, 1))?
        .matmul(&theta.reshape((1, theta.elem_count()))?)?;
    Ok((idx_theta.cos()?, idx_theta.sin()?))
}

/// `[t, h, d]` values as candle's `(1, h, t, d)`.
fn heads_first(v: &[f32], t: usize, h: usize, d: usize) -> candle_core::Result<CTensor> {
    CTensor::from_vec(v.to_vec(), (t, h, d), &CDevice::Cpu)?
        .transpose(0, 1)?
        .contiguous()?
        .reshape((1, h, t, d))
}

/// candle's `(1, h, t, d)` back to `[t, h, d]` values.
fn heads_last(x: &CTensor) -> candle_core::Result<Vec<f32>> {
    x.squeeze(0)?
        .transpose(0, 1)?
        .contiguous()?
        .flatten_all()?
        .to_vec1()
}

#[test]
fn rope_equals_candle_rope_i_with_quantized_llama_tables() -> R {
    // SmolLM2: head dim 64, base 100 000; a second call continues at position 7.
    for (i, &(t, h, d, pos0, base)) in [(20, 3, 64, 0, 100_000f32), (9, 2, 16, 7, 10_000.0)]
        .iter()
        .enumerate()
    {
        let x = Rng::new(1220 + i as u64).vec(t * h * d, -2.0, 2.0);
        let (cos, sin) = precomput_freqs_cis(d, base, 64)?;
        let (cos, sin) = (cos.narrow(0, pos0, t)?, sin.narrow(0, pos0, t)?);
        let want = heads_last(&candle_nn::rotary_emb::rope_i(
            &heads_first(&x, t, h, d)?,
            &cos,
            &sin,
        )?)?;
        let got = Tensor::from_vec(x, &[t, h, d], &Device::Cpu)?
            .rope(pos0, base)?
            .to_array_blocking()?;
        // The same f32 angles and the same two products and sum per value: equal to the bit.
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&want), "rope [{t}, {h}, {d}] at {pos0}");
    }
    Ok(())
}

#[test]
fn rms_norm_and_silu_mul_equal_candle() -> R {
    let (rows, cols) = (13, 576);
    let mut rng = Rng::new(1230);
    let x = rng.vec(rows * cols, -3.0, 3.0);
    let w = rng.vec(cols, 0.5, 1.5);
    let xc = CTensor::from_vec(x.clone(), (rows, cols), &CDevice::Cpu)?;
    let want: Vec<f32> =
        candle_nn::ops::rms_norm(&xc, &CTensor::new(w.as_slice(), &CDevice::Cpu)?, 1e-5)?
            .flatten_all()?
            .to_vec1()?;
    let got = Tensor::from_vec(x.clone(), &[rows, cols], &Device::Cpu)?
        .rms_norm(&Tensor::from_vec(w, &[cols], &Device::Cpu)?, 1e-5)?
        .to_array_blocking()?;
    check(
        "rms_norm vs candle",
        &got,
        &want,
        None,
        Tol::new(1e-6, 1e-5),
    )?;
    let b = rng.vec(rows * cols, -3.0, 3.0);
    let bc = CTensor::from_vec(b.clone(), (rows, cols), &CDevice::Cpu)?;
    let want: Vec<f32> = (candle_nn::ops::silu(&xc)? * bc)?
        .flatten_all()?
        .to_vec1()?;
    let got = Tensor::from_vec(x, &[rows, cols], &Device::Cpu)?
        .silu_mul(&Tensor::from_vec(b, &[rows, cols], &Device::Cpu)?)?
        .to_array_blocking()?;
    check(
        "silu_mul vs candle",
        &got,
        &want,
        None,
        Tol::new(1e-6, 1e-5),
    )?;
    Ok(())
}

/// candle-transformers' `utils::repeat_kv` (kv head c serves query heads c·n_rep .. c·n_rep + n_rep - 1).
fn repeat_kv(xs: CTensor, n_rep: usize) -> candle_core::Result<CTensor> {
    if n_rep == 1 {
        return Ok(xs);
    }
    let (b_sz, n_kv_head, seq_len, head_dim) = xs.dims4()?;
    CTensor::cat(&vec![&xs; n_rep], 2)?.reshape((b_sz, n_kv_head * n_rep, seq_len, head_dim))
}

#[test]
fn gqa_attention_equals_quantized_llama_attention() -> R {
    // SmolLM2's 9 query heads over 3 kv heads, head dim 64; and a plain (non-causal) case.
    for (i, &(t, h, kvh, d, causal)) in [(17, 9, 3, 64, true), (6, 4, 1, 8, false)]
        .iter()
        .enumerate()
    {
        let mut rng = Rng::new(1240 + i as u64);
        let (q, k, v) = (
            rng.vec(t * h * d, -2.0, 2.0),
            rng.vec(t * kvh * d, -2.0, 2.0),
            rng.vec(t * kvh * d, -2.0, 2.0),
        );
        let qc = heads_first(&q, t, h, d)?;
        let kc = repeat_kv(heads_first(&k, t, kvh, d)?, h / kvh)?;
        let vc = repeat_kv(heads_first(&v, t, kvh, d)?, h / kvh)?;
        let mut att = (qc.matmul(&kc.t()?)? / (d as f64).sqrt())?;
        if causal {
            let mask: Vec<u8> = (0..t)
                .flat_map(|i| (0..t).map(move |j| u8::from(j > i)))
                .collect();
            let mask =
                CTensor::from_slice(&mask, (t, t), &CDevice::Cpu)?.broadcast_as(att.shape())?;
            let neg_inf =
                CTensor::new(f32::NEG_INFINITY, &CDevice::Cpu)?.broadcast_as(att.shape().dims())?;
            att = mask.where_cond(&neg_inf, &att)?;
        }
        let att = candle_nn::ops::softmax_last_dim(&att)?;
        let want = heads_last(&att.matmul(&vc.contiguous()?)?)?;
        let dev = Device::Cpu;
        let got = Tensor::gqa_attention(
            &Tensor::from_vec(q, &[t, h, d], &dev)?,
            &Tensor::from_vec(k, &[t, kvh, d], &dev)?,
            &Tensor::from_vec(v, &[t, kvh, d], &dev)?,
            causal,
        )?
        .to_array_blocking()?;
        check(
            &format!("gqa_attention [{t}, {h}/{kvh}, {d}] vs candle"),
            &got,
            &want,
            None,
            Tol::new(1e-5, 1e-4),
        )?;
    }
    Ok(())
}

/// Reads a CPU tensor without an executor.
trait Blocking {
    fn to_array_blocking(&self) -> Result<Vec<f32>, brainprobe_engine::EngineError>;
}

impl Blocking for Tensor {
    fn to_array_blocking(&self) -> Result<Vec<f32>, brainprobe_engine::EngineError> {
        pollster::block_on(self.to_vec())
    }
}
