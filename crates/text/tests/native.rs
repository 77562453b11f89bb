//! The shared test bodies of `tests/common`, run natively.
#![cfg(not(target_arch = "wasm32"))]

mod common;

macro_rules! native_test {
    ($($name:ident),*) => {$(
        #[test]
        fn $name() {
            pollster::block_on(common::$name()).unwrap()
        }
    )*};
}

native_test!(
    training_output_is_pinned,
    odd_words_align_after_json_round_trip,
    wordpiece_aligns
);
