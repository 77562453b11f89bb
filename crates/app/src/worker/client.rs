//! The page's side of the worker: starts it on the first run (`worker-entry.js`, a module
//! worker; the engine is not part of the initial page), queues runs and sends them one at a time once the worker said `Ready`, turns its messages into
//! [`Action`]s, and cancels by terminating the worker and starting a fresh one (the only
//! way to stop work that never yields to the worker's event loop). A crashed worker fails
//! its run with a message and is restarted.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use yew::Callback;

use super::protocol::{DeviceChoice, FromWorker, Job, RunRequest};
use crate::state::Action;

/// Script the worker starts from (beside `index.html`).
pub const WORKER_SCRIPT: &str = "worker-entry.js";

struct Inner {
    dispatch: Callback<Action>,
    ready: bool,
    queue: VecDeque<RunRequest>,
    busy: Option<RunRequest>,
    next_id: u32,
    #[cfg(target_arch = "wasm32")]
    worker: Option<web::Spawned>,
    /// Terminated workers, kept so no closure is dropped while it may still be running.
    #[cfg(target_arch = "wasm32")]
    retired: Vec<web::Spawned>,
}

/// Handle on the worker, shared by every page through a context.
#[derive(Clone)]
pub struct WorkerClient {
    inner: Rc<RefCell<Inner>>,
}

impl PartialEq for WorkerClient {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

/// Milliseconds on the page clock.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

impl WorkerClient {
    /// A client whose worker starts with the first run; its reports go to `dispatch`.
    pub fn new(dispatch: Callback<Action>) -> Self {
        Self {
            inner: Rc::new(RefCell::new(Inner {
                dispatch,
                ready: false,
                queue: VecDeque::new(),
                busy: None,
                next_id: 1,
                #[cfg(target_arch = "wasm32")]
                worker: None,
                #[cfg(target_arch = "wasm32")]
                retired: Vec::new(),
            })),
        }
    }

    fn spawn(&self) {
        #[cfg(target_arch = "wasm32")]
        {
            let spawned = web::spawn(self.clone());
            let mut inner = self.inner.borrow_mut();
            inner.ready = false;
            match spawned {
                Ok(w) => inner.worker = Some(w),
                Err(message) => {
                    let dispatch = inner.dispatch.clone();
                    drop(inner);
                    dispatch.emit(Action::Device(super::protocol::DeviceLine {
                        gpu: false,
                        text: "no worker".into(),
                        fallback_reason: Some(message),
                        software: false,
                    }));
                }
            }
        }
    }

    /// Queues `job` on `device`, unless the same job is already queued or running.
    pub fn submit(&self, job: Job, device: DeviceChoice) {
        let dispatch = {
            let mut inner = self.inner.borrow_mut();
            let same = |r: &RunRequest| r.job == job && r.device == device;
            if inner.busy.as_ref().is_some_and(same) || inner.queue.iter().any(same) {
                return;
            }
            let id = inner.next_id;
            inner.next_id += 1;
            inner.queue.push_back(RunRequest {
                id,
                job: job.clone(),
                device,
            });
            inner.dispatch.clone()
        };
        dispatch.emit(Action::Queued((job, device)));
        #[cfg(target_arch = "wasm32")]
        if self.inner.borrow().worker.is_none() {
            self.spawn();
        }
        self.pump();
    }

    /// Stops the run in progress and drops the queue.
    pub fn cancel(&self) {
        let dispatch = {
            let mut inner = self.inner.borrow_mut();
            inner.queue.clear();
            inner.busy = None;
            #[cfg(target_arch = "wasm32")]
            if let Some(w) = inner.worker.take() {
                w.worker.terminate();
                inner.retired.push(w);
            }
            inner.ready = false;
            inner.dispatch.clone()
        };
        dispatch.emit(Action::Cancelled);
    }

    /// Sends the next queued run when the worker is idle and ready.
    fn pump(&self) {
        let started = {
            let mut inner = self.inner.borrow_mut();
            if !inner.ready || inner.busy.is_some() {
                return;
            }
            let Some(request) = inner.queue.pop_front() else {
                return;
            };
            #[cfg(target_arch = "wasm32")]
            if let Some(w) = &inner.worker {
                let text =
                    super::protocol::encode(&super::protocol::ToWorker::Run(request.clone()));
                let _ = w
                    .worker
                    .post_message(&wasm_bindgen::JsValue::from_str(&text));
            }
            inner.busy = Some(request.clone());
            (inner.dispatch.clone(), request)
        };
        let (dispatch, request) = started;
        dispatch.emit(Action::Started {
            id: request.id,
            key: (request.job, request.device),
            now_ms: now_ms(),
        });
    }

    /// Handles one message from the worker.
    pub fn receive(&self, message: FromWorker) {
        let (dispatch, action) = {
            let mut inner = self.inner.borrow_mut();
            let dispatch = inner.dispatch.clone();
            let busy_key = |inner: &Inner, id: u32| {
                inner
                    .busy
                    .as_ref()
                    .filter(|r| r.id == id)
                    .map(|r| (r.job.clone(), r.device))
            };
            let action = match message {
                FromWorker::Ready(line) => {
                    inner.ready = true;
                    Some(Action::Device(line))
                }
                FromWorker::Progress { id, progress } => Some(Action::Progress {
                    id,
                    progress,
                    now_ms: now_ms(),
                }),
                FromWorker::Done { id, result } => {
                    let key = busy_key(&inner, id);
                    inner.busy = None;
                    key.map(|k| Action::Done(k, Rc::new(result)))
                }
                FromWorker::Failed { id, error } => {
                    let key = busy_key(&inner, id);
                    inner.busy = None;
                    key.map(|k| Action::Failed(k, error))
                }
            };
            (dispatch, action)
        };
        if let Some(a) = action {
            dispatch.emit(a);
        }
        self.pump();
    }

    /// The worker died: fail its run and start a new one (the queue waits for it).
    pub fn crashed(&self, message: String) {
        let busy = {
            let mut inner = self.inner.borrow_mut();
            inner.ready = false;
            #[cfg(target_arch = "wasm32")]
            if let Some(w) = inner.worker.take() {
                w.worker.terminate();
                inner.retired.push(w);
            }
            inner.busy.as_ref().map(|r| r.id)
        };
        if let Some(id) = busy {
            self.receive(FromWorker::Failed {
                id,
                error: super::protocol::RunError {
                    kind: super::protocol::RunErrorKind::Worker,
                    message,
                },
            });
        }
        self.spawn();
    }
}

#[cfg(target_arch = "wasm32")]
mod web {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

    use super::{WorkerClient, WORKER_SCRIPT};
    use crate::worker::protocol::{decode, FromWorker};

    /// A started worker and the closures its events call.
    pub struct Spawned {
        /// The worker.
        pub worker: Worker,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(ErrorEvent)>,
    }

    pub fn spawn(client: WorkerClient) -> Result<Spawned, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(WORKER_SCRIPT, &options)
            .map_err(|e| format!("cannot start the worker: {e:?}"))?;
        let for_messages = client.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let text = e.data().as_string().unwrap_or_default();
            match decode::<FromWorker>(&text) {
                Ok(m) => for_messages.receive(m),
                Err(message) => for_messages.crashed(message),
            }
        });
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            client.crashed(format!("the worker stopped: {}", e.message()));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Spawned {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }
}
