//! Headless Chromium driven through chromedriver's W3C API, for the browser end-to-end
//! tests and `cargo xtask bench-web`: WebGPU enabled, a fresh profile per session,
//! screenshots to `target/e2e/`.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

/// A headless Chromium session through chromedriver's W3C API (WebGPU enabled, a fresh
/// profile); panics on protocol errors (a test or benchmark cannot go on without it).
pub struct Driver {
    child: Child,
    base: String,
    session: Option<String>,
    /// Chromium's profile; removed when the driver (and so the session) is gone.
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(id) = self.session.take() {
            let _ = ureq::delete(&format!("{}/session/{id}", self.base)).call();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free local TCP port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// One chromedriver request; its JSON answer.
fn call(method: &str, url: &str, body: Option<Value>) -> Value {
    let req = ureq::request(method, url);
    let res = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    match res {
        Ok(r) => r.into_json().expect("JSON from chromedriver"),
        Err(ureq::Error::Status(code, r)) => {
            panic!(
                "{method} {url} -> HTTP {code}: {}",
                r.into_string().unwrap_or_default()
            )
        }
        Err(e) => panic!("{method} {url}: {e}"),
    }
}

impl Driver {
    /// A browser with the default capabilities.
    pub fn start() -> Self {
        Self::start_with(json!({}))
    }

    /// A browser whose network requests (the performance log, page and worker) and
    /// console messages (the browser log) can be read back with [`Driver::log`].
    pub fn start_logging() -> Self {
        Self::start_with(json!({"goog:loggingPrefs": {"performance": "ALL", "browser": "ALL"}}))
    }

    /// The entries of log `kind` (`performance`, `browser`) since the last read.
    pub fn log(&self, kind: &str) -> Vec<Value> {
        call("POST", &self.url("se/log"), Some(json!({ "type": kind })))["value"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// A browser with `extra` merged into the session's `alwaysMatch` capabilities.
    pub fn start_with(extra: Value) -> Self {
        let port = free_port();
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {chromedriver}: {e}"));
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().expect("temp profile dir");
        let profile_arg = format!("--user-data-dir={}", profile.path().display());
        let mut driver = Driver {
            child,
            base,
            session: None,
            _profile: profile,
        };
        let mut caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"args": [
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--enable-unsafe-webgpu", "--window-size=1280,2400",
            profile_arg
        ]}}}});
        if let (Some(always), Some(extra)) = (
            caps["capabilities"]["alwaysMatch"].as_object_mut(),
            extra.as_object(),
        ) {
            always.extend(extra.clone());
        }
        let v = call("POST", &format!("{}/session", driver.base), Some(caps));
        driver.session = v["value"]["sessionId"].as_str().map(str::to_string);
        assert!(driver.session.is_some(), "no session: {v}");
        driver
    }

    /// The session's URL for command `path`.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}/session/{}/{path}",
            self.base,
            self.session.as_deref().unwrap_or_default()
        )
    }

    /// Runs `script` in the page (a returned promise is awaited) and returns its value.
    pub fn script(&self, script: &str) -> Value {
        call(
            "POST",
            &self.url("execute/sync"),
            Some(json!({"script": script, "args": []})),
        )["value"]
            .clone()
    }

    /// Navigates to `url`.
    pub fn go(&self, url: &str) {
        call("POST", &self.url("url"), Some(json!({ "url": url })));
    }

    /// Resizes the browser window (e.g. to a phone's width).
    pub fn resize(&self, width: u32, height: u32) {
        call(
            "POST",
            &self.url("window/rect"),
            Some(json!({ "width": width, "height": height })),
        );
    }

    /// Changes the location hash (the app follows it without reloading).
    pub fn go_hash(&self, hash: &str) {
        self.script(&format!("location.hash = {}; return 1;", json!(hash)));
    }

    /// Saves a screenshot as `target/e2e/<name>`.
    pub fn screenshot(&self, name: &str) {
        let shot = call("GET", &self.url("screenshot"), None)["value"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let png = base64::engine::general_purpose::STANDARD
            .decode(&shot)
            .expect("base64 screenshot");
        assert!(png.starts_with(b"\x89PNG"), "screenshot is a PNG");
        let out = crate::root().join("target/e2e");
        std::fs::create_dir_all(&out).expect("target/e2e");
        std::fs::write(out.join(name), png).expect("write screenshot");
        println!("screenshot: {}", out.join(name).display());
    }

    /// Waits (at most `timeout`) until the page has an element matching the CSS `selector`.
    pub fn wait_for_element(&self, what: &str, selector: &str, timeout: Duration) {
        let script = format!(
            "return document.querySelector({}) ? 1 : null;",
            json!(selector)
        );
        self.wait_for(what, &script, timeout);
    }

    /// Clicks the first element matching the CSS `selector`.
    pub fn click(&self, selector: &str) {
        self.script(&format!(
            "document.querySelector({}).click(); return 1;",
            json!(selector)
        ));
    }

    /// Runs `script` every 200 ms until it returns non-null (that value); panics naming
    /// `what` after `timeout`.
    pub fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.script(script);
            if !v.is_null() {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}
