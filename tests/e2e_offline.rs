//! Offline second visits (the service worker, `www/sw.js`): a visit caches the app shell of
//! its build, a new build's shell replaces the old one, and with the server gone a reload
//! still shows the app and scores a model whose files were cached.

use super::*;

/// The service worker's caches (`brainprobe-shell-<build>`) in the page, joined by spaces.
fn shell_caches(driver: &Driver) -> String {
    driver
        .script(
            "return caches.keys().then(ks => ks.filter(k => k.startsWith('brainprobe-shell-')) \
             .sort().join(' '));",
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A copy of `dist` made of symbolic links, except `sw.js`, which is a real file (so the
/// test can play a new build).
fn dist_with_own_service_worker(dist: &std::path::Path) -> tempfile::TempDir {
    use std::os::unix::fs::symlink;
    let out = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(dist).expect("read dist").flatten() {
        let to = out.path().join(entry.file_name());
        if entry.file_name() == "sw.js" {
            std::fs::copy(entry.path(), &to).expect("copy sw.js");
        } else {
            symlink(entry.path(), &to).expect("symlink");
        }
    }
    out
}

/// `cargo xtask serve-dir` in its own process: killing it closes every connection, as a
/// lost network does (a server thread in this process would leave the browser's kept-alive
/// connections waiting for answers).
struct ServerProcess {
    child: std::process::Child,
    url: String,
}

impl ServerProcess {
    fn start(dir: &std::path::Path) -> Self {
        let port = xtask::browser::free_port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args([
                "serve-dir",
                &dir.display().to_string(),
                "--port",
                &port.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("xtask serve-dir starts");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while ureq::get(&format!("{url}/index.html")).call().is_err() {
            assert!(Instant::now() < deadline, "serve-dir did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Self { child, url }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[ignore = "needs `cargo xtask build-web` output and prepared data; run by `cargo xtask test`"]
fn a_second_visit_works_offline_and_a_new_build_replaces_the_old_shell() {
    let dist = dist();
    let sw = std::fs::read_to_string(dist.join("sw.js")).expect("dist/sw.js (build-web)");
    let build = sw
        .split_once("const BUILD = '")
        .and_then(|(_, rest)| rest.split_once('\''))
        .map(|(digest, _)| digest.to_string())
        .expect("sw.js names its build");
    let site = dist_with_own_service_worker(&dist);
    let server = ServerProcess::start(site.path());
    let hash = "#vision?model=cornet-z-mini&benchmark=kriegeskorte2008-it-rsa";
    let driver = Driver::start();
    driver.go(&format!("{}/{hash}", server.url));
    // Installing caches the whole shell (~470 files, 12 MB): seconds alone, but on a loaded
    // 2-core machine beside other browser tests it has taken over a minute.
    driver.wait_for(
        "the service worker to control the page",
        "return navigator.serviceWorker.controller ? 1 : null;",
        Duration::from_secs(180),
    );
    assert_eq!(shell_caches(&driver), format!("brainprobe-shell-{build}"));

    // A new build: its sw.js differs, so a reload installs it and its shell replaces the old.
    let next = "0123456789abcdef";
    std::fs::write(site.path().join("sw.js"), sw.replace(&build, next)).expect("new sw.js");
    driver.script("location.reload(); return 1;");
    let want = format!("brainprobe-shell-{next}");
    driver.wait_for(
        "the new build's shell to replace the old one",
        &format!(
            "return caches.keys().then(ks => {{ const s = ks.filter(k => k.startsWith('brainprobe-shell-')); \
             return s.length === 1 && s[0] === '{want}' ? 1 : null; }});"
        ),
        Duration::from_secs(60),
    );

    // Online: the score, through the service worker, equals the CLI's.
    let expected = cli_score("cornet-z-mini", "kriegeskorte2008-it-rsa");
    let online = vision_outcome(&driver, Some("#vision-cpu"));
    let online = number(&online, "online");
    assert!(
        (online - expected).abs() < 1e-4,
        "{online} vs CLI {expected}"
    );

    // Offline: the server process is gone with its connections; a reload shows the app and
    // scores again from the caches.
    drop(server);
    driver.script("location.reload(); return 1;");
    let offline = vision_outcome(&driver, Some("#vision-cpu"));
    driver.screenshot("offline-vision");
    let offline = number(&offline, "offline");
    assert_eq!(offline, online, "offline score = online score");
    driver.go_hash("#data");
    driver.wait_for(
        "the Data page, offline",
        "return document.querySelectorAll('article.card').length > 0 ? 1 : null;",
        Duration::from_secs(60),
    );
    assert_eq!(shell_caches(&driver), want);
    println!("offline: {offline} (online {online}, CLI {expected})");
}
