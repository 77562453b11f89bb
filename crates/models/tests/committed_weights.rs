//! Every registered model with committed weights (`WeightsSource::Committed`; minilm-l6
//! comes from prepare-data and the seeded models have none) has weights whose sha256
//! matches its manifest, which load; vision models give finite logits, word vectors a
//! table matching `vocab.txt`.

#![cfg(not(target_arch = "wasm32"))]

use brainprobe_engine::{Device, Tensor};
use brainprobe_models::language::embedding::WordEmbedding;
use brainprobe_models::registry::{
    manifest_file, weights_file, Family, WeightsSource, MODELS, PIXELS_NORMALISATION_OF,
};
use brainprobe_models::vision::cornet::Cornet;
use brainprobe_models::{parse_manifest, Weights};
use sha2::{Digest, Sha256};

#[test]
fn registered_models_have_verified_loadable_weights() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../weights");
    for m in MODELS {
        if m.weights != WeightsSource::Committed {
            continue;
        }
        let bytes = std::fs::read(root.join(weights_file(m.id)))
            .unwrap_or_else(|e| panic!("{}: {e}", m.id));
        let text = std::fs::read_to_string(root.join(manifest_file(m.id)))
            .unwrap_or_else(|e| panic!("{}: {e}", m.id));
        let manifest = parse_manifest(m.id, &text).unwrap();
        assert_eq!(manifest.id, m.id);
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            manifest.sha256,
            "{}: weights do not match the manifest",
            m.id
        );
        let weights = Weights::from_safetensors(m.id, &bytes).unwrap();
        if m.family == Family::WordEmbedding {
            let vocab = std::fs::read_to_string(root.join(m.id).join("vocab.txt")).unwrap();
            let model = WordEmbedding::load(m.id, &weights, &vocab).unwrap();
            assert!(model.vocab_size() > 1000, "{}", m.id);
            continue;
        }
        if m.family != Family::Cornet {
            continue; // other families: loaded by their own tests
        }
        // baseline-pixels normalises with this model's statistics: every CORnet-mini's.
        let pixels =
            std::fs::read_to_string(root.join(manifest_file(PIXELS_NORMALISATION_OF))).unwrap();
        assert_eq!(
            manifest.normalisation,
            parse_manifest(PIXELS_NORMALISATION_OF, &pixels)
                .unwrap()
                .normalisation,
            "{}: baseline-pixels would normalise its images otherwise",
            m.id
        );
        let model = Cornet::load(&weights, &manifest, &Device::Cpu).unwrap();
        let x = Tensor::from_vec(vec![0.1; 3 * 32 * 32], &[1, 3, 32, 32], &Device::Cpu).unwrap();
        let logits = pollster::block_on(model.forward(&x, None).unwrap().logits.to_vec()).unwrap();
        assert!(
            logits.len() == 10 && logits.iter().all(|v| v.is_finite()),
            "{}: {logits:?}",
            m.id
        );
    }
}
