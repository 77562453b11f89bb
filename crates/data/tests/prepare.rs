//! prepare-data against a tiny synthetic mirror (corrupt / truncate / delete) and, when the
//! shared mirror is present, the real one end to end.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};

use brainprobe_data::manifest::{FileEntry, Manifest};
use brainprobe_data::prepare::{build_bundles, fetch_verified, prepare, Source};
use brainprobe_data::{Assets, Bundle, DataError};
use sha2::{Digest, Sha256};

mod common;

fn entry(path: &str, content: &[u8]) -> FileEntry {
    FileEntry {
        path: path.into(),
        bytes: content.len() as u64,
        sha256: hex::encode(Sha256::digest(content)),
    }
}

fn tiny_manifest(files: &[FileEntry]) -> Manifest {
    let mut text = String::from("format = 1\n[[dataset]]\nid='toy'\ntitle='t'\ndescription='d'\nlicence='l'\ncitation=['c']\nsource=['s']\n");
    for f in files {
        text += &format!(
            "[[dataset.file]]\npath='{}'\nbytes={}\nsha256='{}'\n",
            f.path, f.bytes, f.sha256
        );
    }
    Manifest::parse(&text).unwrap()
}

fn no_progress() -> impl FnMut(usize, usize, &str) {
    |_, _, _| {}
}

fn partial_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(partial_files(&p));
            } else if p.to_string_lossy().contains(".partial") {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn corrupt_truncated_and_missing_files_are_named() {
    let mirror = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let a = b"alpha,beta\n1,2\n".to_vec();
    let b = vec![7u8; 1000];
    fs::create_dir_all(mirror.path().join("set")).unwrap();
    fs::write(mirror.path().join("set/a.csv"), &a).unwrap();
    fs::write(mirror.path().join("set/b.bin"), &b).unwrap();
    let manifest = tiny_manifest(&[entry("set/a.csv", &a), entry("set/b.bin", &b)]);
    let source = Source::Mirror(mirror.path().to_path_buf());

    let report = fetch_verified(&manifest, &source, cache.path(), &mut no_progress()).unwrap();
    assert_eq!((report.verified, report.copied), (2, 2));
    let again = fetch_verified(&manifest, &source, cache.path(), &mut no_progress()).unwrap();
    assert_eq!(again.copied, 0, "re-running is a no-op");

    // Corrupt one byte.
    let mut bad = b.clone();
    bad[500] ^= 0xff;
    fs::write(mirror.path().join("set/b.bin"), &bad).unwrap();
    let err = fetch_verified(&manifest, &source, cache.path(), &mut no_progress()).unwrap_err();
    assert!(
        matches!(err, DataError::Checksum { ref path, .. } if path == "set/b.bin"),
        "{err}"
    );
    assert!(err.to_string().contains("set/b.bin"));
    assert_eq!(
        fs::read(cache.path().join("set/b.bin")).unwrap(),
        b,
        "cache untouched"
    );

    // Truncate.
    fs::write(mirror.path().join("set/b.bin"), &b[..600]).unwrap();
    let err = fetch_verified(&manifest, &source, cache.path(), &mut no_progress()).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::Size {
                expected: 1000,
                actual: 600,
                ..
            }
        ),
        "{err}"
    );

    // Delete.
    fs::remove_file(mirror.path().join("set/b.bin")).unwrap();
    let err = fetch_verified(&manifest, &source, cache.path(), &mut no_progress()).unwrap_err();
    assert!(
        matches!(err, DataError::Missing { ref path, .. } if path == "set/b.bin"),
        "{err}"
    );

    // Restore: passes again, nothing half-written anywhere.
    fs::write(mirror.path().join("set/b.bin"), &b).unwrap();
    fetch_verified(&manifest, &source, cache.path(), &mut no_progress()).unwrap();
    assert!(partial_files(cache.path()).is_empty());
}

#[test]
fn unreachable_url_is_an_io_error_naming_the_file() {
    let cache = tempfile::tempdir().unwrap();
    let manifest = tiny_manifest(&[entry("set/a.csv", b"x")]);
    let source = Source::Url("http://127.0.0.1:9/nothing".into());
    let err = fetch_verified(&manifest, &source, cache.path(), &mut no_progress()).unwrap_err();
    assert!(err.to_string().contains("set/a.csv"), "{err}");
}

fn shared_mirror() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    dir.join("MANIFEST.json").is_file().then_some(dir)
}

