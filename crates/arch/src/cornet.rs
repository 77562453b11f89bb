//! CORnet-Z-mini and CORnet-S-mini: four areas (V1, V2, V4, IT) and a linear decoder;
//! CORnet-S's V2, V4 and IT are recurrent with one batch norm set per time step.

use serde::{Deserialize, Serialize};

/// Area names in order.
pub const AREAS: [&str; 4] = ["V1", "V2", "V4", "IT"];

/// Architecture of a CORnet-mini, as stored in the manifest's `[architecture]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CornetConfig {
    /// `"cornet-z"` or `"cornet-s"`.
    pub family: String,
    /// Output channels of V1, V2, V4, IT.
    pub channels: [usize; 4],
    /// Recurrent time steps of V2, V4, IT (CORnet-S; ignored by Z).
    pub timesteps: [usize; 3],
    /// Bottleneck expansion of the recurrent block (CORnet-S uses 4).
    pub scale: usize,
    /// Number of classes.
    pub classes: usize,
}

impl CornetConfig {
    /// The committed CORnet-Z-mini.
    pub fn z_mini() -> Self {
        Self {
            family: "cornet-z".into(),
            channels: [16, 32, 64, 128],
            timesteps: [1, 1, 1],
            scale: 1,
            classes: 10,
        }
    }

    /// The committed CORnet-S-mini: CORnet-Z-mini's widths with recurrent V2 ×2, V4 ×4,
    /// IT ×2 time steps.
    pub fn s_mini() -> Self {
        Self {
            family: "cornet-s".into(),
            timesteps: [2, 4, 2],
            ..Self::z_mini()
        }
    }

    /// Whether the areas after V1 are recurrent (CORnet-S).
    pub fn is_recurrent(&self) -> bool {
        self.family == "cornet-s"
    }

    /// Recorded layers of a forward pass capped at `steps` time steps: `V1`, per
    /// recurrent area its steps `V2.t0` … then the area itself, `decoder`, `logits`.
    pub fn layer_names(&self, steps: Option<usize>) -> Vec<String> {
        let mut names = vec![AREAS[0].to_string()];
        for (i, area) in AREAS.iter().enumerate().skip(1) {
            if self.is_recurrent() {
                let t = self.timesteps[i - 1].min(steps.unwrap_or(usize::MAX).max(1));
                names.extend((0..t).map(|t| Self::step_layer(area, t)));
            }
            names.push(area.to_string());
        }
        names.push("decoder".into());
        names.push("logits".into());
        names
    }

    /// Name of area `area`'s output at time step `t` (CORnet-S).
    pub fn step_layer(area: &str, t: usize) -> String {
        format!("{area}.t{t}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_per_family_and_step_cap() {
        assert_eq!(
            CornetConfig::z_mini().layer_names(None),
            ["V1", "V2", "V4", "IT", "decoder", "logits"]
        );
        let s = CornetConfig::s_mini();
        assert_eq!(s.layer_names(None).len(), 4 + 8 + 2);
        assert_eq!(
            s.layer_names(Some(1)),
            ["V1", "V2.t0", "V2", "V4.t0", "V4", "IT.t0", "IT", "decoder", "logits"]
        );
    }
}
