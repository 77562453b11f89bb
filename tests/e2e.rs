//! Browser end-to-end tests: serve `dist/` on 127.0.0.1, drive headless Chromium (WebGPU
//! enabled) through chromedriver's W3C API, and save a screenshot per page to `target/e2e/`.
//! Data page: every dataset card with the right counts, and an adapter. Vision page: a small
//! model scored in the worker on the GPU and then on the CPU equals the CLI's committed
//! `--json` score (results/leaderboard.json) within 1e-4, with the RDMs and the per-layer
//! curve drawn; a run can be cancelled and the next one still works. Leaderboard: one cell
//! computed on demand. Overview and About render.
//!
//! Needs a release build in `dist/` and prepared bundles, so it is ignored by a plain
//! `cargo test`; `cargo xtask test` builds it (`cargo xtask build-web`) and runs it with
//! `--ignored`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use xtask::browser::Driver;
use xtask::static_server::StaticServer;

#[path = "e2e_offline.rs"]
mod offline;

#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data; run by `cargo xtask test`"]
fn data_page_shows_every_dataset_and_an_adapter() {
    let (_server, driver) = open("#data");

    let state = driver.wait_for(
        "the Data page to load its bundles",
        "const s = document.querySelector('#data-status'); return s && s.dataset.state !== 'loading' ? s.dataset.state + ': ' + s.textContent : null;",
        Duration::from_secs(90),
    );
    assert!(
        state.as_str().unwrap_or_default().starts_with("ready"),
        "Data page: {state}"
    );
    let gpu = driver.wait_for(
        "the WebGPU probe",
        "const g = document.querySelector('#webgpu-status'); return g && g.dataset.state !== 'probing' ? [g.dataset.state, g.textContent] : null;",
        Duration::from_secs(30),
    );
    println!("WebGPU line: {}", gpu[1]);
    assert_eq!(gpu[0], "adapter", "WebGPU line says: {}", gpu[1]);

    let cards = driver.script(
        "return Array.from(document.querySelectorAll('.card')).map(c => ({id: c.dataset.id, \
         counts: Object.fromEntries(Array.from(c.querySelectorAll('.count')).map(x => [x.dataset.label, x.querySelector('.value').textContent]))}));",
    );
    let count = |id: &str, label: &str| -> String {
        cards
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no card for {id}: {cards}"))["counts"][label]
            .as_str()
            .unwrap_or_else(|| panic!("card {id} lacks `{label}`: {cards}"))
            .to_string()
    };
    assert_eq!(count("pereira2018_langnet", "sentences"), "627");
    assert_eq!(count("futrell2018_naturalstories", "words"), "10256");
    assert_eq!(count("futrell2018_naturalstories", "stories"), "10");
    assert_eq!(count("fedorenko2010_localizer", "sentences"), "240");
    assert_eq!(count("fedorenko2010_localizer", "nonword lists"), "240");
    assert_eq!(count("kriegeskorte2008_92images", "images"), "92");
    assert_eq!(
        count(
            "kriegeskorte2008_92images",
            "human IT RDMs (subjects × sessions)"
        ),
        "4×2"
    );
    assert_eq!(count("tang2018_occlusion", "trials"), "13000");
    assert_eq!(count("cifar10", "train images"), "50000");
    assert_eq!(count("cifar10", "test images"), "10000");
    assert_eq!(count("corpora", "corpora"), "7");
    assert!(count("wikitext2", "test words").parse::<u64>().unwrap_or(0) > 200_000);
    assert_eq!(
        cards.as_array().map(Vec::len),
        Some(9),
        "one card per dataset"
    );

    // Previews: 92 images in the grid, the human occlusion curve with two series.
    let previews = driver.script(
        "return [document.querySelectorAll('#grid-92 img').length, document.querySelectorAll('#human-occlusion-plot .series').length];",
    );
    assert_eq!(previews, json!([92, 2]));

    // Let lazy images finish, then keep a screenshot for people to look at.
    std::thread::sleep(Duration::from_millis(1500));
    driver.screenshot("data-page.png");
}

/// Narrows the window to a phone's width and asserts the page is no wider than the screen
/// (tables and canvases scroll or shrink inside their boxes); keeps a `screenshot` of the
/// narrow layout when one is named.
fn assert_fits_a_phone(driver: &Driver, page: &str, screenshot: Option<&str>) {
    driver.resize(390, 2400);
    let overflow = driver.wait_for(
        "the narrow layout",
        "return window.innerWidth <= 400 ? document.documentElement.scrollWidth - window.innerWidth : null;",
        Duration::from_secs(10),
    );
    assert!(
        overflow.as_i64().unwrap_or(i64::MAX) <= 1,
        "{page}: {overflow} px wider than a 390 px screen"
    );
    if let Some(name) = screenshot {
        driver.screenshot(name);
    }
    driver.resize(1280, 2400);
}

/// Asserts that entry `i` of the counts array `counts` is at least `n`.
fn at_least(counts: &Value, i: usize, n: u64, what: &str) {
    assert!(counts[i].as_u64().unwrap_or(0) >= n, "{what}: {counts}");
}

/// `dist/`, checked to hold a build.
fn dist() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = std::env::var("BRAINPROBE_E2E_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("dist"));
    assert!(
        dist.join("index.html").is_file(),
        "{} has no index.html: run `cargo xtask build-web` first",
        dist.display()
    );
    dist
}

/// A served `dist/` and a browser on `hash`.
fn open(hash: &str) -> (StaticServer, Driver) {
    let server = StaticServer::start(&dist(), 0).expect("static server");
    let driver = Driver::start();
    driver.go(&format!("{}/{hash}", server.url));
    (server, driver)
}

/// The CLI's committed score of `model` on `benchmark` (results/leaderboard.json, written
/// by `brainprobe leaderboard`, i.e. the `--json` Score).
fn cli_score(model: &str, benchmark: &str) -> f64 {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../results/leaderboard.json");
    let board: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("results/leaderboard.json"))
            .expect("leaderboard JSON");
    board["scores"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["model"]["id"] == model && s["benchmark"]["id"] == benchmark)
        .and_then(|s| s["value"]["defined"].as_f64())
        .unwrap_or_else(|| panic!("no committed CLI score for {model} × {benchmark}"))
}

/// Waits for `page`'s score (`#<page>-score`, or its error `#<page>-error`) for at most
/// `secs` seconds and returns the value.
fn page_score(driver: &Driver, page: &str, secs: u64) -> f64 {
    let v = driver.wait_for(
        &format!("the {page} page's score"),
        &format!(
            "const s = document.querySelector('#{page}-score'); const e = document.querySelector('#{page}-error'); \
             return e ? 'error: ' + e.textContent : (s ? s.dataset.value : null);"
        ),
        Duration::from_secs(secs),
    );
    number(v.as_str().unwrap_or_default(), &format!("{page} page"))
}

/// `text` as a number, or a panic naming `what` and showing the text (a page's error).
fn number(text: &str, what: &str) -> f64 {
    text.parse().unwrap_or_else(|_| panic!("{what}: {text}"))
}

/// Turns `page`'s "force CPU" switch on, runs again and checks the score against the
/// CLI's `expected` (within 1e-4); returns it.
fn rerun_on_the_cpu(driver: &Driver, page: &str, expected: f64) -> f64 {
    driver.script(&format!(
        "document.querySelector('#{page}-cpu').click(); return 1;"
    ));
    driver.script(&format!(
        "document.querySelector('#{page}-run').click(); return 1;"
    ));
    let cpu = page_score(driver, page, if page == "vision" { 300 } else { 400 });
    println!("{page}: CPU {cpu:.6}");
    assert!((cpu - expected).abs() < 1e-4, "CPU {cpu} vs CLI {expected}");
    cpu
}

