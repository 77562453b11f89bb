//! Reading bundle files through [`Assets`] (native files or web fetch) while recording a
//! sha256 of every byte read, so a [`Score`](crate::Score) names exactly its data.

use brainprobe_data::bundle::{BundleInfo, BUNDLE_INFO, BUNDLE_VERSION};
use brainprobe_data::{Assets, DataError};
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::score::{DataRef, FileDigest};

/// Reads files and remembers their digests.
pub struct DataLog<'a> {
    assets: &'a Assets,
    info: Option<BundleInfo>,
    files: Vec<FileDigest>,
}

impl<'a> DataLog<'a> {
    /// Starts reading from `assets`.
    pub fn new(assets: &'a Assets) -> Self {
        Self {
            assets,
            info: None,
            files: Vec::new(),
        }
    }

    /// Reads `bundle.json` (once) and checks its layout version.
    async fn info(&mut self) -> Result<BundleInfo> {
        if let Some(info) = &self.info {
            return Ok(info.clone());
        }
        let bytes = self.assets.bytes(BUNDLE_INFO).await?;
        let info: BundleInfo =
            serde_json::from_slice(&bytes).map_err(|e| DataError::Malformed {
                path: BUNDLE_INFO.into(),
                reason: e.to_string(),
            })?;
        if info.version != BUNDLE_VERSION {
            return Err(DataError::Malformed {
                path: BUNDLE_INFO.into(),
                reason: format!(
                    "bundle version {} but this build reads {BUNDLE_VERSION}; run `cargo xtask prepare-data`",
                    info.version
                ),
            }
            .into());
        }
        self.info = Some(info.clone());
        Ok(info)
    }

    /// Reads one bundle file and records its sha256.
    pub async fn read(&mut self, rel: &str) -> Result<Vec<u8>> {
        let bytes = self.assets.bytes(rel).await?;
        self.files.push(FileDigest {
            path: rel.to_string(),
            sha256: hex::encode(Sha256::digest(&bytes)),
        });
        Ok(bytes)
    }

    /// Reads several files and records one digest for the group: sha256 over the
    /// concatenated per-file sha256 hex strings, under `label`.
    pub async fn read_group(&mut self, label: &str, rels: &[String]) -> Result<Vec<Vec<u8>>> {
        let mut all = Sha256::new();
        let mut out = Vec::with_capacity(rels.len());
        for rel in rels {
            let bytes = self.assets.bytes(rel).await?;
            all.update(hex::encode(Sha256::digest(&bytes)).as_bytes());
            out.push(bytes);
        }
        self.files.push(FileDigest {
            path: format!("{label} ({} files)", rels.len()),
            sha256: hex::encode(all.finalize()),
        });
        Ok(out)
    }

    /// Records a digest for data the caller supplied (e.g. CIFAR-10 training images read natively).
    pub fn note(&mut self, label: &str, bytes: &[u8]) {
        self.files.push(FileDigest {
            path: label.to_string(),
            sha256: hex::encode(Sha256::digest(bytes)),
        });
    }

    /// The provenance of everything read so far.
    pub async fn finish(mut self) -> Result<DataRef> {
        let info = self.info().await?;
        Ok(DataRef {
            manifest_sha256: info.manifest_sha256,
            bundle_version: info.version,
            files: self.files,
        })
    }
}
