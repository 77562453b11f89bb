//! The Web Worker that owns the compute: the message protocol, the jobs (shared with a
//! native test), and — in the browser — the worker's runner and the page's client.

pub mod client;
pub mod jobs;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod cached_fetch;
#[cfg(target_arch = "wasm32")]
pub mod runner;
