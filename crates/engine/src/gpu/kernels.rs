//! Every WGSL source, embedded once with `include_str!` and named by a [`Kernel`] variant.
//! `common.wgsl` (the `Params` binding, math helpers) is prepended to each, and the shared entry
//! point of its [`EntryPoint`] appended (after the snippets the matmuls and the quantised
//! kernels share: `matmul_block.wgsl`, `quant.wgsl`). The only templating is `{{name}}` substitution: the
//! f16 weight variant of matmul and the line workgroup size; see [`Kernel::source`].

use std::borrow::Cow;

const COMMON: &str = include_str!("kernels/common.wgsl");
const LINE_ENTRY: &str = include_str!("kernels/line_entry.wgsl");
const ROW_ENTRY: &str = include_str!("kernels/row_entry.wgsl");
const QUANT: &str = include_str!("kernels/quant.wgsl");
const MATMUL_BLOCK: &str = include_str!("kernels/matmul_block.wgsl");

/// Threads per workgroup of the one-element-per-thread kernels (`{{line_wg}}` in
/// `line_entry.wgsl`).
pub(crate) const LINE_WG: usize = 256;

/// Where a kernel's `main` comes from, and so how its threads cover the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryPoint {
    /// The kernel file writes its own `main` (matmul's tiles).
    InBody,
    /// `line_entry.wgsl`: one thread per element, [`LINE_WG`] to a workgroup; the kernel's
    /// `Params` has `n`, the number of threads with work, and the kernel defines
    /// `line_element(i)`.
    Line,
    /// `row_entry.wgsl`: one workgroup per row, with shared reductions; the kernel defines
    /// `row_body(row, li)`.
    Row,
}

/// One compute kernel = one `.wgsl` file with a `main` entry point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// `matmul.wgsl`: tiled (batched, strided) C = A·B.
    Matmul,
    /// `unary.wgsl`: relu, relu6, gelu (tanh / erf), tanh, sigmoid, scale.
    Unary,
    /// `binary.wgsl`: broadcasted add / mul.
    Binary,
    /// `softmax.wgsl`: softmax over rows, optional causal mask.
    Softmax,
    /// `layer_norm.wgsl`: layer norm over the last axis.
    LayerNorm,
    /// `embedding.wgsl`: row gather by token id.
    Embedding,
    /// `im2col.wgsl`: unfolds conv2d patches into a matrix.
    Im2col,
    /// `conv2d_direct.wgsl`: direct convolution, one output per thread.
    Conv2dDirect,
    /// `pool2d.wgsl`: max / average pooling.
    Pool2d,
    /// `batch_norm.wgsl`: per-channel scale and shift (inference batch norm).
    BatchNorm,
    /// `mean_axis.wgsl`: mean over one axis.
    MeanAxis,
    /// `transpose.wgsl`: axis permutation (rank <= 6).
    Transpose,
    /// `axis_copy.wgsl`: copies a range along one axis (concat and slice).
    AxisCopy,
    /// `lstm_cell.wgsl`: LSTM pointwise gate update.
    LstmCell,
    /// `qmatmul.wgsl`: `x · Wᵀ` with W in GGUF blocks (Q4_1 / Q8_0), dequantised in the kernel.
    QMatmul,
    /// `qembedding.wgsl`: row gather from a block-quantised table.
    QEmbedding,
    /// `rms_norm.wgsl`: RMS norm over the last axis (llama).
    RmsNorm,
    /// `rope.wgsl`: rotary position embedding, interleaved pairs (GGUF llama).
    Rope,
    /// `silu_mul.wgsl`: `silu(a) * b` (SwiGLU gate).
    SiluMul,
    /// `gqa_attention.wgsl`: fused grouped-query (causal) attention, online softmax.
    GqaAttention,
}

/// Variant of a kernel: the key, with the kernel, of the pipeline cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Specialization {
    /// The kernel as written.
    #[default]
    Plain,
    /// Sets the WGSL `override OP: u32` constant (which unary / binary / pool function).
    Op(u32),
    /// Matmul with operand B stored as f16 (needs `shader-f16`).
    F16B,
}

impl Kernel {
    /// Every kernel, for validation and documentation.
    pub const ALL: [Kernel; 20] = [
        Kernel::Matmul,
        Kernel::Unary,
        Kernel::Binary,
        Kernel::Softmax,
        Kernel::LayerNorm,
        Kernel::Embedding,
        Kernel::Im2col,
        Kernel::Conv2dDirect,
        Kernel::Pool2d,
        Kernel::BatchNorm,
        Kernel::MeanAxis,
        Kernel::Transpose,
        Kernel::AxisCopy,
        Kernel::LstmCell,
        Kernel::QMatmul,
        Kernel::QEmbedding,
        Kernel::RmsNorm,
        Kernel::Rope,
        Kernel::SiluMul,
        Kernel::GqaAttention,
    ];

