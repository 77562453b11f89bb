//! Category structure of an RDM over the 92 images: mean between-category minus mean
//! within-category dissimilarity, for animate vs inanimate and, among animate images,
//! face vs body (Kriegeskorte et al. 2008, Fig. 1). Positive = the categories separate.

use brainprobe_data::datasets::kriegeskorte::ImageStimulus;
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::score::{Undefined, Value};

/// A two-way split of (a subset of) the stimuli.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contrast {
    /// Animate (human/animal faces and bodies) vs inanimate objects, all 92 images.
    AnimateInanimate,
    /// Faces vs bodies, among the 48 animate images.
    FaceBody,
}

impl Contrast {
    /// Both contrasts, in report order.
    pub const ALL: [Contrast; 2] = [Contrast::AnimateInanimate, Contrast::FaceBody];

    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            Contrast::AnimateInanimate => "animate/inanimate",
            Contrast::FaceBody => "face/body (animate only)",
        }
    }

    /// `(included, side)` per stimulus.
    fn sides(self, stimuli: &[ImageStimulus]) -> Vec<(bool, bool)> {
        stimuli
            .iter()
            .map(|s| match self {
                Contrast::AnimateInanimate => (true, s.is_animate()),
                Contrast::FaceBody => (s.is_animate(), s.face == 1),
            })
            .collect()
    }
}

/// A contrast measured on the brain RDM and on the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryStructure {
    /// Contrast name.
    pub contrast: String,
    /// Between minus within on the brain RDM.
    pub brain: Value,
    /// Between minus within on the model RDM of the headline layer.
    pub model: Value,
    /// The same per recorded layer (recording order).
    pub per_layer: Vec<Value>,
}

/// Mean between-side minus mean within-side dissimilarity over pairs of included stimuli.
/// Undefined when a side is empty or a value is not finite.
pub fn between_minus_within(
    rdm: ArrayView2<f64>,
    stimuli: &[ImageStimulus],
    contrast: Contrast,
) -> Value {
    let sides = contrast.sides(stimuli);
    let n = sides.len().min(rdm.nrows());
    let (mut between, mut nb, mut within, mut nw) = (0.0, 0usize, 0.0, 0usize);
    for i in 0..n {
        for j in i + 1..n {
            let ((inc_i, a), (inc_j, b)) = (sides[i], sides[j]);
            if !(inc_i && inc_j) {
                continue;
            }
            if a == b {
                within += rdm[[i, j]];
                nw += 1;
            } else {
                between += rdm[[i, j]];
                nb += 1;
            }
        }
    }
    if nb == 0 || nw == 0 {
        return Value::Undefined(Undefined::NotFinite);
    }
    Value::finite_or(
        between / nb as f64 - within / nw as f64,
        Undefined::NotFinite,
    )
}
