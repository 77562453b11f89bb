//! Text for the benchmark-specific part of a score (category structure, occlusion curves,
//! attractor accuracy by step).

use brainprobe_benchmarks::score::Details;
use brainprobe_benchmarks::vision::attractor::AttractorDetails;
use brainprobe_benchmarks::vision::kriegeskorte2008::RsaDetails;
use brainprobe_benchmarks::vision::occlusion::{
    Answers, OcclusionDetails, Variant, HUMAN_WHOLE, HUMAN_WHOLE_TRIALS,
};

/// The details block of a score report.
pub fn details(d: Option<&Details>) -> String {
    match d {
        Some(Details::Rsa(r)) => rsa(r),
        Some(Details::Occlusion(o)) => occlusion(o),
        Some(Details::Attractor(a)) => attractor(a),
        Some(Details::Pereira(p)) => format!(
            "{} sentences, {}; headline r per split: {}; α per split: {}\n",
            p.sentences,
            p.splits,
            list(&p.per_split_r, 3),
            list(&p.alphas, 3)
        ),
        Some(Details::Futrell(f)) => {
            let mut o = format!(
                "{} variant: {} stories, {} words scored ({} sentence-initial dropped); reliability before clipping {:.4}, max attainable r {:.4}\n",
                f.variant, f.stories, f.words_scored, f.words_excluded, f.reliability_unclipped, f.max_attainable_r
            );
            if let Some(r) = f.signed_r {
                o.push_str(&format!("signed Pearson r (surprisal vs RT): {r:.4}\n"));
            }
            if !f.per_fold_r.is_empty() {
                o.push_str(&format!(
                    "headline r per story fold: {}\n",
                    list(&f.per_fold_r, 3)
                ));
            }
            o
        }
        Some(Details::NextWord(n)) => format!(
            "{} tokens, {} words; token perplexity {:.2}, {:.3} bits/word{}\n",
            n.tokens,
            n.words,
            n.token_perplexity,
            n.bits_per_word,
            n.token_limit
                .map_or(String::new(), |l| format!(" (first {l} tokens only)"))
        ),
        Some(Details::Localizer(l)) => {
            let mut o = format!(
                "{} sentences vs {} nonword lists; {} of {} units localized (t ≥ {:.2}; {} constant units)\n",
                l.stimuli.0, l.stimuli.1, l.units_selected, l.units_total, l.t_threshold, l.units_constant
            );
            o.push_str(&format!(
                "{:<12} {:>6} {:>9} {:>13} {:>11}\n",
                "layer", "units", "selected", "of network", "of layer"
            ));
            for s in &l.layers {
                o.push_str(&format!(
                    "{:<12} {:>6} {:>9} {:>12.1}% {:>10.2}%\n",
                    s.layer,
                    s.units,
                    s.selected,
                    100.0 * s.share_of_network,
                    100.0 * s.share_of_layer
                ));
            }
            o.push_str(&format!(
                "Pereira r from the localized units {:.4} vs {} random draws of as many units: mean {:.4}, SD {:.4} ({})\n",
                l.localized_r,
                l.random_r.len(),
                l.random_mean,
                l.random_sd,
                l.random_r.iter().map(|v| format!("{v:.3}")).collect::<Vec<_>>().join(", ")
            ));
            o
        }
        _ => String::new(),
    }
}

