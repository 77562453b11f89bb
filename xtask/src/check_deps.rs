//! `cargo xtask check-deps`: the crate dependency graph must follow DESIGN.md
//! (engine <- models <- benchmarks <- {cli, app}; metrics, data, text are leaves;
//! train depends on data and text only). Cargo rejects cycles but not upward edges.

use crate::command::cmd;

/// Workspace crates each crate may depend on (package names without `brainprobe-`).
fn allowed(krate: &str) -> Option<&'static [&'static str]> {
    Some(match krate {
        "engine" | "metrics" | "data" | "text" => &[],
        "models" => &["engine", "text"],
        "benchmarks" => &["models", "engine", "metrics", "data", "text"],
        "train" => &["data", "text"],
        "cli" => &[
            "benchmarks",
            "models",
            "engine",
            "metrics",
            "data",
            "text",
            "train",
        ],
        "app" => &["benchmarks", "models", "engine", "metrics", "data", "text"],
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
    if bad.is_empty() {
        println!("check-deps: crate graph follows DESIGN.md");
        Ok(())
    } else {
        Err(bad.join("\n"))
    }
}
