//! The loaders in a real browser: fetch every bundle over HTTP and parse it in wasm.
//! `cargo xtask test` serves www/assets/data and passes its URL in
//! `BRAINPROBE_TEST_ASSETS_URL` at compile time.
#![cfg(target_arch = "wasm32")]

use brainprobe_data::{Assets, Bundle, DataError};
use wasm_bindgen_test::*;

mod common;

wasm_bindgen_test_configure!(run_in_browser);

fn assets() -> Assets {
    // Read at compile time: the browser has no environment. Fail loudly when missing.
    match option_env!("BRAINPROBE_TEST_ASSETS_URL") {
        Some(url) => Assets::new(url),
        None => panic!(
            "BRAINPROBE_TEST_ASSETS_URL is not set: run the browser tests through `cargo xtask test`"
        ),
    }
}

#[wasm_bindgen_test]
async fn bundles_load_in_the_browser_with_the_published_counts() {
    let bundle = Bundle::load(&assets()).await.expect("bundle loads");
    common::assert_published_counts(&bundle);
}

#[wasm_bindgen_test]
async fn a_missing_bundle_file_is_a_named_error() {
    let err = assets().bytes("no/such/file.csv").await.unwrap_err();
    assert!(matches!(err, DataError::Missing { .. }), "{err}");
    assert!(err.to_string().contains("no/such/file.csv"));
}

#[wasm_bindgen_test]
async fn the_92_images_decode_in_wasm() {
    let path = brainprobe_data::datasets::kriegeskorte::image_path(0);
    let bytes = assets().bytes(&path).await.unwrap();
    let img = brainprobe_data::formats::decode_png(&path, &bytes).unwrap();
    assert_eq!((img.width, img.height), (175, 175));
}
