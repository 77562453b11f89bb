//! `fedorenko2010-localizer`: the model's own "language network", found the way the brain's
//! is (Fedorenko et al. 2010), then tested on Pereira.
//!
//! The 240 sentences and 240 nonword lists (lower-cased; the source is upper case) are
//! presented one per passage; each unit's activation per stimulus — its **mean over the
//! stimulus's tokens** (the `mean` readout, whatever the run's readout; the mean word vector
//! for embeddings), as the localizer of Fedorenko et al. averages a region's response over
//! the whole stimulus — enters a two-sample Student t-test, sentences vs nonwords. The top
//! 1 % of all units across layers by t form the localized set. Reported: how many units
//! were localized and their share per layer, and the `pereira2018-langnet` score (same
//! splits and RidgeCV, sentences read with the run's readout) from only those units vs the
//! same number of random units (seeded draws 0..N, RandomState). The headline is the
//! localized units' raw r (no ceiling, as for Pereira). Version 2: the localizer reads the
//! mean over tokens (version 1 read the last token).

use brainprobe_data::datasets::fedorenko::{self, Condition};
use brainprobe_metrics::stats::{mean, ttest_ind, variance};
use brainprobe_metrics::RandomState;
use brainprobe_models::language::{LayerActivations, LayerSelection, Passage, Readout};
use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use super::pereira2018::{self, NO_CEILING};
use super::{predictivity, subset};
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::Result;
use crate::progress::Progress;
use crate::registry::{BenchmarkSpec, Kind, Modality, Needs};
use crate::score::{Details, ErrorEstimate, Score, Undefined, Value};
use crate::subject::LanguageSubject;

/// `fedorenko2010-localizer`.
pub const SPEC: BenchmarkSpec = BenchmarkSpec {
    id: "fedorenko2010-localizer",
    version: 2,
    modality: Modality::Language,
    data: &["fedorenko2010_localizer", "pereira2018_langnet"],
    kind: Kind::Localizer,
    description: "top 1 % units by t (sentences > nonwords) across layers; their share per layer and their Pereira score vs as many random units (10 seeded draws)",
    citation: "Fedorenko et al. 2010, J. Neurophysiol. 104:1177; Pereira et al. 2018",
    label: "the model's own language network (Fedorenko 2010 localizer)",
    needs: Needs::Nothing,
    causal_only: false,
    baseline: None,
};

/// Fraction of units selected, for the selection's definition.
pub const TOP_FRACTION: f64 = 0.01;

/// How the localizer reads each stimulus (the Pereira sentences use the run's readout).
pub const LOCALIZER_READOUT: Readout = Readout::Mean;

/// One layer's part in the localized set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerShare {
    /// Layer name.
    pub layer: String,
    /// Units in the layer.
    pub units: usize,
    /// Localized units in the layer.
    pub selected: usize,
    /// `selected / all localized units`.
    pub share_of_network: f64,
    /// `selected / units`.
    pub share_of_layer: f64,
}

/// Localizer results beside the headline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalizerDetails {
    /// Sentences and nonword lists presented.
    pub stimuli: (usize, usize),
    /// Units over all layers.
    pub units_total: usize,
    /// Units in the localized set (1 %): how many units were localized.
    pub units_selected: usize,
    /// How each localizer stimulus was read (`mean` over its tokens since version 2;
    /// files without it are version 1, which read the last token).
    #[serde(default)]
    pub localizer_readout: Readout,
    /// Smallest t in the set.
    pub t_threshold: Value,
    /// Units whose t is undefined (constant over all stimuli), never selected.
    pub units_constant: usize,
    /// Per layer, in recording order.
    pub layers: Vec<LayerShare>,
    /// Pereira raw r from the localized units.
    pub localized_r: Value,
    /// That score's value per split (its mean is `localized_r`; the score's error is their
    /// SE). Empty in files written before it was kept.
    #[serde(default)]
    pub localized_per_split_r: Vec<f64>,
    /// Pereira raw r from each random draw of as many units.
    pub random_r: Vec<Value>,
    /// Mean of the defined random-draw scores.
    pub random_mean: Value,
    /// SD (ddof 1) of the defined random-draw scores.
    pub random_sd: Value,
}

/// t (sentences vs nonwords) of every unit, layers concatenated in recording order.
pub fn unit_t(layers: &[LayerActivations], is_sentence: &[bool]) -> Vec<f64> {
    let mut out = Vec::new();
    for l in layers {
        for col in l.values.axis_iter(Axis(1)) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for (v, &s) in col.iter().zip(is_sentence) {
                if s { &mut a } else { &mut b }.push(f64::from(*v));
            }
            out.push(ttest_ind(&a, &b));
        }
    }
    out
}

/// Indices of the top `k` units by t (NaN never selected; first index on exact ties).
pub fn top_units(t: &[f64], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..t.len()).filter(|&i| t[i].is_finite()).collect();
    order.sort_by(|&a, &b| t[b].total_cmp(&t[a]).then(a.cmp(&b)));
    order.truncate(k);
    order.sort_unstable();
    order
}

/// Columns `units` (global indices over the concatenated layers) of `layers`, as f64.
pub fn gather_units(layers: &[LayerActivations], units: &[usize]) -> Array2<f64> {
    let rows = layers.first().map_or(0, |l| l.values.nrows());
    let mut where_: Vec<(usize, usize)> = Vec::new();
    for (li, l) in layers.iter().enumerate() {
        where_.extend((0..l.values.ncols()).map(|c| (li, c)));
    }
    Array2::from_shape_fn((rows, units.len()), |(r, j)| {
        let (li, c) = where_[units[j]];
        f64::from(layers[li].values[(r, c)])
    })
}

