//! `brainprobe record --model M --dataset D --layer all --out X.npy`: activations of a
//! model's layers to a dataset's stimuli, one `(n_stimuli × features)` f32 array per layer.

use std::path::{Path, PathBuf};

use brainprobe_data::datasets::kriegeskorte;
use brainprobe_data::{assets::default_native_root, Assets, Bundle};
use brainprobe_models::vision::preprocess::{preprocess_bytes_at, preprocess_rgb8};
use brainprobe_models::vision::record::{record, LayerSelection};
use brainprobe_models::{load_blocking, WeightStore};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use ndarray_npy::WriteNpyExt;

use super::device::{open, DeviceChoice};
use super::scoring::ReadoutArg;

/// Options of `record`.
#[derive(Args)]
pub struct RecordArgs {
    /// Model identifier (see `brainprobe models`).
    #[arg(long)]
    model: String,
    /// Stimuli: `kriegeskorte2008_92images` or `cifar10` (the 1 000-image test subset) for
    /// vision models; `pereira2018_langnet`, `futrell2018_naturalstories` or
    /// `fedorenko2010_localizer` for language models.
    #[arg(long)]
    dataset: String,
    /// `all`, or comma-separated layer names (e.g. `V4,IT.t1`).
    #[arg(long, default_value = "all")]
    layer: String,
    /// Output `.npy`; with several layers, one `<stem>.<layer>.npy` per layer.
    #[arg(long)]
    out: PathBuf,
    /// Cap every recurrent area at this many time steps (1 = feedforward sweep).
    #[arg(long)]
    timesteps: Option<usize>,
    /// Images per forward pass.
    #[arg(long, default_value_t = 32)]
    batch: usize,
    /// Engine device.
    #[arg(long, value_enum, default_value_t)]
    device: DeviceChoice,
    /// Language datasets: record only the first N passages (quick checks).
    #[arg(long)]
    limit: Option<usize>,
    /// Language models: which tokens of each part make its row (default: the model's
    /// own — last-token, or mean for minilm-l6 and the word embeddings).
    #[arg(long, value_enum)]
    readout: Option<ReadoutArg>,
}

fn layer_path(out: &Path, layer: &str, several: bool) -> PathBuf {
    if !several {
        return out.to_path_buf();
    }
    let stem = out
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("activations");
    out.with_file_name(format!("{stem}.{layer}.npy"))
}

/// Records and writes the activations.
pub fn run(args: RecordArgs) -> Result<(), String> {
    if super::record_language::is_language(&args.model)? {
        return super::record_language::run(
            &args.model,
            &args.dataset,
            &args.layer,
            &args.out,
            args.device,
            args.limit,
            args.readout.map(Into::into),
        );
    }
    if args.readout.is_some() {
        return Err(format!(
            "--readout applies to language models only (`{}` is a vision model)",
            args.model
        ));
    }
    let device = open(args.device)?;
    let model = load_blocking(&args.model, &WeightStore::native(), &device)
        .and_then(|l| l.into_vision())
        .map_err(|e| e.to_string())?;
    let root = default_native_root();
    let assets = Assets::new(root.display().to_string());
    let hint = |e: String| {
        format!(
            "{e}\n(bundles are read from {}; run `cargo xtask prepare-data`)",
            root.display()
        )
    };
    let norm = *model.normalisation();
    let side = model.input_side();
    let images: Vec<Vec<f32>> = match args.dataset.as_str() {
        "kriegeskorte2008_92images" => (0..kriegeskorte::N_IMAGES)
            .map(|i| {
                let path = kriegeskorte::image_path(i);
                let bytes = assets.bytes_blocking(&path).map_err(|e| hint(e.to_string()))?;
                preprocess_bytes_at(&bytes, side, &norm).map_err(|e| format!("{path}: {e}"))
            })
            .collect::<Result<_, _>>()?,
        "cifar10" if side != brainprobe_models::vision::preprocess::SIDE => {
            return Err(format!(
                "`{}` takes {side} px images; the cifar10 bundle holds 32 px ones (record it on kriegeskorte2008_92images)",
                args.model
            ))
        }
        "cifar10" => {
            let bundle = pollster::block_on(Bundle::load(&assets)).map_err(|e| hint(e.to_string()))?;
            let set = bundle.cifar_subset;
            (0..set.len())
                .map(|i| {
                    let img = set.images.index_axis(ndarray::Axis(0), i);
                    let pixels: Vec<u8> = img.iter().copied().collect();
                    preprocess_rgb8(&pixels, &norm).map_err(|e| e.to_string())
                })
                .collect::<Result<_, _>>()?
        }
        other => return Err(format!("`record` knows the vision datasets kriegeskorte2008_92images and cifar10, not `{other}`")),
    };
    let layers = if args.layer == "all" {
        LayerSelection::All
    } else {
        LayerSelection::Named(
            args.layer
                .split(',')
                .map(|s| s.trim().to_string())
                .collect(),
        )
    };
    let bar = ProgressBar::new(images.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} images, {eta} left")
            .map_err(|e| e.to_string())?,
    );
    let recorded = pollster::block_on(record(
        &model,
        &images,
        &layers,
        args.timesteps,
        args.batch,
        &device,
        |done, _| bar.set_position(done as u64),
    ))
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    write_layers(&recorded, &args.out)
}

/// Writes each layer to `out` (one layer) or `<stem>.<layer>.npy` (several), and lists them.
pub fn write_layers(
    layers: &[brainprobe_models::vision::record::LayerActivations],
    out: &Path,
) -> Result<(), String> {
    let several = layers.len() > 1;
    for layer in layers {
        let path = layer_path(out, &layer.name, several);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        layer
            .values
            .write_npy(std::io::BufWriter::new(file))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        println!(
            "{:<10} {:>5} × {:<6} {}",
            layer.name,
            layer.values.nrows(),
            layer.values.ncols(),
            path.display()
        );
    }
    Ok(())
}
