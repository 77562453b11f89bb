//! `cargo xtask test`: every check the project has, in the order that fails fastest.

use std::path::PathBuf;

use xtask::static_server::StaticServer;

use crate::command::{cmd, run};
use crate::{prepare_data, root, setup, web_build};

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

/// The e2e tests left out of every run for time: the full tang2018-occlusion score computed
/// in the browser (~20 min on SwiftShader), EfficientNet-Lite0's IT RSA on the Vision page
/// on WebGPU (92 photos at 224 px through SwiftShader, ~10 min) and SmolLM2 on 30 Pereira
/// sentences on WebGPU (SwiftShader). Run them by name when that code changes.
pub const SLOW_E2E: [&str; 3] = [
    "occlusion_score_computed_in_the_browser_equals_the_cli",
    "vision_page_scores_efficientnet_on_webgpu_like_the_cli",
    "smollm2_scores_like_the_cli_on_webgpu",
];

/// Wall time of each phase, printed as a table when the run ends (passed or not).
#[derive(Default)]
struct Phases(Vec<(&'static str, std::time::Duration, bool)>);

impl Phases {
    /// Runs `step` as phase `name`, recording its time and outcome.
    fn run(
        &mut self,
        name: &'static str,
        step: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), String> {
        let start = std::time::Instant::now();
        let result = step();
        self.0.push((name, start.elapsed(), result.is_ok()));
        result
    }

    fn print(&self) {
        println!("\nxtask test: time per phase");
        let mut total = 0.0;
        for (name, took, ok) in &self.0 {
            let secs = took.as_secs_f64();
            total += secs;
            let status = if *ok { "ok" } else { "FAILED" };
            println!("  {name:<28} {:>7.1} min  {status}", secs / 60.0);
        }
        println!("  {:<28} {:>7.1} min", "total", total / 60.0);
    }
}

/// Runs everything; `browser` = also the wasm tests in Chromium and the e2e test.
pub fn test(browser: bool) -> Result<(), String> {
    let mut phases = Phases::default();
    let result = test_phases(browser, &mut phases);
    phases.print();
    result
}

fn test_phases(browser: bool, phases: &mut Phases) -> Result<(), String> {
    phases.run("setup + prepare-data", || {
        setup::setup()?;
        prepare_data()
    })?;
    let xdg = runtime_dir()?;

    phases.run("fmt + check-deps", || {
        run(cmd("cargo", &["fmt", "--all", "--", "--check"]))?;
        crate::check_deps::check_deps()
    })?;
    phases.run("clippy (native)", || {
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
        ))
    })?;
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
        phases.run("clippy (wasm32)", || run(cmd("cargo", &wasm_clippy)))?;
    }

    let mut native = cmd("cargo", &["test", "--workspace"]);
    native
        .env("WGPU_BACKEND", "vulkan")
        .env("XDG_RUNTIME_DIR", &xdg);
    phases.run("native tests", || run(native))?;

    if !browser {
        println!("xtask test: native checks passed (browser tests skipped by --no-browser)");
        return Ok(());
    }
    phases.run("browser tests (wasm32)", || browser_tests(&[]))?;
    phases.run("build-web", web_build::build)?;
    let mut args = vec![
        "test",
        "-p",
        "xtask",
        "--test",
        "e2e",
        "--",
        "--ignored",
        "--nocapture",
    ];
    for slow in SLOW_E2E {
        args.extend(["--skip", slow]);
    }
    let mut e2e = cmd("cargo", &args);
    e2e.env("BRAINPROBE_E2E_DIST", root().join("dist"));
    phases.run("e2e (headless Chromium)", || run(e2e))?;
    println!("xtask test: everything passed");
    Ok(())
}

/// The wasm tests of `only` (crate directory names such as `engine`; empty = every crate
/// with a `webdriver.json`) in headless Chromium: plain `cargo test` for wasm32 with
/// wasm-bindgen-test-runner as the target's runner, which drives Chromium through
/// chromedriver with the crate's `webdriver.json` (WebGPU enabled).
pub fn browser_tests(only: &[String]) -> Result<(), String> {
    let mut dirs = browser_crates();
    if !only.is_empty() {
        let wanted: Vec<&str> = only
            .iter()
            .map(|n| n.strip_prefix("brainprobe-").unwrap_or(n))
            .collect();
        if let Some(missing) = wanted.iter().find(|n| !dirs.iter().any(|d| d.ends_with(n))) {
            let known: Vec<&str> = dirs
                .iter()
                .filter_map(|d| d.file_name()?.to_str())
                .collect();
            return Err(format!(
                "crates/{missing} has no webdriver.json (browser-tested crates: {})",
                known.join(", ")
            ));
        }
        dirs.retain(|d| wanted.iter().any(|n| d.ends_with(n)));
    }
    // Bundles for the data tests (their URL is read at compile time), served with CORS
    // beside the test runner's own server.
    let assets = StaticServer::start(&root().join("www/assets/data"), 0)?;
    let Some(first) = dirs.first() else {
        return Ok(());
    };
    // One cargo invocation for every crate: features are unified across them, so each
    // wasm dependency (wgpu, web-sys, gemm, tokenizers, …) is compiled once, not once per
    // crate with that crate's own feature set (on a fresh machine that repeated the
    // dependency builds up to six times).
    let mut args = vec!["test", "--target", "wasm32-unknown-unknown"];
    let packages: Vec<String> = dirs.iter().map(|d| package_name(d)).collect();
    for package in &packages {
        args.extend(["-p", package.as_str()]);
    }
    let mut c = cmd("cargo", &args);
    c.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", "/usr/bin/chromedriver")
    // The runner reads webdriver.json from the test's working directory (each crate's
    // root under cargo; the files say the same); name one explicitly all the same.
    .env(
        "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
        first.join("webdriver.json"),
    )
    // Test binaries not configured `run_in_browser` are skipped, not run in Node.
    .env("WASM_BINDGEN_TEST_ONLY_WEB", "1")
    .env("WASM_BINDGEN_TEST_TIMEOUT", "300")
    .env("BRAINPROBE_TEST_ASSETS_URL", &assets.url);
    run(c)
}
