//! GGUF block-quantised weights: [`QuantType`] (the Q4_1 and Q8_0 block codecs, bit for bit
//! ggml's `quantize_row_*_reference` / `dequantize_row_*`) and [`QMatrix`], an `[n, k]` weight
//! matrix that stays in its block layout on either device — raw block bytes in host memory, or
//! the same bytes as u32 words in one GPU buffer, dequantised inside the kernels that read it
//! ([`crate::Tensor::qmatmul`], [`QMatrix::embedding`]).
//!
//! Block layouts (32 weights each, little-endian, as in a GGUF file):
//!
//! | type | bytes | layout | weight `j` of the block |
//! |---|---|---|---|
//! | Q4_1 | 20 | f16 `d`, f16 `m`, 16 bytes `qs` | `d · q + m`, `q = qs[j] & 15` for `j < 16`, `qs[j - 16] >> 4` after |
//! | Q8_0 | 34 | f16 `d`, 32 × i8 `qs` | `d · qs[j]` |
//!
//! Both products `d · q` are exact in f32 (an 11-bit f16 mantissa times at most 8 bits), so the
//! dequantised values are the same on every device, fused multiply-add or not.

use std::sync::Arc;

use crate::device::Device;
use crate::error::{EngineError, Result};
use crate::gpu::GpuBuffer;
use crate::half::{f16_bits_to_f32, f32_to_f16_bits};

/// A GGUF block format the engine computes with directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuantType {
    /// 4-bit with scale and minimum: 20-byte blocks of 32 (`GGML_TYPE_Q4_1` = 3).
    Q4_1,
    /// 8-bit with scale: 34-byte blocks of 32 (`GGML_TYPE_Q8_0` = 8).
    Q8_0,
}

impl QuantType {
    /// Weights per block (both formats).
    pub const BLOCK: usize = 32;

    /// Bytes per block of [`QuantType::BLOCK`] weights.
    pub fn block_bytes(self) -> usize {
        match self {
            QuantType::Q4_1 => 20,
            QuantType::Q8_0 => 34,
        }
    }

    /// The `ggml_type` id a GGUF tensor-info record uses for this format.
    pub fn ggml_type(self) -> u32 {
        match self {
            QuantType::Q4_1 => 3,
            QuantType::Q8_0 => 8,
        }
    }

    /// The format of a GGUF `ggml_type` id, if the engine supports it.
    pub fn from_ggml_type(id: u32) -> Option<QuantType> {
        match id {
            3 => Some(QuantType::Q4_1),
            8 => Some(QuantType::Q8_0),
            _ => None,
        }
    }

