//! Decoding of the bundle file formats (CSV, `.npy`, PNG) into typed values, with errors
//! that name the file. Used by every loader, natively and in wasm.

use ndarray::{ArrayD, IxDyn};
use ndarray_npy::{ReadNpyExt, ReadableElement};
use serde::de::DeserializeOwned;

use crate::error::{DataError, Result};

/// Parses CSV with a header row into typed rows; an empty file or a bad row is an error.
pub fn parse_csv<T: DeserializeOwned>(path: &str, bytes: &[u8]) -> Result<Vec<T>> {
    let text = std::str::from_utf8(bytes).map_err(|e| DataError::malformed(path, e))?;
    // A BOM would otherwise become part of the first column name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.deserialize::<T>().enumerate() {
        let row = record.map_err(|e| DataError::malformed(path, format!("row {}: {e}", i + 1)))?;
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(DataError::malformed(path, "no data rows"));
    }
    Ok(rows)
}

/// Reads a `.npy` array of any dimensionality and checks its shape when `expected` is given.
pub fn parse_npy<T: ReadableElement>(
    path: &str,
    bytes: &[u8],
    expected: Option<&[usize]>,
) -> Result<ArrayD<T>> {
    // ndarray-npy sizes its buffer from the header: check the claim against the bytes first.
    let declared = npy_declared_elements(bytes).map_err(|e| DataError::malformed(path, e))?;
    let need = declared.checked_mul(std::mem::size_of::<T>().max(1));
    if need.is_none_or(|n| n > bytes.len()) {
        return Err(DataError::malformed(
            path,
            format!(
                "the header declares {declared} elements, more than the file's {} bytes hold",
                bytes.len()
            ),
        ));
    }
    let array = ArrayD::<T>::read_npy(bytes).map_err(|e| DataError::malformed(path, e))?;
    if let Some(shape) = expected {
        if array.shape() != shape {
            return Err(DataError::malformed(
                path,
                format!("shape {:?}, expected {:?}", array.shape(), shape),
            ));
        }
    }
    Ok(array)
}

/// The number of elements a `.npy` header's `shape` declares (the product of its entries),
/// read from the header text without trusting it for an allocation.
fn npy_declared_elements(bytes: &[u8]) -> std::result::Result<usize, String> {
    let rest = bytes
        .strip_prefix(b"\x93NUMPY")
        .ok_or("not a .npy file (no magic string)")?;
    let header = match rest.first() {
        Some(1) if rest.len() >= 4 => {
            let n = u16::from_le_bytes([rest[2], rest[3]]) as usize;
            rest.get(4..4 + n)
        }
        Some(2 | 3) if rest.len() >= 6 => {
            let n = u32::from_le_bytes([rest[2], rest[3], rest[4], rest[5]]) as usize;
            rest.get(6..6usize.saturating_add(n))
        }
        _ => return Err("unsupported .npy version or truncated header".into()),
    };
    let header = header.ok_or("truncated .npy header")?;
    let text = std::str::from_utf8(header).map_err(|e| format!("header: {e}"))?;
    let shape = text
        .split_once("'shape':")
        .and_then(|(_, s)| s.split_once('('))
        .and_then(|(_, s)| s.split_once(')'))
        .map(|(inside, _)| inside)
        .ok_or("header has no shape tuple")?;
    shape
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .try_fold(1usize, |n, d| {
            let d: usize = d.parse().map_err(|_| format!("shape entry `{d}`"))?;
            n.checked_mul(d)
                .ok_or_else(|| "shape overflows".to_string())
        })
}

/// Reshapes a dynamic array to a fixed dimensionality with a named error.
pub fn into_dim<T, D: ndarray::Dimension>(
    path: &str,
    array: ArrayD<T>,
) -> Result<ndarray::Array<T, D>> {
    array
        .into_dimensionality::<D>()
        .map_err(|e| DataError::malformed(path, e))
}

/// An 8-bit RGB image, row-major, 3 bytes per pixel.
#[derive(Debug, Clone, PartialEq)]
pub struct RgbImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `height * width * 3` bytes, row-major RGB.
    pub pixels: Vec<u8>,
}

