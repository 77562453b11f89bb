//! Browser timers for the pages, as guards: dropping the guard clears the timer. Natively
//! (unit tests) nothing is scheduled.

/// Calls `f` after `ms` milliseconds unless the returned guard is dropped first.
#[cfg(target_arch = "wasm32")]
pub fn later(ms: i32, f: impl FnOnce() + 'static) -> impl Drop {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    struct Timer {
        handle: i32,
        _closure: Closure<dyn FnMut()>,
    }
    impl Drop for Timer {
        fn drop(&mut self) {
            if let Some(w) = web_sys::window() {
                w.clear_timeout_with_handle(self.handle);
            }
        }
    }
    let mut f = Some(f);
    let closure = Closure::<dyn FnMut()>::new(move || {
        if let Some(f) = f.take() {
            f();
        }
    });
    let handle = web_sys::window()
        .and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                closure.as_ref().unchecked_ref(),
                ms,
            )
            .ok()
        })
        .unwrap_or(0);
    Timer {
        handle,
        _closure: closure,
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub fn later(_ms: i32, _f: impl FnOnce() + 'static) -> impl Drop {
    /// Nothing to stop natively.
    struct NoTimer;
    impl Drop for NoTimer {
        fn drop(&mut self) {}
    }
    NoTimer
}

/// Calls `f` every `ms` milliseconds until the returned guard is dropped.
#[cfg(target_arch = "wasm32")]
pub fn every(ms: u32, f: impl Fn() + 'static) -> impl Drop {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    struct Interval {
        handle: i32,
        _closure: Closure<dyn Fn()>,
    }
    impl Drop for Interval {
        fn drop(&mut self) {
            if let Some(w) = web_sys::window() {
                w.clear_interval_with_handle(self.handle);
            }
        }
    }
    let closure = Closure::<dyn Fn()>::new(f);
    let handle = web_sys::window()
        .and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(
                closure.as_ref().unchecked_ref(),
                ms as i32,
            )
            .ok()
        })
        .unwrap_or(0);
    Interval {
        handle,
        _closure: closure,
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub fn every(_ms: u32, _f: impl Fn() + 'static) -> impl Drop {
    /// Nothing to stop natively.
    struct NoTimer;
    impl Drop for NoTimer {
        fn drop(&mut self) {}
    }
    NoTimer
}
