//! Native defaults of the [`crate::store::WeightStore`] roots: committed weights in
//! `weights/` and prepared third-party weights in `data/cache/models/`, each found by
//! walking up from the current directory or named by an environment variable.

use std::path::PathBuf;

/// Environment variable overriding the committed-weights directory.
pub const WEIGHTS_ENV: &str = "BRAINPROBE_WEIGHTS";

/// Environment variable overriding the prepared-models directory.
pub const PREPARED_ENV: &str = "BRAINPROBE_PREPARED_MODELS";

/// `$var`, else the first `rel` directory found walking up from the current directory
/// (else `rel` under the current directory).
fn root(var: &str, rel: &str) -> PathBuf {
    if let Ok(dir) = std::env::var(var) {
        return dir.into();
    }
    let start = std::env::current_dir().unwrap_or_default();
    start
        .ancestors()
        .map(|d| d.join(rel))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| start.join(rel))
}

/// The committed weights root: `$BRAINPROBE_WEIGHTS`, else the first `weights/` found.
pub fn weights_root() -> PathBuf {
    root(WEIGHTS_ENV, "weights")
}

/// The prepared models root: `$BRAINPROBE_PREPARED_MODELS`, else the first
/// `data/cache/models` found.
pub fn prepared_root() -> PathBuf {
    root(PREPARED_ENV, "data/cache/models")
}

/// The bytes of prepared file `file` of model `id`, or `None` with the reason printed: for
/// tests and tools that use a pretrained model where `cargo xtask prepare-data` has fetched
/// it (with pip) and skip, saying why, where it has not.
pub fn prepared_or_skip(id: &str, file: &str) -> Option<Vec<u8>> {
    let path = prepared_root().join(id).join(file);
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!(
                "skipped: {} is not there ({e}); `cargo xtask prepare-data` fetches it with pip",
                path.display()
            );
            None
        }
    }
}
