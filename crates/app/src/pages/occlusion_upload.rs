//! Reading an uploaded picture for the Occlusion page: checks (empty, over 20 MB, not an
//! image, enormous dimensions) with a sentence for each, then the browser's own decoder
//! (no image library in the page's download), a centred square crop and a stepwise
//! down-scale to the model's input side (32 × 32 RGB for the CIFAR-10 CORnet-minis,
//! 224 × 224 for EfficientNet-Lite0).

/// Largest file accepted, in bytes (20 MB).
pub const MAX_UPLOAD_BYTES: f64 = 20.0 * 1024.0 * 1024.0;
/// Largest image side accepted, in pixels.
pub const MAX_SIDE: u32 = 10_000;

/// The file-level checks before decoding: `Err` with the message to show.
pub fn check_file(name: &str, mime: &str, size: f64) -> Result<(), String> {
    if size <= 0.0 {
        return Err(format!(
            "“{name}” is empty (0 bytes): choose a picture file."
        ));
    }
    if size > MAX_UPLOAD_BYTES {
        return Err(format!(
            "“{name}” is {:.1} MB; pictures up to 20 MB are accepted (it is shrunk to the model's input size anyway).",
            size / 1024.0 / 1024.0
        ));
    }
    if !mime.is_empty() && !mime.starts_with("image/") {
        return Err(format!(
            "“{name}” is not an image (type {mime}): choose a PNG, JPEG, GIF or WebP picture."
        ));
    }
    Ok(())
}

/// The decoded-size check: `Err` with the message to show.
pub fn check_dimensions(name: &str, width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 {
        return Err(format!("“{name}” has no pixels ({width} × {height})."));
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "“{name}” is {width} × {height} pixels; up to {MAX_SIDE} pixels a side are accepted."
        ));
    }
    Ok(())
}

/// Decodes `file` in the browser and returns its centred square crop as `target` × `target`
/// RGB bytes.
#[cfg(target_arch = "wasm32")]
pub async fn decode_file(file: web_sys::File, target: usize) -> Result<Vec<u8>, String> {
    use crate::components::pixel_canvas::context_2d;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let name = file.name();
    check_file(&name, &file.type_(), file.size())?;
    let url = web_sys::Url::create_object_url_with_blob(&file)
        .map_err(|_| format!("“{name}” could not be opened."))?;
    let img = web_sys::HtmlImageElement::new().map_err(|_| "no <img> element".to_string())?;
    img.set_src(&url);
    let decoded = JsFuture::from(img.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    decoded.map_err(|_| format!("“{name}” is not an image this browser can decode."))?;
    let (w, h) = (img.natural_width(), img.natural_height());
    check_dimensions(&name, w, h)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let canvas = |side: u32| -> Result<
        (
            web_sys::HtmlCanvasElement,
            web_sys::CanvasRenderingContext2d,
        ),
        String,
    > {
        let c: web_sys::HtmlCanvasElement = document
            .create_element("canvas")
            .map_err(|_| "no canvas")?
            .dyn_into()
            .map_err(|_| "no canvas")?;
        c.set_width(side);
        c.set_height(side);
        let ctx = context_2d(&c).ok_or("no 2d context")?;
        ctx.set_image_smoothing_enabled(true);
        Ok((c, ctx))
    };
    // Centred square crop, then halve until close to the target (smooth down-scaling).
    let crop = w.min(h);
    let (sx, sy) = (f64::from((w - crop) / 2), f64::from((h - crop) / 2));
    let mut side = crop;
    while side / 2 >= target as u32 * 2 {
        side /= 2;
    }
    let (mut c, ctx) = canvas(side)?;
    ctx.draw_image_with_html_image_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
        &img,
        sx,
        sy,
        f64::from(crop),
        f64::from(crop),
        0.0,
        0.0,
        f64::from(side),
        f64::from(side),
    )
    .map_err(|_| format!("“{name}” could not be drawn."))?;
    while side > target as u32 {
        let next = (side / 2).max(target as u32);
        let (n, nctx) = canvas(next)?;
        nctx.draw_image_with_html_canvas_element_and_dw_and_dh(
            &c,
            0.0,
            0.0,
            f64::from(next),
            f64::from(next),
        )
        .map_err(|_| "down-scaling failed".to_string())?;
        c = n;
        side = next;
    }
    if side < target as u32 {
        // Smaller than the target: scale up.
        let (n, nctx) = canvas(target as u32)?;
        nctx.draw_image_with_html_canvas_element_and_dw_and_dh(
            &c,
            0.0,
            0.0,
            target as f64,
            target as f64,
        )
        .map_err(|_| "scaling failed".to_string())?;
        c = n;
    }
    let ctx = context_2d(&c).ok_or("no 2d context")?;
    let data = ctx
        .get_image_data(0.0, 0.0, target as f64, target as f64)
        .map_err(|_| format!("the pixels of “{name}” cannot be read"))?;
    let rgba = data.data().0;
    Ok(rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_files_get_a_sentence() {
        assert!(check_file("a.png", "image/png", 1000.0).is_ok());
        assert!(
            check_file("a", "", 1000.0).is_ok(),
            "unknown type: let the decoder decide"
        );
        assert!(check_file("a.txt", "text/plain", 10.0)
            .unwrap_err()
            .contains("not an image"));
        assert!(check_file("a.png", "image/png", 0.0)
            .unwrap_err()
            .contains("empty"));
        assert!(check_file("a.png", "image/png", 30e6)
            .unwrap_err()
            .contains("20 MB"));
        assert!(check_dimensions("a", 0, 5).is_err());
        assert!(check_dimensions("a", 20_000, 5)
            .unwrap_err()
            .contains("pixels a side"));
        assert!(check_dimensions("a", 640, 480).is_ok());
    }
}
