//! The one image path shared by the CLI, the benchmarks and the browser: any decodable
//! RGB / grey / RGBA image of any size and bit depth → centre square crop → area-averaging
//! resize to 32 × 32 (each output pixel is the exact overlap-weighted mean of the source
//! pixels it covers, so downscaling does not alias) → per-channel normalisation → CHW.

use std::io::Cursor;

use image::{DynamicImage, ImageReader};

use crate::error::{ModelError, Result};
use brainprobe_arch::Normalisation;

/// Model input side in pixels.
pub const SIDE: usize = 32;
/// Largest accepted image, in pixels (a 50-megapixel photo decodes to 600 MB as f32).
pub const MAX_PIXELS: u64 = 50_000_000;

/// An RGB image with values in [0, 1], row-major HWC.
#[derive(Debug, Clone, PartialEq)]
pub struct RgbF32 {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `height * width * 3` values.
    pub data: Vec<f32>,
}

/// Decodes PNG or JPEG `bytes` of any bit depth. Transparent pixels are composited over
/// white (what a browser shows); grey images become RGB.
pub fn decode(bytes: &[u8]) -> Result<RgbF32> {
    if bytes.is_empty() {
        return Err(ModelError::Image("the file is empty".into()));
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ModelError::Image(format!("cannot read: {e}")))?;
    if reader.format().is_none() {
        return Err(ModelError::Image("not a PNG or JPEG image".into()));
    }
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| ModelError::Image(format!("cannot read the image header: {e}")))?;
    if w == 0 || h == 0 {
        return Err(ModelError::Image(format!("the image is {w} × {h} pixels")));
    }
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(ModelError::Image(format!(
            "the image is {w} × {h} pixels; at most {} megapixels are accepted",
            MAX_PIXELS / 1_000_000
        )));
    }
    let img = image::load_from_memory(bytes)
        .map_err(|e| ModelError::Image(format!("cannot decode: {e}")))?;
    Ok(to_rgb_f32(&img))
}

fn to_rgb_f32(img: &DynamicImage) -> RgbF32 {
    let rgba = img.to_rgba32f();
    let (w, h) = (rgba.width() as usize, rgba.height() as usize);
    let mut data = Vec::with_capacity(w * h * 3);
    for p in rgba.pixels() {
        let a = p[3].clamp(0.0, 1.0);
        for c in 0..3 {
            data.push(p[c].clamp(0.0, 1.0) * a + (1.0 - a));
        }
    }
    RgbF32 {
        width: w,
        height: h,
        data,
    }
}

/// Overlap weights of source cells `[i, i + 1)` with output cell `o` of `n_out` cells
/// spanning `n_in` source cells: (source index, weight) lists whose weights sum to 1.
fn area_weights(n_in: usize, n_out: usize) -> Vec<Vec<(usize, f32)>> {
    let scale = n_in as f64 / n_out as f64;
    (0..n_out)
        .map(|o| {
            let (a, b) = (o as f64 * scale, (o + 1) as f64 * scale);
            let mut w = Vec::new();
            let mut i = a.floor() as usize;
            while (i as f64) < b && i < n_in {
                let overlap = (b.min(i as f64 + 1.0) - a.max(i as f64)).max(0.0);
                if overlap > 0.0 {
                    w.push((i, (overlap / scale) as f32));
                }
                i += 1;
            }
            w
        })
        .collect()
}

/// Centre square crop, then area-averaging resize to `side` × `side` (HWC, [0, 1]).
pub fn square_resize(img: &RgbF32, side: usize) -> RgbF32 {
    let s = img.width.min(img.height);
    let (x0, y0) = ((img.width - s) / 2, (img.height - s) / 2);
    let weights = area_weights(s, side);
    // Rows first: s rows × side columns.
    let mut rows = vec![0f32; s * side * 3];
    for y in 0..s {
        let src = &img.data[((y0 + y) * img.width + x0) * 3..];
        for (ox, ws) in weights.iter().enumerate() {
            for c in 0..3 {
                rows[(y * side + ox) * 3 + c] = ws.iter().map(|(i, w)| src[i * 3 + c] * w).sum();
            }
        }
    }
    let mut data = vec![0f32; side * side * 3];
    for (oy, ws) in weights.iter().enumerate() {
        for ox in 0..side {
            for c in 0..3 {
                data[(oy * side + ox) * 3 + c] = ws
                    .iter()
                    .map(|(i, w)| rows[(i * side + ox) * 3 + c] * w)
                    .sum();
            }
        }
    }
    RgbF32 {
        width: side,
        height: side,
        data,
    }
}

/// Normalised CHW `[3, side, side]` values from an HWC [0, 1] image.
pub fn normalise_chw(img: &RgbF32, norm: &Normalisation) -> Vec<f32> {
    let plane = img.width * img.height;
    let mut out = vec![0f32; 3 * plane];
    for i in 0..plane {
        for c in 0..3 {
            out[c * plane + i] = (img.data[i * 3 + c] - norm.mean[c]) / norm.std[c];
        }
    }
    out
}

/// Model input for encoded image bytes at the CORnet-minis' 32 px: decode → crop → resize
/// → normalise.
pub fn preprocess_bytes(bytes: &[u8], norm: &Normalisation) -> Result<Vec<f32>> {
    preprocess_bytes_at(bytes, SIDE, norm)
}

/// Model input for encoded image bytes at `side` px (a model's input side; smaller images
/// are enlarged by the same area-weighted resampling).
pub fn preprocess_bytes_at(bytes: &[u8], side: usize, norm: &Normalisation) -> Result<Vec<f32>> {
    Ok(normalise_chw(&square_resize(&decode(bytes)?, side), norm))
}

