//! The page's view of the worker: its device, the run in progress (step, counts, ETA),
//! the queue, and every result or error by job — a Yew `Reducible` fed by the worker
//! client's [`Action`]s — and [`Runs`], the context every page reads it through. Pages
//! import this module, never `app`, so the shell and the pages form no import loop.

use std::collections::HashMap;
use std::rc::Rc;

use yew::prelude::*;

use crate::worker::client::WorkerClient;
use crate::worker::protocol::{DeviceChoice, DeviceLine, Job, JobResult, RunError, StepProgress};

/// What every page gets through a context: the runs state and the worker client.
#[derive(Clone, PartialEq)]
pub struct Runs {
    /// Device, active run, results and errors.
    pub state: UseReducerHandle<RunsState>,
    /// Sends jobs to the worker.
    pub client: WorkerClient,
}

/// Runs a future on the browser event loop (natively: dropped, for tests).
pub fn spawn<F: std::future::Future<Output = ()> + 'static>(f: F) {
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_futures::spawn_local(f);
    #[cfg(not(target_arch = "wasm32"))]
    drop(f);
}

/// A job on a device: the key results are stored under.
pub type JobKey = (Job, DeviceChoice);

/// The run the worker is busy with.
#[derive(Clone, Debug, PartialEq)]
pub struct ActiveRun {
    /// Run id.
    pub id: u32,
    /// Its job.
    pub key: JobKey,
    /// Its current step and count.
    pub progress: StepProgress,
    /// When the run started (ms, page clock).
    pub started_ms: f64,
    /// When the current step started (ms).
    pub step_started_ms: f64,
    /// Latest update (ms).
    pub now_ms: f64,
}

/// Everything the pages read about runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunsState {
    /// The worker's device, once it is ready.
    pub device: Option<DeviceLine>,
    /// The run in progress.
    pub active: Option<ActiveRun>,
    /// Jobs waiting, in order.
    pub queued: Vec<JobKey>,
    /// Finished results.
    pub results: HashMap<JobKey, Rc<JobResult>>,
    /// Failed jobs.
    pub errors: HashMap<JobKey, RunError>,
    /// Set when the user cancelled (shown until the next run starts).
    pub cancelled: bool,
    /// Whether `device` comes from the worker (else from the page's probe, or none yet).
    pub worker_ready: bool,
}

/// What the worker client reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The worker is ready on this device.
    Device(DeviceLine),
    /// The page's own adapter probe (kept only until the worker reports).
    Probed(DeviceLine),
    /// A job was queued.
    Queued(JobKey),
    /// A job was sent to the worker.
    Started {
        /// Run id.
        id: u32,
        /// The job.
        key: JobKey,
        /// Page clock (ms).
        now_ms: f64,
    },
    /// Progress of run `id`.
    Progress {
        /// Run id.
        id: u32,
        /// Its step and count.
        progress: StepProgress,
        /// Page clock (ms).
        now_ms: f64,
    },
    /// A job finished.
    Done(JobKey, Rc<JobResult>),
    /// A job failed.
    Failed(JobKey, RunError),
    /// The user cancelled: the run and the queue are dropped.
    Cancelled,
}

impl Reducible for RunsState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Device(line) => {
                s.device = Some(line);
                s.worker_ready = true;
            }
            Action::Probed(line) => {
                if !s.worker_ready {
                    s.device = Some(line);
                }
            }
            Action::Queued(key) => {
                s.errors.remove(&key);
                s.queued.push(key);
            }
            Action::Started { id, key, now_ms } => {
                s.queued.retain(|k| k != &key);
                s.cancelled = false;
                s.active = Some(ActiveRun {
                    id,
                    key,
                    progress: StepProgress::starting(),
                    started_ms: now_ms,
                    step_started_ms: now_ms,
                    now_ms,
                });
            }
            Action::Progress {
                id,
                progress,
                now_ms,
            } => {
                if let Some(a) = s.active.as_mut().filter(|a| a.id == id) {
                    if a.progress.step != progress.step {
                        a.step_started_ms = now_ms;
                    }
                    a.progress = progress;
                    a.now_ms = now_ms;
                }
            }
            Action::Done(key, result) => {
                s.active = None;
                s.results.insert(key, result);
            }
            Action::Failed(key, error) => {
                s.active = None;
                s.queued.retain(|k| k != &key);
                s.errors.insert(key, error);
            }
            Action::Cancelled => {
                s.active = None;
                s.queued.clear();
                s.cancelled = true;
            }
        }
        Rc::new(s)
    }
}

impl RunsState {
    /// Whether `key` is running or queued.
    pub fn pending(&self, key: &JobKey) -> bool {
        self.active.as_ref().is_some_and(|a| &a.key == key) || self.queued.contains(key)
    }
}

/// Seconds left in a step that has done `done` of `total` units in `elapsed_ms`, assuming
/// a constant rate; `None` before the first unit or when the total is unknown.
pub fn eta_seconds(elapsed_ms: f64, done: u64, total: u64) -> Option<f64> {
    if done == 0 || total == 0 || done > total || elapsed_ms <= 0.0 {
        return None;
    }
    Some(elapsed_ms / 1000.0 * (total - done) as f64 / done as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::protocol::Unit;

    #[test]
    fn eta_extrapolates_the_rate_and_refuses_to_guess() {
        assert_eq!(eta_seconds(2000.0, 25, 100), Some(6.0));
        assert_eq!(eta_seconds(2000.0, 100, 100), Some(0.0));
        assert_eq!(eta_seconds(2000.0, 0, 100), None);
        assert_eq!(eta_seconds(2000.0, 5, 0), None);
    }

    #[test]
    fn progress_of_another_run_is_ignored_and_done_stores_the_result() {
        let key: JobKey = (
            Job::Score {
                model: "m".into(),
                benchmark: "b".into(),
            },
            DeviceChoice::Auto,
        );
        let s = Rc::new(RunsState::default())
            .reduce(Action::Queued(key.clone()))
            .reduce(Action::Started {
                id: 3,
                key: key.clone(),
                now_ms: 0.0,
            });
        assert!(s.pending(&key));
        let s = s.reduce(Action::Progress {
            id: 4,
            progress: StepProgress {
                step: "x".into(),
                done: 1,
                total: 2,
                unit: Unit::Items,
            },
            now_ms: 1.0,
        });
        assert_eq!(s.active.as_ref().map(|a| a.progress.done), Some(0));
        let s = s.reduce(Action::Cancelled);
        assert!(s.active.is_none() && s.cancelled && !s.pending(&key));
    }
}
