//! The shared test bodies of `tests/common` in headless Chromium (`cargo xtask
//! browser-test text`): training in wasm gives the same bytes as natively, and encoding and
//! alignment run in the browser.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! web_test {
    ($($name:ident),*) => {$(
        #[wasm_bindgen_test]
        async fn $name() {
            common::$name().await.unwrap()
        }
    )*};
}

web_test!(
    training_output_is_pinned,
    odd_words_align_after_json_round_trip,
    wordpiece_aligns
);