/// Waits for the Vision page's score (or its error) and returns the value.
fn vision_score(driver: &Driver) -> f64 {
    page_score(driver, "vision", 300)
}

#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data; run by `cargo xtask test`"]
fn vision_page_scores_like_the_cli_on_gpu_and_cpu_and_cancels() {
    let (_server, driver) = open("#vision?model=cornet-z-mini&benchmark=kriegeskorte2008-it-rsa");
    let expected = cli_score("cornet-z-mini", "kriegeskorte2008-it-rsa");

    // WebGPU, forced (an "auto" run uses the wasm CPU path when the only adapter is a
    // software one, as SwiftShader is here), once the page has rendered.
    driver.wait_for(
        "the Vision page",
        "return document.querySelector('#vision-run') ? 1 : null;",
        Duration::from_secs(60),
    );
    driver.script("document.querySelector('#vision-webgpu').click(); return 1;");
    driver.script("document.querySelector('#vision-run').click(); return 1;");
    let gpu = vision_score(&driver);
    let ran_on = driver.script("return document.body.textContent.includes('ran on: gpu');");
    assert_eq!(ran_on, json!(true), "the forced WebGPU run ran on the GPU");
    println!("vision: GPU {gpu:.6}, CLI {expected:.6}");
    assert!((gpu - expected).abs() < 1e-4, "GPU {gpu} vs CLI {expected}");
    let device = driver.script("return document.querySelector('#webgpu-status').textContent;");
    println!("device line after the run: {device}");
    let marks = driver.script(
        "return [document.querySelectorAll('#layer-curve .mark').length, \
         document.querySelectorAll('#rdm-model canvas, #rdm-brain canvas').length, \
         document.querySelectorAll('#wiring-plot .point').length];",
    );
    assert_eq!(marks[1], json!(2), "two RDM canvases: {marks}");
    let thumbs = driver.script(
        "return [document.querySelectorAll('#vision-thumbnails img').length, \
         document.querySelectorAll('#neighbours-model img, #neighbours-brain img').length];",
    );
    assert_eq!(thumbs, json!([92, 10]), "92 thumbnails, 5 + 5 neighbours");
    at_least(&marks, 0, 4, "one mark per layer");
    at_least(&marks, 2, 8, "wiring-up points");
    driver.screenshot("vision-page.png");

    // Forced CPU (which turns "force WebGPU" off): same number.
    rerun_on_the_cpu(&driver, "vision", expected);

    // Cancel a run of another model (back on the GPU, forced), then run again: the fresh
    // worker still works.
    driver.script("document.querySelector('#vision-webgpu').click(); return 1;");
    driver.go_hash("#vision?model=cornet-s-mini");
    driver.wait_for(
        "the model switch",
        "return document.querySelector('#vision-status') ? 1 : null;",
        Duration::from_secs(10),
    );
    driver.script("document.querySelector('#vision-run').click(); return 1;");
    driver.wait_for(
        "the run to start",
        "const p = document.querySelector('#run-progress'); return p && p.dataset.state === 'running' ? p.textContent : null;",
        Duration::from_secs(30),
    );
    driver.script("document.querySelector('#run-cancel').click(); return 1;");
    let state = driver.wait_for(
        "the cancel",
        "const p = document.querySelector('#run-progress'); return p && p.dataset.state === 'cancelled' ? 1 : null;",
        Duration::from_secs(10),
    );
    assert_eq!(state, json!(1));
    driver.script("document.querySelector('#vision-run').click(); return 1;");
    let s = vision_score(&driver);
    let expected_s = cli_score("cornet-s-mini", "kriegeskorte2008-it-rsa");
    assert!(
        (s - expected_s).abs() < 1e-4,
        "after cancel: {s} vs CLI {expected_s}"
    );
    assert_fits_a_phone(&driver, "Vision with RDMs", None);
}

/// The Vision page on `efficientnet-lite0` × IT RSA, run on `switch` (`#vision-cpu` or
/// `#vision-webgpu`); returns the page's score after checking it equals the CLI's committed
/// one, with the driver (`wait`: how long the run may take).
fn efficientnet_vision_run(switch: &str, wait: Duration) -> (StaticServer, Driver) {
    let (server, driver) =
        open("#vision?model=efficientnet-lite0&benchmark=kriegeskorte2008-it-rsa");
    let expected = cli_score("efficientnet-lite0", "kriegeskorte2008-it-rsa");
    driver.wait_for(
        "the Vision page",
        "return document.querySelector('#vision-run') ? 1 : null;",
        Duration::from_secs(60),
    );
    driver.script(&format!(
        "document.querySelector('{switch}').click(); return 1;"
    ));
    let started = Instant::now();
    driver.script("document.querySelector('#vision-run').click(); return 1;");
    let score = page_score(&driver, "vision", wait.as_secs());
    println!(
        "efficientnet-lite0 vision ({switch}): page {score:.6}, CLI {expected:.6}, {:.0} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        (score - expected).abs() < 1e-4,
        "page {score} vs CLI {expected}"
    );
    (server, driver)
}

/// EfficientNet-Lite0 on the Vision page (its 9.4 MB of weights fetched once) on the forced
/// CPU path: the IT RSA equals the CLI's committed score, and hovering an image names its
/// ImageNet top 5.
#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data (efficientnet-lite0); run by `cargo xtask test`"]
fn vision_page_scores_efficientnet_on_the_cpu_like_the_cli_and_names_imagenet_classes() {
    let (_server, driver) = efficientnet_vision_run("#vision-cpu", Duration::from_secs(600));
    // Image 62 is the banana: hovering it shows the model's ImageNet top 5.
    driver.script(
        "document.querySelectorAll('#vision-thumbnails button')[62].dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); \
         document.querySelectorAll('#vision-thumbnails button')[62].focus(); return 1;",
    );
    let top = driver.wait_for(
        "the ImageNet top 5 of image 62",
        "const t = document.querySelector('#image-top-classes'); return t && t.textContent.includes('banana') ? t.textContent : null;",
        Duration::from_secs(10),
    );
    println!("image 62: {top}");
}

/// The same on forced WebGPU. On SwiftShader (a CPU behind WebGPU) 92 images at 224 px take
/// longer than CI's budget allows, so `cargo xtask test` skips it (xtask's `SLOW_E2E`); run
/// it by name: `cargo test -p xtask --test e2e -- --ignored
/// vision_page_scores_efficientnet_on_webgpu --nocapture`.
#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data (efficientnet-lite0); slow on a software adapter: skipped by `cargo xtask test`, run by name"]
fn vision_page_scores_efficientnet_on_webgpu_like_the_cli() {
    let (_server, driver) = efficientnet_vision_run("#vision-webgpu", Duration::from_secs(3600));
    let ran_on = driver.script("return document.body.textContent.includes('ran on: gpu');");
    assert_eq!(ran_on, json!(true), "the forced WebGPU run ran on the GPU");
}

