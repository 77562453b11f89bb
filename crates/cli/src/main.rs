//! `brainprobe`: the native command line. Same crates, same numbers as the web app.

mod commands;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "brainprobe",
    version,
    about = "Score small language and vision networks against human brain and behaviour data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the datasets (counts, licence, citation), or `show <id>` for a summary of one.
    Datasets(commands::datasets::DatasetsArgs),
    /// Verify the third-party data and (re)build the bundles under www/assets/data.
    PrepareData(commands::prepare::PrepareArgs),
    /// List the models and what their weights manifests say.
    Models(commands::models::ModelsArgs),
    /// Top-3 CIFAR-10 classes of an image under a vision model.
    Classify(commands::classify::ClassifyArgs),
    /// Write a model's per-layer activations to a dataset's stimuli as `.npy`.
    Record(commands::record::RecordArgs),
    /// Next-word quality of causal language models (`eval wikitext2 --model gpt-mini`).
    Eval(commands::eval::EvalArgs),
    /// Run one scoring method on `.npy` inputs and print JSON (`metric --help` lists them).
    #[command(subcommand)]
    Metric(commands::metric::MetricCommand),
    /// Score one model on one benchmark (per-layer table, best layer, ceiling; `--json`).
    Score(commands::score::ScoreArgs),
    /// Every model × benchmark: leaderboard.json and leaderboard.md under `--out`.
    Leaderboard(commands::leaderboard::LeaderboardArgs),
    /// Predict the Pereira language-network response to any sentence (predicted, not measured).
    PredictLangnet(commands::predict_langnet::PredictArgs),
    /// IT RSA and CIFAR-10 accuracy of every cornet-s-mini checkpoint vs supervised updates.
    WiringUp(commands::wiring_up::WiringUpArgs),
    /// Benchmarks (`bench engine`: CPU vs GPU op timings; `bench lm`: llama tokens/s).
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Time matmul, conv2d, attention and layer norm on the CPU and the GPU side by side.
    Engine(commands::bench_engine::BenchEngineArgs),
    /// Time RidgeCV and RSA/Nili natively and against scikit-learn/SciPy (if installed).
    Metrics(commands::bench_metrics::BenchMetricsArgs),
    /// Tokens per second of a llama forward: engine CPU, engine GPU and candle, side by side.
    Lm(commands::bench_lm::BenchLmArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Datasets(args) => commands::datasets::run(args),
        Command::PrepareData(args) => commands::prepare::run(args),
        Command::Bench(BenchCommand::Engine(args)) => commands::bench_engine::run(args),
        Command::Bench(BenchCommand::Metrics(args)) => commands::bench_metrics::run(args),
        Command::Bench(BenchCommand::Lm(args)) => commands::bench_lm::run(args),
        Command::Metric(cmd) => commands::metric::run(cmd),
        Command::Models(args) => commands::models::run(args),
        Command::Classify(args) => commands::classify::run(args),
        Command::Record(args) => commands::record::run(args),
        Command::Score(args) => commands::score::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Leaderboard(args) => commands::leaderboard::run(args),
        Command::WiringUp(args) => commands::wiring_up::run(args),
        Command::PredictLangnet(args) => commands::predict_langnet::run(args),
    };
    if let Err(e) = result {
        eprintln!("brainprobe: error: {e}");
        std::process::exit(1);
    }
}
