//! `cargo xtask bench-web`: the same jobs natively on the engine's CPU (one thread, the
//! release CLI) and in headless Chromium on the wasm CPU path and on WebGPU (the release
//! site in `dist/`), timed side by side in one run; prints seconds and the ratios.
//! Browser times are wall time from the Run click to the score on the page, after one
//! warm-up run that fills the caches (weights, bundles) and starts the worker.

use std::time::{Duration, Instant};

use xtask::browser::Driver;
use xtask::static_server::StaticServer;

use crate::command::{cmd, run};
use crate::root;

/// One benchmarked job: a page, a model and a benchmark.
struct Job {
    page: &'static str,
    model: &'static str,
    benchmark: &'static str,
}

const JOBS: [Job; 2] = [
    Job {
        page: "vision",
        model: "cornet-z-mini",
        benchmark: "kriegeskorte2008-it-rsa",
    },
    Job {
        page: "language",
        model: "gpt-mini",
        benchmark: "pereira2018-langnet",
    },
];

/// Longest wait for one run in the browser.
const RUN_LIMIT: Duration = Duration::from_secs(1800);

/// Runs the benchmark; `webgpu`: also time the WebGPU path (slow on a software adapter).
pub fn bench_web(webgpu: bool) -> Result<(), String> {
    run(cmd(
        "cargo",
        &["build", "--release", "-q", "-p", "brainprobe-cli"],
    ))?;
    let cli = root().join("target/release/brainprobe");
    let dist = root().join("dist");
    if !dist.join("index.html").is_file() {
        return Err("dist/ has no site: run `cargo xtask build-web` first".into());
    }
    let server = StaticServer::start(&dist, 0)?;
    let driver = Driver::start();
    let mut rows = Vec::new();
    for job in &JOBS {
        let native = time_native(&cli, job)?;
        let hash = format!(
            "#{}?model={}&benchmark={}",
            job.page, job.model, job.benchmark
        );
        driver.go(&format!("{}/{hash}", server.url));
        page_run(&driver, job, "cpu")?; // warm-up: caches, worker start
        let wasm = page_run(&driver, job, "cpu")?;
        let gpu = if webgpu {
            Some(page_run(&driver, job, "webgpu")?)
        } else {
            None
        };
        println!(
            "bench-web: {} × {}: native {:.2} s ({}), wasm CPU {:.2} s ({}){}",
            job.model,
            job.benchmark,
            native.0,
            native.1,
            wasm.0,
            wasm.1,
            gpu.as_ref()
                .map(|g| format!(", WebGPU {:.2} s ({})", g.0, g.1))
                .unwrap_or_default()
        );
        rows.push((job, native.0, wasm.0, gpu.map(|g| g.0)));
    }
    println!(
        "\n| job | native CPU, 1 thread (s) | wasm CPU (s) | WebGPU (s) | wasm ÷ native speed | WebGPU ÷ wasm speed |"
    );
    println!("|---|---|---|---|---|---|");
    for (job, native, wasm, gpu) in rows {
        let (gpu, gpu_speed) = gpu.map_or(("–".to_string(), "–".to_string()), |g| {
            (format!("{g:.2}"), format!("{:.2}", wasm / g))
        });
        println!(
            "| {} × {} | {native:.2} | {wasm:.2} | {gpu} | {:.2} | {gpu_speed} |",
            job.model,
            job.benchmark,
            native / wasm
        );
    }
    Ok(())
}

/// Seconds and value of `brainprobe score` on the CPU with one thread.
fn time_native(cli: &std::path::Path, job: &Job) -> Result<(f64, String), String> {
    let args = [
        "score",
        "--model",
        job.model,
        "--benchmark",
        job.benchmark,
        "--device",
        "cpu",
        "--json",
    ];
    let started = Instant::now();
    let out = std::process::Command::new(cli)
        .args(args)
        .current_dir(root())
        .env("RAYON_NUM_THREADS", "1")
        .env("MATRIXMULTIPLY_THREADS", "1")
        .output()
        .map_err(|e| format!("{}: {e}", cli.display()))?;
    let secs = started.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!(
            "brainprobe score failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let score: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("score JSON: {e}"))?;
    let value = score["value"]["defined"].as_f64().unwrap_or(f64::NAN);
    Ok((secs, format!("{value:.6}")))
}

/// Seconds from the Run click to the page's score, on `device` (`cpu` or `webgpu`: the
/// page's switch of that name), and the score as the page shows it.
fn page_run(driver: &Driver, job: &Job, device: &str) -> Result<(f64, String), String> {
    let page = job.page;
    driver.wait_for_element(
        "the page's Run button",
        &format!("#{page}-run"),
        Duration::from_secs(60),
    );
    driver.script(&format!(
        "const c = document.querySelector('#{page}-{device}'); if (!c.checked) c.click(); return 1;"
    ));
    let started = Instant::now();
    driver.script(&format!(
        "document.querySelector('#{page}-run').click(); return 1;"
    ));
    // The button says "Running…" (disabled) while the run is on: wait for that, then for
    // its end, so a score left from the previous run is never taken for this one's.
    let pending = format!("return document.querySelector('#{page}-run').disabled;");
    let seen = Instant::now();
    while driver.script(&pending) != serde_json::json!(true) && seen.elapsed().as_secs() < 10 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let value = driver.wait_for(
        "the score",
        &format!(
            "if (document.querySelector('#{page}-run').disabled) return null; \
             const s = document.querySelector('#{page}-score'); const e = document.querySelector('#{page}-error'); \
             return e ? 'error: ' + e.textContent : (s ? s.dataset.value : null);"
        ),
        RUN_LIMIT,
    );
    let secs = started.elapsed().as_secs_f64();
    let text = value.as_str().unwrap_or_default().to_string();
    if text.starts_with("error") {
        return Err(format!("{} on {device}: {text}", job.model));
    }
    Ok((secs, text))
}