#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data; run by `cargo xtask test`"]
fn leaderboard_overview_and_about_render() {
    let (_server, driver) = open("#leaderboard");
    let cell = "cell-cornet-z-mini-kriegeskorte2008-monkey-it-rsa";
    driver.wait_for(
        "the leaderboard table",
        &format!("return document.querySelector('#{cell} button') ? 1 : null;"),
        Duration::from_secs(60),
    );
    // before any run the cell shows the committed CLI value, labelled (issue 16 item 9)
    let committed = driver.script(&format!(
        "const c = document.querySelector('#{cell}'); \
         return c && c.textContent.includes('committed CLI run') ? c.dataset.committed : null;"
    ));
    let committed = number(
        committed.as_str().unwrap_or_default(),
        "committed value in the cell",
    );
    let cli = cli_score("cornet-z-mini", "kriegeskorte2008-monkey-it-rsa");
    assert!(
        (committed - cli).abs() < 1e-4,
        "committed cell {committed} vs CLI {cli}"
    );
    driver.script(&format!(
        "document.querySelector('#{cell} button').click(); return 1;"
    ));
    let v = driver.wait_for(
        "a leaderboard cell",
        &format!("const c = document.querySelector('#{cell}'); return c && c.dataset.value ? c.dataset.value : (c && c.classList.contains('failed') ? 'failed: ' + c.title : null);"),
        Duration::from_secs(300),
    );
    let value = number(v.as_str().unwrap_or_default(), "cell");
    let expected = cli_score("cornet-z-mini", "kriegeskorte2008-monkey-it-rsa");
    assert!(
        (value - expected).abs() < 1e-4,
        "cell {value} vs CLI {expected}"
    );
    let na = driver.script("return document.querySelectorAll('#leaderboard td.na').length;");
    assert!(
        na.as_u64().unwrap_or(0) > 0,
        "attractor cells are marked CLI-only"
    );
    driver.screenshot("leaderboard-page.png");
    driver.script("document.querySelector('#board-language').click(); return 1;");
    let language = driver.wait_for(
        "the language table",
        "const t = document.querySelector('#leaderboard[data-modality=Language]'); \
         return t ? [t.querySelectorAll('tr.reference').length, t.querySelectorAll('td.na').length, \
         t.querySelectorAll('button.cell-run').length] : null;",
        Duration::from_secs(10),
    );
    at_least(&language, 0, 5, "published rows");
    at_least(&language, 1, 3, "n/a and CLI-only cells");
    at_least(&language, 2, 20, "computable cells");
    driver.screenshot("leaderboard-language.png");

    driver.go_hash("#overview");
    driver.wait_for(
        "the Overview",
        "return document.querySelector('.overview-page .questions li:nth-child(3)') ? 1 : null;",
        Duration::from_secs(10),
    );
    driver.screenshot("overview-page.png");
    driver.go_hash("#about");
    let rows = driver.wait_for(
        "the About page's sources",
        "const n = document.querySelectorAll('#about-sources tbody tr').length; return n > 0 ? n : null;",
        Duration::from_secs(10),
    );
    assert_eq!(rows, json!(9), "one row per dataset in the manifest");
    driver.screenshot("about-page.png");
    assert_fits_a_phone(&driver, "About", None);
    driver.go_hash("#overview");
    assert_fits_a_phone(&driver, "Overview", None);
    driver.go_hash("#leaderboard");
    assert_fits_a_phone(&driver, "Leaderboard", None);
}

// ---- Occlusion page ----