/// Decodes a PNG (gray, gray+alpha, RGB or RGBA, 8-bit) into RGB; alpha is dropped
/// (composited on white, as the images were shown on white backgrounds).
pub fn decode_png(path: &str, bytes: &[u8]) -> Result<RgbImage> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder
        .read_info()
        .map_err(|e| DataError::malformed(path, e))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| DataError::malformed(path, "image too large"))?;
    let mut buf = vec![0u8; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| DataError::malformed(path, e))?;
    let data = &buf[..info.buffer_size()];
    let n = (info.width * info.height) as usize;
    let pixels = match info.color_type {
        png::ColorType::Rgb => data.to_vec(),
        png::ColorType::Rgba => data
            .chunks_exact(4)
            .flat_map(|p| {
                let a = p[3] as u32;
                let blend = |c: u8| ((c as u32 * a + 255 * (255 - a)) / 255) as u8;
                [blend(p[0]), blend(p[1]), blend(p[2])]
            })
            .collect(),
        png::ColorType::Grayscale => data.iter().flat_map(|&g| [g, g, g]).collect(),
        png::ColorType::GrayscaleAlpha => data
            .chunks_exact(2)
            .flat_map(|p| {
                let a = p[1] as u32;
                let g = ((p[0] as u32 * a + 255 * (255 - a)) / 255) as u8;
                [g, g, g]
            })
            .collect(),
        other => {
            return Err(DataError::malformed(
                path,
                format!("unsupported PNG colour type {other:?}"),
            ))
        }
    };
    if pixels.len() != n * 3 {
        return Err(DataError::malformed(
            path,
            "pixel data has the wrong length",
        ));
    }
    Ok(RgbImage {
        width: info.width,
        height: info.height,
        pixels,
    })
}

/// Writes a u8 `.npy` array to bytes (used when building bundles).
pub fn npy_bytes<T: ndarray_npy::WritableElement, D: ndarray::Dimension>(
    array: &ndarray::Array<T, D>,
) -> Result<Vec<u8>> {
    use ndarray_npy::WriteNpyExt;
    let mut out = Vec::new();
    array
        .write_npy(&mut out)
        .map_err(|e| DataError::io("npy", e))?;
    Ok(out)
}

/// Convenience: a dynamic-shape array from a flat vector.
pub fn array_from_vec<T>(shape: &[usize], data: Vec<T>) -> Result<ArrayD<T>> {
    ArrayD::from_shape_vec(IxDyn(shape), data).map_err(|e| DataError::malformed("array", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_claiming_more_than_the_file_holds_is_refused_before_allocating() {
        let small = npy_bytes(&ndarray::Array2::<f32>::zeros((2, 3))).unwrap();
        // (2, 3) -> (99999, 99999): a 40 GB buffer if the header were trusted
        let at = small.windows(6).position(|w| w == b"(2, 3)").unwrap();
        let mut bytes = small.clone();
        bytes.splice(at..at + 6, b"(99999, 99999)".iter().copied());
        let err = parse_npy::<f32>("x.npy", &bytes, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("declares 9999800001 elements"), "{err}");
        assert!(parse_npy::<f32>("x.npy", &small, Some(&[2, 3])).is_ok());
        assert!(parse_npy::<f32>("x.npy", &small[..small.len() - 1], None).is_err());
    }

    #[derive(Debug, serde::Deserialize)]
    struct Row {
        a: u32,
        b: String,
    }

    #[test]
    fn csv_rows_and_errors() {
        let rows: Vec<Row> = parse_csv("t.csv", b"\xef\xbb\xbfa,b\n1,\"x, y\"\n").unwrap();
        assert_eq!(rows[0].a, 1);
        assert_eq!(rows[0].b, "x, y");
        let err = parse_csv::<Row>("t.csv", b"a,b\nnot-a-number,x\n").unwrap_err();
        assert!(err.to_string().contains("t.csv") && err.to_string().contains("row 1"));
        assert!(parse_csv::<Row>("t.csv", b"a,b\n").is_err());
        assert!(parse_csv::<Row>("t.csv", b"\xff\xfe").is_err());
    }

    #[test]
    fn npy_roundtrip_and_shape_check() {
        let a = ndarray::Array2::<f64>::from_shape_fn((2, 3), |(i, j)| (i * 3 + j) as f64);
        let bytes = npy_bytes(&a).unwrap();
        let back = parse_npy::<f64>("a.npy", &bytes, Some(&[2, 3])).unwrap();
        assert_eq!(back[[1, 2]], 5.0);
        assert!(parse_npy::<f64>("a.npy", &bytes, Some(&[3, 2])).is_err());
        assert!(parse_npy::<f64>("a.npy", &bytes[..bytes.len() - 4], None).is_err());
        assert!(parse_npy::<u8>("a.npy", &bytes, None).is_err());
    }

    #[test]
    fn png_garbage_is_an_error() {
        let err = decode_png("x.png", b"not a png").unwrap_err();
        assert!(err.to_string().contains("x.png"));
    }
}
