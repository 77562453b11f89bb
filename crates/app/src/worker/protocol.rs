//! Messages between the page and its Web Worker, sent as JSON strings through
//! `postMessage`. The page sends [`ToWorker`]; the worker answers with [`FromWorker`]: one
//! `Ready` when it has looked for a GPU, then for every run a stream of `Progress` and one
//! `Done` or `Failed`. Results are what the benchmarks return (a score with its views: one
//! 92 × 92 RDM, a thinned scatter …), never activations.

use brainprobe_benchmarks::Score;
use brainprobe_models::language::Readout;
use serde::{Deserialize, Serialize};

pub use brainprobe_benchmarks::language::new_sentence::SentencePrediction;
pub use brainprobe_benchmarks::vision::attractor_trace::AttractorTrace;
pub use brainprobe_benchmarks::vision::occlusion_image::{
    ClassifyResult, Guess, ImageSource, ShownImage,
};
pub use brainprobe_benchmarks::Run;

/// Which device a run should use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeviceChoice {
    /// The WebGPU adapter when the worker found a hardware one, else the CPU: a software
    /// adapter (SwiftShader, lavapipe) is many times slower than the wasm CPU path.
    Auto,
    /// The CPU (ndarray) path, e.g. to retry after a GPU error.
    Cpu,
    /// The WebGPU adapter even when it is a software one (the CPU when there is none).
    Gpu,
}

/// What to compute.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Job {
    /// `brainprobe_benchmarks::views::run_score` of `benchmark` on `model`: the CLI's
    /// `score` with the views the score carries (per-layer and occlusion curves).
    Score {
        /// Model identifier (models registry).
        model: String,
        /// Benchmark identifier (benchmarks registry).
        benchmark: String,
    },
    /// `brainprobe_benchmarks::views::run`: the score with every view its page draws (RDMs
    /// and neighbours, held-out scatter, reading view), perhaps on a subset.
    Views {
        /// Model identifier.
        model: String,
        /// Benchmark identifier.
        benchmark: String,
        /// Only the first N sentences / stories (the CLI's `score --subset N`).
        subset: Option<usize>,
        /// Language benchmarks: the readout (the CLI's `--readout`); `None` = the model's
        /// default.
        #[serde(default)]
        readout: Option<Readout>,
    },
    /// "Your sentence": the model's Pereira encoding model applied to a new sentence.
    PredictSentence {
        /// Model identifier (a language model).
        model: String,
        /// The sentence as typed (trimmed and cut to 1 000 characters by the job).
        sentence: String,
    },
    /// One image behind the bubbles of `tang2018-occlusion` (CIFAR-10 images, uploads) or
    /// `tang2018-occlusion-objects` (object photos), classified (the Occlusion page).
    Classify {
        /// Model identifier (a vision model).
        model: String,
        /// The image.
        image: ImageSource,
        /// Lower edge of the visibility bin in percent (bins 5 wide); 100 = unoccluded.
        visibility_pct: u32,
    },
    /// One object photo's trajectory through `tang2018-attractor-objects`' Hopfield network
    /// (the Occlusion page's attractor animation).
    AttractorTrace {
        /// Model identifier (a vision model).
        model: String,
        /// Stimulus index (0–91).
        photo: usize,
        /// Lower edge of the visibility bin in percent; 100 = the whole photo.
        visibility_pct: u32,
    },
}

impl Job {
    /// Model identifier of the job.
    pub fn model(&self) -> &str {
        match self {
            Job::Score { model, .. } => model,
            Job::Classify { model, .. } | Job::AttractorTrace { model, .. } => model,
            Job::Views { model, .. } | Job::PredictSentence { model, .. } => model,
        }
    }

    /// Benchmark identifier of the job.
    pub fn benchmark(&self) -> &str {
        match self {
            Job::Score { benchmark, .. } => benchmark,
            Job::Classify {
                image: ImageSource::Photo(_),
                ..
            } => "tang2018-occlusion-objects",
            Job::Classify { .. } => "tang2018-occlusion",
            Job::AttractorTrace { .. } => "tang2018-attractor-objects",
            Job::Views { benchmark, .. } => benchmark,
            Job::PredictSentence { .. } => "pereira2018-langnet",
        }
    }

