#![cfg(not(target_arch = "wasm32"))]

//! Sanity checks of the language benchmarks on registered models and the prepared
//! bundles (`cargo xtask prepare-data`): shuffled sentence↔response pairing → Pereira
//! |r| < 0.1 on average over seeds, identical re-runs; Gpu (lavapipe natively, with
//! `WGPU_BACKEND=vulkan`) = Cpu within 1e-4; small runs of the reading-time, localizer and
//! WikiText-2 benchmarks. Small models (embed-ppmi, random-embedding, gpt-mini-untrained)
//! and subsets keep the debug-build run short; the CLI runs the full sizes.

use brainprobe_benchmarks::data::DataLog;
use brainprobe_benchmarks::language::pereira2018::{self, score_layers, SPEC};
use brainprobe_benchmarks::registry::{self, find};
use brainprobe_benchmarks::score::{Details, Value};
use brainprobe_benchmarks::{BenchError, LanguageSubject, RunContext, RunOptions, Silent, Subject};
use brainprobe_data::assets::default_native_root;
use brainprobe_data::Assets;
use brainprobe_engine::{Device, GpuOptions};
use brainprobe_metrics::RandomState;
use brainprobe_models::language::{LayerSelection, Passage, Readout};
use brainprobe_models::{load_blocking, WeightStore};

fn assets() -> Assets {
    Assets::new(default_native_root().display().to_string())
}

fn subject(id: &str, device: Device) -> LanguageSubject {
    let loaded = load_blocking(id, &WeightStore::native(), &device).expect("language model loads");
    let provenance = loaded.provenance.clone();
    let model = loaded.into_language().expect("a language model");
    LanguageSubject::new(model, device, provenance)
}

fn ctx(subset: Option<usize>) -> RunContext {
    let mut ctx = RunContext::new(assets());
    ctx.options = RunOptions {
        language_subset: subset,
        localizer_draws: 3,
        ..RunOptions::default()
    };
    ctx
}

fn run(
    bench: &str,
    s: &Subject,
    ctx: &RunContext,
) -> Result<brainprobe_benchmarks::Score, BenchError> {
    pollster::block_on(registry::run(find(bench).unwrap(), s, ctx, &Silent))
}

fn language(id: &str, device: Device) -> Subject {
    Subject::Language(subject(id, device))
}

#[test]
fn shuffled_pairing_drops_pereira_to_zero_and_reruns_are_identical() {
    let s = subject("embed-ppmi", Device::Cpu);
    let assets = assets();
    let mut log = DataLog::new(&assets);
    let sentences = pollster::block_on(pereira2018::sentences(&mut log, None)).unwrap();
    let data = pollster::block_on(log.finish()).unwrap();
    let readout = s.model.default_readout();
    let rec = pollster::block_on(pereira2018::record(&s, &sentences, readout, &Silent)).unwrap();
    let y: Vec<f64> = sentences.iter().map(|s| s.response).collect();
    let score =
        |y: &[f64]| score_layers(&SPEC, &rec.layers, y, s.model_ref(), data.clone()).unwrap();
    let original = score(&y);
    assert_eq!(original, score(&y), "re-run differs");
    assert!(original
        .notes
        .iter()
        .any(|n| n.contains("No noise ceiling")));
    let mut shuffled = Vec::new();
    for seed in 0..5 {
        let perm = RandomState::new(seed).permutation(y.len());
        let yp: Vec<f64> = perm.iter().map(|&i| y[i]).collect();
        shuffled.push(score(&yp).raw.get().unwrap());
    }
    let mean = shuffled.iter().sum::<f64>() / shuffled.len() as f64;
    assert!(
        mean.abs() < 0.1,
        "original {:?}, shuffled {shuffled:?}",
        original.raw
    );
}

#[test]
fn gpu_and_cpu_pereira_scores_agree() {
    let gpu = pollster::block_on(Device::gpu(GpuOptions::default()))
        .expect("GPU test needs an adapter (lavapipe natively with WGPU_BACKEND=vulkan)");
    let c = run(
        "pereira2018-langnet",
        &language("gpt-mini-untrained", Device::Cpu),
        &ctx(Some(40)),
    )
    .unwrap();
    let g = run(
        "pereira2018-langnet",
        &language("gpt-mini-untrained", gpu),
        &ctx(Some(40)),
    )
    .unwrap();
    assert_eq!(c.layers.len(), g.layers.len());
    for (a, b) in c.layers.iter().zip(&g.layers) {
        let (x, y) = (a.raw.get().unwrap(), b.raw.get().unwrap());
        assert!((x - y).abs() < 1e-4, "{}: cpu {x} gpu {y}", a.layer);
    }
}

