//! `brainprobe wiring-up [--json] [--out DIR]`: IT RSA and CIFAR-10 accuracy for every
//! cornet-s-mini checkpoint and variant against supervised updates (Geiger et al. 2022).

use std::path::PathBuf;

use brainprobe_benchmarks::registry::{self, find};
use brainprobe_benchmarks::vision::wiring_up::{cifar_accuracy, WiringUp, WiringUpRow, MODELS};
use brainprobe_benchmarks::Subject;
use clap::Args;

use super::device::{open, DeviceChoice};
use super::scoring::{context, load_subject, stage_bar};

/// Options of `wiring-up`.
#[derive(Args)]
pub struct WiringUpArgs {
    /// Engine device.
    #[arg(long, value_enum, default_value_t)]
    device: DeviceChoice,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Also write wiring-up.json and wiring-up.md here.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Runs the report.
pub fn run(args: WiringUpArgs) -> Result<(), String> {
    let spec = find("kriegeskorte2008-it-rsa").map_err(|e| e.to_string())?;
    let device = open(args.device)?;
    let ctx = context(&[spec])?;
    let bar = stage_bar(false);
    let mut rows = Vec::new();
    for id in MODELS {
        let subject = load_subject(id, &device, None)?;
        let progress = |stage: &str, done: usize, total: usize| {
            bar.set_message(format!("{id}: {stage}"));
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        };
        let score = pollster::block_on(registry::run(spec, &subject, &ctx, &progress))
            .map_err(|e| e.to_string())?;
        let Subject::Vision(v) = &subject else {
            continue;
        };
        let (acc, images) =
            pollster::block_on(cifar_accuracy(v, &ctx, &progress)).map_err(|e| e.to_string())?;
        rows.push(WiringUpRow::new(&score, acc, images));
    }
    bar.finish_and_clear();
    let report = WiringUp::new(rows);
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    let md = report.to_markdown();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (name, text) in [("wiring-up.json", &json), ("wiring-up.md", &md)] {
            std::fs::write(dir.join(name), text).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }
    if args.json {
        println!("{json}");
    } else {
        print!("{md}");
    }
    Ok(())
}
