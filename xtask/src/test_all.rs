//! `cargo xtask test`: every check the project has, in the order that fails fastest.

use std::path::PathBuf;

use xtask::static_server::StaticServer;

use crate::command::{cmd, run, trunk_build};
use crate::{prepare_data, root, setup};

/// Crates that opt into headless-Chromium tests by having a `webdriver.json`.
fn browser_crates() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.join("webdriver.json").is_file());
    out.sort();
    out
}

fn package_name(dir: &std::path::Path) -> String {
    format!(
        "brainprobe-{}",
        dir.file_name().and_then(|n| n.to_str()).unwrap_or_default()
    )
}

/// A fresh private XDG_RUNTIME_DIR (Mesa warns without one).
fn runtime_dir() -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("brainprobe-xdg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| e.to_string())?;
    }
    Ok(dir)
}

/// Runs everything; `browser` = also the wasm tests in Chromium and the e2e test.
pub fn test(browser: bool) -> Result<(), String> {
    setup::setup()?;
    prepare_data()?;
    let xdg = runtime_dir()?;

    run(cmd("cargo", &["fmt", "--all", "--", "--check"]))?;
    crate::check_deps::check_deps()?;
    run(cmd(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ))?;
    let wasm_crates: Vec<String> = browser_crates().iter().map(|p| package_name(p)).collect();
    let mut wasm_clippy = vec![
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
    ];
    for p in &wasm_crates {
        wasm_clippy.extend(["-p", p.as_str()]);
    }
    wasm_clippy.extend(["--", "-D", "warnings"]);
    if !wasm_crates.is_empty() {
        run(cmd("cargo", &wasm_clippy))?;
    }

    let mut native = cmd("cargo", &["test", "--workspace"]);
    native
        .env("WGPU_BACKEND", "vulkan")
        .env("XDG_RUNTIME_DIR", &xdg);
    run(native)?;

    if !browser {
        println!("xtask test: native checks passed (browser tests skipped by --no-browser)");
        return Ok(());
    }
    // Bundles for the browser tests, served with CORS beside the test runner's own server.
    let assets = StaticServer::start(&root().join("www/assets/data"), 0)?;
    for dir in browser_crates() {
        let mut c = cmd(
            "wasm-pack",
            &[
                "test",
                "--headless",
                "--chrome",
                "--mode",
                "no-install",
                &dir.display().to_string(),
            ],
        );
        c.env("BRAINPROBE_TEST_ASSETS_URL", &assets.url)
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_TIMEOUT", "300");
        run(c)?;
    }
    drop(assets);

    trunk_build()?;
    let mut e2e = cmd(
        "cargo",
        &[
            "test",
            "-p",
            "xtask",
            "--test",
            "e2e",
            "--",
            "--ignored",
            "--nocapture",
        ],
    );
    e2e.env("BRAINPROBE_E2E_DIST", root().join("dist"));
    run(e2e)?;
    println!("xtask test: everything passed");
    Ok(())
}