/// Reads `#occlusion-masked`'s pixel checksum (changes whenever the picture does).
fn masked_sum(driver: &Driver) -> String {
    driver
        .script("const c = document.querySelector('#occlusion-masked'); return c ? c.dataset.sum : null;")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Waits for the top-3 of the image on show and returns its top-1 class.
fn top1(driver: &Driver) -> String {
    let v = driver.wait_for(
        "the model's top-3",
        "const t = document.querySelector('#occlusion-top3'); const e = document.querySelector('#occlusion-classify-error'); \
         return e ? 'error: ' + e.textContent : (t && document.querySelectorAll('#top3-full .guess').length === 3 ? t.dataset.top1 : null);",
        Duration::from_secs(120),
    );
    let text = v.as_str().unwrap_or_default().to_string();
    assert!(!text.starts_with("error"), "classify: {text}");
    text
}

/// The Occlusion page's committed curves carry the CLI's committed score.
fn assert_committed_curves(driver: &Driver, model: &str, benchmark: &str) {
    let committed = driver.wait_for(
        "the committed occlusion curves",
        "const s = document.querySelector('#occlusion-committed'); return s ? s.dataset.value : null;",
        Duration::from_secs(10),
    );
    let value: f64 = committed
        .as_str()
        .unwrap_or_default()
        .parse()
        .unwrap_or(f64::NAN);
    let expected = cli_score(model, benchmark);
    assert!(
        (value - expected).abs() < 1e-4,
        "{model} × {benchmark}: page {value} vs CLI {expected}"
    );
}

/// Puts `file` (a JS expression making a `File`) into the upload input.
fn upload(driver: &Driver, file: &str) {
    driver.script(&format!(
        "const dt = new DataTransfer(); dt.items.add({file}); const i = document.querySelector('#occlusion-upload'); \
         i.files = dt.files; i.dispatchEvent(new Event('change', {{bubbles: true}})); return 1;"
    ));
}

#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data; run by `cargo xtask test`"]
fn occlusion_page_slider_upload_curves_and_attractor() {
    let (_server, driver) = open("#occlusion?model=cornet-s-mini");
    driver.wait_for(
        "the first test image",
        "return document.querySelector('#occlusion-masked') ? 1 : null;",
        Duration::from_secs(60),
    );
    // WebGPU, forced (auto would use the CPU on a software adapter such as SwiftShader).
    driver.script("document.querySelector('#occlusion-webgpu').click(); return 1;");
    driver.wait_for(
        "the WebGPU answer",
        "const p = document.querySelector('#occlusion-top3 p.muted'); \
         return p && p.textContent.includes(' on gpu') && document.querySelectorAll('#top3-full .guess').length === 3 ? 1 : null;",
        Duration::from_secs(120),
    );
    let first = top1(&driver);
    let before = masked_sum(&driver);
    let t1 = driver.script("return document.querySelectorAll('#top3-t1 .guess').length;");
    assert_eq!(t1, json!(3), "a recurrent model also answers at T = 1");

    // The slider redraws the bubbles at once, in the chosen bin, and the answer follows.
    driver.script(
        "const s = document.querySelector('#occlusion-slider'); s.value = '30'; \
         s.dispatchEvent(new Event('input', {bubbles: true})); return 1;",
    );
    let visible = driver.wait_for(
        "the redrawn bubbles",
        "const v = document.querySelector('#occlusion-visible'); return v && parseFloat(v.dataset.value) >= 30 ? v.dataset.value : null;",
        Duration::from_secs(10),
    );
    let visible: f64 = visible.as_str().unwrap_or_default().parse().unwrap_or(-1.0);
    assert!((30.0..35.0).contains(&visible), "visibility {visible}");
    assert_ne!(masked_sum(&driver), before, "the masked picture changed");
    let second = top1(&driver);
    println!("occlusion: top-1 {first} at 10–15 %, {second} at 30–35 %");

    // The same image and bin on the forced CPU path: the same classes and probabilities.
    let on_gpu = answers(&driver, 3);
    driver.script("document.querySelector('#occlusion-cpu').click(); return 1;");
    driver.wait_for(
        "the CPU answer",
        "const p = document.querySelector('#occlusion-top3 p.muted'); \
         return p && p.textContent.includes(' on cpu;') && document.querySelectorAll('#top3-full .guess').length === 3 ? 1 : null;",
        Duration::from_secs(120),
    );
    let on_cpu = answers(&driver, 3);
    println!("occlusion top-3: GPU {on_gpu:?}, CPU {on_cpu:?}");
    assert_eq!(on_gpu.len(), 3, "{on_gpu:?}");
    for ((gc, gp), (cc, cp)) in on_gpu.iter().zip(&on_cpu) {
        assert_eq!(gc, cc, "GPU {on_gpu:?} vs CPU {on_cpu:?}");
        assert!((gp - cp).abs() < 1e-4, "GPU {on_gpu:?} vs CPU {on_cpu:?}");
    }
    driver.script("document.querySelector('#occlusion-cpu').click(); return 1;");

    // Non-image and empty uploads get a sentence, nothing panics; a real picture is used.
    upload(
        &driver,
        "new File(['just some text'], 'notes.txt', {type: 'text/plain'})",
    );
    let msg = driver.wait_for(
        "the upload message",
        "const e = document.querySelector('#occlusion-upload-error'); return e ? e.textContent : null;",
        Duration::from_secs(10),
    );
    assert!(
        msg.as_str().unwrap_or_default().contains("not an image"),
        "{msg}"
    );
    upload(
        &driver,
        "new File([new Uint8Array([1, 2, 3])], 'broken.png', {type: 'image/png'})",
    );
    driver.wait_for(
        "the undecodable-image message",
        "const e = document.querySelector('#occlusion-upload-error'); return e && e.textContent.includes('decode') ? 1 : null;",
        Duration::from_secs(10),
    );
    upload(
        &driver,
        "(() => { const c = document.createElement('canvas'); c.width = 300; c.height = 200; const x = c.getContext('2d'); \
         x.fillStyle = '#c33'; x.fillRect(0, 0, 300, 200); x.fillStyle = '#39c'; x.fillRect(100, 50, 100, 100); \
         const b = atob(c.toDataURL('image/png').split(',')[1]); const a = new Uint8Array(b.length); \
         for (let i = 0; i < b.length; i++) a[i] = b.charCodeAt(i); return new File([a], 'boxes.png', {type: 'image/png'}); })()",
    );
    driver.wait_for(
        "the uploaded picture",
        "const f = document.querySelector('#occlusion-original'); const e = document.querySelector('#occlusion-upload-error'); \
         return f && !e && f.getAttribute('aria-label').includes('boxes.png') ? 1 : null;",
        Duration::from_secs(20),
    );
    println!("occlusion: upload classified as {}", top1(&driver));

    // Curves: the committed CLI run, as the CLI's JSON says, with its marks.
    assert_committed_curves(&driver, "cornet-s-mini", "tang2018-occlusion");
    let marks = driver.script(
        "return [document.querySelectorAll('#occlusion-plot .series').length, document.querySelectorAll('#occlusion-plot .mark').length, \
         document.querySelectorAll('#occlusion-plot title').length];",
    );
    assert_eq!(
        marks[0],
        json!(4),
        "model, T = 1, people unmasked and masked: {marks}"
    );
    assert_eq!(
        marks[1],
        json!(56),
        "(13 bins with human trials up to 70 % + whole images) × 4 curves: {marks}"
    );
    let flags = driver.script(
        "const f = document.querySelector('#occlusion-committed-flags'); return f ? f.textContent : '';",
    );
    assert!(
        flags
            .as_str()
            .is_some_and(|f| f.contains("collapse to one class") && f.contains("at T = 1")),
        "cornet-s-mini's occluded answers collapse (airplane as trained, cat at T = 1): {flags}"
    );
    assert_eq!(marks[2], marks[1], "every mark has a tooltip");

    // Attractor: Play advances the sweeps; leaving the page stops it without errors.
    driver.script("document.querySelector('#attractor-play').click(); return 1;");
    driver.wait_for(
        "the attractor animation",
        "const o = document.querySelector('#attractor-sweep-value'); return o && parseInt(o.dataset.value) >= 2 ? 1 : null;",
        Duration::from_secs(10),
    );
    let a = driver.script("return document.querySelectorAll('#attractor-bins-plot .mark').length;");
    assert_eq!(
        a,
        json!(28),
        "feedforward and attractor at 13 bins and the whole images"
    );
    driver.screenshot("occlusion.png");
    driver.go_hash("#overview");
    driver.wait_for(
        "the Overview",
        "return document.querySelector('.overview-page') ? 1 : null;",
        Duration::from_secs(10),
    );
}

/// The answers on show: `(class, probability)` of `#top3-full`, once it lists `k` classes.
fn answers(driver: &Driver, k: usize) -> Vec<(String, f64)> {
    let v = driver.wait_for(
        &format!("the model's top {k}"),
        &format!(
            "const e = document.querySelector('#occlusion-classify-error'); if (e) return 'error: ' + e.textContent; \
             const g = Array.from(document.querySelectorAll('#top3-full .guess')); \
             return g.length === {k} ? g.map(x => [x.dataset.class, x.dataset.prob]) : null;"
        ),
        Duration::from_secs(180),
    );
    assert!(!v.is_string(), "classify: {v}");
    v.as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            (
                g[0].as_str().unwrap_or_default().to_string(),
                g[1].as_str()
                    .unwrap_or_default()
                    .parse()
                    .unwrap_or(f64::NAN),
            )
        })
        .collect()
}

/// Moves `#<id>` (a range input) to `value`.
fn slide(driver: &Driver, id: &str, value: u32) {
    driver.script(&format!(
        "const s = document.querySelector('#{id}'); s.value = '{value}'; \
         s.dispatchEvent(new Event('input', {{bubbles: true}})); return 1;"
    ));
}

