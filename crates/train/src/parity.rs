//! Which family's candle forward pass produces the parity fixture for a weights id,
//! so the `parity-fixture` command and the fixture test dispatch the same way.

use std::collections::HashMap;
use std::path::Path;

use candle_core::Tensor;

/// max |a − b| over all elements of two candle tensors of one shape: how the parity checks
/// (fixtures, our ops against candle's) measure a difference.
pub fn max_abs_diff(a: &Tensor, b: &Tensor) -> candle_core::Result<f32> {
    (a - b)?.abs()?.max_all()?.to_scalar::<f32>()
}

/// True when `id` names language weights (gpt-mini, its checkpoints, lstm-mini).
fn is_language(id: &str) -> bool {
    id.starts_with("gpt-mini") || id.starts_with("lstm-mini")
}

/// The candle forward pass of the committed weights `weights_dir` (named `id`),
/// as the tensors a parity fixture stores.
pub fn fixture(id: &str, weights_dir: &Path) -> Result<HashMap<String, Tensor>, String> {
    if is_language(id) {
        crate::language::parity::fixture(weights_dir)
    } else {
        crate::vision::parity::fixture(weights_dir)
    }
}

/// Write the parity fixture for `id` to `out`.
pub fn write_fixture(id: &str, weights_dir: &Path, out: &Path) -> Result<(), String> {
    if is_language(id) {
        crate::language::parity::write_fixture(weights_dir, out)
    } else {
        crate::vision::parity::write_fixture(weights_dir, out)
    }
}
