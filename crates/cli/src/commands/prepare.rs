//! `brainprobe prepare-data`: the same step as `cargo xtask prepare-data`, with a progress bar.

use std::path::PathBuf;

use brainprobe_data::prepare::{prepare_workspace, Source};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

/// Options of `prepare-data`.
#[derive(Args)]
pub struct PrepareArgs {
    /// Mirror directory (default: $BRAINPROBE_DATA_MIRROR, else ../shared/data beside the workspace).
    #[arg(long)]
    mirror: Option<PathBuf>,
    /// Workspace root holding data/ and www/ (default: current directory).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

/// Runs prepare-data.
pub fn run(args: PrepareArgs) -> Result<(), String> {
    let source = match args.mirror {
        Some(dir) => Source::Mirror(dir),
        None => Source::from_env(&args.root.join("../shared/data")),
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = prepare_workspace(&args.root, &source, &mut |done, total, path| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(path.to_string());
    })
    .map_err(|e| e.to_string());
    bar.finish_and_clear();
    for line in report?.lines() {
        println!("{line}");
    }
    Ok(())
}