    /// The model × benchmark run (and its subset) when the job scores a whole benchmark,
    /// the runs whose time [`brainprobe_benchmarks::cpu_time`] estimates; `None` for
    /// single-image and single-sentence jobs.
    pub fn benchmark_run(&self) -> Option<(&str, &str, Option<usize>)> {
        match self {
            Job::Score { model, benchmark } => Some((model, benchmark, None)),
            Job::Views {
                model,
                benchmark,
                subset,
                ..
            } => Some((model, benchmark, *subset)),
            _ => None,
        }
    }
}

/// One run: an id chosen by the page, the job and the device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRequest {
    /// Echoed in every answer about this run.
    pub id: u32,
    /// What to compute.
    pub job: Job,
    /// Where.
    pub device: DeviceChoice,
}

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Start a run (the page sends one at a time; cancel = terminate the worker).
    Run(RunRequest),
}

/// The device the worker found, for the page's device line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceLine {
    /// True when a WebGPU adapter was opened.
    pub gpu: bool,
    /// Adapter description (engine `DeviceInfo`), or "CPU (ndarray)".
    pub text: String,
    /// Why there is no GPU, when there is none.
    pub fallback_reason: Option<String>,
    /// True when the adapter is software-emulated (a CPU behind WebGPU), so that
    /// [`DeviceChoice::Auto`] runs on the wasm CPU path instead.
    #[serde(default)]
    pub software: bool,
}

impl DeviceLine {
    /// Whether a run with `choice` uses the WebGPU adapter this line describes.
    pub fn uses_gpu(&self, choice: DeviceChoice) -> bool {
        match choice {
            DeviceChoice::Cpu => false,
            DeviceChoice::Gpu => self.gpu,
            DeviceChoice::Auto => self.gpu && !self.software,
        }
    }

    /// Why a run with `choice` goes to the CPU path, or `None` when it uses the adapter.
    pub fn cpu_reason(&self, choice: DeviceChoice) -> Option<&'static str> {
        if self.uses_gpu(choice) {
            None
        } else if choice == DeviceChoice::Cpu {
            Some("“run on the CPU” is on")
        } else if !self.gpu {
            Some("no WebGPU adapter")
        } else {
            Some("the WebGPU adapter is software-emulated")
        }
    }
}

/// Whether an adapter description names a software (CPU) implementation of WebGPU: the
/// engine's device type `Cpu`, or a known software rasteriser in the adapter's name.
pub fn is_software_adapter(device_type: &str, name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    device_type.eq_ignore_ascii_case("cpu")
        || [
            "swiftshader",
            "llvmpipe",
            "lavapipe",
            "software",
            "fallback",
        ]
        .iter()
        .any(|s| name.contains(s))
}

/// How far a run is: `done` of `total` units of `step` (what the worker reports and the
/// page's run state keeps).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepProgress {
    /// The step, e.g. "92 images" or "weights of cornet-s-mini".
    pub step: String,
    /// Units done.
    pub done: u64,
    /// Units in the step (0 = unknown).
    pub total: u64,
    /// What the units are.
    pub unit: Unit,
}

impl StepProgress {
    /// Nothing counted yet: the state of a run that has just been sent.
    pub fn starting() -> Self {
        Self {
            step: "starting".into(),
            done: 0,
            total: 0,
            unit: Unit::Items,
        }
    }
}

/// What a progress count counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// Stimuli, images, layers …
    Items,
    /// Downloaded bytes.
    Bytes,
}

/// Where a run failed, so the page can offer the right next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunErrorKind {
    /// The GPU failed (device lost, out of memory): retry on the CPU.
    Gpu,
    /// A data bundle or weights file could not be fetched or read.
    Data,
    /// An unknown id, or a model that this benchmark cannot score.
    Request,
    /// The benchmark itself failed.
    Benchmark,
    /// The worker stopped (crashed or failed to load).
    Worker,
}

/// A failed run, as a sentence and a kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunError {
    /// What failed.
    pub kind: RunErrorKind,
    /// The message shown on the page (rendered as text).
    pub message: String,
}

/// The result of a job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum JobResult {
    /// A benchmark's score with its views.
    Run(Box<Run>),
    /// A predicted response to a new sentence (no score).
    Sentence(Box<SentencePrediction>),
    /// One occluded image's most probable classes (no score).
    Classify(Box<ClassifyResult>),
    /// One photo's sweeps through the attractor network (no score).
    Attractor(Box<AttractorTrace>),
}

