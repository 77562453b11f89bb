//! Gaussian "bubbles" occlusion masks (Tang et al. 2018; METRICS §6.2–6.3): masks,
//! compositing onto a grey background, visibility, and a seeded generator that hits a
//! target visibility bin.

use ndarray::{Array2, Array3, ArrayView2, ArrayView3, Zip};

use crate::error::{MetricsError, Result};
use crate::rng::RandomState;

/// A pixel is visible where the mask is at least this value (≈ exp(−2)).
pub const VISIBLE_THRESHOLD: f64 = 0.134;
/// Mask values below this are set to 0.
pub const MASK_FLOOR: f64 = 1e-8;
/// Background grey level of the compositing (0–255 scale).
pub const BACKGROUND: f64 = 128.0;
/// Attempts before [`bubbles_for_target`] gives up.
pub const MAX_ATTEMPTS: usize = 1000;

/// Bubble width for an image side `size`: σ = 14 · size / 256 pixels.
pub fn sigma_for_size(size: usize) -> f64 {
    14.0 * size as f64 / 256.0
}

/// A bubble centre in pixel coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Center {
    /// Row (y), 0-based.
    pub row: usize,
    /// Column (x), 0-based.
    pub col: usize,
}

fn add_bubble(mask: &mut Array2<f64>, c: Center, sigma: f64) {
    let two_s2 = 2.0 * sigma * sigma;
    for ((y, x), m) in mask.indexed_iter_mut() {
        let dx = x as f64 - c.col as f64;
        let dy = y as f64 - c.row as f64;
        let g = (-(dx * dx + dy * dy) / two_s2).exp();
        if g > *m {
            *m = g;
        }
    }
}

fn floor_small(mask: &mut Array2<f64>) {
    mask.mapv_inplace(|v| if v < MASK_FLOOR { 0.0 } else { v });
}

/// Bubble mask of a `size × size` image: the pixel-wise maximum over bubbles of
/// exp(−((x − c)² + (y − r)²) / (2σ²)), values below 1e-8 set to 0.
pub fn bubble_mask(size: usize, centers: &[Center], sigma: f64) -> Result<Array2<f64>> {
    if size == 0 {
        return Err(MetricsError::Empty {
            what: "bubble_mask",
        });
    }
    if !(sigma.is_finite() && sigma > 0.0) {
        return Err(MetricsError::param(
            "sigma",
            format!("must be finite and > 0, got {sigma}"),
        ));
    }
    if let Some(c) = centers.iter().find(|c| c.row >= size || c.col >= size) {
        return Err(MetricsError::param(
            "centers",
            format!("({}, {}) outside a {size} × {size} image", c.row, c.col),
        ));
    }
    let mut mask = Array2::zeros((size, size));
    for &c in centers {
        add_bubble(&mut mask, c, sigma);
    }
    floor_small(&mut mask);
    Ok(mask)
}

/// Rounds half away from zero and saturates to [0, 255] (MATLAB `uint8`).
pub fn to_u8_saturating(v: f64) -> u8 {
    let r = if v >= 0.0 {
        (v + 0.5).floor()
    } else {
        (v - 0.5).ceil()
    };
    r.clamp(0.0, 255.0) as u8
}

/// Composites an (H, W, C) uint8 image onto grey 128 through `mask`:
/// `out = u8(255 · (B/255 + mask · (img/255 − B/255)))`, same mask on every channel.
pub fn occlude(image: ArrayView3<u8>, mask: ArrayView2<f64>) -> Result<Array3<u8>> {
    let (h, w, _) = image.dim();
    if mask.dim() != (h, w) {
        return Err(MetricsError::shape(
            "occlude",
            format!("mask {h} × {w}"),
            format!("{:?}", mask.dim()),
        ));
    }
    let bg = BACKGROUND / 255.0;
    let mut out = Array3::zeros(image.dim());
    Zip::indexed(&mut out)
        .and(&image)
        .for_each(|(y, x, _), o, &v| {
            let z = (v as f64 / 255.0 - bg) * mask[[y, x]];
            *o = to_u8_saturating((z + bg) * 255.0);
        });
    Ok(out)
}

