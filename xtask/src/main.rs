//! `cargo xtask setup|prepare-data|build-web|serve|browser-test|bench-web|fuzz|test` — the project's two
//! README commands and the steps they are made of.

mod bench_web;
mod check_deps;
mod command;
mod service_worker;
mod setup;
mod test_all;
mod web_build;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use xtask::static_server::StaticServer;

#[derive(Parser)]
#[command(about = "brainprobe project automation")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install missing tools (wasm32 target, wasm-bindgen-cli, binaryen, Chromium +
    /// chromedriver, lavapipe). Installs only what is missing or at the wrong version.
    Setup,
    /// Verify the third-party data (mirror or download) and build www/assets/data.
    PrepareData,
    /// Set up, prepare data and build the app (release) into dist/: cargo for wasm32,
    /// wasm-bindgen, wasm-opt, static files.
    BuildWeb {
        /// Only build: skip setup and prepare-data (tools and bundles already in place).
        #[arg(long)]
        no_prepare: bool,
    },
    /// Set up, prepare data, build the app (release) and serve it.
    Serve {
        /// Port on 127.0.0.1.
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Serve a directory as it is (no setup, no build) until killed: the e2e tests' stand-in
    /// for a server that can disappear with all its connections.
    ServeDir {
        /// The directory.
        dir: PathBuf,
        /// Port on 127.0.0.1.
        #[arg(long)]
        port: u16,
    },
    /// Check that crate dependencies follow DESIGN.md's direction.
    CheckDeps,
    /// Write `SHA256SUMS` over `assets/` and `weights/` of a built site (default: Trunk's
    /// staging directory `$TRUNK_STAGING_DIR`, else `dist/`) and its service worker
    /// (`sw.js`, with the build's digest); Trunk's post-build hook.
    Sha256sums {
        /// The built site's directory.
        dir: Option<PathBuf>,
    },
    /// Set up, prepare data and run the wasm tests in headless Chromium (WebGPU).
    BrowserTest {
        /// Crates to test (e.g. `engine`); default: every crate with a webdriver.json.
        crates: Vec<String>,
    },
    /// Fuzz a parser of untrusted bytes (`brainprobe-fuzz`, with debug assertions); no target:
    /// list the targets. Crashing inputs go to target/fuzz/<target>/.
    Fuzz {
        /// Target name (`all`: every target in turn); none: list them.
        target: Option<String>,
        /// Seconds per target.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Seed of the mutation RNG.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Time the same jobs natively (engine CPU, one thread) and in headless Chromium (wasm
    /// CPU path, WebGPU) on the built site in dist/; prints seconds and ratios.
    BenchWeb {
        /// Skip the WebGPU runs (slow on a software adapter).
        #[arg(long)]
        no_webgpu: bool,
    },
    /// Everything: fmt check, clippy (native + wasm32), native tests, browser tests, e2e.
    Test {
        /// Skip the headless-Chromium parts (wasm tests and e2e).
        #[arg(long)]
        no_browser: bool,
    },
}

pub use xtask::root;

fn main() {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Setup => setup::setup(),
        Task::PrepareData => prepare_data(),
        Task::BuildWeb { no_prepare: true } => web_build::build(),
        Task::BuildWeb { no_prepare: false } => setup::setup()
            .and_then(|()| prepare_data())
            .and_then(|()| web_build::build()),
        Task::Serve { port } => serve(port),
        Task::ServeDir { dir, port } => StaticServer::start(&dir, port).map(|server| {
            println!("serving {} at {}", dir.display(), server.url);
            server.wait()
        }),
        Task::CheckDeps => check_deps::check_deps(),
        Task::Sha256sums { dir } => {
            let dir = dir
                .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(PathBuf::from))
                .unwrap_or_else(|| root().join("dist"));
            web_build::write_sha256sums(&dir, &["assets", "weights"])
                .map(|n| {
                    println!(
                        "sha256sums: {} lines in {}",
                        n,
                        dir.join("SHA256SUMS").display()
                    )
                })
                .and_then(|()| service_worker::write(&root().join("www/sw.js"), &dir))
                .map(|digest| println!("sw.js: build {digest}"))
        }
        Task::BrowserTest { crates } => setup::setup()
            .and_then(|()| prepare_data())
            .and_then(|()| test_all::browser_tests(&crates)),
        Task::Fuzz {
            target,
            seconds,
            seed,
        } => fuzz(target, seconds, seed),
        Task::BenchWeb { no_webgpu } => bench_web::bench_web(!no_webgpu),
        Task::Test { no_browser } => test_all::test(!no_browser),
    };
    if let Err(e) = result {
        eprintln!("xtask: error: {e}");
        std::process::exit(1);
    }
}

/// `cargo xtask fuzz`: runs (or lists) the fuzz targets.
fn fuzz(target: Option<String>, seconds: u64, seed: u64) -> Result<(), String> {
    // The dev profile on purpose: dependencies are optimised (opt-level 2) and our crates
    // keep debug assertions, so an integer overflow is a crash the fuzzer reports.
    let mut args = vec![
        "run".to_string(),
        "-q".into(),
        "-p".into(),
        "brainprobe-fuzz".into(),
        "--".into(),
    ];
    match target {
        None => args.push("list".into()),
        Some(t) => args.extend([
            "run".into(),
            t,
            "--seconds".into(),
            seconds.to_string(),
            "--seed".into(),
            seed.to_string(),
        ]),
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    command::run(command::cmd("cargo", &args))
}

/// Runs prepare-data with a one-line progress display.
pub fn prepare_data() -> Result<(), String> {
    use brainprobe_data::prepare::{prepare_workspace, Source};
    let root = root();
    let source = Source::from_env(&root.join("../shared/data"));
    println!("prepare-data: source {source:?}");
    let mut last = 0;
    let report = prepare_workspace(&root, &source, &mut |done, total, path| {
        if done == total || done >= last + 50 {
            last = done;
            println!("  verified {done}/{total} {path}");
        }
    })
    .map_err(|e| e.to_string())?;
    for line in report.lines() {
        println!("prepare-data: {line}");
    }
    Ok(())
}

fn serve(port: u16) -> Result<(), String> {
    setup::setup()?;
    prepare_data()?;
    web_build::build()?;
    let server = StaticServer::start(&root().join("dist"), port)?;
    println!(
        "brainprobe is being served at {}/ (Ctrl-C to stop)",
        server.url
    );
    server.wait();
    Ok(())
}
