//! Shared by the CLI's integration tests: run the built `brainprobe` binary from the
//! workspace root (where the prepared bundles are), and read the `.npy` files it writes.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use ndarray::Array2;
use ndarray_npy::ReadNpyExt;

/// Runs `brainprobe args…` from the workspace root with extra environment `env`.
pub fn brainprobe_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    Command::new(env!("CARGO_BIN_EXE_brainprobe"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(&root)
        .output()
        .expect("brainprobe runs")
}

/// Runs `brainprobe args…` from the workspace root.
pub fn brainprobe(args: &[&str]) -> Output {
    brainprobe_env(args, &[])
}

/// Runs `brainprobe args…` and returns (success, stdout, stderr) as text.
pub fn brainprobe_text(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let out = brainprobe_env(args, env);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A 2-D f32 `.npy` file the CLI wrote.
pub fn read_npy(path: &Path) -> Array2<f32> {
    Array2::<f32>::read_npy(std::fs::File::open(path).expect("npy written")).expect("valid npy")
}
