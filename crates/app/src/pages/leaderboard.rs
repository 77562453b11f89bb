//! The Leaderboard page: models × benchmarks for vision and for language, each cell computed
//! on demand in the worker (`registry::run`, as `brainprobe leaderboard` does) with its own
//! progress, coloured by value; ceilings noted per column; the baselines (controls, METRICS
//! §10.1) as rows of their own, set apart, and each model cell's paired difference from its
//! column's baseline once both are computed (`Leaderboard::pair_with_baselines`: the
//! benchmarks crate computes it, the page formats it); published reference rows (language)
//! set apart; export as CSV or JSON.

use brainprobe_benchmarks::language::findings::PUBLISHED_BENCHMARKS;
use brainprobe_benchmarks::leaderboard::{is_baseline, Failure, Leaderboard, ReferenceRow};
use brainprobe_benchmarks::paired::Paired;
use brainprobe_benchmarks::registry::{Kind, Modality, BENCHMARKS};
use brainprobe_benchmarks::{BenchmarkSpec, Score};
use yew::prelude::*;

use super::language::language_models;
use super::vision::{rsa_models, show};
use crate::committed::{language_leaderboard, vision_leaderboard};
use crate::plots::palette::{ramp, ramp_css};
use crate::state::Runs;
use crate::state::RunsState;
use crate::worker::protocol::{DeviceChoice, Job};
use brainprobe_models::registry::lookup;

/// Why `model` cannot be scored on `spec` at all (the registry rows say), if so.
fn not_applicable(model: &str, spec: &BenchmarkSpec) -> Option<&'static str> {
    lookup(model).ok().and_then(|m| spec.not_applicable(m))
}

fn columns(modality: Modality) -> Vec<&'static BenchmarkSpec> {
    BENCHMARKS
        .iter()
        .filter(|b| b.modality == modality)
        .collect()
}

/// Rows of the table for `modality`: the networks (those the browser can run, then those
/// only the CLI scores that have committed values, e.g. MiniLM), then the baselines.
fn models(modality: Modality) -> Vec<&'static str> {
    let mut rows: Vec<&'static str> = match modality {
        Modality::Vision => rsa_models().collect(),
        Modality::Language => language_models().collect(),
    };
    let board = match modality {
        Modality::Vision => vision_leaderboard(),
        Modality::Language => language_leaderboard(),
    };
    let cli_only: Vec<&'static str> = brainprobe_models::registry::MODELS
        .iter()
        .filter(|m| !m.in_browser && !rows.contains(&m.id))
        .filter(|m| board.is_some_and(|b| b.scores.iter().any(|s| s.model.id == m.id)))
        .map(|m| m.id)
        .collect();
    rows.extend(cli_only);
    rows.sort_by_key(|m| is_baseline(m));
    rows
}

/// True when `model` is scored by the CLI only (its weights are not served).
fn cli_only_model(model: &str) -> bool {
    lookup(model).is_ok_and(|m| !m.in_browser)
}

/// Bytes `model` downloads on its first run when that is large (MiniLM, SmolLM2): such
/// cells are computed one by one, their button saying the size; "Compute all" skips them.
fn large_download(model: &str) -> Option<u64> {
    lookup(model)
        .ok()
        .map(|m| m.download_bytes)
        .filter(|&b| b > 0)
}

fn job(model: &str, benchmark: &str) -> Job {
    Job::Score {
        model: model.to_string(),
        benchmark: benchmark.to_string(),
    }
}