/// Model input for 32 × 32 × 3 u8 pixels (CIFAR arrays): only normalisation.
pub fn preprocess_rgb8(pixels: &[u8], norm: &Normalisation) -> Result<Vec<f32>> {
    if pixels.len() != SIDE * SIDE * 3 {
        return Err(ModelError::Image(format!(
            "expected {} RGB bytes, got {}",
            SIDE * SIDE * 3,
            pixels.len()
        )));
    }
    let img = RgbF32 {
        width: SIDE,
        height: SIDE,
        data: pixels.iter().map(|&p| p as f32 / 255.0).collect(),
    };
    Ok(normalise_chw(&img, norm))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, color: png::ColorType, depth: png::BitDepth, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(color);
        enc.set_depth(depth);
        enc.write_header().unwrap().write_image_data(data).unwrap();
        out
    }

    const ID: Normalisation = Normalisation {
        mean: [0.0; 3],
        std: [1.0; 3],
    };

    #[test]
    fn area_weights_sum_to_one_and_cover_exactly() {
        for (n_in, n_out) in [(96, 32), (100, 32), (32, 32), (1, 32), (7, 32), (4000, 32)] {
            let w = area_weights(n_in, n_out);
            for ws in &w {
                let s: f32 = ws.iter().map(|x| x.1).sum();
                assert!((s - 1.0).abs() < 1e-4, "{n_in}->{n_out}: {s}");
            }
        }
    }

    #[test]
    fn downscaling_averages_instead_of_aliasing() {
        // A 1-pixel checkerboard at 64 × 64 must become flat grey, not a pattern.
        let data: Vec<u8> = (0..64 * 64)
            .map(|i| if (i / 64 + i % 64) % 2 == 0 { 255 } else { 0 })
            .collect();
        let x = preprocess_bytes(
            &png(
                64,
                64,
                png::ColorType::Grayscale,
                png::BitDepth::Eight,
                &data,
            ),
            &ID,
        )
        .unwrap();
        assert_eq!(x.len(), 3 * 32 * 32);
        assert!(x.iter().all(|v| (v - 0.5).abs() < 1e-5));
    }

    #[test]
    fn odd_images_are_handled() {
        // 1 × 1 red pixel → 32 × 32 red.
        let x = preprocess_bytes(
            &png(
                1,
                1,
                png::ColorType::Rgb,
                png::BitDepth::Eight,
                &[255, 0, 0],
            ),
            &ID,
        )
        .unwrap();
        assert!(
            x[..1024].iter().all(|v| (*v - 1.0).abs() < 1e-6)
                && x[1024..].iter().all(|v| v.abs() < 1e-6)
        );
        // 16-bit grey.
        let x = preprocess_bytes(
            &png(
                2,
                2,
                png::ColorType::Grayscale,
                png::BitDepth::Sixteen,
                &[0x80, 0, 0x80, 0, 0x80, 0, 0x80, 0],
            ),
            &ID,
        )
        .unwrap();
        assert!(x.iter().all(|v| (v - 32768.0 / 65535.0).abs() < 1e-4));
        // Fully transparent RGBA → white.
        let x = preprocess_bytes(
            &png(
                1,
                1,
                png::ColorType::Rgba,
                png::BitDepth::Eight,
                &[0, 0, 0, 0],
            ),
            &ID,
        )
        .unwrap();
        assert!(x.iter().all(|v| (*v - 1.0).abs() < 1e-6));
        // Wide image: centre crop keeps the middle square.
        let mut data = vec![0u8; 3 * 2 * 6];
        for y in 0..2 {
            for x in 2..4 {
                data[(y * 6 + x) * 3] = 255;
            }
        }
        let x = preprocess_bytes(
            &png(6, 2, png::ColorType::Rgb, png::BitDepth::Eight, &data),
            &ID,
        )
        .unwrap();
        assert!(x[..1024].iter().all(|v| (*v - 1.0).abs() < 1e-6));
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        assert!(preprocess_bytes(b"", &ID)
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(preprocess_bytes(b"hello world, not an image", &ID)
            .unwrap_err()
            .to_string()
            .contains("not a PNG or JPEG"));
        let mut truncated = png(8, 8, png::ColorType::Rgb, png::BitDepth::Eight, &[7; 192]);
        truncated.truncate(40);
        assert!(preprocess_bytes(&truncated, &ID).is_err());
        assert!(preprocess_rgb8(&[0; 10], &ID).is_err());
    }

    /// CRC-32 (PNG chunk checksum), for patching a header in a test.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_large_photo_sized_image_is_accepted() {
        let (w, h) = (4000usize, 3000usize);
        let data: Vec<u8> = (0..w * h).map(|i| ((i % w) * 255 / w) as u8).collect();
        let x = preprocess_bytes(
            &png(
                w as u32,
                h as u32,
                png::ColorType::Grayscale,
                png::BitDepth::Eight,
                &data,
            ),
            &ID,
        )
        .unwrap();
        // A horizontal ramp stays a ramp after the centre crop.
        assert!(x[0] < x[31] && x[31] < 1.0 && x[0] > 0.0);
    }

    #[test]
    fn huge_images_are_rejected_before_decoding() {
        // A header claiming 10000 × 10000 (no pixel data needed to reject it).
        let mut bytes = png(1, 1, png::ColorType::Rgb, png::BitDepth::Eight, &[0, 0, 0]);
        bytes[16..20].copy_from_slice(&10000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&10000u32.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        let err = preprocess_bytes(&bytes, &ID).unwrap_err().to_string();
        assert!(err.contains("megapixels"), "{err}");
    }
}