/// A mirror of symlinks to the shared files, so one file can be replaced cheaply.
fn link_mirror(real: &Path, into: &Path) {
    for f in Manifest::project().unwrap().files() {
        let to = into.join(&f.path);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(real.join(&f.path).canonicalize().unwrap(), &to).unwrap();
    }
}

#[test]
fn real_mirror_prepares_bundles_with_the_published_counts() {
    let Some(real) = shared_mirror() else {
        eprintln!("SKIP: ../shared/data not present beside the checkout");
        return;
    };
    let mirror = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let out_root = tempfile::tempdir().unwrap();
    let out = out_root.path().join("data");
    link_mirror(&real, mirror.path());
    let source = Source::Mirror(mirror.path().to_path_buf());

    let report = prepare(&source, cache.path(), &out, &mut no_progress()).unwrap();
    assert!(report.bundles_rebuilt);
    let again = prepare(&source, cache.path(), &out, &mut no_progress()).unwrap();
    assert_eq!(
        (again.copied, again.bundles_rebuilt),
        (0, false),
        "no-op when current"
    );

    let bundle = pollster::block_on(Bundle::load(&Assets::new(out.display().to_string()))).unwrap();
    common::assert_published_counts(&bundle);
    let line = |id: &str| common::counts_line(&bundle, id);
    assert_eq!(
        line("cifar10"),
        "50000 train images, 10000 test images, 1000 in the browser subset"
    );
    assert!(line("corpora").ends_with("7 corpora"));
    assert!(line("wikitext2").contains("test words"));

    // Headline numbers of the human occlusion data (data README).
    let (c, n) =
        brainprobe_data::datasets::tang::accuracy_below(&bundle.occlusion_trials, false, 15.0);
    assert_eq!((c, n), (1813, 2999));
    let (c, n) =
        brainprobe_data::datasets::tang::accuracy_below(&bundle.occlusion_trials, true, 15.0);
    assert_eq!((c, n), (1339, 2999));
    // The fig. 1 group RDM is the mean of the 8 subject-session RDMs.
    let mean = bundle
        .kriegeskorte
        .human_it
        .mean_axis(ndarray::Axis(0))
        .unwrap()
        .mean_axis(ndarray::Axis(0))
        .unwrap();
    let diff = (&mean - &bundle.kriegeskorte.human_it_fig1.values)
        .mapv(f64::abs)
        .fold(0.0f64, |a, &b| a.max(b));
    assert!(
        diff < 1e-6,
        "fig1 RDM differs from the subject mean by {diff}"
    );

    // Corrupting a mirrored file fails naming it; the existing bundle stays intact.
    let victim = "futrell2018_naturalstories/words.csv";
    let mut bytes = fs::read(real.join(victim)).unwrap();
    fs::remove_file(mirror.path().join(victim)).unwrap();
    bytes[1234] ^= 0x01;
    fs::write(mirror.path().join(victim), &bytes).unwrap();
    let err = prepare(&source, cache.path(), &out, &mut no_progress()).unwrap_err();
    assert!(err.to_string().contains(victim), "{err}");
    assert!(out.join("bundle.json").is_file());
    // Restoring it makes it pass.
    fs::remove_file(mirror.path().join(victim)).unwrap();
    std::os::unix::fs::symlink(
        real.join(victim).canonicalize().unwrap(),
        mirror.path().join(victim),
    )
    .unwrap();
    prepare(&source, cache.path(), &out, &mut no_progress()).unwrap();
}

#[test]
fn malformed_cache_file_fails_the_bundle_naming_it() {
    let Some(real) = shared_mirror() else {
        eprintln!("SKIP: ../shared/data not present beside the checkout");
        return;
    };
    // Bundle building parses every file; feed it a cache whose Pereira table is garbage.
    let cache = tempfile::tempdir().unwrap();
    let out_root = tempfile::tempdir().unwrap();
    link_mirror(&real, cache.path());
    let p = cache.path().join("pereira2018_langnet/sentences.csv");
    fs::remove_file(&p).unwrap();
    fs::write(
        &p,
        "sentence_id,sentence,effect_size\n0,hello,not-a-number\n",
    )
    .unwrap();
    let manifest = Manifest::project().unwrap();
    let out = out_root.path().join("data");
    let err = build_bundles(&manifest, cache.path(), &out).unwrap_err();
    assert!(
        err.to_string()
            .contains("pereira2018_langnet/sentences.csv"),
        "{err}"
    );
    assert!(!out.exists(), "no half-built bundle left behind");
    assert!(!out_root.path().join("data.building").exists());
}
