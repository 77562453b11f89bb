//! The llama ops' CPU references against candle, the reference implementation the whole-model
//! check uses (candle-transformers' `quantized_llama`): the GGUF block codecs bit for bit
//! against candle-core's k_quants (`QTensor::quantize` / `dequantize`, i.e. ggml's reference
//! quantiser and `dequantize_row_*`), and `qmatmul` against candle's f32 matmul of the
//! dequantised weights. Native only (candle is a dev-dependency; the engine never uses it).

#![cfg(not(target_arch = "wasm32"))]

#[allow(dead_code, unused_macros)]
mod common;

use brainprobe_engine::{Device, QMatrix, QuantType, Tensor};
use candle_core::quantized::{GgmlDType, QTensor};
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
        let t = candle_core::Tensor::from_vec(values.clone(), (rows, cols), &candle_core::Device::Cpu)?;
        let qt = QTensor::quantize(&t, ggml(q))?;
        let theirs = qt.data()?;
        let ours = q.quantize(&values)?;
        assert_eq!(ours.len(), rows * q.row_bytes(cols), "{q:?} byte count");
        assert_eq!(ours.as_slice(), theirs.as_ref(), "{q:?}: quantised bytes differ");
        let deq_theirs: Vec<f32> = qt.dequantize(&candle_core::Device::Cpu)?.flatten_all()?.to_vec1()?;
        let deq_ours = q.dequantize(&ours)?;
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&deq_ours), bits(&deq_theirs), "{q:?}: dequantised values differ");
        // Bytes candle wrote decode the same through QMatrix (the GGUF loading path).
        let m = QMatrix::from_bytes(q, [rows, cols], &theirs, &Device::Cpu)?;
        let via_matrix = m.dequantize_cpu()?.to_array_blocking()?;
        assert_eq!(bits(&via_matrix), bits(&deq_theirs), "{q:?}: QMatrix decode differs");
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
        let want: Vec<f32> = xt.matmul(&qt.dequantize(&dev)?.t()?)?.flatten_all()?.to_vec1()?;
        let wm = QMatrix::from_bytes(q, [n, k], &qt.data()?, &Device::Cpu)?;
        // Summation orders differ: the tolerance scales with (|x|·|W|)_ij.
        let w_abs = wm.dequantize_cpu()?.to_array_blocking()?;
        let scale = common::abs_on_cpu(&x, &[m, k])?
            .matmul_t(&common::abs_on_cpu(&w_abs, &[n, k])?, false, true)?
            .to_array_blocking()?;
        let got = Tensor::from_vec(x, &[m, k], &Device::Cpu)?
            .qmatmul(&wm)?
            .to_array_blocking()?;
        check(&format!("qmatmul {q:?} vs candle"), &got, &want, Some(&scale), tol)?;
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