    /// The kernel's own file, without the common prelude.
    pub fn body(self) -> &'static str {
        match self {
            Kernel::Matmul => include_str!("kernels/matmul.wgsl"),
            Kernel::Unary => include_str!("kernels/unary.wgsl"),
            Kernel::Binary => include_str!("kernels/binary.wgsl"),
            Kernel::Softmax => include_str!("kernels/softmax.wgsl"),
            Kernel::LayerNorm => include_str!("kernels/layer_norm.wgsl"),
            Kernel::Embedding => include_str!("kernels/embedding.wgsl"),
            Kernel::Im2col => include_str!("kernels/im2col.wgsl"),
            Kernel::Conv2dDirect => include_str!("kernels/conv2d_direct.wgsl"),
            Kernel::Pool2d => include_str!("kernels/pool2d.wgsl"),
            Kernel::BatchNorm => include_str!("kernels/batch_norm.wgsl"),
            Kernel::MeanAxis => include_str!("kernels/mean_axis.wgsl"),
            Kernel::Transpose => include_str!("kernels/transpose.wgsl"),
            Kernel::AxisCopy => include_str!("kernels/axis_copy.wgsl"),
            Kernel::LstmCell => include_str!("kernels/lstm_cell.wgsl"),
            Kernel::QMatmul => include_str!("kernels/qmatmul.wgsl"),
            Kernel::QEmbedding => include_str!("kernels/qembedding.wgsl"),
            Kernel::RmsNorm => include_str!("kernels/rms_norm.wgsl"),
            Kernel::Rope => include_str!("kernels/rope.wgsl"),
            Kernel::SiluMul => include_str!("kernels/silu_mul.wgsl"),
            Kernel::GqaAttention => include_str!("kernels/gqa_attention.wgsl"),
        }
    }

    /// The entry point appended to the body.
    pub fn entry_point(self) -> EntryPoint {
        match self {
            Kernel::Matmul | Kernel::QMatmul => EntryPoint::InBody,
            Kernel::Softmax | Kernel::LayerNorm | Kernel::RmsNorm | Kernel::GqaAttention => {
                EntryPoint::Row
            }
            _ => EntryPoint::Line,
        }
    }

    /// Specializations that exist for this kernel (each must compile).
    pub fn variants(self) -> Vec<Specialization> {
        match self {
            Kernel::Matmul => vec![Specialization::Plain, Specialization::F16B],
            Kernel::Unary => (0..crate::ops::UnaryOp::COUNT)
                .map(Specialization::Op)
                .collect(),
            Kernel::Binary => (0..crate::ops::BinaryOp::COUNT)
                .map(Specialization::Op)
                .collect(),
            Kernel::Pool2d => vec![Specialization::Op(0), Specialization::Op(1)],
            Kernel::QMatmul | Kernel::QEmbedding => (0..crate::quant::QuantType::COUNT)
                .map(Specialization::Op)
                .collect(),
            _ => vec![Specialization::Plain],
        }
    }

    /// Full WGSL for `spec`: optional `enable f16;`, the common prelude, the body, the register
    /// block of the tiled matmuls (`matmul_block.wgsl`), the block readers of the quantised
    /// kernels (`quant.wgsl`), then the shared entry point, with `{{b_elem}}` filled in (`f32`,
    /// or `f16` for [`Specialization::F16B`]) and `{{line_wg}}` with [`LINE_WG`].
    pub fn source(self, spec: Specialization) -> Cow<'static, str> {
        let f16 = spec == Specialization::F16B;
        let entry = match self.entry_point() {
            EntryPoint::InBody => "",
            EntryPoint::Line => LINE_ENTRY,
            EntryPoint::Row => ROW_ENTRY,
        };
        let enable = if f16 { "enable f16;\n" } else { "" };
        let block = match self {
            Kernel::Matmul | Kernel::QMatmul => MATMUL_BLOCK,
            _ => "",
        };
        let quant = match self {
            Kernel::QMatmul | Kernel::QEmbedding => QUANT,
            _ => "",
        };
        let template = format!(
            "{enable}{COMMON}\n{}\n{block}\n{quant}\n{entry}",
            self.body()
        );
        let line_wg = LINE_WG.to_string();
        let b_elem = if f16 { "f16" } else { "f32" };
        Cow::Owned(fill(
            &template,
            &[("b_elem", b_elem), ("line_wg", &line_wg)],
        ))
    }

    /// Pipeline-overridable constants for `spec`.
    pub fn constants(self, spec: Specialization) -> Vec<(&'static str, f64)> {
        match spec {
            Specialization::Op(op) => vec![("OP", op as f64)],
            _ => Vec::new(),
        }
    }
}

/// Replaces each `{{name}}` with its value; unknown placeholders are left for the test to find.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_placeholders_and_no_braces_survive() {
        assert_eq!(fill("a {{x}} b {{x}}", &[("x", "f16")]), "a f16 b f16");
        for kernel in Kernel::ALL {
            for spec in kernel.variants() {
                let src = kernel.source(spec);
                assert!(
                    !src.contains("{{"),
                    "{kernel:?}/{spec:?} keeps a placeholder"
                );
            }
        }
    }
}
