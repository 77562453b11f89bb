//! The project's data manifest (`data/manifest.toml`): every third-party file with its
//! size, sha256, source, licence and citation.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{DataError, Result};

/// The manifest as committed in `data/manifest.toml`, embedded so that the CLI and the
/// app always agree on what the data should be.
pub const MANIFEST_TOML: &str = include_str!("../../../data/manifest.toml");

/// One dataset: metadata shown to users plus the files it consists of.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatasetEntry {
    /// Stable identifier, e.g. `pereira2018_langnet`.
    pub id: String,
    /// Short human-readable title.
    pub title: String,
    /// One-paragraph description of the contents.
    pub description: String,
    /// Licence statement (as precise as the source allows).
    pub licence: String,
    /// Papers to cite when using the data.
    pub citation: Vec<String>,
    /// Where the data originally comes from (URLs at pinned commits).
    pub source: Vec<String>,
    /// The files, relative to the mirror root.
    #[serde(rename = "file", default)]
    pub files: Vec<FileEntry>,
}

/// One file of a dataset: relative path, size and sha256.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    /// Path relative to the mirror root (also used under the download base URL).
    pub path: String,
    /// Exact size in bytes.
    pub bytes: u64,
    /// Lower-case hex sha256 of the content.
    pub sha256: String,
}

/// The whole manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Manifest format version (currently 1).
    pub format: u32,
    /// All datasets in display order.
    #[serde(rename = "dataset")]
    pub datasets: Vec<DatasetEntry>,
}

impl Manifest {
    /// Parses and validates a manifest from TOML text.
    pub fn parse(text: &str) -> Result<Self> {
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| DataError::Manifest(e.to_string()))?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// The manifest committed with the project.
    pub fn project() -> Result<Self> {
        Self::parse(MANIFEST_TOML)
    }

    /// sha256 of the project manifest text; bundles record it so stale bundles are rebuilt.
    pub fn project_digest() -> String {
        hex::encode(Sha256::digest(MANIFEST_TOML.as_bytes()))
    }

    /// Looks a dataset up by identifier.
    pub fn dataset(&self, id: &str) -> Result<&DatasetEntry> {
        self.datasets
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| DataError::UnknownDataset(id.to_string()))
    }

    /// All files of all datasets.
    pub fn files(&self) -> impl Iterator<Item = &FileEntry> {
        self.datasets.iter().flat_map(|d| d.files.iter())
    }

    fn validate(&self) -> Result<()> {
        if self.format != 1 {
            return Err(DataError::Manifest(format!(
                "unsupported format {}",
                self.format
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for file in self.files() {
            if file.sha256.len() != 64 || !file.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(DataError::Manifest(format!(
                    "`{}` has an invalid sha256 `{}`",
                    file.path, file.sha256
                )));
            }
            if file.path.contains("..") || file.path.starts_with('/') {
                return Err(DataError::Manifest(format!(
                    "`{}` must be a relative path inside the mirror",
                    file.path
                )));
            }
            if !seen.insert(file.path.as_str()) {
                return Err(DataError::Manifest(format!(
                    "`{}` is listed twice",
                    file.path
                )));
            }
        }
        Ok(())
    }
}

/// Checks `bytes` against a manifest entry: size first (clearer message for truncation),
/// then sha256.
pub fn verify_bytes(entry: &FileEntry, bytes: &[u8]) -> Result<()> {
    if bytes.len() as u64 != entry.bytes {
        return Err(DataError::Size {
            path: entry.path.clone(),
            expected: entry.bytes,
            actual: bytes.len() as u64,
        });
    }
    let actual = hex::encode(Sha256::digest(bytes));
    if actual != entry.sha256 {
        return Err(DataError::Checksum {
            path: entry.path.clone(),
            expected: entry.sha256.clone(),
            actual,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_manifest_parses_and_lists_the_datasets() {
        let m = Manifest::project().unwrap();
        for id in [
            "pereira2018_langnet",
            "futrell2018_naturalstories",
            "fedorenko2010_localizer",
            "kriegeskorte2008_92images",
            "tang2018_occlusion",
            "cifar10",
            "corpora",
            "wikitext2",
        ] {
            let d = m.dataset(id).unwrap();
            assert!(!d.files.is_empty(), "{id} has files");
            assert!(!d.licence.is_empty() && !d.citation.is_empty());
        }
        assert!(matches!(
            m.dataset("nope"),
            Err(DataError::UnknownDataset(_))
        ));
    }

    #[test]
    fn verify_bytes_distinguishes_size_and_checksum() {
        let content = b"hello";
        let entry = FileEntry {
            path: "x.txt".into(),
            bytes: 5,
            sha256: hex::encode(Sha256::digest(content)),
        };
        verify_bytes(&entry, content).unwrap();
        assert!(matches!(
            verify_bytes(&entry, b"hell"),
            Err(DataError::Size { .. })
        ));
        let err = verify_bytes(&entry, b"hellO").unwrap_err();
        assert!(matches!(err, DataError::Checksum { .. }));
        assert!(err.to_string().contains("x.txt"));
    }

    #[test]
    fn rejects_bad_manifests() {
        let bad = "format = 1\n[[dataset]]\nid='a'\ntitle=''\ndescription=''\nlicence=''\ncitation=[]\nsource=[]\n[[dataset.file]]\npath='../x'\nbytes=1\nsha256='00'\n";
        assert!(matches!(Manifest::parse(bad), Err(DataError::Manifest(_))));
        assert!(Manifest::parse("format = 2\ndataset = []").is_err());
    }
}
