//! Shared pieces of the project automation, also used by the browser end-to-end test.

pub mod browser;
pub mod static_server;

/// The workspace root (parent of this crate).
pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| std::path::PathBuf::from("."))
}
