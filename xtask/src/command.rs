//! Running child processes with the project's tool PATH and clear failures.

use std::process::Command;

use crate::root;

/// PATH with the project-local binaryen and cargo's bin directory first.
pub fn tool_path() -> String {
    let root = root();
    let mut parts = vec![root
        .join("tools/binaryen/node_modules/.bin")
        .display()
        .to_string()];
    if let Ok(home) = std::env::var("CARGO_HOME") {
        parts.push(format!("{home}/bin"));
    } else if let Ok(home) = std::env::var("HOME") {
        parts.push(format!("{home}/.cargo/bin"));
    }
    parts.push(std::env::var("PATH").unwrap_or_default());
    parts.join(":")
}

/// A command in the workspace root with the tool PATH.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root()).env("PATH", tool_path());
    c
}

/// Runs a command, failing with its command line when it exits non-zero.
pub fn run(mut c: Command) -> Result<(), String> {
    let line = format!("{c:?}");
    println!("+ {line}");
    let status = c
        .status()
        .map_err(|e| format!("cannot start {line}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("command failed ({status}): {line}"))
    }
}

/// The trimmed stdout of a command, or None when it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = cmd(program, args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
