//! Per-dataset previews on the Data page: sentences, a story with reading times, images,
//! the human occlusion curve, RDM heatmap, CIFAR thumbnails, corpus sizes.

use std::rc::Rc;

use brainprobe_data::datasets::{corpora, fedorenko::Condition, kriegeskorte, tang};
use brainprobe_data::Bundle;
use yew::prelude::*;

use crate::components::cifar_grid::CifarGrid;
use crate::plots::line_plot::{LinePlot, Series};
use crate::plots::rdm_heatmap::RdmHeatmap;
use crate::ASSETS_URL;

/// Properties of [`Preview`]: the dataset id and the loaded bundle (compared by pointer).
#[derive(Properties, Clone)]
pub struct PreviewProps {
    /// Dataset identifier.
    pub id: AttrValue,
    /// The loaded bundle.
    pub bundle: Rc<Bundle>,
}

impl PartialEq for PreviewProps {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && Rc::ptr_eq(&self.bundle, &other.bundle)
    }
}

/// The preview block of one dataset card.
#[function_component(Preview)]
pub fn preview(props: &PreviewProps) -> Html {
    let b = &*props.bundle;
    let inner = match props.id.as_str() {
        "pereira2018_langnet" => pereira(b),
        "futrell2018_naturalstories" => futrell(b),
        "fedorenko2010_localizer" => fedorenko(b),
        "kriegeskorte2008_92images" => kriegeskorte(b),
        "tang2018_occlusion" => occlusion(b),
        "cifar10" => html! { <CifarGrid bundle={props.bundle.clone()} per_class={4} /> },
        "corpora" | "wikitext2" => corpus(b, props.id.as_str() == "wikitext2"),
        "schrimpf2021_scores" => published(b),
        _ => html! {},
    };
    html! { <div class="preview">{inner}</div> }
}

fn pereira(b: &Bundle) -> Html {
    html! {
        <>
            <table class="sentences">
                <tr><th>{"sentence"}</th><th>{"language-network response"}</th></tr>
                { for b.pereira.iter().take(5).map(|s| html! {
                    <tr><td>{&s.text}</td><td class="num">{format!("{:.3}", s.response)}</td></tr>
                }) }
            </table>
            <p class="note">{"Averaged over participants and language fROIs: no noise ceiling exists for these data, so scores are raw Pearson r."}</p>
        </>
    }
}

fn futrell(b: &Bundle) -> Html {
    let words: Vec<_> = b.stories.words.iter().take(60).collect();
    let max = words.iter().map(|w| w.mean_rt_ms).fold(1.0, f64::max);
    let min = words.iter().map(|w| w.mean_rt_ms).fold(f64::MAX, f64::min);
    html! {
        <>
            <p class="story">
                { for words.iter().map(|w| {
                    let t = ((w.mean_rt_ms - min) / (max - min).max(1.0)).clamp(0.0, 1.0);
                    let style = format!("background: rgba(230, 120, 30, {:.2})", 0.08 + 0.7 * t);
                    html! { <><span class="rt-word" {style} title={format!("{:.0} ms (SD {:.0}, N {})", w.mean_rt_ms, w.sd_rt_ms, w.n_subjects)}>{&w.word}</span>{" "}</> }
                }) }
            </p>
            <p class="note">{format!("Story 1, first 60 words; shading = mean self-paced reading time ({min:.0}–{max:.0} ms). Hover a word for mean, SD and N.")}</p>
        </>
    }
}

fn fedorenko(b: &Bundle) -> Html {
    let first = |c: Condition| {
        b.localizer
            .iter()
            .find(|s| s.condition == c)
            .map(|s| s.stimulus.to_lowercase())
            .unwrap_or_default()
    };
    html! {
        <ul class="stimuli">
            <li><b>{"sentence: "}</b>{first(Condition::Sentence)}</li>
            <li><b>{"nonwords: "}</b>{first(Condition::Nonwords)}</li>
        </ul>
    }
}