/// Percentage of object pixels (all pixels when `object` is `None`) whose mask value is at
/// least 0.134. Errors on shape mismatch or an empty object.
pub fn visible_pct(mask: ArrayView2<f64>, object: Option<ArrayView2<bool>>) -> Result<f64> {
    match object {
        None => {
            if mask.is_empty() {
                return Err(MetricsError::Empty {
                    what: "visible_pct",
                });
            }
            Ok(
                100.0 * mask.iter().filter(|&&m| m >= VISIBLE_THRESHOLD).count() as f64
                    / mask.len() as f64,
            )
        }
        Some(obj) => {
            if obj.dim() != mask.dim() {
                return Err(MetricsError::shape(
                    "visible_pct",
                    format!("object mask {:?}", mask.dim()),
                    format!("{:?}", obj.dim()),
                ));
            }
            let total = obj.iter().filter(|&&o| o).count();
            if total == 0 {
                return Err(MetricsError::Empty {
                    what: "visible_pct (object mask has no pixel)",
                });
            }
            let vis = Zip::from(&mask).and(&obj).fold(0usize, |acc, &m, &o| {
                acc + usize::from(o && m >= VISIBLE_THRESHOLD)
            });
            Ok(100.0 * vis as f64 / total as f64)
        }
    }
}

/// Draws `k` centres as the reference does: rows = `randint(0, size, k)`, then
/// cols = `randint(0, size, k)` from `RandomState(seed)`.
pub fn random_centers(size: usize, k: usize, seed: u32) -> Vec<Center> {
    let mut rs = RandomState::new(seed);
    let rows: Vec<usize> = (0..k).map(|_| rs.randint(size)).collect();
    let cols: Vec<usize> = (0..k).map(|_| rs.randint(size)).collect();
    rows.into_iter()
        .zip(cols)
        .map(|(row, col)| Center { row, col })
        .collect()
}

/// Bubbles that reach a target visibility bin (METRICS §6.3).
#[derive(Clone, Debug, PartialEq)]
pub struct TargetBubbles {
    /// Accepted centres, in drawing order.
    pub centers: Vec<Center>,
    /// The mask they make.
    pub mask: Array2<f64>,
    /// Achieved visibility (%).
    pub visible_pct: f64,
    /// Number of attempts used (1 = first).
    pub attempts: usize,
}

/// Adds bubbles (row, then column, each `randint(0, size)` from `RandomState(seed)`) until
/// visibility ≥ `lo`; accepts if < `hi`, else restarts with the continuing stream; errors
/// after 1,000 attempts. σ = 14 · size / 256.
pub fn bubbles_for_target(
    size: usize,
    lo: f64,
    hi: f64,
    seed: u32,
    object: Option<ArrayView2<bool>>,
) -> Result<TargetBubbles> {
    if size == 0 {
        return Err(MetricsError::Empty {
            what: "bubbles_for_target",
        });
    }
    if !(lo >= 0.0 && lo < hi && lo < 100.0) {
        return Err(MetricsError::param(
            "visibility bin",
            format!("need 0 ≤ lo < hi and lo < 100, got [{lo}, {hi})"),
        ));
    }
    if let Some(o) = object {
        if o.dim() != (size, size) {
            return Err(MetricsError::shape(
                "bubbles_for_target",
                format!("object mask {size} × {size}"),
                format!("{:?}", o.dim()),
            ));
        }
    }
    let sigma = sigma_for_size(size);
    let mut rs = RandomState::new(seed);
    for attempt in 1..=MAX_ATTEMPTS {
        let mut centers = Vec::new();
        let mut raw = Array2::zeros((size, size));
        loop {
            let row = rs.randint(size);
            let col = rs.randint(size);
            centers.push(Center { row, col });
            add_bubble(&mut raw, Center { row, col }, sigma);
            let mut mask = raw.clone();
            floor_small(&mut mask);
            let vis = visible_pct(mask.view(), object)?;
            if vis >= lo {
                if vis < hi {
                    return Ok(TargetBubbles {
                        centers,
                        mask,
                        visible_pct: vis,
                        attempts: attempt,
                    });
                }
                break;
            }
            if centers.len() > size * size * 4 {
                return Err(MetricsError::NoSolution {
                    what: "bubbles_for_target",
                    reason: format!("visibility {lo}% not reachable"),
                });
            }
        }
    }
    Err(MetricsError::NoSolution {
        what: "bubbles_for_target",
        reason: format!("no bubble set in [{lo}, {hi})% after {MAX_ATTEMPTS} attempts"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_rule() {
        let ins = [127.5, 0.4999999, 254.5, 255.7, -3.0, 12.5];
        let outs: Vec<u8> = ins.iter().map(|&v| to_u8_saturating(v)).collect();
        assert_eq!(outs, vec![128, 0, 255, 255, 0, 13]);
    }

    #[test]
    fn centre_pixel_is_one() {
        let m = bubble_mask(9, &[Center { row: 4, col: 2 }], 1.0).unwrap();
        assert_eq!(m[[4, 2]], 1.0);
        assert!(bubble_mask(9, &[Center { row: 9, col: 0 }], 1.0).is_err());
    }

    #[test]
    fn bad_bins() {
        assert!(bubbles_for_target(16, 10.0, 5.0, 0, None).is_err());
    }
}
