//! `brainprobe-fuzz`: lists the fuzz targets or runs one for a while (`cargo xtask fuzz`
//! builds and calls it). Crashing inputs are written to
//! `target/fuzz/<target>/` and the run fails.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

/// Fuzz the parsers of untrusted bytes.
#[derive(Parser, Debug)]
#[command(name = "brainprobe-fuzz")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The targets and what each parses.
    List,
    /// Runs one target (or `all`, one after the other).
    Run {
        /// Target name, or `all`.
        target: String,
        /// Seconds per target.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Seed of the mutation RNG.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where crashing inputs go.
        #[arg(long, default_value = "target/fuzz")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::List => {
            for t in brainprobe_fuzz::targets::all() {
                println!("{:<12} {}", t.name, t.what);
            }
            ExitCode::SUCCESS
        }
        Command::Run {
            target,
            seconds,
            seed,
            out,
        } => {
            let targets = if target == "all" {
                brainprobe_fuzz::targets::all()
            } else if let Some(t) = brainprobe_fuzz::find(&target) {
                vec![t]
            } else {
                let names: Vec<&str> = brainprobe_fuzz::targets::all()
                    .iter()
                    .map(|t| t.name)
                    .collect();
                eprintln!("unknown target `{target}`; targets: {}", names.join(", "));
                return ExitCode::FAILURE;
            };
            let mut failed = false;
            for t in targets {
                let dir = out.join(t.name);
                brainprobe_fuzz::alloc::set_crash_dir(dir.clone());
                let r = brainprobe_fuzz::fuzz(&t, Duration::from_secs(seconds), seed);
                println!(
                    "{:<12} {seconds:>5} s  {:>9} inputs ({:.0}/s), {:>8} accepted, corpus {:>3}, {} crash(es)",
                    r.target,
                    r.runs,
                    r.runs as f64 / seconds.max(1) as f64,
                    r.accepted,
                    r.corpus,
                    r.crashes.len()
                );
                for c in &r.crashes {
                    let path = dir.join(format!("crash-{}", brainprobe_fuzz::digest(&c.input)));
                    let saved = std::fs::create_dir_all(&dir)
                        .and_then(|_| std::fs::write(&path, &c.input))
                        .map(|_| path.display().to_string())
                        .unwrap_or_else(|e| format!("(not saved: {e})"));
                    println!("  crash: {} — input {saved}", c.message);
                    failed = true;
                }
            }
            if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
