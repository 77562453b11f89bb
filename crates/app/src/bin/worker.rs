//! Entry point of the Web Worker (started by `worker-entry.js`): runs the engine and the
//! benchmarks off the page's thread.

fn main() {
    #[cfg(target_arch = "wasm32")]
    brainprobe_app::worker::runner::start();
}
