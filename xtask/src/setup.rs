//! Tool installation, idempotent: each tool is checked first and installed only when it
//! is missing or at the wrong version (versions verified in shared/docs/TOOLCHAIN.md).

use crate::command::{cmd, output, run};
use crate::root;

/// binaryen (wasm-opt) version from npm; Debian's 108 is too old for rustc 1.95 output.
pub const BINARYEN: &str = "132";

/// Ensures every tool the build and the tests need.
pub fn setup() -> Result<(), String> {
    ensure_wasm_target()?;
    let bindgen = wasm_bindgen_version()?;
    // wasm-bindgen-cli: `wasm-bindgen` builds the app, `wasm-bindgen-test-runner` runs the
    // browser tests. Its own lockfile pins a crate the registry here lacks: no --locked.
    ensure_cargo_tool(
        &["wasm-bindgen", "wasm-bindgen-test-runner"],
        &bindgen,
        &[&format!("wasm-bindgen-cli@{bindgen}")],
    )?;
    ensure_binaryen()?;
    ensure_apt()?;
    println!("setup: all tools present");
    Ok(())
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]))
}

/// Runs `cargo install --force <install>` unless every one of `bins` answers
/// `--version` with `<bin> <version>`.
fn ensure_cargo_tool(bins: &[&str], version: &str, install: &[&str]) -> Result<(), String> {
    let mut missing = Vec::new();
    for bin in bins {
        let want = format!("{bin} {version}");
        let have = output(bin, &["--version"]).unwrap_or_default();
        let first = have.lines().next().map(str::trim).unwrap_or("nothing");
        if first != want {
            missing.push(format!("need {want}, found {first:?}"));
        }
    }
    if missing.is_empty() {
        println!("setup: {} {version} present", bins.join(" + "));
        return Ok(());
    }
    println!("setup: {}; installing", missing.join("; "));
    let mut args = vec!["install", "--force"];
    args.extend_from_slice(install);
    run(cmd("cargo", &args))
}

/// The wasm-bindgen version resolved in Cargo.lock (the CLI must match it exactly).
pub fn wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("wasm-bindgen not found in Cargo.lock".into())
}

fn ensure_binaryen() -> Result<(), String> {
    let dir = root().join("tools/binaryen");
    let wasm_opt = dir.join("node_modules/.bin/wasm-opt");
    let have = output(&wasm_opt.display().to_string(), &["--version"]).unwrap_or_default();
    if have.contains(&format!("version {BINARYEN}")) {
        println!("setup: wasm-opt {BINARYEN} present");
        return Ok(());
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut init = cmd("npm", &["init", "-y"]);
    init.current_dir(&dir).stdout(std::process::Stdio::null());
    run(init)?;
    let mut install = cmd(
        "npm",
        &[
            "install",
            "--no-audit",
            "--no-fund",
            &format!("binaryen@{BINARYEN}.0.0"),
        ],
    );
    install.current_dir(&dir);
    run(install)
}

fn ensure_apt() -> Result<(), String> {
    let needed: Vec<&str> = [
        ("/usr/bin/chromium", "chromium"),
        ("/usr/bin/chromedriver", "chromium-driver"),
        (
            "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json",
            "mesa-vulkan-drivers",
        ),
    ]
    .iter()
    .filter(|(path, _)| !std::path::Path::new(path).exists())
    .map(|(_, pkg)| *pkg)
    .collect();
    if needed.is_empty() {
        println!("setup: chromium, chromedriver, lavapipe present");
        return Ok(());
    }
    let sudo = output("id", &["-u"]).as_deref() != Some("0");
    let apt = |args: &[&str]| {
        let mut full: Vec<&str> = if sudo { vec!["apt-get"] } else { vec![] };
        full.extend_from_slice(args);
        let mut c = if sudo {
            cmd("sudo", &full)
        } else {
            cmd("apt-get", &full)
        };
        c.env("DEBIAN_FRONTEND", "noninteractive");
        run(c)
    };
    apt(&["update"])?;
    let mut args = vec!["install", "-y"];
    args.extend(needed.iter());
    apt(&args)
}
