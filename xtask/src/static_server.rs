//! A small static file server for `dist/` and the data bundles (serve, wasm tests, e2e).
//! Correct MIME types (`application/wasm` matters for streaming compilation) and an
//! `Access-Control-Allow-Origin: *` header so the wasm test runner's page may fetch bundles,
//! and the app's [`CONTENT_SECURITY_POLICY`] as a header (it also reaches the Web Worker,
//! whose policy comes from its script's response, not from the page's `<meta>`).

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The app's Content-Security-Policy, as `index.html`'s `<meta http-equiv>` states it: same
/// origin only, no inline script, wasm compilation allowed, inline style attributes (the
/// plots' sizes and colours) allowed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' \
    'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' blob:; \
    style-src 'self'; style-src-attr 'unsafe-inline'; object-src 'none'; base-uri 'self'; \
    form-action 'self'";

/// A running server; stops when dropped.
pub struct StaticServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
    requested: Arc<Mutex<Vec<String>>>,
}

impl StaticServer {
    /// Serves `root` on 127.0.0.1:`port` (0 = any free port).
    pub fn start(root: &Path, port: u16) -> Result<Self, String> {
        let server = tiny_http::Server::http(("127.0.0.1", port))
            .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or("server has no IP address")?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let root = root.to_path_buf();
        let requested = Arc::new(Mutex::new(Vec::new()));
        let log = requested.clone();
        let handle = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                if let Ok(Some(request)) =
                    server.recv_timeout(std::time::Duration::from_millis(100))
                {
                    if let Ok(mut log) = log.lock() {
                        log.push(request.url().to_string());
                    }
                    respond(&root, request);
                }
            }
        });
        Ok(Self {
            url: format!("http://127.0.0.1:{port}"),
            stop,
            handle: Some(handle),
            requested,
        })
    }

    /// Every request path (with its query) served so far, in order.
    pub fn requested(&self) -> Vec<String> {
        self.requested.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Blocks until the process is interrupted.
    pub fn wait(mut self) {
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let mut out = root.to_path_buf();
    for c in Path::new(path.trim_start_matches('/')).components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    Some(out)
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "csv" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(root: &Path, request: tiny_http::Request) {
    let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).ok();
    let cors = header("Access-Control-Allow-Origin", "*");
    let csp = header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    let result = match resolve(root, request.url())
        .and_then(|p| std::fs::read(&p).ok().map(|b| (p, b)))
    {
        Some((path, bytes)) => {
            let mut response = tiny_http::Response::from_data(bytes);
            if let Some(h) = header("Content-Type", mime(&path)) {
                response.add_header(h);
            }
            if let Some(h) = cors {
                response.add_header(h);
            }
            if let Some(h) = csp {
                response.add_header(h);
            }
            request.respond(response)
        }
        None => {
            let mut response = tiny_http::Response::from_string("not found").with_status_code(404);
            if let Some(h) = cors {
                response.add_header(h);
            }
            request.respond(response)
        }
    };
    if let Err(e) = result {
        eprintln!("static server: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_html_states_the_servers_policy() {
        let index = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../index.html"))
            .expect("index.html");
        let start = index
            .find("http-equiv=\"Content-Security-Policy\" content=\"")
            .expect("a CSP meta tag");
        let rest = &index[start..];
        let rest = &rest[rest.find("content=\"").unwrap_or(0) + 9..];
        let meta = &rest[..rest.find('"').unwrap_or(0)];
        assert_eq!(meta, CONTENT_SECURITY_POLICY);
        assert!(
            !index.contains("<script>") && !index.contains("<script type=\"module\">"),
            "no inline script"
        );
    }
}