    /// "Q4_1" or "Q8_0".
    pub fn name(self) -> &'static str {
        match self {
            QuantType::Q4_1 => "Q4_1",
            QuantType::Q8_0 => "Q8_0",
        }
    }

    /// Bytes of one row of `cols` weights (`cols` a multiple of [`QuantType::BLOCK`]).
    pub fn row_bytes(self, cols: usize) -> usize {
        cols / Self::BLOCK * self.block_bytes()
    }

    /// The `OP` override value of the quantised kernels.
    pub(crate) fn code(self) -> u32 {
        match self {
            QuantType::Q4_1 => 0,
            QuantType::Q8_0 => 1,
        }
    }

    /// Number of formats (the `OP` values of `qmatmul.wgsl` and `qembedding.wgsl`).
    pub(crate) const COUNT: u32 = 2;

    /// Encodes `values` (a multiple of 32 of them) in blocks, exactly as ggml's reference
    /// quantiser (`quantize_row_q4_1_ref`, `quantize_row_q8_0_ref`; candle's `from_float`).
    pub fn quantize(self, values: &[f32]) -> Result<Vec<u8>> {
        self.check_len("quantize", values.len())?;
        let mut out = Vec::with_capacity(values.len() / Self::BLOCK * self.block_bytes());
        for xs in values.chunks_exact(Self::BLOCK) {
            match self {
                QuantType::Q4_1 => {
                    let min = xs.iter().fold(f32::INFINITY, |a, &x| x.min(a));
                    let max = xs.iter().fold(f32::NEG_INFINITY, |a, &x| x.max(a));
                    let d = (max - min) / 15.0;
                    let id = if d != 0.0 { 1.0 / d } else { 0.0 };
                    out.extend(f32_to_f16_bits(d).to_le_bytes());
                    out.extend(f32_to_f16_bits(min).to_le_bytes());
                    for j in 0..Self::BLOCK / 2 {
                        // `as u8` saturates (negative and NaN give 0), as in candle.
                        let lo = (((xs[j] - min) * id + 0.5) as u8).min(15);
                        let hi = (((xs[j + 16] - min) * id + 0.5) as u8).min(15);
                        out.push(lo | (hi << 4));
                    }
                }
                QuantType::Q8_0 => {
                    let amax = xs.iter().fold(0f32, |a, &x| a.max(x.abs()));
                    let d = amax / 127.0;
                    let id = if d != 0.0 { 1.0 / d } else { 0.0 };
                    out.extend(f32_to_f16_bits(d).to_le_bytes());
                    out.extend(xs.iter().map(|&x| (x * id).round() as i8 as u8));
                }
            }
        }
        Ok(out)
    }

    /// Decodes whole blocks: `bytes.len() / block_bytes() * 32` values, exactly as ggml's
    /// `dequantize_row_q4_1` / `dequantize_row_q8_0` (candle's `to_float`).
    pub fn dequantize(self, bytes: &[u8]) -> Result<Vec<f32>> {
        if !bytes.len().is_multiple_of(self.block_bytes()) {
            return Err(EngineError::shape(
                "dequantize",
                format!(
                    "{} bytes are not whole {}-byte {} blocks",
                    bytes.len(),
                    self.block_bytes(),
                    self.name()
                ),
                &[&[bytes.len()]],
            ));
        }
        let mut out = vec![0.0; bytes.len() / self.block_bytes() * Self::BLOCK];
        self.dequantize_into(bytes, &mut out);
        Ok(out)
    }

    /// Decodes `out.len() / 32` blocks from the front of `bytes` into `out`.
    pub(crate) fn dequantize_into(self, bytes: &[u8], out: &mut [f32]) {
        let half = |b: &[u8]| f16_bits_to_f32(u16::from_le_bytes([b[0], b[1]]));
        for (block, ys) in bytes
            .chunks_exact(self.block_bytes())
            .zip(out.chunks_exact_mut(Self::BLOCK))
        {
            match self {
                QuantType::Q4_1 => {
                    let (d, m) = (half(&block[0..2]), half(&block[2..4]));
                    for (j, &q) in block[4..20].iter().enumerate() {
                        ys[j] = (q & 0x0f) as f32 * d + m;
                        ys[j + 16] = (q >> 4) as f32 * d + m;
                    }
                }
                QuantType::Q8_0 => {
                    let d = half(&block[0..2]);
                    for (y, &q) in ys.iter_mut().zip(&block[2..34]) {
                        *y = q as i8 as f32 * d;
                    }
                }
            }
        }
    }

    fn check_len(self, op: &'static str, cols: usize) -> Result<()> {
        if !cols.is_multiple_of(Self::BLOCK) {
            return Err(EngineError::shape(
                op,
                format!(
                    "{} needs a multiple of {} values per row",
                    self.name(),
                    Self::BLOCK
                ),
                &[&[cols]],
            ));
        }
        Ok(())
    }
}

/// Where a [`QMatrix`]'s block bytes are.
#[derive(Clone, Debug)]
pub(crate) enum QStorage {
    /// Host memory: the raw GGUF bytes.
    Cpu(Arc<[u8]>),
    /// A GPU buffer holding the same bytes as little-endian u32 words (zero-padded to a word).
    Gpu(GpuBuffer),
}

/// A weight matrix `W [rows, cols]` (GGUF `ne = [cols, rows]`) kept in a block format on its
/// device: each row is `cols / 32` consecutive blocks. A linear layer is
/// [`crate::Tensor::qmatmul`] (`x · Wᵀ`); a tied embedding table also answers
/// [`QMatrix::embedding`]. Cheap to clone (the bytes are shared).
#[derive(Clone, Debug)]
pub struct QMatrix {
    pub(crate) qtype: QuantType,
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) storage: QStorage,
}

impl QMatrix {
    /// The matrix whose row-major block bytes are `bytes` (as stored in a GGUF file for a
    /// tensor of dims `[cols, rows]`), placed on `device`. `cols` must be a multiple of 32 and
    /// `bytes` exactly `rows · cols / 32` blocks.
    pub fn from_bytes(
        qtype: QuantType,
        shape: [usize; 2],
        bytes: &[u8],
        device: &Device,
    ) -> Result<QMatrix> {
        let [rows, cols] = shape;
        qtype.check_len("QMatrix::from_bytes", cols)?;
        let want =
            rows.checked_mul(qtype.row_bytes(cols))
                .ok_or_else(|| EngineError::OutOfMemory {
                    op: "QMatrix::from_bytes",
                    detail: format!("{rows} x {cols} {} does not fit in memory", qtype.name()),
                })?;
        if bytes.len() != want {
            return Err(EngineError::shape(
                "QMatrix::from_bytes",
                format!(
                    "{} bytes given, {rows} x {cols} {} takes {want}",
                    bytes.len(),
                    qtype.name()
                ),
                &[&shape],
            ));
        }
        let storage = match device {
            Device::Cpu => QStorage::Cpu(Arc::from(bytes)),
            Device::Gpu(gpu) => {
                let words: Vec<u32> = bytes
                    .chunks(4)
                    .map(|c| {
                        let mut w = [0u8; 4];
                        w[..c.len()].copy_from_slice(c);
                        u32::from_le_bytes(w)
                    })
                    .collect();
                QStorage::Gpu(GpuBuffer::upload(gpu, &words, "qmatrix upload")?)
            }
        };
        Ok(QMatrix {
            qtype,
            rows,
            cols,
            storage,
        })
    }

