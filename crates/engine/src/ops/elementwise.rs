//! Elementwise ops: activations, scale, and broadcasted add / mul (bias add included).

use crate::cpu;
use crate::error::{EngineError, Result};
use crate::gpu::ops::{call_binary, call_silu_mul, call_unary};
use crate::tensor::{place, Placed, Tensor};

/// A one-input elementwise function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UnaryOp {
    /// max(x, 0)
    Relu,
    /// GELU, tanh approximation (GPT-2).
    GeluTanh,
    /// GELU, exact erf form (BERT / MiniLM).
    GeluErf,
    /// tanh
    Tanh,
    /// logistic sigmoid
    Sigmoid,
    /// alpha * x
    Scale(f32),
    /// min(max(x, 0), 6) (MobileNet / EfficientNet-Lite)
    Relu6,
}

impl UnaryOp {
    /// Number of variants (the `OP` values of `unary.wgsl`).
    pub const COUNT: u32 = 7;

    /// The `OP` override value in `unary.wgsl`.
    pub fn code(self) -> u32 {
        match self {
            UnaryOp::Relu => 0,
            UnaryOp::GeluTanh => 1,
            UnaryOp::GeluErf => 2,
            UnaryOp::Tanh => 3,
            UnaryOp::Sigmoid => 4,
            UnaryOp::Scale(_) => 5,
            UnaryOp::Relu6 => 6,
        }
    }
}

/// A two-input elementwise op with NumPy broadcasting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// a + b
    Add,
    /// a * b
    Mul,
}

impl BinaryOp {
    /// Number of variants (the `OP` values of `binary.wgsl`).
    pub const COUNT: u32 = 2;

    /// The `OP` override value in `binary.wgsl`.
    pub fn code(self) -> u32 {
        match self {
            BinaryOp::Add => 0,
            BinaryOp::Mul => 1,
        }
    }

    /// The op's name in errors.
    pub fn name(self) -> &'static str {
        match self {
            BinaryOp::Add => "add",
            BinaryOp::Mul => "mul",
        }
    }
}

/// The NumPy broadcast of two shapes, or an error naming the op.
pub(crate) fn broadcast_shape(op: &'static str, a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let rank = a.len().max(b.len());
    let dim = |s: &[usize], d: usize| {
        let pad = rank - s.len();
        if d < pad {
            1
        } else {
            s[d - pad]
        }
    };
    (0..rank)
        .map(|d| match (dim(a, d), dim(b, d)) {
            (x, y) if x == y => Ok(x),
            (1, y) => Ok(y),
            (x, 1) => Ok(x),
            _ => Err(EngineError::shape(op, "shapes do not broadcast", &[a, b])),
        })
        .collect()
}

/// `Tensor` methods that apply one parameterless [`UnaryOp`] through [`Tensor::unary`], written
/// `doc comment, method => variant;`.
macro_rules! unary_methods {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {
        impl Tensor {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> Result<Tensor> {
                    self.unary(UnaryOp::$op)
                }
            )*
        }
    };
}

unary_methods! {
    /// max(x, 0).
    relu => Relu;
    /// min(max(x, 0), 6).
    relu6 => Relu6;
    /// GELU, tanh approximation.
    gelu_tanh => GeluTanh;
    /// GELU, erf form.
    gelu_erf => GeluErf;
    /// tanh.
    tanh => Tanh;
    /// Logistic sigmoid.
    sigmoid => Sigmoid;
}

impl Tensor {
    /// Applies `op` elementwise.
    pub fn unary(&self, op: UnaryOp) -> Result<Tensor> {
        match place("unary", &[self])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::unary(v[0], op))),
            Placed::Gpu(gpu, v) => Ok(Tensor::gpu(call_unary(&gpu, v[0], op)?, self.shape.clone())),
        }
    }

    /// alpha * x.
    pub fn scale(&self, alpha: f32) -> Result<Tensor> {
        self.unary(UnaryOp::Scale(alpha))
    }

    /// `self (op) rhs` with NumPy broadcasting.
    pub fn binary(&self, rhs: &Tensor, op: BinaryOp) -> Result<Tensor> {
        let out_shape = broadcast_shape(op.name(), &self.shape, &rhs.shape)?;
        match place(op.name(), &[self, rhs])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::binary(v[0], v[1], op, &out_shape)?)),
            Placed::Gpu(gpu, v) => {
                let out = call_binary(&gpu, v[0], &self.shape, v[1], &rhs.shape, &out_shape, op)?;
                Ok(Tensor::gpu(out, out_shape))
            }
        }
    }

    /// Broadcasted sum; a bias add is `x.add(&bias)` with `bias` of shape `[N]`.
    pub fn add(&self, rhs: &Tensor) -> Result<Tensor> {
        self.binary(rhs, BinaryOp::Add)
    }

    /// Broadcasted product.
    pub fn mul(&self, rhs: &Tensor) -> Result<Tensor> {
        self.binary(rhs, BinaryOp::Mul)
    }

    /// The gated product of a SwiGLU MLP, `silu(self) ⊙ up` with `silu(a) = a · sigmoid(a)`
    /// (llama: `down(silu(gate(x)) ⊙ up(x))`); both operands have the same shape.
    pub fn silu_mul(&self, up: &Tensor) -> Result<Tensor> {
        if self.shape != up.shape {
            return Err(EngineError::shape(
                "silu_mul",
                "gate and up must have the same shape",
                &[&self.shape, &up.shape],
            ));
        }
        match place("silu_mul", &[self, up])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::silu_mul(v[0], v[1]))),
            Placed::Gpu(gpu, v) => Ok(Tensor::gpu(
                call_silu_mul(&gpu, v[0], v[1])?,
                self.shape.clone(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_rules() {
        assert_eq!(broadcast_shape("add", &[2, 3], &[3]).unwrap(), vec![2, 3]);
        assert_eq!(
            broadcast_shape("add", &[2, 1, 4], &[3, 1]).unwrap(),
            vec![2, 3, 4]
        );
        assert!(broadcast_shape("add", &[2, 3], &[2]).is_err());
    }
}
