//! Error type for everything the data crate does: every variant names the file involved.

use thiserror::Error;

/// What went wrong while preparing, reading or parsing a dataset file.
///
/// Each variant carries the file (manifest path or bundle path) so the message a user
/// sees always says which file to look at.
#[derive(Debug, Error)]
pub enum DataError {
    /// A manifest file is not present in the mirror (or the download returned 404).
    #[error("missing file `{path}`: not found at {location}")]
    Missing { path: String, location: String },
    /// The file has fewer or more bytes than the manifest says (typically a truncated copy).
    #[error("wrong size for `{path}`: expected {expected} bytes, found {actual} (truncated or altered file)")]
    Size {
        path: String,
        expected: u64,
        actual: u64,
    },
    /// The file has the right size but its sha256 differs from the manifest (corrupted or altered).
    #[error("checksum mismatch for `{path}`: expected sha256 {expected}, found {actual}")]
    Checksum {
        path: String,
        expected: String,
        actual: String,
    },
    /// A file exists but its content cannot be parsed as the format it should have.
    #[error("malformed file `{path}`: {reason}")]
    Malformed { path: String, reason: String },
    /// A file system or network operation failed.
    #[error("I/O error on `{path}`: {reason}")]
    Io { path: String, reason: String },
    /// The project manifest itself is unreadable or inconsistent.
    #[error("invalid manifest: {0}")]
    Manifest(String),
    /// A dataset identifier that the project does not know.
    #[error("unknown dataset `{0}` (run `brainprobe datasets` for the list)")]
    UnknownDataset(String),
}

impl DataError {
    /// Builds a [`DataError::Malformed`] for `path` from any displayable reason.
    pub fn malformed(path: &str, reason: impl std::fmt::Display) -> Self {
        DataError::Malformed {
            path: path.to_string(),
            reason: reason.to_string(),
        }
    }

    /// Builds a [`DataError::Io`] for `path` from any displayable reason.
    pub fn io(path: impl std::fmt::Display, reason: impl std::fmt::Display) -> Self {
        DataError::Io {
            path: path.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// Result alias used across the crate.
pub type Result<T> = std::result::Result<T, DataError>;
