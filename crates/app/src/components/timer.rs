//! Browser timers for the pages, as guards: dropping the guard clears the timer
//! (`gloo-timers`). Natively (unit tests) nothing is scheduled.

/// Calls `f` after `ms` milliseconds unless the returned guard is dropped first.
#[cfg(target_arch = "wasm32")]
pub fn later(ms: i32, f: impl FnOnce() + 'static) -> impl Drop {
    gloo_timers::callback::Timeout::new(ms.max(0) as u32, f)
}

/// Nothing is scheduled natively.
#[cfg(not(target_arch = "wasm32"))]
pub fn later(_ms: i32, _f: impl FnOnce() + 'static) -> impl Drop {
    NoTimer
}

/// Calls `f` every `ms` milliseconds until the returned guard is dropped.
#[cfg(target_arch = "wasm32")]
pub fn every(ms: u32, f: impl Fn() + 'static) -> impl Drop {
    gloo_timers::callback::Interval::new(ms, f)
}

/// Nothing is scheduled natively.
#[cfg(not(target_arch = "wasm32"))]
pub fn every(_ms: u32, _f: impl Fn() + 'static) -> impl Drop {
    NoTimer
}

/// The native stand-in guard: nothing to stop.
#[cfg(not(target_arch = "wasm32"))]
struct NoTimer;

#[cfg(not(target_arch = "wasm32"))]
impl Drop for NoTimer {
    fn drop(&mut self) {}
}
