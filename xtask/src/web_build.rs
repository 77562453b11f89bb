//! `cargo xtask build-web`: the release build of the web app into `dist/`, with no bundler.
//!
//! 1. `cargo build --release --target wasm32-unknown-unknown -p brainprobe-app --bin app
//!    --bin worker` — the page (Yew, no engine) and the Web Worker (engine + benchmarks)
//! 2. for each: `wasm-bindgen --target web --no-typescript` (wasm-bindgen-cli, same version
//!    as Cargo.lock) → `<bin>.js` + `<bin>_bg.wasm`
//! 3. `wasm-opt -O1` from binaryen 132 in `tools/binaryen` (Debian's 108 cannot read
//!    rustc 1.95 output). `-O1`, not `-Oz`: on the worker (6.9 MB, 2 176 273 B gzipped after
//!    wasm-bindgen) `-Oz` took 107 s on this 2-core machine (binaryen's npm build runs in
//!    Node) for 2 000 345 B gzipped, `-O1` 27 s for 1 953 618 B — smaller once gzipped
//! 4. `index.html`, `www/style.css`, `www/bootstrap.js` (the page's entry that imports
//!    `app.js`; index.html has no inline script, for its Content-Security-Policy),
//!    `www/worker-entry.js` (the module worker's shim that imports `worker.js`), `www/assets/` (with the generated data bundles) and the
//!    committed model files (`weights/<id>/{model.safetensors,manifest.toml}` →
//!    `dist/weights/`) copied beside them.
//! 5. `SHA256SUMS` (the `sha256sum` format) over every file under `dist/assets/` and
//!    `dist/weights/`: the worker checks each model and data file it fetches or reads from
//!    its cache against it before parsing.
//! 6. The gzipped size of the initial page (app wasm + JS + CSS + HTML) and of the worker
//!    (loaded by the first run, like models and data) is printed and written to
//!    `dist/size-report.txt`.
//!
//! Nothing is downloaded: every tool comes from `cargo xtask setup`.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::command::{cmd, run};
use crate::root;

/// The app's package and its binaries: the page and the Web Worker.
const PACKAGE: &str = "brainprobe-app";
const BINS: [&str; 2] = ["app", "worker"];
const TARGET: &str = "wasm32-unknown-unknown";

/// The wasm-opt level (module docs: faster than `-Oz` and smaller gzipped here).
const WASM_OPT_LEVEL: &str = "-O1";

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
    let wasms = cargo_build()?;
    let dist = root.join("dist");
    let mut staged = Vec::new();
    for (bin, wasm) in &wasms {
        staged.push((bin, bindgen_and_optimize(&root, bin, wasm)?));
    }
    reset_dir(&dist)?;
    for (bin, stage) in &staged {
        for name in [format!("{bin}.js"), format!("{bin}_bg.wasm")] {
            copy_file(&stage.join(&name), &dist.join(&name))?;
        }
    }
    write_index_html(&root.join("index.html"), &dist.join("index.html"))?;
    copy_file(&root.join("www/style.css"), &dist.join("style.css"))?;
    for script in ["bootstrap.js", "worker-entry.js"] {
        copy_file(&root.join("www").join(script), &dist.join(script))?;
    }
    let files = copy_dir(&root.join("www/assets"), &dist.join("assets"))?;
    let weights = copy_weights(&root.join("weights"), &dist.join("weights"))?;
    let digests = write_sha256sums(&dist, &["assets", "weights"])?;
    let build = crate::service_worker::write(&root.join("www/sw.js"), &dist)?;
    let report = size_report(&dist)?;
    std::fs::write(dist.join("size-report.txt"), &report)
        .map_err(|e| format!("write size-report.txt: {e}"))?;
    print!("{report}");
    println!(
        "build-web: {} ready ({files} asset files, {weights} model files, {digests} digests in \
         SHA256SUMS, service worker of build {build}) in {:.1} s",
        dist.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// wasm-bindgen then wasm-opt for one binary, in a scratch directory beside cargo's
/// output; returns that directory.
fn bindgen_and_optimize(root: &Path, bin: &str, wasm: &Path) -> Result<PathBuf, String> {
    let stage = wasm
        .parent()
        .map(|p| p.join(format!("web-build-{bin}")))
        .ok_or("cargo's wasm artifact has no parent directory")?;
    reset_dir(&stage)?;
    run(cmd(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            bin,
            "--out-dir",
            &stage.display().to_string(),
            &wasm.display().to_string(),
        ],
    ))?;
    let bg = stage.join(format!("{bin}_bg.wasm"));
    let optimized = stage.join(format!("{bin}_bg.opt.wasm"));
    let wasm_opt = root.join("tools/binaryen/node_modules/.bin/wasm-opt");
    let mut opt_args: Vec<String> = vec![WASM_OPT_LEVEL.into()];
    opt_args.extend(WASM_FEATURES.iter().map(|s| s.to_string()));
    opt_args.extend([
        bg.display().to_string(),
        "-o".into(),
        optimized.display().to_string(),
    ]);
    let opt_args: Vec<&str> = opt_args.iter().map(String::as_str).collect();
    run(cmd(&wasm_opt.display().to_string(), &opt_args))?;
    rename(&optimized, &bg)?;
    Ok(stage)
}

