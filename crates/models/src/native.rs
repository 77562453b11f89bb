//! Native loading of committed weights from `weights/` (found by walking up from the
//! current directory, or `$BRAINPROBE_WEIGHTS`).

use std::path::PathBuf;

use brainprobe_engine::Device;

use crate::error::{ModelError, Result};
use crate::registry::{lookup, manifest_file, weights_file};
use crate::vision::cornet::Cornet;
use crate::weights::{Manifest, Weights};

/// The weights root: `$BRAINPROBE_WEIGHTS`, else the first `weights/` directory found
/// walking up from the current directory.
pub fn weights_root() -> PathBuf {
    if let Ok(dir) = std::env::var("BRAINPROBE_WEIGHTS") {
        return dir.into();
    }
    let start = std::env::current_dir().unwrap_or_default();
    start
        .ancestors()
        .map(|d| d.join("weights"))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| start.join("weights"))
}

/// Reads the weights and manifest of registered model `id`.
pub fn read(id: &str) -> Result<(Weights, Manifest)> {
    lookup(id)?;
    let root = weights_root();
    let read = |rel: String| {
        let path = root.join(&rel);
        std::fs::read(&path).map_err(|e| ModelError::Weights {
            model: id.to_string(),
            detail: format!("{}: {e}", path.display()),
        })
    };
    let weights = Weights::from_safetensors(id, &read(weights_file(id))?)?;
    let text = String::from_utf8(read(manifest_file(id))?).map_err(|e| ModelError::Manifest {
        model: id.to_string(),
        detail: e.to_string(),
    })?;
    Ok((weights, Manifest::parse(id, &text)?))
}

/// Loads vision model `id` onto `device`.
pub fn load_cornet(id: &str, device: &Device) -> Result<Cornet> {
    let (weights, manifest) = read(id)?;
    Cornet::load(&weights, &manifest, device)
}