#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data (efficientnet-lite0); run by `cargo xtask test`"]
fn occlusion_page_on_photos_names_imagenet_classes_and_animates_one_photo_attractor() {
    // An ImageNet network: the page shows the object photos (the CIFAR-10 option is off).
    let (_server, driver) = open("#occlusion?model=efficientnet-lite0");
    driver.wait_for(
        "the Occlusion page on photos",
        "const s = document.querySelector('#occlusion-stimuli'); return s && s.value === 'photos' && document.querySelector('#occlusion-imagenet-note') ? 1 : null;",
        Duration::from_secs(60),
    );
    let photo = answers(&driver, 5);
    let shown = driver.wait_for(
        "the photo behind bubbles",
        "const c = document.querySelector('#occlusion-masked'); const v = document.querySelector('#occlusion-visible'); \
         return c && v && v.dataset.value ? [c.width, parseFloat(v.dataset.value)] : null;",
        Duration::from_secs(30),
    );
    println!("efficientnet-lite0, photo 0 at 10–15 % of the object: {photo:?}; shown {shown}");
    assert_eq!(shown[0], json!(175), "the 175 px photo as the model saw it");
    let vis = shown[1].as_f64().unwrap_or(-1.0);
    assert!((10.0..15.0).contains(&vis), "object visibility {vis}");

    // An uploaded picture (drawn here: two shapes on a background), shrunk to 224 px; the
    // slider changes the picture and the answer.
    upload(
        &driver,
        "(() => { const c = document.createElement('canvas'); c.width = 320; c.height = 240; const x = c.getContext('2d'); \
         x.fillStyle = '#2a6'; x.fillRect(0, 0, 320, 240); x.fillStyle = '#fd3'; x.beginPath(); x.arc(160, 120, 70, 0, 7); x.fill(); \
         x.fillStyle = '#a33'; x.fillRect(40, 30, 60, 90); \
         const b = atob(c.toDataURL('image/png').split(',')[1]); const a = new Uint8Array(b.length); \
         for (let i = 0; i < b.length; i++) a[i] = b.charCodeAt(i); return new File([a], 'shapes.png', {type: 'image/png'}); })()",
    );
    driver.wait_for(
        "the uploaded picture at 224 px",
        "const f = document.querySelector('#occlusion-original'); const e = document.querySelector('#occlusion-upload-error'); \
         return f && !e && f.width === 224 && f.getAttribute('aria-label').includes('shapes.png') ? 1 : null;",
        Duration::from_secs(20),
    );
    let at_10 = answers(&driver, 5);
    let sum_10 = masked_sum(&driver);
    slide(&driver, "occlusion-slider", 100);
    driver.wait_for(
        "the unoccluded picture",
        "const v = document.querySelector('#occlusion-visible'); return v && v.dataset.value === '100.00' ? 1 : null;",
        Duration::from_secs(10),
    );
    assert_ne!(
        masked_sum(&driver),
        sum_10,
        "the picture changed with the slider"
    );
    let whole = driver.wait_for(
        "the answer to the whole picture",
        &format!(
            "const g = Array.from(document.querySelectorAll('#top3-full .guess')).map(x => [x.dataset.class, x.dataset.prob]); \
             return g.length === 5 && JSON.stringify(g) !== {} ? g : null;",
            json!(serde_json::to_string(&at_10.iter().map(|(c, p)| json!([c, format!("{p:.6}")])).collect::<Vec<_>>()).unwrap_or_default())
        ),
        Duration::from_secs(180),
    );
    println!("upload: at 10–15 % {at_10:?}; whole {whole}");

    // The committed object-photo curves, as the CLI's JSON says.
    assert_committed_curves(&driver, "efficientnet-lite0", "tang2018-occlusion-objects");
    driver.screenshot("occlusion-photos.png");

    // One photo through the attractor, computed in the worker (a CORnet-mini: 93 forward
    // passes at 32 px), then animated sweep by sweep.
    driver.go_hash("#occlusion?model=cornet-z-mini&benchmark=tang2018-occlusion-objects");
    driver.wait_for(
        "the attractor trace controls",
        "return document.querySelector('#trace-run') ? 1 : null;",
        Duration::from_secs(20),
    );
    driver.script("document.querySelector('#trace-run').click(); return 1;");
    let sweeps = driver.wait_for(
        "the attractor trace",
        "const r = document.querySelector('#trace-result'); const e = document.querySelector('#trace-error'); \
         return e ? 'error: ' + e.textContent : (r ? parseInt(r.dataset.sweeps) : null);",
        Duration::from_secs(180),
    );
    assert!(sweeps.is_number(), "attractor trace: {sweeps}");
    let sweeps = sweeps.as_u64().unwrap_or(0);
    println!("attractor trace of photo 0 at 10–15 %: {sweeps} states");
    assert!(sweeps >= 2, "an occluded start moves: {sweeps}");
    let last = driver.wait_for(
        "the trace animation to reach its last sweep",
        "const o = document.querySelector('#trace-sweep-value'); const s = document.querySelector('#trace-sweep'); \
         return o && s && o.dataset.value === s.max && parseInt(s.max) >= 1 ? o.dataset.value : null;",
        Duration::from_secs(60),
    );
    let answer = driver.script(
        "const a = document.querySelector('#trace-answer'); return a ? a.dataset.value : null;",
    );
    println!("animation reached sweep {last}; readout {answer}");
    assert!(answer.is_string(), "a readout per sweep");
    driver.screenshot("occlusion-trace.png");
}

/// The full `tang2018-occlusion` run in the browser takes long (14 000 forward passes since
/// the bins reach 70 %; with 8 000 it took 22 min for cornet-z-mini in headless Chromium on
/// SwiftShader on a busy 2-core machine), so `cargo xtask test` skips it (xtask's
/// `SLOW_E2E`); run it by name:
/// `cargo test -p xtask --test e2e -- --ignored occlusion_score_computed --nocapture`.
#[test]
#[ignore = "needs `cargo xtask build-web` output; slow (~20 min): run by name, skipped by `cargo xtask test`"]
fn occlusion_score_computed_in_the_browser_equals_the_cli() {
    let (_server, driver) = open("#occlusion?model=cornet-z-mini");
    driver.wait_for(
        "the Occlusion page",
        "return document.querySelector('#occlusion-run') ? 1 : null;",
        Duration::from_secs(60),
    );
    let started = Instant::now();
    driver.script("document.querySelector('#occlusion-run').click(); return 1;");
    let value = page_score(&driver, "occlusion", 3600);
    let expected = cli_score("cornet-z-mini", "tang2018-occlusion");
    println!(
        "occlusion score in the browser: {value:.6} (CLI {expected:.6}) in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        (value - expected).abs() < 1e-4,
        "browser {value} vs CLI {expected}"
    );
    let marks = driver.script("return document.querySelectorAll('#occlusion-plot .mark').length;");
    assert_eq!(
        marks,
        json!(42),
        "feedforward model: 3 curves × (13 bins with human trials, 0–70 %, + whole images)"
    );
    let flags = driver.script(
        "const f = document.querySelector('#occlusion-score-flags'); return f ? f.textContent : '';",
    );
    assert!(
        flags
            .as_str()
            .is_some_and(|f| f.contains("answers collapse to one class")),
        "cornet-z-mini answers `bird` to most occluded images: {flags}"
    );
}

// ---- Language page ----

