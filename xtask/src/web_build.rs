//! `cargo xtask build-web`: the release build of the web app into `dist/`, with no bundler.
//!
//! 1. `cargo build --release --target wasm32-unknown-unknown -p brainprobe-app --bin app`
//! 2. `wasm-bindgen --target web --no-typescript` (wasm-bindgen-cli, same version as
//!    Cargo.lock) → `app.js` + `app_bg.wasm`
//! 3. `wasm-opt -Oz` from binaryen 132 in `tools/binaryen` (Debian's 108 cannot read
//!    rustc 1.95 output)
//! 4. `index.html`, `www/style.css` and `www/assets/` (with the generated data bundles)
//!    copied beside them.
//!
//! Nothing is downloaded: every tool comes from `cargo xtask setup`.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::command::{cmd, run};
use crate::root;

/// The app's package and binary.
const PACKAGE: &str = "brainprobe-app";
const BIN: &str = "app";
const TARGET: &str = "wasm32-unknown-unknown";

/// WebAssembly features rustc 1.95 enables by default for wasm32-unknown-unknown; wasm-opt
/// must accept them all (binaryen's own defaults are narrower).
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-multivalue",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
];

/// Builds the app into `<root>/dist` (replaced as a whole, so no stale files remain).
pub fn build() -> Result<(), String> {
    let root = root();
    let started = std::time::Instant::now();
    let wasm = cargo_build()?;

    // wasm-bindgen and wasm-opt work in a scratch directory beside cargo's output.
    let stage = wasm
        .parent()
        .map(|p| p.join("web-build"))
        .ok_or("cargo's wasm artifact has no parent directory")?;
    reset_dir(&stage)?;
    run(cmd(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            BIN,
            "--out-dir",
            &stage.display().to_string(),
            &wasm.display().to_string(),
        ],
    ))?;
    let bg = stage.join(format!("{BIN}_bg.wasm"));
    let optimized = stage.join(format!("{BIN}_bg.opt.wasm"));
    let wasm_opt = root.join("tools/binaryen/node_modules/.bin/wasm-opt");
    let mut opt_args: Vec<String> = vec!["-Oz".into()];
    opt_args.extend(WASM_FEATURES.iter().map(|s| s.to_string()));
    opt_args.extend([
        bg.display().to_string(),
        "-o".into(),
        optimized.display().to_string(),
    ]);
    let opt_args: Vec<&str> = opt_args.iter().map(String::as_str).collect();
    run(cmd(&wasm_opt.display().to_string(), &opt_args))?;
    rename(&optimized, &bg)?;

    let dist = root.join("dist");
    reset_dir(&dist)?;
    for name in [format!("{BIN}.js"), format!("{BIN}_bg.wasm")] {
        copy_file(&stage.join(&name), &dist.join(&name))?;
    }
    copy_file(&root.join("index.html"), &dist.join("index.html"))?;
    copy_file(&root.join("www/style.css"), &dist.join("style.css"))?;
    let files = copy_dir(&root.join("www/assets"), &dist.join("assets"))?;
    let size = std::fs::metadata(dist.join(format!("{BIN}_bg.wasm")))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "build-web: {} ready ({BIN}_bg.wasm {size} B, {files} asset files) in {:.1} s",
        dist.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Runs the release cargo build and returns the path of the app's `.wasm`, as cargo
/// reports it (so a custom target directory is respected).
fn cargo_build() -> Result<PathBuf, String> {
    let mut c = cmd(
        "cargo",
        &[
            "build",
            "--release",
            "--target",
            TARGET,
            "-p",
            PACKAGE,
            "--bin",
            BIN,
            "--message-format=json-render-diagnostics",
        ],
    );
    c.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let line = format!("{c:?}");
    println!("+ {line}");
    let out = c
        .output()
        .map_err(|e| format!("cannot start {line}: {e}"))?;
    if !out.status.success() {
        return Err(format!("command failed ({}): {line}", out.status));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == BIN)
        .flat_map(|m| {
            m["filenames"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
        })
        .filter_map(|f| f.as_str().map(PathBuf::from))
        .find(|p| p.extension().is_some_and(|e| e == "wasm"))
        .ok_or_else(|| format!("cargo reported no .wasm for {PACKAGE} bin `{BIN}`"))
}

fn reset_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("remove {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))
}

fn rename(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::rename(from, to)
        .map_err(|e| format!("rename {} -> {}: {e}", from.display(), to.display()))
}

fn copy_file(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copy {} -> {}: {e}", from.display(), to.display()))
}

/// Copies a directory tree; returns the number of files copied.
fn copy_dir(from: &Path, to: &Path) -> Result<usize, String> {
    std::fs::create_dir_all(to).map_err(|e| format!("create {}: {e}", to.display()))?;
    let mut files = 0;
    let entries = std::fs::read_dir(from).map_err(|e| format!("read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("read {}: {e}", from.display()))?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if kind.is_dir() {
            files += copy_dir(&path, &dest)?;
        } else {
            copy_file(&path, &dest)?;
            files += 1;
        }
    }
    Ok(files)
}