/// The scores and failures on the page, as the CLI's leaderboard type.
pub fn collect(state: &RunsState) -> Leaderboard {
    let mut board = Leaderboard::default();
    let pairs = [Modality::Vision, Modality::Language]
        .into_iter()
        .flat_map(|m| {
            let cols = columns(m);
            models(m)
                .into_iter()
                .flat_map(move |model| cols.clone().into_iter().map(move |s| (model, s)))
        });
    for (model, spec) in pairs {
        {
            let key = (job(model, spec.id), DeviceChoice::Auto);
            if let Some(r) = state.results.get(&key).and_then(|r| r.score()) {
                board.scores.push(r.clone());
            } else if let Some(e) = state.errors.get(&key) {
                board.failures.push(Failure {
                    model: model.to_string(),
                    benchmark: spec.id.to_string(),
                    error: e.message.clone(),
                });
            }
        }
    }
    board.notes.push(
        "computed in the browser by brainprobe's web app (same registry::run as the CLI)".into(),
    );
    board.reference = published_rows().to_vec();
    board.pair_with_baselines();
    board
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One CSV row per score: ids, value, raw, ceiling, error, layer, device, and the paired
/// difference from the column's baseline (mean, SE, pairs ahead, pairs) where computed.
pub fn to_csv(board: &Leaderboard) -> String {
    let mut out = String::from(
        "model,benchmark,value,raw,ceiling,error,layer,device,delta,delta_se,delta_ahead,delta_pairs\n",
    );
    let num = |v: Option<f64>| v.map(|x| format!("{x:.6}")).unwrap_or_default();
    for s in &board.scores {
        let row = [
            s.model.id.clone(),
            s.benchmark.id.clone(),
            s.value
                .get()
                .map_or_else(|| s.value.to_string(), |v| format!("{v:.6}")),
            s.raw
                .get()
                .map_or_else(|| s.raw.to_string(), |v| format!("{v:.6}")),
            num(s.ceiling.as_ref().map(|c| c.value)),
            num(s.error.as_ref().map(|e| e.value)),
            s.layer_label(),
            s.model.device.clone(),
            num(board.delta(s).map(|d| d.mean)),
            num(board.delta(s).and_then(|d| d.se)),
            board
                .delta(s)
                .map(|d| d.positive.to_string())
                .unwrap_or_default(),
            board
                .delta(s)
                .map(|d| d.pairs.to_string())
                .unwrap_or_default(),
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// Offers `text` as a file download (a Blob URL clicked through a hidden link).
fn download(name: &str, mime: &str, text: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
            return;
        };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
            return;
        };
        if let Some(a) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("a").ok())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        {
            a.set_href(&url);
            a.set_download(name);
            a.click();
        }
        let _ = web_sys::Url::revoke_object_url(&url);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (name, mime, text);
}

/// The committed CLI score of `model` on `spec` (same benchmark version, no time-step cap)
/// and its paired difference from the column's baseline, as the committed run stored them.
pub fn committed_cell(
    model: &str,
    spec: &BenchmarkSpec,
) -> Option<(&'static Score, Option<&'static Paired>)> {
    let board = match spec.modality {
        Modality::Vision => vision_leaderboard(),
        Modality::Language => language_leaderboard(),
    }?;
    let s = board.scores.iter().find(|s| {
        s.model.id == model
            && s.benchmark.id == spec.id
            && s.benchmark.version == spec.version
            && s.model.timesteps.is_none()
    })?;
    Some((s, board.delta(s)))
}

/// "0.314 ± 0.039" (the value's own error, computed by the benchmarks crate), or the
/// value and why it has none.
fn value_text(s: &Score) -> String {
    match (s.value_error(), s.missing_error()) {
        (Some(e), _) => format!("{} ± {e:.3}", show(s.value)),
        (None, Some(why)) => format!("{} (no SE: {why})", show(s.value)),
        (None, None) => show(s.value),
    }
}

/// Background and ink of a cell showing `v` (none for perplexity, which is not on the
/// 0–1 scale of the colour bar).
fn cell_style(spec: &BenchmarkSpec, v: Option<f64>) -> Option<String> {
    if spec.kind == Kind::NextWord {
        return None;
    }
    v.map(|v| {
        let (r, g, b) = ramp(v);
        let ink = if 0.299 * r as f64 + 0.587 * g as f64 + 0.114 * b as f64 > 140.0 {
            "#111"
        } else {
            "#fff"
        };
        format!("background:{};color:{ink}", ramp_css(v))
    })
}

/// The committed value of a cell, labelled, with its Δ.
fn committed_html(s: &Score, delta: Option<&Paired>, also: &str) -> Html {
    html! {
        <>
            <span class="committed-value">{value_text(s)}</span>
            if let Some(d) = delta {
                <br /><small class="delta" title={d.describe()}>{d.short()}</small>
            }
            <br /><small class="source">{format!("committed CLI run{also}")}</small>
        </>
    }
}

fn cell(
    state: &RunsState,
    board: &Leaderboard,
    runs: &Runs,
    model: &str,
    spec: &BenchmarkSpec,
) -> Html {
    let key = (job(model, spec.id), DeviceChoice::Auto);
    let id = format!("cell-{model}-{}", spec.id);
    if let Some(why) = not_applicable(model, spec) {
        return html! { <td {id} class="cell na" title={why}>{"n/a"}</td> };
    }
    let committed = committed_cell(model, spec);
    let committed_title = |s: &Score| {
        format!(
            "committed CLI run (results/…/leaderboard.json): raw {} · layer {} · {}",
            show(s.raw),
            s.layer_label(),
            s.model.device
        )
    };
    let limitation = spec.browser_limitation().or_else(|| {
        cli_only_model(model)
            .then_some("scored by the CLI only: this model's weights are not served to the browser")
    });
    if let Some(why) = limitation {
        return match committed {
            Some((s, d)) => html! {
                <td {id} class="cell na committed num" style={cell_style(spec, s.value.get())} title={format!("{} — {why}", committed_title(s))}>
                    { committed_html(s, d, " · CLI only") }
                </td>
            },
            None => html! { <td {id} class="cell na" title={why}>{"CLI only"}</td> },
        };
    }
    let score: Option<&Score> = state.results.get(&key).and_then(|r| r.score());
    if let Some(s) = score {
        let v = s.value.get();
        let style = cell_style(spec, v);
        let title = format!(
            "raw {} · layer {} · {}",
            show(s.raw),
            s.layer_label(),
            s.model.device
        );
        let delta = board.delta(s).map(|d| {
            html! { <><br /><small class="delta" title={d.describe()}>{d.short()}</small></> }
        });
        return html! { <td {id} class="cell done num" {style} {title} data-value={v.map(|v| format!("{v:.6}")).unwrap_or_default()}>{value_text(s)}{for delta}</td> };
    }
    if let Some(active) = state.active.as_ref().filter(|a| a.key == key) {
        let pct = (100 * active.progress.done)
            .checked_div(active.progress.total)
            .unwrap_or(0);
        return html! { <td {id} class="cell running" aria-busy="true">{format!("{pct} % · {}", active.progress.step)}</td> };
    }
    if state.queued.contains(&key) {
        return html! { <td {id} class="cell queued">{"queued"}</td> };
    }
    let run = {
        let client = runs.client.clone();
        let job = key.0.clone();
        Callback::from(move |_: MouseEvent| client.submit(job.clone(), DeviceChoice::Auto))
    };
    let error = state.errors.get(&key).map(|e| e.message.clone());
    let label = match (&error, committed) {
        (Some(_), _) => "failed — retry",
        (None, Some(_)) => "recompute",
        (None, None) => "compute",
    };
    let label = match large_download(model) {
        Some(bytes) => format!(
            "{label} (first run downloads ≈ {})",
            crate::components::download_notice::megabytes(bytes)
        ),
        None => label.to_string(),
    };
    let title = error
        .clone()
        .or_else(|| committed.map(|(s, _)| committed_title(s)));
    html! {
        <td {id} class={classes!("cell", committed.is_some().then_some("committed"), committed.is_some().then_some("num"), error.is_some().then_some("failed"))}
            style={committed.and_then(|(s, _)| cell_style(spec, s.value.get()))} {title}
            data-committed={committed.and_then(|(s, _)| s.value.get()).map(|v| format!("{v:.6}"))}>
            if let Some((s, d)) = committed {
                { committed_html(s, d, "") }
                <br />
            }
            <button class="cell-run" onclick={run} aria-label={format!("{label} {model} on {}", spec.id)}>{label}</button>
        </td>
    }
}

/// Published rows (Schrimpf et al. 2021) from the committed language leaderboard.
pub fn published_rows() -> &'static [ReferenceRow] {
    language_leaderboard().map_or(&[], |b| &b.reference)
}

