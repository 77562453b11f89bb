//! `cargo xtask check-deps`: the crate dependency graph must follow DESIGN.md
//! (engine <- models <- benchmarks <- {cli, app}; arch, metrics, text are leaves, data
//! uses only arch; arch is used by models, train and data; train depends on arch, data and text only; the app
//! shows what benchmarks return and never depends on metrics), and the app's page code
//! (everything but its worker) never imports the engine. Cargo rejects cycles but not
//! upward edges.

use crate::command::cmd;

/// Workspace crates each crate may depend on (package names without `brainprobe-`).
fn allowed(krate: &str) -> Option<&'static [&'static str]> {
    Some(match krate {
        "arch" | "engine" | "metrics" | "text" => &[],
        "data" => &["arch"],
        "models" => &["arch", "engine", "text"],
        "benchmarks" => &["models", "engine", "metrics", "data", "text"],
        "train" => &["arch", "data", "text"],
        "cli" => &[
            "benchmarks",
            "models",
            "engine",
            "metrics",
            "data",
            "text",
            "train",
        ],
        "app" => &["benchmarks", "models", "engine", "data", "text"],
        // a tool, like the CLI: fuzzes the parsers of every layer
        "fuzz" => &[
            "app",
            "benchmarks",
            "models",
            "engine",
            "data",
            "text",
            "arch",
        ],
        _ => return None,
    })
}

/// Fails with every edge that DESIGN.md does not allow.
pub fn check_deps() -> Result<(), String> {
    let out = cmd(
        "cargo",
        &[
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ],
    )
    .output()
    .map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata JSON: {e}"))?;
    let mut bad = violations(&meta);
    bad.extend(page_engine_imports(&crate::root().join("crates/app/src")));
    if bad.is_empty() {
        println!(
            "check-deps: crate graph follows DESIGN.md; the page code does not import the engine"
        );
        Ok(())
    } else {
        Err(bad.join("\n"))
    }
}

/// Every edge of `cargo metadata` output that DESIGN.md does not allow (dev-dependencies
/// are free: tests may compare across layers).
fn violations(meta: &serde_json::Value) -> Vec<String> {
    let mut bad = Vec::new();
    for package in meta["packages"].as_array().into_iter().flatten() {
        let Some(name) = package["name"]
            .as_str()
            .and_then(|n| n.strip_prefix("brainprobe-"))
        else {
            continue;
        };
        let Some(ok) = allowed(name) else {
            bad.push(format!("crate `{name}` is not in DESIGN.md's layout"));
            continue;
        };
        for dep in package["dependencies"].as_array().into_iter().flatten() {
            let is_dev = dep["kind"].as_str() == Some("dev");
            if let Some(d) = dep["name"]
                .as_str()
                .and_then(|n| n.strip_prefix("brainprobe-"))
            {
                if !is_dev && !ok.contains(&d) {
                    bad.push(format!(
                        "`{name}` depends on `{d}`, against DESIGN.md's direction"
                    ));
                }
            }
        }
    }
    bad
}

/// The app crate builds two binaries; only the worker's may run networks. Every source file
/// under `app_src` outside `worker/` and `bin/worker.rs` is page code, and page code that
/// names `brainprobe_engine` is reported.
fn page_engine_imports(app_src: &std::path::Path) -> Vec<String> {
    let mut bad = Vec::new();
    let mut dirs = vec![app_src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            bad.push(format!("cannot read {}", dir.display()));
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            let rel = path.strip_prefix(app_src).unwrap_or(&path);
            if rel.starts_with("worker") || rel == std::path::Path::new("bin/worker.rs") {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && std::fs::read_to_string(&path).is_ok_and(|t| t.contains("brainprobe_engine"))
            {
                bad.push(format!(
                    "page code {} imports brainprobe_engine: only the worker runs networks",
                    rel.display()
                ));
            }
        }
    }
    bad.sort();
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_code_may_not_import_the_engine_but_the_worker_may() {
        let dir = std::env::temp_dir().join(format!("check-deps-{}", std::process::id()));
        let write = |rel: &str, text: &str| {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("worker/runner.rs", "use brainprobe_engine::Device;");
        write("bin/worker.rs", "use brainprobe_engine::Device;");
        write("pages/fine.rs", "use brainprobe_benchmarks::Score;");
        assert!(page_engine_imports(&dir).is_empty());
        write("pages/bad.rs", "use brainprobe_engine::Tensor;");
        let found = page_engine_imports(&dir);
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("pages/bad.rs"), "{found:?}");
        // the real tree passes
        let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/app/src");
        assert_eq!(page_engine_imports(&real), Vec::<String>::new());
    }

    fn package(name: &str, deps: &[(&str, Option<&str>)]) -> serde_json::Value {
        let deps: Vec<serde_json::Value> = deps
            .iter()
            .map(|(d, kind)| serde_json::json!({"name": d, "kind": kind}))
            .collect();
        serde_json::json!({"name": name, "dependencies": deps})
    }

    #[test]
    fn an_app_to_metrics_import_is_refused_and_the_layout_passes() {
        let good = serde_json::json!({"packages": [
            package("brainprobe-app", &[("brainprobe-benchmarks", None), ("brainprobe-metrics", Some("dev"))]),
            package("brainprobe-models", &[("brainprobe-arch", None), ("brainprobe-engine", None)]),
            package("brainprobe-train", &[("brainprobe-arch", None), ("brainprobe-data", None)]),
            package("brainprobe-arch", &[("serde", None)]),
        ]});
        assert!(violations(&good).is_empty(), "{:?}", violations(&good));
        let bad = serde_json::json!({"packages": [
            package("brainprobe-app", &[("brainprobe-metrics", None)]),
            package("brainprobe-models", &[("brainprobe-train", None)]),
            package("brainprobe-arch", &[("brainprobe-engine", None)]),
            package("brainprobe-extra", &[]),
        ]});
        let found = violations(&bad);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[0].contains("`app` depends on `metrics`"), "{found:?}");
    }
}
