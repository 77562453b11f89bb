//! The Overview page: what brainprobe shows in four sentences, its three questions with
//! links into the pages that answer them and what the committed findings say about them,
//! and where the networks run.

use yew::prelude::*;

use crate::committed::language_leaderboard;
use crate::route::{Page, Route};
use crate::state::Runs;

/// The page.
#[function_component(OverviewPage)]
pub fn overview_page() -> Html {
    let device = use_context::<Runs>().and_then(|r| r.state.device.clone());
    let where_ = match device {
        None => "The compute worker is starting.".to_string(),
        Some(d) if d.gpu && d.software => format!("Your only WebGPU adapter is software-emulated ({}), so networks run on your CPU in a Web Worker, which is faster than a software GPU here; each page can force WebGPU.", d.text),
        Some(d) if d.gpu => format!("Networks run in a Web Worker on your GPU through WebGPU ({}).", d.text),
        Some(_) => "No WebGPU adapter was found, so networks run on your CPU in a Web Worker: slower, but the same numbers.".to_string(),
    };
    let link =
        |page: Page, text: &'static str| html! { <a href={Route::page(page).to_hash()}>{text}</a> };
    html! {
        <section class="overview-page">
            <h2>{"Do small networks see and read like brains?"}</h2>
            <p class="lead">
                {"brainprobe runs small language and vision networks in this page and compares their internal activity with published human brain recordings and behaviour. "}
                {"Every score is computed on your machine by the same Rust code as the command-line tool, with the data's noise ceiling where one exists. "}
                {"The networks are tiny (CORnet-mini on 32 × 32 images, gpt-mini), so what matters is the comparison between models, training stages and architectures, not the absolute numbers. "}
                {"Nothing you type or upload leaves the browser."}
            </p>
            <p id="overview-device" class="device">{where_}</p>
            <ol class="questions">
                <li>
                    <h3>{"Do language models predict the brain?"}</h3>
                    <p>{"fMRI responses of the language network to 627 sentences (Pereira et al. 2018) and reading times on natural stories (Futrell et al. 2018), each beside a trivial baseline. "}{link(Page::Language, "Language page")}{"; the human data on the "}{link(Page::Data, "Data page")}{"."}</p>
                    <FindingVerdicts />
                </li>
                <li>
                    <h3>{"How brain-like is a small vision model, and how much training does it need?"}</h3>
                    <p>{"Representational similarity with human and monkey IT on 92 images (Kriegeskorte et al. 2008), per layer, and against the number of supervised updates. "}{link(Page::Vision, "Vision page")}</p>
                </li>
                <li>
                    <h3>{"Why does recurrence help with occlusion?"}</h3>
                    <p>{"People recognise objects from a few visible patches unless a backward mask stops recurrent processing (Tang et al. 2018); CORnet-S-mini with and without its recurrent steps. "}{link(Page::Occlusion, "Occlusion page")}{" (accuracy against visibility beside people's, and the attractor readout); the "}{link(Page::Leaderboard, "Leaderboard")}{" has every model's tang2018-occlusion score."}</p>
                </li>
            </ol>
            <p>{"How scores are computed, data sources and licences: "}{link(Page::About, "About")}{"."}</p>
        </section>
    }
}

/// What the committed language findings say (`brainprobe leaderboard`'s findings 1, 3 and
/// 5: trained vs untrained, brain score vs perplexity, networks vs the baseline), quoted
/// from the committed run — the page states no verdict of its own.
#[function_component(FindingVerdicts)]
fn finding_verdicts() -> Html {
    let Some(board) = language_leaderboard() else {
        return html! {};
    };
    html! {
        <div class="findings" id="overview-findings">
            <p class="muted">{"What the committed command-line run found (results/language/leaderboard.json, METRICS §10.6 verdicts):"}</p>
            <ul>
                { for board.findings.iter().filter(|f| [1, 3, 5].contains(&f.number)).map(|f| html! {
                    <li data-finding={f.number.to_string()}><b>{format!("{}: ", f.claim)}</b>{&f.verdict}</li>
                }) }
            </ul>
        </div>
    }
}