/// Published rows as table rows under the language models: one per published model, its
/// value in the column its benchmark corresponds to.
fn published_table_rows(cols: &[&BenchmarkSpec]) -> Html {
    let rows = published_rows();
    let mut names: Vec<&str> = rows.iter().map(|r| r.model.as_str()).collect();
    names.dedup();
    html! {
        <>
            if !names.is_empty() {
                <tr class="reference-head"><th colspan={(cols.len() + 1).to_string()}>{"Published (Schrimpf et al. 2021; best layer, voxel-level, ceiling-normalised — not computed here, not the same quantity)"}</th></tr>
            }
            { for names.into_iter().map(|name| html! {
                <tr class="reference">
                    <th scope="row">{name}</th>
                    { for cols.iter().map(|spec| {
                        let v = rows.iter().find(|r| r.model == name && PUBLISHED_BENCHMARKS.iter().any(|(theirs, ours)| r.benchmark == *theirs && *ours == spec.id));
                        match v {
                            Some(r) => html! { <td class="cell published num" title={format!("{} — {}", r.benchmark, r.source)}>{r.value_text()}</td> },
                            None => html! { <td class="cell published">{"–"}</td> },
                        }
                    }) }
                </tr>
            }) }
        </>
    }
}

/// The page.
#[function_component(LeaderboardPage)]
pub fn leaderboard_page() -> Html {
    let Some(runs) = use_context::<Runs>() else {
        return html! {};
    };
    let modality = use_state(|| Modality::Vision);
    let state = &*runs.state;
    let cols = columns(*modality);
    let rows = models(*modality);
    let board = collect(state);
    let compute_all = {
        let client = runs.client.clone();
        let cols = cols.clone();
        let rows = rows.clone();
        Callback::from(move |_: MouseEvent| {
            for m in &rows {
                for spec in cols.iter().filter(|s| {
                    s.browser_limitation().is_none()
                        && not_applicable(m, s).is_none()
                        && !cli_only_model(m)
                        && large_download(m).is_none()
                }) {
                    client.submit(job(m, spec.id), DeviceChoice::Auto);
                }
            }
        })
    };
    let export_json = {
        let state = runs.state.clone();
        Callback::from(move |_: MouseEvent| {
            let text = serde_json::to_string_pretty(&collect(&state)).unwrap_or_default();
            download("brainprobe-leaderboard.json", "application/json", &text);
        })
    };
    let export_csv = {
        let state = runs.state.clone();
        Callback::from(move |_: MouseEvent| {
            download(
                "brainprobe-leaderboard.csv",
                "text/csv",
                &to_csv(&collect(&state)),
            )
        })
    };
    let ceiling_note = |spec: &BenchmarkSpec| -> String {
        let seen = state
            .results
            .values()
            .filter_map(|r| r.score())
            .find(|s| s.benchmark.id == spec.id);
        match seen.map(|s| s.ceiling.clone()) {
            Some(Some(c)) => format!("value = raw / ceiling {:.3}, clipped to [0, 1]", c.value),
            Some(None) => "no ceiling: value = raw".into(),
            None => spec.description.to_string(),
        }
    };
    let tab = |m: Modality, label: &'static str, id: &'static str| {
        let modality = modality.clone();
        let current = *modality == m;
        html! {
            <button {id} role="tab" aria-selected={current.to_string()} class={classes!("tab", current.then_some("active"))}
                    onclick={Callback::from(move |_: MouseEvent| modality.set(m))}>{label}</button>
        }
    };
    html! {
        <section class="leaderboard-page">
            <h2>{"Leaderboard"}</h2>
            <p class="lead">{"Every model on every benchmark of its modality. Each cell opens with the committed CLI run's value ± its error (labelled \"committed CLI run\"; results/leaderboard.json and results/language/leaderboard.json of the repository) and can be recomputed in your browser (each cell is one "}<code>{"brainprobe score"}</code>{" run). Colour: value from 0 (dark blue) to 1 (yellow). Occlusion and reading-time cells take minutes on a software GPU."}</p>
            <div class="tabs" role="tablist">
                { tab(Modality::Vision, "Vision", "board-vision") }
                { tab(Modality::Language, "Language", "board-language") }
            </div>
            <p class="controls">
                <button id="leaderboard-all" class="primary" onclick={compute_all}>{"Compute all"}</button>
                <button id="export-csv" onclick={export_csv}>{"Export CSV"}</button>
                <button id="export-json" onclick={export_json}>{"Export JSON"}</button>
            </p>
            <div class="table-scroll">
                <table id="leaderboard" class="leaderboard" data-modality={format!("{:?}", *modality)}>
                    <thead>
                        <tr>
                            <th scope="col">{"model"}</th>
                            { for cols.iter().map(|s| html! { <th scope="col" title={s.citation}><code>{s.id}</code><br /><small>{ceiling_note(s)}</small></th> }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for rows.iter().map(|m| {
                            let control = is_baseline(m);
                            html! {
                                <tr class={classes!(control.then_some("baseline"))}>
                                    <th scope="row"><code>{*m}</code>
                                        if control { <br /><small title="a control, not a model (METRICS §10.1): every model cell in its column shows Δ, the paired difference from it">{"control"}</small> }
                                    </th>
                                    { for cols.iter().map(|s| cell(state, &board, &runs, m, s)) }
                                </tr>
                            }
                        }) }
                        if *modality == Modality::Language {
                            { published_table_rows(&cols) }
                        }
                    </tbody>
                </table>
            </div>
            <div class="leaderboard-legend" aria-hidden="true">
                <span>{"0"}</span>
                <div class="colorbar" style={format!("background: linear-gradient(to right, {})", (0..=4).map(|k| ramp_css(k as f64 / 4.0)).collect::<Vec<_>>().join(", "))}></div>
                <span>{"1 — value (ceiling-normalised where the column has a ceiling)"}</span>
            </div>
            <p class="note">{"Δ under a value: the model minus its column's baseline (a control row, METRICS §10.1) in raw units on the same splits, story folds or subjects — mean ± SE, then how many of them the model is ahead in (§10.4); the committed run's until both cells are recomputed here. \"no SE\": the benchmark yields one number (one RDM, one pooled correlation or perplexity). "}</p>
            <p class="note">{"Exports hold every computed cell of both tables and the published rows (labelled by source). Committed CLI results: results/leaderboard.md (vision) and results/language/leaderboard.md of the repository. MiniLM is scored by the CLI only (its weights are not served)."}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_fields_that_need_it() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
        assert!(to_csv(&Leaderboard::default()).starts_with("model,benchmark,value"));
    }

    #[test]
    fn cli_only_and_not_applicable_cells_are_known() {
        let limited: Vec<&str> = columns(Modality::Vision)
            .into_iter()
            .chain(columns(Modality::Language))
            .filter(|s| s.browser_limitation().is_some())
            .map(|s| s.id)
            .collect();
        assert_eq!(limited, vec!["tang2018-attractor", "wikitext2-nextword"]);
        let surprisal = columns(Modality::Language)
            .into_iter()
            .find(|s| s.kind == Kind::FutrellSurprisal)
            .expect("registered");
        assert!(not_applicable("embed-ppmi", surprisal).is_some());
        assert!(not_applicable("gpt-mini", surprisal).is_none());
        assert!(!published_rows().is_empty());
    }

    #[test]
    fn controls_are_rows_of_their_own_and_exports_carry_deltas() {
        for modality in [Modality::Vision, Modality::Language] {
            let rows = models(modality);
            let first = rows.iter().position(|m| is_baseline(m)).expect("a control");
            assert!(rows[first..].iter().all(|m| is_baseline(m)), "{rows:?}");
        }
        assert!(models(Modality::Vision).contains(&"baseline-pixels"));
        assert!(
            !super::super::vision::vision_models().any(|m| m == "baseline-pixels"),
            "the occlusion pages need a classifier"
        );
        let board = crate::committed::vision_leaderboard().expect("committed");
        let csv = to_csv(board);
        assert!(csv.starts_with("model,benchmark,value,raw,ceiling,error,layer,device,delta,"));
        let row = csv
            .lines()
            .find(|l| l.starts_with("cornet-z-mini,kriegeskorte2008-it-rsa,"))
            .expect("a committed cell");
        let d = board
            .delta(
                board
                    .scores
                    .iter()
                    .find(|s| {
                        s.model.id == "cornet-z-mini" && s.benchmark.id == "kriegeskorte2008-it-rsa"
                    })
                    .unwrap(),
            )
            .expect("paired with baseline-pixels");
        assert!(
            row.ends_with(&format!(
                ",{:.6},{:.6},{},{}",
                d.mean,
                d.se.unwrap(),
                d.positive,
                d.pairs
            )),
            "{row}"
        );
    }

    #[test]
    fn cells_open_with_the_committed_values_and_their_errors() {
        let col = |m: Modality, id: &str| {
            columns(m)
                .into_iter()
                .find(|s| s.id == id)
                .expect("registered")
        };
        let monkey = col(Modality::Vision, "kriegeskorte2008-monkey-it-rsa");
        let (s, d) = committed_cell("cornet-z-mini", monkey).expect("committed");
        assert_eq!(value_text(s), format!("{} (no SE: one RDM)", show(s.value)));
        assert!(d.is_some(), "paired with baseline-pixels");
        let pereira = col(Modality::Language, "pereira2018-langnet");
        let (s, _) = committed_cell("gpt-mini", pereira).expect("committed");
        let e = s.value_error().expect("SE over splits");
        assert_eq!(value_text(s), format!("{} ± {e:.3}", show(s.value)));
        assert!(
            committed_cell("nope", pereira).is_none(),
            "no committed value, no cell text"
        );
        // MiniLM and SmolLM2 are served: rows the browser can compute, one by one (their
        // first download is large), MiniLM with its committed values
        let rows = models(Modality::Language);
        assert!(
            rows.contains(&"minilm-l6") && rows.contains(&"smollm2-135m"),
            "{rows:?}"
        );
        assert!(!cli_only_model("minilm-l6") && large_download("minilm-l6").is_some());
        assert_eq!(large_download("smollm2-135m"), Some(98_362_432));
        assert_eq!(large_download("gpt-mini"), None);
        assert!(!cli_only_model("gpt-mini"));
        assert!(committed_cell("minilm-l6", pereira).is_some());
    }
}
