//! The About page: data sources, licences and citations (from `data/manifest.toml`, compiled
//! into the data crate), how each benchmark computes its score, and how to run the CLI.

use brainprobe_benchmarks::registry::BENCHMARKS;
use brainprobe_data::Manifest;
use yew::prelude::*;

const CLI: &str = "\
cargo xtask prepare-data                       # verify the data, build the bundles
cargo run --release -p brainprobe-cli -- models
cargo run --release -p brainprobe-cli -- score --model cornet-s-mini --benchmark kriegeskorte2008-it-rsa --json
cargo run --release -p brainprobe-cli -- leaderboard --out results
cargo run --release -p brainprobe-cli -- wiring-up --out results
cargo xtask serve                              # this app on http://127.0.0.1:8080/";

/// The page.
#[function_component(AboutPage)]
pub fn about_page() -> Html {
    let manifest = use_memo((), |_| Manifest::project().map_err(|e| e.to_string()));
    let sources = match &*manifest {
        Ok(m) => html! {
            <table class="sources-table" id="about-sources">
                <thead><tr><th scope="col">{"dataset"}</th><th scope="col">{"licence"}</th><th scope="col">{"cite"}</th><th scope="col">{"source"}</th></tr></thead>
                <tbody>
                    { for m.datasets.iter().map(|d| html! {
                        <tr data-id={d.id.clone()}>
                            <td><b>{&d.title}</b><br /><code>{&d.id}</code></td>
                            <td>{&d.licence}</td>
                            <td><ul>{ for d.citation.iter().map(|c| html! { <li>{c}</li> }) }</ul></td>
                            <td><ul>{ for d.source.iter().map(|u| html! { <li><a href={u.clone()} target="_blank" rel="noopener noreferrer">{u}</a></li> }) }</ul></td>
                        </tr>
                    }) }
                </tbody>
            </table>
        },
        Err(e) => html! { <p class="error">{"The data manifest could not be read: "}{e}</p> },
    };
    html! {
        <section class="about-page">
            <h2>{"About"}</h2>
            <h3>{"How scores are computed"}</h3>
            <p>{"A benchmark shows the model the same stimuli people saw, records its layers, and compares them with the human data by a fixed metric. Where the data allow it, the raw score is divided by a noise ceiling (how well the data predict themselves) and clipped to [0, 1]; otherwise the raw value is reported and the notes say so. A number that does not exist (e.g. a layer whose features are constant) is shown as \"undefined\", never as NaN. Each score records the model's weights sha256, the benchmark version, the device and the sha256 of every data file read. The metric definitions are in docs/METRICS.md of the repository."}</p>
            <ul class="benchmarks">
                { for BENCHMARKS.iter().map(|b| html! {
                    <li><code>{b.id}</code>{format!(" (v{}, {}): {}. Data: {}.", b.version, b.modality.name(), b.description, b.citation)}</li>
                }) }
            </ul>
            <h3>{"Data sources, licences and citations"}</h3>
            { sources }
            <h3>{"Run it from the command line"}</h3>
            <p>{"The CLI prints the same numbers as this page (same benchmark code, same device choice: "}<code>{"--device auto|cpu|gpu"}</code>{")."}</p>
            <pre class="cli"><code>{CLI}</code></pre>
        </section>
    }
}
