//! Test support for the crates built on the engine (engine, models): their parity tests are
//! written once as async bodies and run natively (`#[test]`, lavapipe) and in headless
//! Chromium (`#[wasm_bindgen_test]`, WebGPU). A test crate brings the macro in with
//! `#[macro_use] extern crate brainprobe_engine;` and needs `pollster` (native) and
//! `wasm-bindgen-test` (wasm) as dev-dependencies.

/// Turns `async fn name() -> Result<(), String>` bodies into tests on both targets.
#[macro_export]
macro_rules! parity_test {
    ($($name:ident),* $(,)?) => {
        mod run {
            $(
                #[cfg(not(target_arch = "wasm32"))]
                #[test]
                fn $name() {
                    if let Err(e) = pollster::block_on(super::$name()) {
                        panic!("{e}");
                    }
                }
                #[cfg(target_arch = "wasm32")]
                #[wasm_bindgen_test::wasm_bindgen_test]
                async fn $name() {
                    if let Err(e) = super::$name().await {
                        panic!("{e}");
                    }
                }
            )*
        }
    };
}