impl JobResult {
    /// The score inside, if the job computes one.
    pub fn score(&self) -> Option<&Score> {
        match self {
            JobResult::Run(r) => Some(&r.score),
            JobResult::Classify(_) | JobResult::Sentence(_) | JobResult::Attractor(_) => None,
        }
    }
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker is ready; the device it will use for `Auto` runs.
    Ready(DeviceLine),
    /// Where run `id` stands.
    Progress {
        /// Run id.
        id: u32,
        /// Its step and count.
        progress: StepProgress,
    },
    /// Run `id` succeeded.
    Done {
        /// Run id.
        id: u32,
        /// The result.
        result: JobResult,
    },
    /// Run `id` failed.
    Failed {
        /// Run id.
        id: u32,
        /// Why.
        error: RunError,
    },
}

/// Encodes a message for `postMessage`.
pub fn encode<T: Serialize>(message: &T) -> String {
    serde_json::to_string(message).unwrap_or_else(|e| {
        format!("{{\"Failed\":{{\"id\":0,\"error\":{{\"kind\":\"Worker\",\"message\":\"encode: {e}\"}}}}}}")
    })
}

/// Decodes a message received through `postMessage`.
pub fn decode<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("malformed worker message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_benchmark_jobs_have_a_run_to_estimate() {
        let views = Job::Views {
            model: "smollm2-135m".into(),
            benchmark: "pereira2018-langnet".into(),
            subset: Some(60),
            readout: None,
        };
        assert_eq!(
            views.benchmark_run(),
            Some(("smollm2-135m", "pereira2018-langnet", Some(60)))
        );
        let sentence = Job::PredictSentence {
            model: "gpt-mini".into(),
            sentence: "A dog.".into(),
        };
        assert_eq!(sentence.benchmark_run(), None);
    }

    #[test]
    fn auto_skips_a_software_adapter_and_webgpu_can_be_forced() {
        let line = |gpu, software| DeviceLine {
            gpu,
            text: String::new(),
            fallback_reason: None,
            software,
        };
        let choices = [DeviceChoice::Auto, DeviceChoice::Cpu, DeviceChoice::Gpu];
        let uses = |l: DeviceLine| choices.map(|c| l.uses_gpu(c));
        assert_eq!(
            uses(line(true, false)),
            [true, false, true],
            "hardware adapter"
        );
        assert_eq!(
            uses(line(true, true)),
            [false, false, true],
            "software adapter"
        );
        assert_eq!(
            uses(line(false, false)),
            [false, false, false],
            "no adapter"
        );
        assert_eq!(line(true, false).cpu_reason(DeviceChoice::Auto), None);
        assert_eq!(
            line(true, false).cpu_reason(DeviceChoice::Cpu),
            Some("“run on the CPU” is on")
        );
        assert_eq!(
            line(true, true).cpu_reason(DeviceChoice::Auto),
            Some("the WebGPU adapter is software-emulated")
        );
        assert_eq!(
            line(false, false).cpu_reason(DeviceChoice::Gpu),
            Some("no WebGPU adapter")
        );
        // SwiftShader as the engine describes it in headless Chromium, and by name.
        assert!(is_software_adapter(
            "Cpu",
            "GPU: SwiftShader Device (BrowserWebGpu, Cpu, software-emulated)"
        ));
        assert!(is_software_adapter("", "google swiftshader"));
        assert!(is_software_adapter("", "llvmpipe (LLVM 15.0.6, 256 bits)"));
        assert!(!is_software_adapter(
            "DiscreteGpu",
            "NVIDIA GeForce RTX 4090"
        ));
        assert!(!is_software_adapter("IntegratedGpu", "apple m2"));
        // A line from an older worker (no `software` field) reads as hardware.
        let old: DeviceLine =
            serde_json::from_str(r#"{"gpu":true,"text":"x","fallback_reason":null}"#).unwrap();
        assert!(!old.software);
    }

    #[test]
    fn messages_round_trip_as_json() {
        let req = ToWorker::Run(RunRequest {
            id: 7,
            job: Job::Views {
                model: "cornet-z-mini".into(),
                benchmark: "kriegeskorte2008-it-rsa".into(),
                subset: None,
                readout: None,
            },
            device: DeviceChoice::Cpu,
        });
        assert_eq!(decode::<ToWorker>(&encode(&req)), Ok(req));
        let p = FromWorker::Progress {
            id: 7,
            progress: StepProgress {
                step: "92 images".into(),
                done: 50,
                total: 92,
                unit: Unit::Items,
            },
        };
        assert_eq!(decode::<FromWorker>(&encode(&p)), Ok(p));
        assert!(decode::<ToWorker>("not json").is_err());
    }
}
