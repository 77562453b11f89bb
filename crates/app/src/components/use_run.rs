//! [`use_run`]: one page's run of one job — the "run on the CPU" and "force WebGPU"
//! switches (neither: "auto", the adapter unless it is a software one), Run (with
//! Cancel while it runs), "Retry on the CPU" after a GPU or worker failure, and the
//! outcome (the result's view, the failure, or the running / idle line). The Vision,
//! Language and Occlusion pages use it instead of each wiring the worker client.

use std::rc::Rc;

use brainprobe_benchmarks::cpu_time::{wasm_cpu_estimate, CpuEstimate};
use yew::prelude::*;

use super::run_outcome::{failed_run, run_status};
use super::run_progress::duration_text;
use crate::state::{JobKey, Runs};
use crate::worker::protocol::{DeviceChoice, Job, JobResult, RunError};

/// A page's run of one job: where it stands and the callbacks that drive it.
#[derive(Clone)]
pub struct RunHandle {
    /// Page name, the prefix of element ids (`<page>-run`, `<page>-cpu`, `<page>-webgpu`,
    /// `<page>-error`).
    pub page: &'static str,
    /// The device the next run uses (as the switches say).
    pub device: DeviceChoice,
    /// Whether the "run on the CPU" switch is on.
    pub force_cpu: bool,
    /// Whether the "force WebGPU" switch is on.
    pub force_gpu: bool,
    /// Whether the job is running or queued.
    pub pending: bool,
    /// The finished result on `device`.
    pub result: Option<Rc<JobResult>>,
    /// The failure on `device`.
    pub error: Option<RunError>,
    /// Runs the job on `device`.
    pub run: Callback<MouseEvent>,
    /// Turns the switch on and runs the job on the CPU.
    pub retry_on_cpu: Callback<MouseEvent>,
    /// Stops the run in progress (and the queue).
    pub cancel: Callback<MouseEvent>,
    /// Flips the "run on the CPU" switch (and turns "force WebGPU" off).
    pub toggle_cpu: Callback<Event>,
    /// Flips the "force WebGPU" switch (and turns "run on the CPU" off).
    pub toggle_gpu: Callback<Event>,
    /// When the next run goes to the CPU path: why, and its estimated time where a
    /// measured run exists for the job (`brainprobe_benchmarks::cpu_time`).
    pub cpu_estimate: Option<(&'static str, CpuEstimate)>,
}

impl RunHandle {
    /// The "run on the CPU" (`<page>-cpu`) and "force WebGPU" (`<page>-webgpu`: use the
    /// adapter even when it is software-emulated) checkboxes.
    pub fn cpu_switch(&self) -> Html {
        html! {
            <>
                <label class="check"><input id={format!("{}-cpu", self.page)} type="checkbox" checked={self.force_cpu} onchange={self.toggle_cpu.clone()} />{" run on the CPU"}</label>
                <label class="check" title="use the WebGPU adapter even when it is software-emulated (slower than the CPU path there)"><input id={format!("{}-webgpu", self.page)} type="checkbox" checked={self.force_gpu} onchange={self.toggle_gpu.clone()} />{" force WebGPU"}</label>
            </>
        }
    }

    /// The Run button (`<page>-run`, reading `label` when idle), and Cancel while it runs.
    pub fn run_button(&self, label: &str) -> Html {
        html! {
            <>
                <button id={format!("{}-run", self.page)} class="primary" onclick={self.run.clone()} disabled={self.pending}>{ if self.pending { "Running…" } else { label } }</button>
                if self.pending {
                    <button id={format!("{}-cancel", self.page)} onclick={self.cancel.clone()}>{"Cancel"}</button>
                } else {
                    { self.cpu_estimate_note() }
                }
            </>
        }
    }

    /// Before a run that goes to the slower CPU path and takes a while (≥ 10 s by the
    /// estimate): `<page>-cpu-estimate`, saying so with the estimated time and its basis.
    fn cpu_estimate_note(&self) -> Html {
        let Some((reason, estimate)) = self
            .cpu_estimate
            .as_ref()
            .filter(|(_, e)| e.seconds >= 10.0)
        else {
            return html! {};
        };
        html! {
            <span id={format!("{}-cpu-estimate", self.page)} class="cpu-estimate" data-seconds={format!("{:.0}", estimate.seconds)} title={format!("Estimated from {}; your device may be faster or slower. The progress bar shows the time left once the run starts.", estimate.basis())}>
                {format!("Runs on the CPU path ({reason}), which is slower: {} on a 2-core machine", duration_text(estimate.seconds))}
            </span>
        }
    }

    /// `view` of the result, else the failure (with a CPU retry where it helps), else `idle`.
    pub fn outcome_or(&self, view: impl FnOnce(&JobResult) -> Html, idle: Html) -> Html {
        match (&self.result, &self.error) {
            (Some(r), _) => view(r),
            (_, Some(e)) => failed_run(self.page, e, self.retry_on_cpu.clone()),
            _ => idle,
        }
    }

    /// [`Self::outcome_or`] with the running / idle line (`idle` says what Run does).
    pub fn outcome(&self, idle: &str, view: impl FnOnce(&JobResult) -> Html) -> Html {
        self.outcome_or(view, run_status(self.page, self.pending, idle))
    }
}

/// The run of `job` for `page`; `None` outside the app (no [`Runs`] context).
#[hook]
pub fn use_run(page: &'static str, job: Job) -> Option<RunHandle> {
    let choice = use_state(|| DeviceChoice::Auto);
    let runs = use_context::<Runs>()?;
    let device = *choice;
    let key: JobKey = (job.clone(), device);
    let state = &*runs.state;
    let cpu_estimate = state
        .device
        .as_ref()
        .and_then(|line| line.cpu_reason(device))
        .zip(
            job.benchmark_run()
                .and_then(|(m, b, subset)| wasm_cpu_estimate(m, b, subset)),
        );
    let submit = |device: DeviceChoice, switch_on: bool| {
        let client = runs.client.clone();
        let job = job.clone();
        let choice = choice.clone();
        Callback::from(move |_: MouseEvent| {
            if switch_on {
                choice.set(DeviceChoice::Cpu);
            }
            client.submit(job.clone(), device)
        })
    };
    let cancel = {
        let client = runs.client.clone();
        Callback::from(move |_: MouseEvent| client.cancel())
    };
    let toggle = |on: DeviceChoice| {
        let choice = choice.clone();
        Callback::from(move |_: Event| {
            choice.set(if *choice == on {
                DeviceChoice::Auto
            } else {
                on
            })
        })
    };
    Some(RunHandle {
        page,
        device,
        force_cpu: device == DeviceChoice::Cpu,
        force_gpu: device == DeviceChoice::Gpu,
        pending: state.pending(&key),
        result: state.results.get(&key).cloned(),
        error: state.errors.get(&key).cloned(),
        run: submit(device, false),
        retry_on_cpu: submit(DeviceChoice::Cpu, true),
        cancel,
        toggle_cpu: toggle(DeviceChoice::Cpu),
        toggle_gpu: toggle(DeviceChoice::Gpu),
        cpu_estimate,
    })
}
