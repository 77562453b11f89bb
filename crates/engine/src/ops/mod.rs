//! The op methods of [`crate::Tensor`]. Each validates shapes once (typed errors, no panics),
//! then matches on where the operands live and calls `cpu::<op>` or `gpu::ops::call_<op>`.

mod attention;
mod conv;
mod elementwise;
mod embedding;
mod lstm;
mod matmul;
mod norm;
mod quant;
mod rope;
mod shape;

pub use conv::{Conv2dParams, ConvAlgo, Pool2dParams, PoolKind};
pub use elementwise::{BinaryOp, UnaryOp};
pub use lstm::LstmWeights;
pub(crate) use matmul::MatmulDims;
pub use norm::fold_batch_norm;