/// Runs `fedorenko2010-localizer` on `subject`.
pub async fn run(
    spec: &BenchmarkSpec,
    subject: &LanguageSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<Score> {
    let mut log = DataLog::new(&ctx.assets);
    let stimuli = fedorenko::parse_stimuli(&log.read(fedorenko::STIMULI).await?)?;
    let n = ctx.options.language_subset;
    let pick = |c: Condition| {
        subset(
            stimuli
                .iter()
                .filter(|s| s.condition == c)
                .map(|s| s.stimulus.to_lowercase())
                .collect::<Vec<_>>(),
            n,
        )
    };
    let (sentences, nonwords) = (pick(Condition::Sentence), pick(Condition::Nonwords));
    let passages: Vec<Passage> = sentences
        .iter()
        .chain(&nonwords)
        .map(|s| vec![s.clone()])
        .collect();
    let is_sentence: Vec<bool> = (0..passages.len()).map(|i| i < sentences.len()).collect();
    let loc = subject
        .record(
            &passages,
            &LayerSelection::All,
            LOCALIZER_READOUT,
            "localizer stimuli",
            progress,
        )
        .await?;
    let t = unit_t(&loc.layers, &is_sentence);
    let total = t.len();
    let k = ((total as f64 * TOP_FRACTION).ceil() as usize).max(1);
    let top = top_units(&t, k);
    let mut shares = Vec::new();
    let mut start = 0;
    for l in &loc.layers {
        let units = l.values.ncols();
        let selected = top
            .iter()
            .filter(|&&u| u >= start && u < start + units)
            .count();
        shares.push(LayerShare {
            layer: l.name.clone(),
            units,
            selected,
            share_of_network: selected as f64 / top.len().max(1) as f64,
            share_of_layer: selected as f64 / units.max(1) as f64,
        });
        start += units;
    }
    let pereira_sentences = pereira2018::sentences(&mut log, n).await?;
    let responses: Vec<f64> = pereira_sentences.iter().map(|s| s.response).collect();
    let readout = subject.readout(&ctx.options);
    let rec = pereira2018::record(subject, &pereira_sentences, readout, progress).await?;
    let splits = pereira2018::splits(responses.len())?;
    let score_units = |units: &[usize]| {
        predictivity(gather_units(&rec.layers, units).view(), &responses, &splits)
    };
    let (localized, localized_fit) = if top.is_empty() {
        (Value::Undefined(Undefined::Constant), None)
    } else {
        score_units(&top)?
    };
    // One column (the averaged response): each split's value is its r.
    let localized_per_split_r: Vec<f64> = localized_fit
        .as_ref()
        .map(|p| p.r.column(0).to_vec())
        .unwrap_or_default();
    let mut random_r = Vec::new();
    for draw in 0..ctx.options.localizer_draws {
        let mut units = RandomState::new(draw as u32).choice_without_replacement(total, top.len());
        units.sort_unstable();
        random_r.push(score_units(&units)?.0);
        progress.update("random unit draws", draw + 1, ctx.options.localizer_draws);
    }
    let defined: Vec<f64> = random_r.iter().filter_map(Value::get).collect();
    let mut score = Score::new(
        spec,
        subject.model_ref_read(readout),
        log.finish().await?,
        "Pereira Pearson r (RidgeCV, ShuffleSplit 10 × 0.9) from the localized top-1 % units across layers",
    );
    score.set_raw(localized);
    if let (Some(p), Value::Defined(_)) = (&localized_fit, localized) {
        score.error = Some(ErrorEstimate {
            value: p.aggregate.error,
            method: format!(
                "SE over {} splits of the localized units' score (population SD / sqrt(n), descriptive)",
                localized_per_split_r.len()
            ),
        });
    }
    score.notes.push(NO_CEILING.into());
    let per_layer: Vec<String> = shares
        .iter()
        .map(|s| format!("{} {}", s.layer, s.selected))
        .collect();
    score.notes.push(format!(
        "Localized {} of {total} units: the top 1 % by t, sentences > nonwords, over all layers ({}){}; compare with {} draws of as many random units.",
        top.len(),
        per_layer.join(", "),
        match t.iter().filter(|v| !v.is_finite()).count() {
            0 => String::new(),
            c => format!("; {c} units are constant over the stimuli and never selected"),
        },
        random_r.len()
    ));
    if let Some(meaning) = subject.model.readout_meaning(LOCALIZER_READOUT) {
        score.notes.push(format!(
            "Localizer stimuli: readout `{LOCALIZER_READOUT}` whatever the run's readout: {meaning}."
        ));
    }
    score.notes.push(format!(
        "Pereira sentences: {}",
        subject.readout_note(readout)
    ));
    score.notes.push("Localizer stimuli lower-cased (the source is upper case) so that they look like ordinary text to every tokenizer.".into());
    if n.is_some() {
        score.notes.push(format!(
            "Subset run: the first {} stimuli per condition and the first {} Pereira sentences (a test size, not the benchmark number).",
            sentences.len(),
            pereira_sentences.len()
        ));
    }
    score.notes.extend(loc.notes);
    score.details = Some(Details::Localizer(LocalizerDetails {
        stimuli: (sentences.len(), nonwords.len()),
        units_total: total,
        units_selected: top.len(),
        localizer_readout: LOCALIZER_READOUT,
        t_threshold: Value::finite_or(
            top.iter().map(|&u| t[u]).fold(f64::INFINITY, f64::min),
            Undefined::Constant,
        ),
        units_constant: t.iter().filter(|v| !v.is_finite()).count(),
        layers: shares,
        localized_r: localized,
        localized_per_split_r,
        random_mean: Value::finite_or(mean(&defined), Undefined::NotFinite),
        random_sd: Value::finite_or(variance(&defined, 1).sqrt(), Undefined::NotFinite),
        random_r,
    }));
    Ok(score)
}
