//! A small RGB image (e.g. one 32 × 32 CIFAR-10 picture) drawn on a canvas, enlarged by CSS
//! with square pixels.

use std::rc::Rc;

use yew::prelude::*;

/// Properties of [`PixelCanvas`].
#[derive(Properties, PartialEq)]
pub struct PixelCanvasProps {
    /// DOM id of the `<canvas>`.
    pub id: AttrValue,
    /// Row-major RGB bytes, `side × side × 3`.
    pub pixels: Rc<Vec<u8>>,
    /// Image side in pixels.
    pub side: usize,
    /// What the image shows (the canvas's accessible name and tooltip).
    pub label: AttrValue,
}

/// RGBA bytes of an RGB image (opaque); `None` when `rgb` is not `side × side × 3`.
pub fn to_rgba(rgb: &[u8], side: usize) -> Option<Vec<u8>> {
    if rgb.len() != side * side * 3 || side == 0 {
        return None;
    }
    Some(
        rgb.chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
    )
}

/// The canvas; redrawn whenever the pixels change. A `data-sum` attribute (sum of the
/// bytes) lets tests see that the picture changed.
#[function_component(PixelCanvas)]
pub fn pixel_canvas(p: &PixelCanvasProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let pixels = p.pixels.clone();
        let side = p.side;
        use_effect_with((pixels, side), move |(pixels, side)| {
            draw(&canvas, pixels, *side);
        });
    }
    let sum: u64 = p.pixels.iter().map(|&b| u64::from(b)).sum();
    html! {
        <canvas id={p.id.clone()} ref={canvas} class="pixelated image-view" width={p.side.to_string()} height={p.side.to_string()}
                role="img" aria-label={p.label.clone()} title={p.label.clone()} data-sum={sum.to_string()} />
    }
}

fn draw(canvas: &NodeRef, rgb: &[u8], side: usize) {
    if let Some(rgba) = to_rgba(rgb, side) {
        paint_rgba(canvas, &rgba, side, side);
    }
}

/// Sizes the canvas behind `canvas` to `w` × `h` and puts the RGBA bytes `rgba` on it (does
/// nothing outside the browser, or when the canvas or its 2-d context is missing).
#[cfg(target_arch = "wasm32")]
pub fn paint_rgba(canvas: &NodeRef, rgba: &[u8], w: usize, h: usize) {
    use wasm_bindgen::Clamped;
    let Some(canvas) = canvas.cast::<web_sys::HtmlCanvasElement>() else {
        return;
    };
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let ctx = context_2d(&canvas);
    if let (Some(ctx), Ok(data)) = (
        ctx,
        web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), w as u32, h as u32),
    ) {
        let _ = ctx.put_image_data(&data, 0.0, 0.0);
    }
}

/// The 2-d drawing context of `canvas`, if the browser gives one.
#[cfg(target_arch = "wasm32")]
pub fn context_2d(
    canvas: &web_sys::HtmlCanvasElement,
) -> Option<web_sys::CanvasRenderingContext2d> {
    use wasm_bindgen::JsCast;
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
}

/// Outside the browser there is no canvas to paint.
#[cfg(not(target_arch = "wasm32"))]
pub fn paint_rgba(_canvas: &NodeRef, _rgba: &[u8], _w: usize, _h: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgba_adds_opaque_alpha_and_checks_the_size() {
        assert_eq!(to_rgba(&[1, 2, 3], 1), Some(vec![1, 2, 3, 255]));
        assert_eq!(to_rgba(&[1, 2], 1), None);
        assert_eq!(to_rgba(&[], 0), None);
    }
}
