//! Golden reference cases, native run (the same functions run in the browser: `web.rs`).
#![cfg(not(target_arch = "wasm32"))]

mod common;

macro_rules! native_tests {
    ($($name:ident),* $(,)?) => {
        $( #[test] fn $name() { common::$name(); } )*
    };
}

golden_cases!(native_tests);
