//! `weights/<id>/manifest.toml`: what a set of exported weights is and how it was made.
//! The shape is `brainprobe_arch::WeightsManifest`, the one `brainprobe-models` reads.

use std::path::Path;

use brainprobe_arch::WeightsManifest;

/// Writes `manifest` next to the weights in `dir` (atomically).
pub fn write(manifest: &WeightsManifest, dir: &Path) -> Result<(), String> {
    let text = manifest.to_toml()?;
    crate::checkpoint::write_atomic(&dir.join("manifest.toml"), text.as_bytes())
}
