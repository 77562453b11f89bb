//! A frame-by-frame animation over Hopfield sweeps (the Occlusion page's attractor views):
//! the frame on show, Play/Pause, a scrubber, and a timer that stops at the last frame.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Milliseconds per animation frame.
pub const FRAME_MS: u32 = 450;

/// The state and controls of one animation.
pub struct SweepAnimation {
    /// The frame on show (0 = before any sweep), at most the last.
    pub now: usize,
    /// Whether it is playing.
    pub playing: bool,
    /// Play / Pause (Play at the end starts over).
    pub on_play: Callback<MouseEvent>,
    /// The scrubber's input: pauses and shows its frame.
    pub on_scrub: Callback<InputEvent>,
    /// Starts playing from frame 0.
    pub restart: Callback<()>,
}

/// An animation over frames `0..=last`.
#[hook]
pub fn use_sweep_animation(last: usize) -> SweepAnimation {
    let sweep = use_state(|| 0usize);
    let playing = use_state(|| false);
    {
        let sweep = sweep.clone();
        let playing_h = playing.clone();
        use_effect_with((*playing, last), move |(on, last)| {
            let timer = on.then(|| {
                let last = *last;
                // The handle's value is this render's; count in a cell of our own.
                let at = std::cell::Cell::new(*sweep);
                every(FRAME_MS, move || {
                    let next = at.get() + 1;
                    at.set(next);
                    if next >= last {
                        sweep.set(last);
                        playing_h.set(false);
                    } else {
                        sweep.set(next);
                    }
                })
            });
            move || drop(timer)
        });
    }
    let on_play = {
        let playing = playing.clone();
        let sweep = sweep.clone();
        Callback::from(move |_: MouseEvent| {
            if !*playing && *sweep >= last {
                sweep.set(0);
            }
            playing.set(!*playing);
        })
    };
    let on_scrub = {
        let sweep = sweep.clone();
        let playing = playing.clone();
        Callback::from(move |e: InputEvent| {
            playing.set(false);
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            sweep.set(v.parse::<usize>().unwrap_or(0).min(last));
        })
    };
    let restart = {
        let sweep = sweep.clone();
        let playing = playing.clone();
        Callback::from(move |()| {
            sweep.set(0);
            playing.set(true);
        })
    };
    SweepAnimation {
        now: (*sweep).min(last),
        playing: *playing,
        on_play,
        on_scrub,
        restart,
    }
}

/// Calls `f` every `ms` milliseconds until the returned guard is dropped.
#[cfg(target_arch = "wasm32")]
fn every(ms: u32, f: impl Fn() + 'static) -> impl Drop {
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
fn every(_ms: u32, _f: impl Fn() + 'static) -> impl Drop {
    /// Nothing to stop natively.
    struct NoTimer;
    impl Drop for NoTimer {
        fn drop(&mut self) {}
    }
    NoTimer
}
