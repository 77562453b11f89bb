//! The Data page: loads every bundle in the browser, then one card per dataset with what
//! it is, counts, licence, citation and a preview.

use std::rc::Rc;

use brainprobe_data::{summarize, Assets, Bundle, DatasetSummary, Manifest};
use yew::prelude::*;

use crate::pages::data_previews::Preview;
use crate::state::spawn;
use crate::ASSETS_URL;

enum LoadState {
    Loading,
    Failed(String),
    Ready(Rc<Bundle>, Rc<Vec<DatasetSummary>>),
}

async fn load() -> Result<(Bundle, Vec<DatasetSummary>), String> {
    let manifest = Manifest::project().map_err(|e| e.to_string())?;
    let bundle = Bundle::load(&Assets::new(ASSETS_URL))
        .await
        .map_err(|e| e.to_string())?;
    let summaries = summarize(&manifest, &bundle).map_err(|e| e.to_string())?;
    Ok((bundle, summaries))
}

/// The Data page.
#[function_component(DataPage)]
pub fn data_page() -> Html {
    let state = use_state(|| LoadState::Loading);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            spawn(async move {
                state.set(match load().await {
                    Ok((b, s)) => LoadState::Ready(Rc::new(b), Rc::new(s)),
                    Err(e) => LoadState::Failed(e),
                });
            });
        });
    }
    let body = match &*state {
        LoadState::Loading => {
            html! { <p id="data-status" data-state="loading">{"Loading the dataset bundles…"}</p> }
        }
        LoadState::Failed(e) => html! {
            <div id="data-status" data-state="error" class="error">
                <p>{"The dataset bundles could not be loaded: "}<code>{e}</code></p>
                <p>{"They are built by `cargo xtask prepare-data` (run by `cargo xtask serve`)."}</p>
            </div>
        },
        LoadState::Ready(bundle, summaries) => html! {
            <>
                <p id="data-status" data-state="ready">{format!("{} datasets loaded in this browser.", summaries.len())}</p>
                <div class="cards">
                    { for summaries.iter().map(|s| card(s, bundle)) }
                </div>
            </>
        },
    };
    html! {
        <section class="data-page">
            <h2>{"Data"}</h2>
            <p class="lead">{"The human brain and behaviour data brainprobe scores networks against, and the text and images the networks learn from. Everything below was fetched and parsed in this page."}</p>
            {body}
        </section>
    }
}

fn card(s: &DatasetSummary, bundle: &Rc<Bundle>) -> Html {
    html! {
        <article class="card" id={format!("card-{}", s.dataset.id)} data-id={s.dataset.id.clone()}>
            <h3>{&s.dataset.title}</h3>
            <p class="dataset-id"><code>{&s.dataset.id}</code>{format!(" · {} files", s.dataset.files.len())}</p>
            <p class="counts">
                { for s.counts.iter().map(|c| html! {
                    <span class="count" data-label={c.label.clone()}><b class="value">{&c.value}</b>{" "}{&c.label}</span>
                }) }
            </p>
            <p class="description">{&s.dataset.description}</p>
            <Preview id={s.dataset.id.clone()} bundle={bundle.clone()} />
            <details>
                <summary>{"Licence and citation"}</summary>
                <p class="licence">{&s.dataset.licence}</p>
                <ul class="citations">{ for s.dataset.citation.iter().map(|c| html! { <li>{c}</li> }) }</ul>
                <ul class="sources">{ for s.dataset.source.iter().map(|u| html! { <li><a href={u.clone()} target="_blank" rel="noopener">{u}</a></li> }) }</ul>
            </details>
        </article>
    }
}
