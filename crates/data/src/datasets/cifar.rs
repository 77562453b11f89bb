//! CIFAR-10: the full JPEG archives (native only) and the compact browser subset bundle.

use ndarray::{Array1, Array4, Ix1, Ix4};

use crate::error::{DataError, Result};
use crate::formats::{into_dim, parse_npy};

/// Class names in label order (line order of `batches.meta.txt`).
pub const CLASSES: [&str; 10] = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
];
/// Image side in pixels.
pub const SIDE: usize = 32;
/// Bundle path of the browser subset images, u8 `[n, 32, 32, 3]`.
pub const SUBSET_IMAGES: &str = "cifar10/test_subset_images.npy";
/// Bundle path of the browser subset labels, u8 `[n]`.
pub const SUBSET_LABELS: &str = "cifar10/test_subset_labels.npy";
/// Images per class in the browser subset (class-balanced, seeded selection).
pub const SUBSET_PER_CLASS: usize = 100;

/// A labelled set of 32 x 32 RGB images.
#[derive(Debug, Clone)]
pub struct CifarSet {
    /// u8 pixels, `[n, 32, 32, 3]`.
    pub images: Array4<u8>,
    /// Class index per image, 0..9.
    pub labels: Array1<u8>,
}

impl CifarSet {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when the set holds no image.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Parses the browser subset bundle.
    pub fn parse_subset(images: &[u8], labels: &[u8]) -> Result<Self> {
        let images: Array4<u8> =
            into_dim::<_, Ix4>(SUBSET_IMAGES, parse_npy(SUBSET_IMAGES, images, None)?)?;
        let labels: Array1<u8> =
            into_dim::<_, Ix1>(SUBSET_LABELS, parse_npy(SUBSET_LABELS, labels, None)?)?;
        let shape = images.shape();
        if shape[1..] != [SIDE, SIDE, 3] || shape[0] != labels.len() {
            return Err(DataError::malformed(
                SUBSET_IMAGES,
                format!("shape {shape:?} does not match {} labels", labels.len()),
            ));
        }
        if let Some(bad) = labels.iter().find(|&&l| l as usize >= CLASSES.len()) {
            return Err(DataError::malformed(
                SUBSET_LABELS,
                format!("label {bad} out of range"),
            ));
        }
        Ok(Self { images, labels })
    }
}

/// Reads a CIFAR-10 `.tar.gz` of `<class>/NNNN.jpg` members into memory (native only).
///
/// Members are decoded in archive order; grayscale JPEGs are converted to RGB.
#[cfg(not(target_arch = "wasm32"))]
pub fn read_archive(path: &std::path::Path) -> Result<CifarSet> {
    use std::io::Read;
    let label = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| DataError::io(&label, e))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    let entries = archive
        .entries()
        .map_err(|e| DataError::malformed(&label, e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| DataError::malformed(&label, e))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map_err(|e| DataError::malformed(&label, e))?
            .to_string_lossy()
            .into_owned();
        let class = name.split('/').next().unwrap_or_default();
        let Some(class_index) = CLASSES.iter().position(|c| *c == class) else {
            return Err(DataError::malformed(
                &label,
                format!("member `{name}` has no known class folder"),
            ));
        };
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| DataError::malformed(&label, format!("{name}: {e}")))?;
        let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)
            .map_err(|e| DataError::malformed(&label, format!("{name}: {e}")))?
            .to_rgb8();
        if img.width() as usize != SIDE || img.height() as usize != SIDE {
            return Err(DataError::malformed(&label, format!("{name} is not 32x32")));
        }
        pixels.extend_from_slice(img.as_raw());
        labels.push(class_index as u8);
    }
    if labels.is_empty() {
        return Err(DataError::malformed(&label, "archive holds no images"));
    }
    let n = labels.len();
    let images = Array4::from_shape_vec((n, SIDE, SIDE, 3), pixels)
        .map_err(|e| DataError::malformed(&label, e))?;
    Ok(CifarSet {
        images,
        labels: Array1::from(labels),
    })
}

/// Picks `per_class` images of every class with a fixed-seed shuffle (SplitMix64 keys),
/// returning indices sorted by (class, shuffled order) — the browser subset.
pub fn balanced_subset(labels: &Array1<u8>, per_class: usize, seed: u64) -> Vec<usize> {
    let mut keyed: Vec<(u8, u64, usize)> = labels
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            (
                l,
                splitmix64(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                i,
            )
        })
        .collect();
    keyed.sort_unstable();
    let mut out = Vec::new();
    let mut count = [0usize; 256];
    for (l, _, i) in keyed {
        if count[l as usize] < per_class {
            count[l as usize] += 1;
            out.push(i);
        }
    }
    out
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_is_balanced_and_deterministic() {
        let labels = Array1::from_iter((0..200u32).map(|i| (i % 10) as u8));
        let a = balanced_subset(&labels, 3, 7);
        assert_eq!(a, balanced_subset(&labels, 3, 7));
        assert_eq!(a.len(), 30);
        for c in 0..10u8 {
            assert_eq!(a.iter().filter(|&&i| labels[i] == c).count(), 3);
        }
        assert_ne!(a, balanced_subset(&labels, 3, 8));
    }
}
