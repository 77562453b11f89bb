//! `brainprobe models [--json]`: registered models with what their manifests say.

use brainprobe_models::registry::MODELS;
use brainprobe_models::{manifest_blocking, WeightStore};
use clap::Args;

/// Options of `models`.
#[derive(Args)]
pub struct ModelsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Lists the models.
pub fn run(args: ModelsArgs) -> Result<(), String> {
    let mut rows = Vec::new();
    let store = WeightStore::native();
    for m in MODELS {
        let (updates, quality) = match manifest_blocking(m.id, &store) {
            Ok(None) => (
                "0".into(),
                "generated in code from a fixed seed".to_string(),
            ),
            Ok(Some(manifest)) => {
                let acc = manifest
                    .evaluation
                    .get("cifar10_test_accuracy")
                    .and_then(|v| v.as_float())
                    .map(|a| format!("CIFAR-10 test accuracy {:.1} %", a * 100.0))
                    .unwrap_or_default();
                (manifest.updates.to_string(), acc)
            }
            Err(_) if m.is_baseline() => (
                "-".into(),
                "control; word counts missing (run `cargo xtask prepare-data`)".to_string(),
            ),
            Err(_) => ("-".into(), "manifest not found".to_string()),
        };
        let quality = if m.is_baseline() && !quality.starts_with("control") {
            "control (METRICS §10.1), not a network".to_string()
        } else {
            quality
        };
        rows.push(serde_json::json!({"id": m.id, "description": m.description, "updates": updates, "quality": quality}));
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!(
        "{:<26} {:>10}  {:<36} description",
        "model", "updates", "quality"
    );
    for r in &rows {
        println!(
            "{:<26} {:>10}  {:<36} {}",
            r["id"].as_str().unwrap_or(""),
            r["updates"].as_str().unwrap_or(""),
            r["quality"].as_str().unwrap_or(""),
            r["description"].as_str().unwrap_or("")
        );
    }
    Ok(())
}
