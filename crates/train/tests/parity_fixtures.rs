//! Every parity fixture under `crates/models/tests/fixtures` still equals the candle
//! forward pass of the committed weights it names, so the engine parity tests in
//! `brainprobe-models` compare against the training code's own output.

use std::path::Path;

use brainprobe_train::parity::fixture;
use candle_core::Device;

#[test]
fn fixtures_equal_candle_forward_of_committed_weights() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("crates/models/tests/fixtures");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures directory exists") {
        let path = entry.expect("readable directory entry").path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(id) = name.strip_suffix(".parity.safetensors") else {
            continue;
        };
        let weights_dir = root.join("weights").join(id);
        if !weights_dir.is_dir() {
            // Fixtures of seeded test-only weights (bert-2l) are checked against
            // candle-transformers by their own test in brainprobe-models.
            continue;
        }
        let stored = candle_core::safetensors::load(&path, &Device::Cpu).expect("fixture loads");
        let fresh = fixture(id, &weights_dir).expect("weights load");
        assert_eq!(stored.len(), fresh.len(), "{id}: tensor count");
        for (key, want) in &fresh {
            let got = stored
                .get(key)
                .unwrap_or_else(|| panic!("{id}: fixture lacks `{key}`"));
            let diff = brainprobe_train::parity::max_abs_diff(got, want).unwrap();
            assert!(diff <= 1e-5, "{id}: `{key}` differs from candle by {diff}; regenerate with `cargo run -p brainprobe-train --release -- parity-fixture {id}`");
        }
        checked += 1;
    }
    assert!(
        checked >= 3,
        "expected fixtures for cornet-z-mini, cornet-s-mini and gpt-mini, found {checked}"
    );
}