#[test]
fn reading_times_localizer_and_nextword_on_small_runs() {
    let cpu = Device::Cpu;
    let gpt = language("gpt-mini-untrained", cpu.clone());
    let small = ctx(Some(2));
    // surprisal: two stories, ceiling from their scored words, |r| in [0, 1]
    let s = run("futrell2018-rt-surprisal", &gpt, &small).unwrap();
    let Some(Details::Futrell(d)) = &s.details else {
        panic!("details")
    };
    assert_eq!(d.stories, 2);
    assert!(d.words_excluded > 0 && d.words_scored > 1000);
    let rho = s.ceiling.as_ref().unwrap().value;
    assert!(rho > 0.5 && rho < 1.0, "{rho}");
    let raw = s.raw.get().unwrap();
    assert!((0.0..=1.0).contains(&raw));
    assert_eq!(s.value.get().unwrap(), (raw / rho).min(1.0));
    // activations: a context-free control, GroupKFold over the two stories
    let emb = language("random-embedding", cpu.clone());
    let a = run("futrell2018-rt", &emb, &small).unwrap();
    assert_eq!(a.layers.len(), 1);
    assert!(a.raw.get().is_some() && a.notes.iter().any(|n| n.contains("Subset run")));
    // surprisal needs a causal model
    let err = run("futrell2018-rt-surprisal", &emb, &small).unwrap_err();
    assert!(matches!(err, BenchError::NotApplicable { .. }), "{err}");
    // localizer: 1 % of the units, shares add up, random draws scored
    let l = run(
        "fedorenko2010-localizer",
        &language("embed-ppmi", cpu.clone()),
        &ctx(Some(60)),
    )
    .unwrap();
    let Some(Details::Localizer(d)) = &l.details else {
        panic!("details")
    };
    assert_eq!(
        d.units_selected,
        (d.units_total as f64 / 100.0).ceil() as usize
    );
    let share: f64 = d.layers.iter().map(|x| x.share_of_network).sum();
    assert!((share - 1.0).abs() < 1e-12);
    assert_eq!(d.random_r.len(), 3);
    assert!(matches!(d.localized_r, Value::Defined(_)));
    let split_mean =
        d.localized_per_split_r.iter().sum::<f64>() / d.localized_per_split_r.len() as f64;
    assert!(
        (split_mean - d.localized_r.get().unwrap()).abs() < 1e-12,
        "the headline is the mean of the kept per-split values"
    );
    assert!(
        l.error.as_ref().is_some_and(|e| e.value.is_finite()
            && e.method
                .starts_with(&format!("SE over {} splits", d.localized_per_split_r.len()))),
        "the localized score carries its SE: {:?}",
        l.error
    );
    assert_eq!(d.localizer_readout, Readout::Mean);
    let count = format!("Localized {} of {} units", d.units_selected, d.units_total);
    assert!(
        l.notes.iter().any(|n| n.starts_with(&count)),
        "{:?}",
        l.notes
    );
    // WikiText-2 perplexity with a token limit (the full file is ~8 CPU-minutes per model)
    let path = default_native_root()
        .ancestors()
        .nth(3)
        .unwrap()
        .join("data/cache/corpora/wikitext2/test.txt");
    let mut wt = ctx(None);
    wt.options.wikitext_tokens = Some(600);
    wt.wikitext2_test = Some(std::fs::read_to_string(&path).expect("prepared WikiText-2"));
    let w = run("wikitext2-nextword", &gpt, &wt).unwrap();
    let Some(Details::NextWord(n)) = &w.details else {
        panic!("details")
    };
    assert_eq!(n.tokens, 599);
    let ppl = w.raw.get().unwrap();
    assert!(ppl.is_finite() && ppl > 1.0, "{ppl}");
    assert!(w.notes.iter().any(|n| n.contains("first 600 tokens")));
    // and without the text (the browser) it says what is missing
    let err = run("wikitext2-nextword", &gpt, &ctx(None)).unwrap_err();
    assert!(err.to_string().contains("WikiText-2"), "{err}");
}

/// The localizer reads each stimulus as the mean over its tokens (whatever the run's
/// readout): its localized units are the top 1 % by t of a `mean` recording of the same
/// stimuli, layer by layer, and a last-token recording gives other t values.
#[test]
fn localizer_reads_the_mean_over_each_stimulus_tokens() {
    use brainprobe_benchmarks::language::fedorenko2010::{top_units, unit_t};
    use brainprobe_data::datasets::fedorenko::{parse_stimuli, Condition, STIMULI};
    let s = subject("gpt-mini-untrained", Device::Cpu);
    let mut c = ctx(Some(40));
    c.options.readout = Some(Readout::LastToken);
    let spec = find("fedorenko2010-localizer").unwrap();
    let score = run("fedorenko2010-localizer", &Subject::Language(s), &c).unwrap();
    assert_eq!(spec.version, 2);
    let Some(Details::Localizer(d)) = &score.details else {
        panic!("details")
    };
    assert_eq!(
        score.model.readout,
        Some(Readout::LastToken),
        "Pereira's readout"
    );
    let s = subject("gpt-mini-untrained", Device::Cpu);
    let stimuli = parse_stimuli(&assets().bytes_blocking(STIMULI).unwrap()).unwrap();
    let pick = |c: Condition| -> Vec<Passage> {
        stimuli
            .iter()
            .filter(|x| x.condition == c)
            .take(40)
            .map(|x| vec![x.stimulus.to_lowercase()])
            .collect()
    };
    let passages = [pick(Condition::Sentence), pick(Condition::Nonwords)].concat();
    let is_sentence: Vec<bool> = (0..80).map(|i| i < 40).collect();
    let t_of = |r: Readout| {
        let rec =
            pollster::block_on(s.record(&passages, &LayerSelection::All, r, "x", &Silent)).unwrap();
        (unit_t(&rec.layers, &is_sentence), rec.layers)
    };
    let (t, layers) = t_of(Readout::Mean);
    let top = top_units(&t, d.units_selected);
    assert_eq!(top.len(), d.units_selected);
    let mut start = 0;
    for (share, layer) in d.layers.iter().zip(&layers) {
        let width = layer.values.ncols();
        let n = top
            .iter()
            .filter(|&&u| u >= start && u < start + width)
            .count();
        assert_eq!(
            (share.layer.as_str(), share.selected),
            (layer.name.as_str(), n)
        );
        start += width;
    }
    let (t_last, _) = t_of(Readout::LastToken);
    assert_ne!(format!("{t:?}"), format!("{t_last:?}"));
}
