//! `cargo xtask check-deps`: the crate dependency graph must follow DESIGN.md
//! (engine <- models <- benchmarks <- {cli, app}; arch, metrics, data, text are leaves;
//! arch is used by models and train; train depends on arch, data and text only; the app
//! shows what benchmarks return and never depends on metrics). Cargo rejects cycles but
//! not upward edges.

use crate::command::cmd;

/// Workspace crates each crate may depend on (package names without `brainprobe-`).
fn allowed(krate: &str) -> Option<&'static [&'static str]> {
    Some(match krate {
        "arch" | "engine" | "metrics" | "data" | "text" => &[],
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
    let bad = violations(&meta);
    if bad.is_empty() {
        println!("check-deps: crate graph follows DESIGN.md");
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

#[cfg(test)]
mod tests {
    use super::*;

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
