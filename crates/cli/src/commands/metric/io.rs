//! The `metric` commands' inputs and outputs: `.npy` files in, JSON on stdout.

use std::path::Path;

use ndarray::{Array2, ArrayD, Axis, Ix2};
use ndarray_npy::{ReadNpyExt, WriteNpyExt};
use serde_json::{json, Value};

use super::JsonFlag;

/// Any `.npy` array of float64/float32/int64/int32/uint8, as float64.
pub(super) fn read_any(path: &Path) -> Result<ArrayD<f64>, String> {
    let open = || std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()));
    if let Ok(a) = ArrayD::<f64>::read_npy(open()?) {
        return Ok(a);
    }
    if let Ok(a) = ArrayD::<f32>::read_npy(open()?) {
        return Ok(a.mapv(f64::from));
    }
    if let Ok(a) = ArrayD::<i64>::read_npy(open()?) {
        return Ok(a.mapv(|v| v as f64));
    }
    if let Ok(a) = ArrayD::<i32>::read_npy(open()?) {
        return Ok(a.mapv(f64::from));
    }
    if let Ok(a) = ArrayD::<u8>::read_npy(open()?) {
        return Ok(a.mapv(f64::from));
    }
    Err(format!(
        "{}: not a little-endian C-order .npy of float64/float32/int64/int32/uint8",
        path.display()
    ))
}

/// A 2-D array; a 1-D one becomes a single column.
pub(super) fn read_matrix(path: &Path) -> Result<Array2<f64>, String> {
    let a = read_any(path)?;
    match a.ndim() {
        1 => Ok(a
            .insert_axis(Axis(1))
            .into_dimensionality::<Ix2>()
            .map_err(|e| e.to_string())?),
        2 => a.into_dimensionality::<Ix2>().map_err(|e| e.to_string()),
        d => Err(format!(
            "{}: expected a 1-D or 2-D array, got {d}-D",
            path.display()
        )),
    }
}

/// A 1-D array.
pub(super) fn read_vector(path: &Path) -> Result<Vec<f64>, String> {
    let a = read_any(path)?;
    if a.ndim() != 1 {
        return Err(format!(
            "{}: expected a 1-D array, got shape {:?}",
            path.display(),
            a.shape()
        ));
    }
    Ok(a.iter().copied().collect())
}

/// A 1-D array of whole numbers.
pub(super) fn read_ints(path: &Path) -> Result<Vec<i64>, String> {
    read_vector(path)?
        .into_iter()
        .map(|v| {
            if v.fract() == 0.0 && v.is_finite() {
                Ok(v as i64)
            } else {
                Err(format!("{}: {v} is not an integer", path.display()))
            }
        })
        .collect()
}

/// Writes `a` as a float64 `.npy`.
pub(super) fn write_npy(path: &Path, a: &Array2<f64>) -> Result<(), String> {
    let f = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    a.write_npy(std::io::BufWriter::new(f))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// JSON number, or `null` for NaN/±∞ (as the golden files write NaN).
pub(super) fn jnum(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

/// JSON array of [`jnum`]s.
pub(super) fn jvec(v: impl IntoIterator<Item = f64>) -> Value {
    Value::Array(v.into_iter().map(jnum).collect())
}

/// Prints `value` as JSON: one line with `--json`, pretty-printed otherwise.
pub(super) fn print(value: &Value, flag: &JsonFlag) -> Result<(), String> {
    let s = if flag.json {
        serde_json::to_string(value)
    } else {
        serde_json::to_string_pretty(value)
    };
    println!("{}", s.map_err(|e| e.to_string())?);
    Ok(())
}
