//! The site's service worker (`www/sw.js`, offline second visits): written into a built
//! site with the build's digest and its app-shell file list, by `build-web` and by Trunk's
//! post-build hook (`cargo xtask sha256sums`).

use std::path::Path;

use sha2::{Digest, Sha256};

/// Files of the app shell, precached on install when the site has them: the page, its
/// scripts and wasm, the stylesheet, the logo and the digest list the worker verifies with.
const SHELL: [&str; 11] = [
    "./",
    "index.html",
    "bootstrap.js",
    "app.js",
    "app_bg.wasm",
    "worker-entry.js",
    "worker.js",
    "worker_bg.wasm",
    "style.css",
    "assets/logo.svg",
    "SHA256SUMS",
];

/// The shell files present in `site`, the data bundles (`assets/data/`, what every page
/// reads) and every model manifest (read fresh by the worker), as site-relative paths.
pub fn shell_files(site: &Path) -> Vec<String> {
    let mut files: Vec<String> = SHELL
        .iter()
        .filter(|f| **f == "./" || site.join(f).is_file())
        .map(|f| f.to_string())
        .collect();
    let mut bundles = crate::web_build::site_files(site, "assets/data").unwrap_or_default();
    bundles.sort();
    files.extend(bundles);
    for dir in ["weights", "assets/models"] {
        let Ok(models) = std::fs::read_dir(site.join(dir)) else {
            continue;
        };
        let mut manifests: Vec<String> = models
            .flatten()
            .filter(|m| m.path().join("manifest.toml").is_file())
            .map(|m| format!("{dir}/{}/manifest.toml", m.file_name().to_string_lossy()))
            .collect();
        manifests.sort();
        files.extend(manifests);
    }
    files
}

/// The build's digest: the first 16 hex digits of the sha256 over the shell files' paths
/// and bytes.
pub fn build_digest(site: &Path, files: &[String]) -> Result<String, String> {
    let mut hasher = Sha256::new();
    for f in files.iter().filter(|f| f.as_str() != "./") {
        let bytes = std::fs::read(site.join(f)).map_err(|e| format!("read {f}: {e}"))?;
        hasher.update(f.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(hex::encode(&hasher.finalize()[..8]))
}

/// Writes `site/sw.js` from `template` (`www/sw.js`); returns the build digest.
pub fn write(template: &Path, site: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(template)
        .map_err(|e| format!("read {}: {e}", template.display()))?;
    let files = shell_files(site);
    let digest = build_digest(site, &files)?;
    let list = serde_json::to_string(&files).map_err(|e| e.to_string())?;
    if !text.contains("__BUILD_DIGEST__") || !text.contains("__SHELL_FILES__") {
        return Err(format!(
            "{} lacks the build placeholders",
            template.display()
        ));
    }
    let out = text
        .replace("__BUILD_DIGEST__", &digest)
        .replace("__SHELL_FILES__", &list);
    std::fs::write(site.join("sw.js"), out).map_err(|e| format!("write sw.js: {e}"))?;
    Ok(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_lists_the_shell_and_manifests_and_changes_with_the_build() {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = dir.path();
        for (rel, text) in [
            ("index.html", "<html>"),
            ("app.js", "a"),
            ("SHA256SUMS", "x  y\n"),
            ("assets/data/pereira/sentences.csv", "s"),
            ("weights/gpt-mini/manifest.toml", "id = 'gpt-mini'"),
            ("weights/gpt-mini/model.safetensors", "w"),
            ("assets/models/smollm2-135m/manifest.toml", "id = 's'"),
        ] {
            std::fs::create_dir_all(site.join(rel).parent().expect("parent")).expect("mkdir");
            std::fs::write(site.join(rel), text).expect("write");
        }
        let template = site.join("sw-template.js");
        std::fs::write(
            &template,
            "const B = '__BUILD_DIGEST__';\nconst S = __SHELL_FILES__;\n",
        )
        .expect("template");
        let first = write(&template, site).expect("written");
        let sw = std::fs::read_to_string(site.join("sw.js")).expect("sw.js");
        assert_eq!(
            sw,
            format!(
                "const B = '{first}';\nconst S = [\"./\",\"index.html\",\"app.js\",\"SHA256SUMS\",\
                 \"assets/data/pereira/sentences.csv\",\"weights/gpt-mini/manifest.toml\",\"assets/models/smollm2-135m/manifest.toml\"];\n"
            )
        );
        std::fs::write(site.join("app.js"), "b").expect("new build");
        assert_ne!(write(&template, site).expect("rewritten"), first);
        std::fs::write(&template, "no placeholders").expect("template");
        assert!(write(&template, site).is_err());
    }
}
