//! A frame-by-frame animation over Hopfield sweeps (the Occlusion page's attractor views):
//! the frame on show, Play/Pause, a scrubber, and a timer that stops at the last frame.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::timer::every;

/// Milliseconds per animation frame.
pub const FRAME_MS: u32 = 450;

/// The state and controls of one animation.
pub struct SweepAnimation {
    /// The frame on show (0 = before any sweep), at most [`SweepAnimation::last`].
    pub now: usize,
    /// The last frame.
    pub last: usize,
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
        last,
        playing: *playing,
        on_play,
        on_scrub,
        restart,
    }
}

impl SweepAnimation {
    /// Play/Pause, the scrubber and the frame count, with ids `{prefix}-play`,
    /// `{prefix}-sweep` and `{prefix}-sweep-value`.
    pub fn controls(&self, prefix: &str) -> Html {
        let (now, last) = (self.now, self.last);
        let sweep = format!("{prefix}-sweep");
        html! {
            <div class="controls">
                <button id={format!("{prefix}-play")} onclick={self.on_play.clone()} aria-pressed={self.playing.to_string()}>{ if self.playing { "Pause" } else { "Play" } }</button>
                <label for={sweep.clone()}>{"sweep "}</label>
                <input id={sweep.clone()} type="range" min="0" max={last.to_string()} step="1" value={now.to_string()} oninput={self.on_scrub.clone()}
                       aria-valuetext={format!("after {now} sweeps")} />
                <output for={sweep} id={format!("{prefix}-sweep-value")} data-value={now.to_string()}>{format!("{now} / {last} sweeps")}</output>
            </div>
        }
    }
}