/// The CLI's `score --json` value of `model` on `benchmark` with `--subset n`, run now on
/// the CPU with the binary `cargo xtask test` built (`target/debug/brainprobe`).
fn cli_language_score(model: &str, benchmark: &str, n: usize) -> f64 {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = root.join("target/debug/brainprobe");
    assert!(
        bin.is_file(),
        "{} missing: `cargo build -p brainprobe-cli` first",
        bin.display()
    );
    let out = std::process::Command::new(&bin)
        .current_dir(&root)
        .args(["score", "--model", model, "--benchmark", benchmark])
        .args(["--subset", &n.to_string(), "--device", "cpu", "--json"])
        .output()
        .expect("brainprobe runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let score: Value = serde_json::from_slice(&out.stdout).expect("--json prints a Score");
    score["value"]["defined"]
        .as_f64()
        .unwrap_or_else(|| panic!("CLI score undefined: {score}"))
}

/// The Language page on `model` × `benchmark` (first `n` stimuli), ready to run, and the
/// CLI's `score --subset n` to compare with.
fn open_language(model: &str, benchmark: &str, n: usize) -> (StaticServer, Driver, f64) {
    let (server, driver) = open(&format!(
        "#language?model={model}&benchmark={benchmark}&subset={n}"
    ));
    let expected = cli_language_score(model, benchmark, n);
    driver.wait_for(
        "the Language page",
        "return document.querySelector('#language-run') ? 1 : null;",
        Duration::from_secs(60),
    );
    (server, driver, expected)
}

/// Waits for the Language page's score (or its error) and returns the value.
fn language_score(driver: &Driver) -> f64 {
    page_score(driver, "language", 400)
}

/// Types `text` into the sentence box, presses Predict and returns the result element's
/// text (or fails with the page's error).
fn predict_sentence(driver: &Driver, text: &str) -> String {
    driver.script(&format!(
        "const t = document.querySelector('#sentence-input'); t.value = {}; \
         t.dispatchEvent(new Event('input', {{bubbles: true}})); return 1;",
        json!(text)
    ));
    driver.wait_for(
        "the sentence box to take the text",
        &format!(
            "return document.querySelector('#sentence-input').value === {} ? 1 : null;",
            json!(text)
        ),
        Duration::from_secs(10),
    );
    driver.script("document.querySelector('#sentence-predict').click(); return 1;");
    let v = driver.wait_for(
        "a sentence prediction",
        &format!(
            "const r = document.querySelector('#sentence-result'); const e = document.querySelector('#sentence-error'); \
             if (e) return 'error: ' + e.textContent; \
             const q = r && r.querySelector('.user-text'); \
             return q && q.textContent === {} ? r.textContent : null;",
            json!(text.trim().chars().take(1000).collect::<String>())
        ),
        Duration::from_secs(300),
    );
    let out = v.as_str().unwrap_or_default().to_string();
    assert!(!out.starts_with("error"), "{out}");
    out
}

#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data; run by `cargo xtask test`"]
fn language_page_scores_like_the_cli_and_takes_any_sentence() {
    let model = "gpt-mini-untrained";
    let benchmark = "pereira2018-langnet";
    // 60 sentences: SwiftShader runs a sentence's forward pass in about a second, so the
    // full 627 would take ten minutes per device; the CLI scores the same subset.
    let n = 60;
    let (_server, driver, expected) = open_language(model, benchmark, n);
    // The training panel needs no run: six committed checkpoints.
    let training = driver.script(
        "const p = document.querySelector('#training-points'); \
         return [document.querySelectorAll('#training-plot .dot').length, \
         Number(p.dataset.checkpoints), Number(p.dataset.others)];",
    );
    assert_eq!(training[1], json!(6), "one point per gpt-mini checkpoint");
    assert_eq!(
        training[0].as_u64(),
        Some(6 + training[2].as_u64().unwrap_or(0)),
        "the checkpoints and the other models beside them: {training}"
    );

    // WebGPU, forced (auto would use the CPU on a software adapter such as SwiftShader).
    driver.script("document.querySelector('#language-webgpu').click(); return 1;");
    driver.script("document.querySelector('#language-run').click(); return 1;");
    let gpu = language_score(&driver);
    println!("language: GPU {gpu:.6}, CLI {expected:.6}");
    assert!((gpu - expected).abs() < 1e-4, "GPU {gpu} vs CLI {expected}");
    let marks = driver.script(
        "return [document.querySelectorAll('#language-layer-curve .mark').length, \
         document.querySelectorAll('#language-scatter .dot').length, \
         document.querySelectorAll('#language-published tr.reference').length];",
    );
    at_least(&marks, 0, 4, "one mark per layer");
    at_least(&marks, 1, 21, "a dot per held-out sentence");
    at_least(&marks, 2, 2, "published rows");
    driver.screenshot("language-page.png");

    rerun_on_the_cpu(&driver, "language", expected);

    // The data files came through the Cache API (a reload reads them locally).
    let cached = driver.script(
        "return caches.open('brainprobe-v1').then(c => c.keys()).then(ks => \
         ks.filter(r => r.url.includes('assets/data/pereira')).length);",
    );
    assert!(
        cached.as_u64().unwrap_or(0) >= 1,
        "Pereira bundle cached: {cached}"
    );

    // Your sentence (with word vectors: the box is under test, not the model): odd text is
    // text, never markup; long text is cut with a note.
    driver.go_hash("#language?model=embed-ppmi&benchmark=pereira2018-langnet");
    driver.wait_for(
        "the model switch",
        "return document.querySelector('#language-model').value === 'embed-ppmi' ? 1 : null;",
        Duration::from_secs(10),
    );
    let plain = predict_sentence(&driver, "The dog chased the ball across the park.");
    assert!(plain.contains("Predicted, not measured"), "{plain}");
    predict_sentence(&driver, "שלום עולם 🙂 مرحبا");
    predict_sentence(&driver, "<img src=x onerror=alert(1)> <b>bold</b>");
    let injected = driver.script(
        "return document.querySelectorAll('#sentence-result img').length \
         + document.querySelector('#sentence-result .user-text').children.length;",
    );
    assert_eq!(injected, json!(0), "user text is rendered as text");
    let long = predict_sentence(&driver, &"word ".repeat(2_000));
    assert!(long.contains("truncated from"), "{long}");
    driver.screenshot("language-sentence.png");

    // Phone width: nothing wider than the screen (tables scroll inside their box).
    assert_fits_a_phone(&driver, "Language", Some("language-phone.png"));
}

// ---- Verified downloads, content policy ----

/// Clicks the Vision page's Run (after `switch`, e.g. `#vision-cpu`, when given) and
/// returns its score or its error text (`error: …`).
fn vision_outcome(driver: &Driver, switch: Option<&str>) -> String {
    driver.wait_for(
        "the Vision page",
        "return document.querySelector('#vision-run') ? 1 : null;",
        Duration::from_secs(60),
    );
    if let Some(id) = switch {
        driver.script(&format!(
            "const c = document.querySelector('{id}'); if (!c.checked) c.click(); return 1;"
        ));
    }
    driver.script("document.querySelector('#vision-run').click(); return 1;");
    driver
        .wait_for(
            "the Vision page's score",
            "const s = document.querySelector('#vision-score'); const e = document.querySelector('#vision-error'); \
             return e ? 'error: ' + e.textContent : (s ? s.dataset.value : null);",
            Duration::from_secs(300),
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// `dist/SHA256SUMS` as path → digest.
fn build_digests(dist: &std::path::Path) -> std::collections::HashMap<String, String> {
    std::fs::read_to_string(dist.join("SHA256SUMS"))
        .expect("dist/SHA256SUMS (written by cargo xtask build-web)")
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(sha, path)| (path.to_string(), sha.to_string()))
        .collect()
}

/// A copy of `dist` made of symbolic links, except `weights/<model>/<file>`, which holds
/// the first half of the real file.
fn dist_with_truncated(dist: &std::path::Path, model: &str, file: &str) -> tempfile::TempDir {
    use std::os::unix::fs::symlink;
    let out = tempfile::tempdir().expect("temp dir");
    let link_all = |from: &std::path::Path, to: &std::path::Path, except: &str| {
        std::fs::create_dir_all(to).expect("create dir");
        for entry in std::fs::read_dir(from).expect("read dist").flatten() {
            if entry.file_name() != except {
                symlink(entry.path(), to.join(entry.file_name())).expect("symlink");
            }
        }
    };
    link_all(dist, out.path(), "weights");
    link_all(&dist.join("weights"), &out.path().join("weights"), model);
    let dir = out.path().join("weights").join(model);
    link_all(&dist.join("weights").join(model), &dir, file);
    let bytes = std::fs::read(dist.join("weights").join(model).join(file)).expect("weights");
    std::fs::write(dir.join(file), &bytes[..bytes.len() / 2]).expect("truncated copy");
    out
}

#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data; run by `cargo xtask test`"]
fn verified_downloads_replace_a_corrupted_cache_entry_and_name_a_truncated_file() {
    let hash = "#vision?model=cornet-z-mini&benchmark=kriegeskorte2008-it-rsa";
    let expected = cli_score("cornet-z-mini", "kriegeskorte2008-it-rsa");
    let (server, driver) = open(hash);
    let first = vision_outcome(&driver, Some("#vision-cpu"));
    let first = number(&first, "first run");
    assert!((first - expected).abs() < 1e-4, "{first} vs CLI {expected}");

    // Corrupt the cache: the weights cut to half, one data file with its first byte flipped.
    let corrupted = driver.script(
        "return (async () => { const c = await caches.open('brainprobe-v1'); const out = []; \
         for (const k of await c.keys()) { \
           const w = k.url.includes('weights/cornet-z-mini/model.safetensors'); \
           const d = k.url.includes('assets/data/kriegeskorte2008_92images/rdms_human_it.npy'); \
           if (!w && !d) continue; \
           const b = new Uint8Array(await (await c.match(k)).arrayBuffer()); \
           let bad; if (w) { bad = b.slice(0, b.length >> 1); } else { bad = b.slice(); bad[0] ^= 0xff; } \
           await c.put(k, new Response(bad)); out.push(k.url); } \
         return out; })();",
    );
    assert_eq!(
        corrupted.as_array().map(Vec::len),
        Some(2),
        "the weights and the human RDMs were cached: {corrupted}"
    );

    // A new page (and worker): the bad entries are found, deleted and fetched again, and
    // the score is the same.
    driver.script("location.reload(); return 1;");
    let again = vision_outcome(&driver, Some("#vision-cpu"));
    let again = number(&again, "after corruption");
    assert!((again - first).abs() < 1e-12, "{again} vs {first}");
    let digests = driver.script(
        "return (async () => { const c = await caches.open('brainprobe-v1'); const out = {}; \
         for (const k of await c.keys()) { \
           if (!k.url.includes('weights/cornet-z-mini/model.safetensors') && !k.url.includes('rdms_human_it.npy')) continue; \
           const b = await (await c.match(k)).arrayBuffer(); \
           const h = new Uint8Array(await crypto.subtle.digest('SHA-256', b)); \
           out[new URL(k.url).pathname.slice(1)] = Array.from(h).map(x => x.toString(16).padStart(2, '0')).join(''); } \
         return out; })();",
    );
    let sums = build_digests(&dist());
    for path in [
        "weights/cornet-z-mini/model.safetensors",
        "assets/data/kriegeskorte2008_92images/rdms_human_it.npy",
    ] {
        assert_eq!(
            digests[path].as_str(),
            sums.get(path).map(String::as_str),
            "{path}: the cache holds the good copy again ({digests})"
        );
    }
    drop(server);

    // A server whose weights file is truncated: the page names the file and stops.
    let bad = dist_with_truncated(&dist(), "cornet-z-mini", "model.safetensors");
    let server = StaticServer::start(bad.path(), 0).expect("static server");
    driver.go(&format!("{}/{hash}", server.url));
    let outcome = vision_outcome(&driver, Some("#vision-cpu"));
    println!("truncated weights: {outcome}");
    assert!(
        outcome.contains("cornet-z-mini/model.safetensors")
            && outcome.contains("corrupted or truncated"),
        "the error names the bad file: {outcome}"
    );
    let cached = driver.script(
        "return caches.open('brainprobe-v1').then(c => c.keys()).then(ks => \
         ks.filter(k => k.url.includes('model.safetensors')).length);",
    );
    assert_eq!(cached, json!(0), "a bad copy is never cached");
}

/// The URLs of the requests in a performance log (page and workers), leaving out those of
/// the browser's own pages (the new-tab page the session starts on loads `chrome://` files).
fn requested_urls(log: &[Value]) -> Vec<String> {
    log.iter()
        .filter_map(|entry| serde_json::from_str::<Value>(entry["message"].as_str()?).ok())
        .filter(|m| m["message"]["method"] == "Network.requestWillBeSent")
        .map(|m| m["message"]["params"].clone())
        .filter(|p| {
            !p["documentURL"]
                .as_str()
                .unwrap_or_default()
                .starts_with("chrome://")
        })
        .filter_map(|p| p["request"]["url"].as_str().map(str::to_string))
        .collect()
}

#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data; run by `cargo xtask test`"]
fn a_session_on_every_page_stays_on_its_origin_within_its_content_policy() {
    let server = StaticServer::start(&dist(), 0).expect("static server");
    let driver = Driver::start_logging();
    driver.go(&format!("{}/#overview", server.url));
    driver.wait_for(
        "the Overview",
        "return document.querySelector('.overview-page') ? 1 : null;",
        Duration::from_secs(60),
    );
    // Violations the page reports from now on (the browser log holds the earlier ones).
    driver.script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', \
         e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI)); return 1;",
    );
    // A canary: an inline script is refused, and both the event and the console say so
    // (so the checks at the end can see a violation).
    driver.script(
        "const s = document.createElement('script'); s.textContent = 'window.__inline = 1;'; \
         document.head.appendChild(s); return 1;",
    );
    let canary = driver.wait_for(
        "the canary's violation",
        "return window.__csp.length > 0 ? [window.__csp[0], window.__inline === undefined] : null;",
        Duration::from_secs(10),
    );
    assert_eq!(canary[1], true, "the inline script did not run: {canary}");
    let refused = driver
        .log("browser")
        .iter()
        .filter_map(|e| e["message"].as_str().map(str::to_string))
        .any(|m| m.contains("Content Security Policy"));
    assert!(refused, "the console reports the canary's violation");
    driver.script("window.__csp = []; return 1;");
    let policy = driver
        .script("return fetch(location.href).then(r => r.headers.get('content-security-policy'));");
    assert_eq!(
        policy.as_str(),
        Some(xtask::static_server::CONTENT_SECURITY_POLICY),
        "the server sends the policy"
    );

    // Data; Vision with one auto run (the CPU when the adapter is software-emulated);
    // Language with one sentence; Occlusion's classification; one leaderboard cell; About.
    driver.go_hash("#data");
    driver.wait_for(
        "the Data page",
        "const s = document.querySelector('#data-status'); return s && s.dataset.state !== 'loading' ? 1 : null;",
        Duration::from_secs(90),
    );
    driver.go_hash("#vision?model=cornet-z-mini&benchmark=kriegeskorte2008-it-rsa");
    let score = vision_outcome(&driver, None);
    assert!(score.parse::<f64>().is_ok(), "Vision: {score}");
    let line = driver.script(
        "const g = document.querySelector('#webgpu-status'); return [g.dataset.auto, g.textContent, document.body.textContent.includes('ran on: cpu')];",
    );
    println!("device line: {line}");
    if line[1]
        .as_str()
        .unwrap_or_default()
        .contains("software-emulated")
    {
        assert_eq!(line[0], "cpu", "auto avoids a software adapter: {line}");
        assert_eq!(line[2], true, "the auto run used the CPU: {line}");
    }
    driver.go_hash("#language?model=embed-ppmi&benchmark=pereira2018-langnet");
    driver.wait_for(
        "the Language page",
        "return document.querySelector('#language-model') && document.querySelector('#language-model').value === 'embed-ppmi' ? 1 : null;",
        Duration::from_secs(30),
    );
    predict_sentence(&driver, "The dog chased the ball across the park.");
    driver.go_hash("#occlusion?model=cornet-z-mini");
    top1(&driver);
    driver.go_hash("#leaderboard");
    let cell = "cell-cornet-z-mini-kriegeskorte2008-monkey-it-rsa";
    driver.wait_for_element(
        "the leaderboard table",
        &format!("#{cell} button"),
        Duration::from_secs(60),
    );
    driver.click(&format!("#{cell} button"));
    driver.wait_for(
        "a leaderboard cell",
        &format!("const c = document.querySelector('#{cell}'); return c && (c.dataset.value || c.classList.contains('failed')) ? 1 : null;"),
        Duration::from_secs(300),
    );
    driver.go_hash("#about");
    driver.wait_for(
        "the About page",
        "return document.querySelectorAll('#about-sources tbody tr').length > 0 ? 1 : null;",
        Duration::from_secs(10),
    );

    let urls = requested_urls(&driver.log("performance"));
    let origin = format!("{}/", server.url);
    let foreign: Vec<&String> = urls
        .iter()
        .filter(|u| {
            !u.starts_with(&origin)
                && !u.starts_with(&format!("blob:{origin}"))
                && !u.starts_with("data:")
        })
        .collect();
    println!("{} requests, {} foreign", urls.len(), foreign.len());
    assert!(
        foreign.is_empty(),
        "requests off the page's origin: {foreign:?}"
    );
    // The worker's own requests do not appear in the browser's log, but its script is
    // served with the same policy (connect-src 'self': it cannot reach another origin,
    // and a blocked fetch would have failed the runs above); its files came from here.
    let worker_policy = driver.script(
        "return fetch('worker-entry.js').then(r => r.headers.get('content-security-policy'));",
    );
    assert_eq!(
        worker_policy.as_str(),
        Some(xtask::static_server::CONTENT_SECURITY_POLICY),
        "the worker runs under the policy"
    );
    let served = server.requested();
    for worker_only in [
        "worker_bg.wasm",
        "SHA256SUMS",
        "weights/cornet-z-mini/model.safetensors",
    ] {
        assert!(
            served.iter().any(|u| u.contains(worker_only)),
            "the worker fetched {worker_only} from the page's server: {served:?}"
        );
    }
    let console: Vec<String> = driver
        .log("browser")
        .iter()
        .filter_map(|e| e["message"].as_str().map(str::to_string))
        .filter(|m| m.contains("Content Security Policy") || m.contains("Refused to"))
        .collect();
    assert!(
        console.is_empty(),
        "CSP messages in the console: {console:?}"
    );
    let reported = driver.script("return window.__csp;");
    assert_eq!(reported, json!([]), "securitypolicyviolation events");
}

#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data (SmolLM2); run by `cargo xtask test`"]
fn smollm2_asks_before_its_download_scores_like_the_cli_and_reloads_from_the_cache() {
    let model = "smollm2-135m";
    let benchmark = "pereira2018-langnet";
    // 30 sentences (8 passages, ~750 tokens): the page's default path on this machine's
    // software adapter is the wasm CPU; the CLI scores the same subset on its CPU.
    let n = 30;
    let weights = "assets/models/smollm2-135m/model.gguf";
    let (server, driver) = open(&format!(
        "#language?model={model}&benchmark={benchmark}&subset={n}"
    ));
    let expected = cli_language_score(model, benchmark, n);
    // Before the first download: the page says the size and the button asks.
    let notice = driver.wait_for(
        "the download notice",
        "const n = document.querySelector('#language-download'); \
         return n && n.dataset.cached === '' ? null : (n ? [n.dataset.cached, n.textContent] : null);",
        Duration::from_secs(60),
    );
    let notice_text = notice[1].as_str().unwrap_or_default();
    assert!(
        notice_text.contains("98 MB") && notice[0] == json!("false"),
        "{notice}"
    );
    let label = driver.script("return document.querySelector('#language-run').textContent;");
    assert_eq!(label, json!("Download ≈ 98 MB and run"));
    // This machine's adapter is software (or missing), so the run goes to the CPU path
    // and the page says so with the estimated time before the run.
    let estimate = driver.wait_for(
        "the CPU-path estimate",
        "const e = document.querySelector('#language-cpu-estimate'); \
         return e ? [e.dataset.seconds, e.textContent, e.title] : null;",
        Duration::from_secs(30),
    );
    let seconds = number(
        estimate[0].as_str().unwrap_or_default(),
        "estimated seconds",
    );
    assert!(seconds >= 10.0, "{estimate}");
    assert!(
        estimate[1]
            .as_str()
            .unwrap_or_default()
            .contains("CPU path")
            && estimate[2]
                .as_str()
                .unwrap_or_default()
                .contains("5 % of the stimuli"),
        "{estimate}"
    );
    assert!(
        !server.requested().iter().any(|u| u.contains(weights)),
        "nothing is downloaded before the button is pressed"
    );
    driver.script("document.querySelector('#language-run').click(); return 1;");
    let first = language_score(&driver);
    println!("smollm2-135m: page {first:.6}, CLI {expected:.6}");
    assert!(
        (first - expected).abs() < 1e-4,
        "page {first} vs CLI {expected}"
    );
    let notes = driver.script("return document.querySelector('#language-result').textContent;");
    assert!(
        notes
            .as_str()
            .unwrap_or_default()
            .contains("instruction-tuned"),
        "the score says what the model is: {notes}"
    );
    let fetched = |s: &StaticServer| s.requested().iter().filter(|u| u.contains(weights)).count();
    assert_eq!(fetched(&server), 1, "one download of the weights");
    // After it: the weights are in the cache, the button just runs.
    driver.wait_for(
        "the notice to say cached",
        "const n = document.querySelector('#language-download'); return n && n.dataset.cached === 'true' ? 1 : null;",
        Duration::from_secs(30),
    );
    // A reload scores again from the cache: no new request for the weights.
    driver.script("location.reload(); return 1;");
    driver.wait_for(
        "the reloaded page's cached notice",
        "const n = document.querySelector('#language-download'); return n && n.dataset.cached === 'true' ? 1 : null;",
        Duration::from_secs(60),
    );
    let label = driver.script("return document.querySelector('#language-run').textContent;");
    assert_eq!(label, json!("Run"));
    let clicked = Instant::now();
    driver.script("document.querySelector('#language-run').click(); return 1;");
    let second = language_score(&driver);
    // Not asserted (no timing asserts): how the estimate compares with this machine.
    println!(
        "smollm2-135m, {n} sentences from the cache on the page's CPU path: {:.0} s (estimate before the run: {seconds:.0} s)",
        clicked.elapsed().as_secs_f64()
    );
    assert!((second - first).abs() < 1e-9, "{second} vs {first}");
    assert_eq!(fetched(&server), 1, "the second load read the Cache API");
    driver.screenshot("language-smollm2.png");
}

/// SmolLM2 on the page's WebGPU path (forced: this machine's adapter is software) on a
/// Pereira subset equals the CLI's `score --subset N` on its CPU. Slow on SwiftShader, so
/// `cargo xtask test` skips it (`SLOW_E2E`); run it by name.
#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data; slow, run by name"]
fn smollm2_scores_like_the_cli_on_webgpu() {
    let (model, benchmark, n) = ("smollm2-135m", "pereira2018-langnet", 30);
    let (_server, driver, expected) = open_language(model, benchmark, n);
    driver.script("document.querySelector('#language-webgpu').click(); return 1;");
    driver.script("document.querySelector('#language-run').click(); return 1;");
    let started = Instant::now();
    let gpu = page_score(&driver, "language", 3000);
    let device = driver.script("return document.querySelector('#language-result').textContent;");
    println!(
        "smollm2-135m on WebGPU: page {gpu:.6}, CLI {expected:.6}, {:.0} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        device.as_str().unwrap_or_default().contains("ran on: gpu"),
        "the result says it ran on the GPU: {device}"
    );
    assert!(
        (gpu - expected).abs() < 1e-4,
        "WebGPU {gpu} vs CLI {expected}"
    );
}