fn kriegeskorte(b: &Bundle) -> Html {
    let k = &b.kriegeskorte;
    html! {
        <>
            <div class="image-grid" id="grid-92">
                { for (0..k.stimuli.len()).map(|i| html! {
                    <img src={format!("{ASSETS_URL}/{}", kriegeskorte::image_path(i))} alt={k.stimuli[i].category.clone()} title={k.stimuli[i].category.clone()} loading="lazy" width="40" height="40" />
                }) }
            </div>
            <RdmHeatmap title="Human IT (group RDM, rank-transformed)" values={Rc::new(k.human_it_fig1.values.clone())} />
            <p class="note">{format!("Human IT: {} subjects × 2 sessions ({}); monkey IT: 1 RDM. Images are ordered animate → inanimate, as in the paper.", k.subjects.len(), k.subjects.join(", "))}</p>
        </>
    }
}

fn occlusion(b: &Bundle) -> Html {
    let curve = |masked: u8| -> Vec<(f64, f64, f64)> {
        b.occlusion_accuracy
            .iter()
            .filter(|x| x.masked == masked && x.n_trials >= 20)
            .map(|x| ((x.lo_pct + x.hi_pct) / 2.0, x.accuracy, x.sem))
            .collect()
    };
    let series = vec![
        Series {
            name: "people, unmasked".into(),
            color: "#1f6feb".into(),
            points: curve(0),
        },
        Series {
            name: "people, backward-masked".into(),
            color: "#d1242f".into(),
            points: curve(1),
        },
    ];
    let (c0, n0) = tang::accuracy_below(&b.occlusion_trials, false, 15.0);
    let (c1, n1) = tang::accuracy_below(&b.occlusion_trials, true, 15.0);
    html! {
        <>
            <LinePlot id="human-occlusion-plot" x_label="visible area (%)" y_label="accuracy" series={Rc::new(series)} x_range={(0.0, 50.0)} y_range={(0.0, 1.0)} chance={Some(0.2)} />
            <p class="note">{format!("Below 15 % visibility people are {:.3} accurate ({c0}/{n0} trials), {:.3} with a backward mask ({c1}/{n1}); chance 0.2. Bins with ≥ 20 trials, ± 1 SEM.", c0 as f64 / n0 as f64, c1 as f64 / n1 as f64)}</p>
            <div class="image-grid">
                { for [0usize, 70, 140, 200, 270].iter().map(|&k| html! {
                    <img src={format!("{ASSETS_URL}/{}", tang::occluded_image_path(k))} alt="occluded object" width="64" height="64" loading="lazy" />
                }) }
            </div>
        </>
    }
}

fn corpus(b: &Bundle, wikitext: bool) -> Html {
    let rows: Vec<_> = corpora::words_by_corpus(&b.corpus_counts)
        .into_iter()
        .filter(|(n, _)| (n == "wikitext2") == wikitext)
        .collect();
    html! {
        <table class="corpora">
            { for rows.iter().map(|(n, w)| html! { <tr><td>{n}</td><td class="num">{format!("{w} words")}</td></tr> }) }
        </table>
    }
}

fn published(b: &Bundle) -> Html {
    let models = ["gpt2-xl", "distilgpt2", "bert-base-uncased", "glove"];
    html! {
        <table class="published">
            <tr><th>{"model"}</th><th>{"Pereira2018"}</th><th>{"Futrell2018"}</th></tr>
            { for models.iter().map(|m| {
                let get = |bench: &str| b.published_scores.iter()
                    .find(|s| s.model == *m && s.trained == 1 && s.benchmark == bench)
                    .and_then(|s| s.best_score).map(|x| format!("{x:.2}")).unwrap_or_default();
                html! { <tr><td>{m}</td><td class="num">{get("Pereira2018-encoding")}</td><td class="num">{get("Futrell2018-encoding")}</td></tr> }
            }) }
        </table>
    }
}
