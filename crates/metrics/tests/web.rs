//! Golden reference cases in headless Chromium (wasm-bindgen-test); same functions as
//! the native `golden.rs`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

mod common;

macro_rules! web_tests {
    ($($name:ident),* $(,)?) => {
        $( #[wasm_bindgen_test] fn $name() { common::$name(); } )*
    };
}

golden_cases!(web_tests);