fn list(v: &[f64], digits: usize) -> String {
    v.iter()
        .map(|x| format!("{x:.digits$}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn rsa(r: &RsaDetails) -> String {
    let mut o = String::from("per subject (headline):");
    for (n, v) in r.subjects.iter().zip(&r.per_subject) {
        o.push_str(&format!(" {n} {v:.3};"));
    }
    o.push_str(&format!(
        "\nKendall τ_a (layer {}, mean over subjects): {:.4}\n",
        r.layer, r.kendall_tau_a
    ));
    o.push_str("category structure (mean between − within dissimilarity):\n");
    for c in &r.categories {
        o.push_str(&format!(
            "  {:<26} brain {:.3}   model {:.3}\n",
            c.contrast, c.brain, c.model
        ));
    }
    o
}

fn variant_line(name: &str, v: &Variant) -> String {
    format!(
        "{name}: whole {:.1} %, below 15 % {} ; curve similarity vs unmasked {:.3} (robustness ratio {:.3}), vs masked {:.3} ({:.3})\n",
        100.0 * v.whole_accuracy,
        v.low_visibility_accuracy.map_or("–".into(), |a| format!("{:.1} %", 100.0 * a)),
        v.vs_unmasked.curve_similarity,
        v.vs_unmasked.robustness_ratio,
        v.vs_masked.curve_similarity,
        v.vs_masked.robustness_ratio
    )
}

/// `class share` of a condition's most frequent answer, `!` when it is a collapse.
fn top(a: Option<&Answers>) -> String {
    a.filter(|a| a.n > 0).map_or("–".into(), |a| {
        format!(
            "{} {:.0}{}",
            a.top_class,
            100.0 * a.top_share,
            if a.collapsed { "!" } else { "" }
        )
    })
}

fn occlusion(d: &OcclusionDetails) -> String {
    let mut o = format!(
        "{} CIFAR-10 test images at every bin ({})\n",
        d.images, d.seed_rule
    );
    let ff = d.feedforward.as_ref();
    o.push_str(&format!(
        "{:<9} {:>7} {:>5} {:>7} {:>7} {:>14} {:>7} {:>7} {:>14} {:>7} {:>8} {:>6}\n",
        "bin %",
        "visible",
        "n",
        "acc",
        "R",
        "top answer",
        "acc T=1",
        "R T=1",
        "top T=1",
        "human",
        "h.masked",
        "trials"
    ));
    let opt = |v: Option<f64>| v.map_or("–".into(), |x| format!("{x:.3}"));
    for (k, b) in d.bins.iter().enumerate() {
        o.push_str(&format!(
            "{:<9} {:>7.1} {:>5} {:>7.3} {:>7.3} {:>14} {:>7} {:>7} {:>14} {:>7.3} {:>8.3} {:>6}\n",
            format!("{}–{}", b.lo_pct, b.hi_pct),
            b.mean_visible_pct,
            d.model.answers.get(k).map_or(d.images, |a| a.n),
            d.model.accuracy[k],
            d.model.relative[k],
            top(d.model.answers.get(k)),
            opt(ff.map(|f| f.accuracy[k])),
            opt(ff.map(|f| f.relative[k])),
            top(ff.and_then(|f| f.answers.get(k))),
            b.human_unmasked,
            b.human_masked,
            b.human_trials
        ));
    }
    o.push_str(&format!(
        "{:<9} {:>7.1} {:>5} {:>7.3} {:>7} {:>14} {:>7} {:>7} {:>14} {:>7.3} {:>8} {:>6}\n",
        "whole",
        100.0,
        d.model.whole_answers.n,
        d.model.whole_accuracy,
        "",
        top(Some(&d.model.whole_answers)),
        opt(ff.map(|f| f.whole_accuracy)),
        "",
        top(ff.map(|f| &f.whole_answers)),
        HUMAN_WHOLE,
        "",
        HUMAN_WHOLE_TRIALS
    ));
    o.push_str("(top answer: the class answered most often and its share in %; ! = one class takes ≥ 50 % of the answers)\n");
    o.push_str(&variant_line("model", &d.model));
    if let Some(f) = &d.feedforward {
        o.push_str(&variant_line("model T=1 (masking analogue)", f));
    }
    if let (Some(u), Some(m)) = d.human_low_visibility {
        o.push_str(&format!(
            "people below 15 %: {:.1} % unmasked → {:.1} % masked\n",
            100.0 * u,
            100.0 * m
        ));
    }
    o.push_str(&format!(
        "curve similarity of any model at chance (R ≡ 0): {:.4}\n",
        d.chance_floor
    ));
    o
}

fn attractor(a: &AttractorDetails) -> String {
    let mut o = format!(
        "Hopfield: {} units, {} class prototypes from {} training images, up to {} sweeps\n",
        a.units, a.patterns, a.train_images, a.steps
    );
    o.push_str(&format!(
        "{:<9} {:>12} {:>8} {:>8} {:>8} {:>8} {:>8} {:>14} {:>14}\n",
        "bin %",
        "feedforward",
        "step 0",
        "step 1",
        "step 4",
        "last",
        "settle",
        "top ff",
        "top last"
    ));
    for b in std::iter::once(&a.whole).chain(&a.bins) {
        let at = |s: usize| {
            b.accuracy_by_step
                .get(s.min(b.accuracy_by_step.len().saturating_sub(1)))
                .copied()
                .unwrap_or(0.0)
        };
        o.push_str(&format!(
            "{:<9} {:>12.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.2} {:>14} {:>14}\n",
            if b.hi_pct >= 100.0 {
                "whole".to_string()
            } else {
                format!("{}–{}", b.lo_pct, b.hi_pct)
            },
            b.feedforward,
            at(0),
            at(1),
            at(4),
            at(a.steps),
            b.mean_sweeps_to_settle,
            top(Some(&b.feedforward_answers)),
            top(Some(&b.attractor_answers))
        ));
    }
    o.push_str(&format!(
        "below 15 %: feedforward {:.3}, attractor step 0 {:.3}, last step {:.3}\nverdict: {}\n",
        a.low_feedforward, a.low_step0, a.low_final, a.verdict
    ));
    o
}