    /// `values` (row-major `[rows, cols]`) quantised with [`QuantType::quantize`] and placed
    /// on `device`.
    pub fn quantize(
        qtype: QuantType,
        values: &[f32],
        shape: [usize; 2],
        device: &Device,
    ) -> Result<QMatrix> {
        let [rows, cols] = shape;
        if rows.checked_mul(cols) != Some(values.len()) {
            return Err(EngineError::DataLength {
                shape: shape.to_vec(),
                expected: rows.saturating_mul(cols),
                got: values.len(),
            });
        }
        qtype.check_len("QMatrix::quantize", cols)?;
        QMatrix::from_bytes(qtype, shape, &qtype.quantize(values)?, device)
    }

    /// The block format.
    pub fn qtype(&self) -> QuantType {
        self.qtype
    }

    /// `[rows, cols]` (`[out_features, in_features]` for a linear layer).
    pub fn shape(&self) -> [usize; 2] {
        [self.rows, self.cols]
    }

    /// Bytes of block data (what the GPU buffer holds, before word padding).
    pub fn nbytes(&self) -> usize {
        self.rows * self.qtype.row_bytes(self.cols)
    }

    /// The device the blocks live on.
    pub fn device(&self) -> Device {
        match &self.storage {
            QStorage::Cpu(_) => Device::Cpu,
            QStorage::Gpu(b) => Device::Gpu(b.gpu.clone()),
        }
    }

    /// The dequantised values `[rows, cols]` as an f32 tensor on the CPU (host storage only:
    /// a GPU-resident matrix answers a typed error; keep the bytes if you need both).
    pub fn dequantize_cpu(&self) -> Result<crate::Tensor> {
        match &self.storage {
            QStorage::Cpu(bytes) => crate::Tensor::from_vec(
                self.qtype.dequantize(bytes)?,
                &[self.rows, self.cols],
                &Device::Cpu,
            ),
            QStorage::Gpu(_) => Err(EngineError::DeviceMismatch {
                op: "QMatrix::dequantize_cpu",
                left: "cpu",
                right: "gpu",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q4_1_block_by_hand() {
        // 0..31 / 2: min 0, max 15.5, d = 15.5 / 15; weight j is q_j · d + 0 with q_j the
        // nearest of 0..15, low nibbles for j < 16 and high nibbles after.
        let xs: Vec<f32> = (0..32).map(|i| i as f32 / 2.0).collect();
        let b = QuantType::Q4_1.quantize(&xs).unwrap();
        assert_eq!(b.len(), 20);
        assert_eq!(u16::from_le_bytes([b[2], b[3]]), 0); // m = 0
        let d = f16_bits_to_f32(u16::from_le_bytes([b[0], b[1]]));
        assert!((d - 15.5 / 15.0).abs() < 1e-3);
        // x = 0 -> q 0, x = 8 (j = 16) -> q = round(8 / 1.0333) = 8
        assert_eq!(b[4] & 0x0f, 0);
        assert_eq!(b[4] >> 4, 8);
        let ys = QuantType::Q4_1.dequantize(&b).unwrap();
        assert_eq!(ys[0], 0.0);
        assert_eq!(ys[16], 8.0 * d);
        for (x, y) in xs.iter().zip(&ys) {
            assert!((x - y).abs() <= d / 2.0 + 1e-6, "{x} -> {y}");
        }
    }

    #[test]
    fn q8_0_block_by_hand() {
        let mut xs = vec![0.0f32; 32];
        xs[0] = -127.0;
        xs[1] = 1.0;
        xs[31] = 63.4;
        let b = QuantType::Q8_0.quantize(&xs).unwrap();
        assert_eq!(b.len(), 34);
        assert_eq!(u16::from_le_bytes([b[0], b[1]]), 0x3c00); // d = 1.0
        assert_eq!((b[2] as i8, b[3] as i8, b[33] as i8), (-127, 1, 63));
        let ys = QuantType::Q8_0.dequantize(&b).unwrap();
        assert_eq!((ys[0], ys[1], ys[2], ys[31]), (-127.0, 1.0, 0.0, 63.0));
    }

    #[test]
    fn bad_lengths_are_errors() {
        assert!(QuantType::Q4_1.quantize(&[0.0; 31]).is_err());
        assert!(QuantType::Q8_0.dequantize(&[0; 33]).is_err());
        let dev = Device::Cpu;
        assert!(QMatrix::from_bytes(QuantType::Q4_1, [2, 32], &[0; 39], &dev).is_err());
        assert!(QMatrix::from_bytes(QuantType::Q4_1, [1, 33], &[0; 20], &dev).is_err());
        assert!(QMatrix::quantize(QuantType::Q8_0, &[0.0; 64], [3, 32], &dev).is_err());
        let ok = QMatrix::quantize(QuantType::Q8_0, &[0.5; 64], [2, 32], &dev).unwrap();
        assert_eq!((ok.shape(), ok.nbytes()), ([2, 32], 68));
    }
}