/// Copies every committed model's weights, manifest, tokenizer and vocabulary (not training
/// logs); returns the number of files.
fn copy_weights(from: &Path, to: &Path) -> Result<usize, String> {
    let mut files = 0;
    let entries = std::fs::read_dir(from).map_err(|e| format!("read {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let dir = entry.path();
        for name in [
            "model.safetensors",
            "manifest.toml",
            "tokenizer.json",
            "vocab.txt",
        ] {
            if dir.join(name).is_file() {
                let dest = to.join(entry.file_name());
                std::fs::create_dir_all(&dest)
                    .map_err(|e| format!("create {}: {e}", dest.display()))?;
                copy_file(&dir.join(name), &dest.join(name))?;
                files += 1;
            }
        }
    }
    Ok(files)
}

/// gzip -9 size of a file, via the system `gzip`.
fn gzipped_size(path: &Path) -> Result<u64, String> {
    let out = std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip {}: {e}", path.display()))?;
    if !out.status.success() {
        return Err(format!("gzip {} failed", path.display()));
    }
    Ok(out.stdout.len() as u64)
}

/// Raw and gzipped sizes of what a first visit downloads before any model or data.
fn size_report(dist: &Path) -> Result<String, String> {
    let page = [
        "index.html",
        "style.css",
        "bootstrap.js",
        "app.js",
        "app_bg.wasm",
    ];
    let worker = ["worker-entry.js", "worker.js", "worker_bg.wasm"];
    let mut report = String::new();
    let mut totals = [(0u64, 0u64); 2];
    for (k, group) in [&page[..], &worker[..]].iter().enumerate() {
        for name in group.iter() {
            let path = dist.join(name);
            let raw = std::fs::metadata(&path)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .len();
            let gz = gzipped_size(&path)?;
            totals[k].0 += raw;
            totals[k].1 += gz;
            report.push_str(&format!("  {name:<16} {raw:>10} B  gzip {gz:>9} B\n"));
        }
    }
    let mb = |b: u64| b as f64 / 1e6;
    report.push_str(&format!(
        "initial page (html + css + app js/wasm): {:.3} MB gzipped; worker (loaded by the first run): {:.3} MB gzipped; both {:.3} MB gzipped (budget for the initial page: 1.5 MB)\n",
        mb(totals[0].1),
        mb(totals[1].1),
        mb(totals[0].1 + totals[1].1)
    ));
    Ok(report)
}

/// Runs the release cargo build and returns each binary's `.wasm`, as cargo reports it
/// (so a custom target directory is respected).
fn cargo_build() -> Result<Vec<(&'static str, PathBuf)>, String> {
    let mut args = vec!["build", "--release", "--target", TARGET, "-p", PACKAGE];
    for bin in BINS {
        args.extend(["--bin", bin]);
    }
    args.push("--message-format=json-render-diagnostics");
    let mut c = cmd("cargo", &args);
    c.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let line = format!("{c:?}");
    println!("+ {line}");
    let out = c
        .output()
        .map_err(|e| format!("cannot start {line}: {e}"))?;
    if !out.status.success() {
        return Err(format!("command failed ({}): {line}", out.status));
    }
    let messages: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .collect();
    BINS.iter()
        .map(|&bin| {
            messages
                .iter()
                .filter(|m| m["target"]["name"] == bin)
                .flat_map(|m| {
                    m["filenames"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                        .into_iter()
                })
                .filter_map(|f| f.as_str().map(PathBuf::from))
                .find(|p| p.extension().is_some_and(|e| e == "wasm"))
                .map(|p| (bin, p))
                .ok_or_else(|| format!("cargo reported no .wasm for {PACKAGE} bin `{bin}`"))
        })
        .collect()
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
        // Follows symbolic links (prepared data may be linked in from a shared folder).
        let kind = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if kind.is_dir() {
            files += copy_dir(&path, &dest)?;
        } else {
            copy_file(&path, &dest)?;
            files += 1;
        }
    }
    Ok(files)
}

/// Writes `dist/SHA256SUMS`: `<sha256>  <path>` for every file under each of `dirs` (paths
/// relative to `dist`, `/`-separated, sorted); returns the number of lines.
pub fn write_sha256sums(dist: &Path, dirs: &[&str]) -> Result<usize, String> {
    use sha2::{Digest, Sha256};
    let mut lines = Vec::new();
    for dir in dirs {
        if !dist.join(dir).is_dir() {
            continue;
        }
        for rel in site_files(dist, dir)? {
            let path = dist.join(&rel);
            let mut file =
                std::fs::File::open(&path).map_err(|e| format!("open {}: {e}", path.display()))?;
            let mut hasher = Sha256::new();
            std::io::copy(&mut file, &mut hasher)
                .map_err(|e| format!("read {}: {e}", path.display()))?;
            lines.push(format!("{}  {rel}", hex::encode(hasher.finalize())));
        }
    }
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(dist.join("SHA256SUMS"), text).map_err(|e| format!("write SHA256SUMS: {e}"))?;
    Ok(lines.len())
}

/// Every file under `site/dir` (links followed), as `/`-separated paths relative to `site`.
pub fn site_files(site: &Path, dir: &str) -> Result<Vec<String>, String> {
    fn walk(site: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("read {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("read {}: {e}", dir.display()))?
                .path();
            if path.is_dir() {
                walk(site, &path, out)?;
            } else {
                let rel = path
                    .strip_prefix(site)
                    .map_err(|_| format!("{} is outside {}", path.display(), site.display()))?;
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(site, &site.join(dir), &mut out)?;
    Ok(out)
}

/// Copies `index.html` without its Trunk-only lines (`<link data-trunk …>`, read by `trunk
/// build`; browsers would ignore them, but the served page stays as built).
fn write_index_html(from: &Path, to: &Path) -> Result<(), String> {
    let html =
        std::fs::read_to_string(from).map_err(|e| format!("read {}: {e}", from.display()))?;
    let kept: Vec<&str> = html
        .lines()
        .filter(|l| !l.trim_start().starts_with("<link data-trunk"))
        .collect();
    std::fs::write(to, kept.join("\n") + "\n").map_err(|e| format!("write {}: {e}", to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256sums_cover_assets_and_weights_in_the_sha256sum_format() {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = dir.path();
        for (rel, bytes) in [
            ("assets/data/x.csv", &b"a,b\n"[..]),
            ("weights/m/model.safetensors", b""),
            ("app.js", b"not listed"),
        ] {
            std::fs::create_dir_all(site.join(rel).parent().expect("parent")).expect("mkdir");
            std::fs::write(site.join(rel), bytes).expect("write");
        }
        assert_eq!(
            write_sha256sums(site, &["assets", "weights", "absent"]),
            Ok(2)
        );
        let text = std::fs::read_to_string(site.join("SHA256SUMS")).expect("SHA256SUMS");
        let sha = |b: &[u8]| {
            use sha2::{Digest, Sha256};
            hex::encode(Sha256::digest(b))
        };
        assert_eq!(
            text,
            format!(
                "{}  assets/data/x.csv\n{}  weights/m/model.safetensors\n",
                sha(b"a,b\n"),
                sha(b"")
            )
        );
    }

    #[test]
    fn the_built_page_has_no_trunk_lines() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (from, to) = (dir.path().join("in.html"), dir.path().join("out.html"));
        std::fs::write(
            &from,
            "<head>\n  <script type=\"module\" src=\"bootstrap.js\"></script>\n  <link data-trunk rel=\"rust\" />\n</head>\n",
        )
        .expect("write");
        write_index_html(&from, &to).expect("index.html");
        assert_eq!(
            std::fs::read_to_string(&to).expect("read"),
            "<head>\n  <script type=\"module\" src=\"bootstrap.js\"></script>\n</head>\n"
        );
    }
}
