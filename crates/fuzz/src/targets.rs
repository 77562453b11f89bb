//! The fuzz targets: each parser of untrusted bytes with seeds written in code (the shapes
//! of the real files, made-up values: no third-party data is embedded).

use std::sync::OnceLock;

use brainprobe_app::worker::protocol::{self, DeviceChoice, Job, RunRequest, ToWorker};
use brainprobe_benchmarks::vision::occlusion_image::{bin_of, occluded, ImageSource};
use brainprobe_data::datasets::{corpora, fedorenko, futrell, pereira, scores, tang};
use brainprobe_data::formats::{npy_bytes, parse_npy};
use brainprobe_models::gguf::Gguf;
use brainprobe_models::language::llama::Llama;
use brainprobe_models::vision::preprocess::preprocess_bytes_at;
use brainprobe_models::{parse_manifest, Normalisation, Weights};
use brainprobe_text::{wordpiece_from_vocab, Tokenizer};

use crate::Target;

#[path = "../../models/tests/support/tiny_llama.rs"]
mod tiny_llama;

/// Every target.
pub fn all() -> Vec<Target> {
    vec![
        Target {
            name: "npy",
            what: "NumPy .npy arrays (bundles)",
            seeds: npy_seeds,
            run: npy,
        },
        Target {
            name: "safetensors",
            what: "safetensors weights (committed and converted models)",
            seeds: safetensors_seeds,
            run: safetensors,
        },
        Target {
            name: "manifest",
            what: "weights manifest.toml and the data manifest",
            seeds: manifest_seeds,
            run: manifest,
        },
        Target {
            name: "image",
            what: "image uploads and stimulus files (PNG, JPEG) through the model preprocessing",
            seeds: image_seeds,
            run: image,
        },
        Target {
            name: "csv",
            what: "the datasets' CSV tables",
            seeds: csv_seeds,
            run: csv,
        },
        Target {
            name: "tokenizer",
            what: "typed text through the byte-level BPE and WordPiece tokenizers",
            seeds: text_seeds,
            run: tokenize,
        },
        Target {
            name: "protocol",
            what: "the worker's JSON messages (decode, round trip, an upload's bubbles)",
            seeds: protocol_seeds,
            run: protocol_message,
        },
        Target {
            name: "gguf",
            what: "GGUF files (SmolLM2) through the reader and the llama loader",
            seeds: gguf_seeds,
            run: gguf,
        },
        Target {
            name: "torch",
            what: "legacy torch.save state dicts (EfficientNet-Lite0's wheel)",
            seeds: torch_seeds,
            run: torch,
        },
    ]
}

fn npy_seeds() -> Vec<Vec<u8>> {
    let f = ndarray::Array2::<f32>::from_shape_fn((3, 4), |(i, j)| i as f32 - 0.5 * j as f32);
    let i = ndarray::Array1::<i64>::from_iter(0..5);
    let u = ndarray::Array3::<u8>::from_shape_fn((2, 2, 3), |(a, b, c)| (a * 7 + b * 3 + c) as u8);
    vec![
        npy_bytes(&f).unwrap(),
        npy_bytes(&i).unwrap(),
        npy_bytes(&u).unwrap(),
    ]
}

fn npy(b: &[u8]) -> bool {
    let f = parse_npy::<f32>("fuzz.npy", b, None).is_ok();
    let i = parse_npy::<i64>("fuzz.npy", b, None).is_ok();
    let u = parse_npy::<u8>("fuzz.npy", b, Some(&[2, 2, 3])).is_ok();
    f || i || u
}

fn safetensors_seeds() -> Vec<Vec<u8>> {
    use safetensors::tensor::{serialize, Dtype, TensorView};
    let f32s: Vec<u8> = (0..6)
        .flat_map(|i| (i as f32 * 0.25).to_le_bytes())
        .collect();
    let f16s: Vec<u8> = [0x3c00u16, 0xbc00, 0x0000, 0x4000]
        .iter()
        .flat_map(|h| h.to_le_bytes())
        .collect();
    let views = [
        ("w", TensorView::new(Dtype::F32, vec![2, 3], &f32s).unwrap()),
        ("b", TensorView::new(Dtype::F16, vec![4], &f16s).unwrap()),
    ];
    vec![serialize(views, None).unwrap()]
}

fn safetensors(b: &[u8]) -> bool {
    match Weights::from_safetensors("fuzz", b) {
        Ok(w) => {
            let names: Vec<String> = w.names().iter().map(|n| n.to_string()).collect();
            for n in names {
                let shape = w.shape_of(&n).map(<[usize]>::to_vec).unwrap_or_default();
                assert!(w.get(&n, &shape).is_ok(), "{n} is listed but not readable");
            }
            true
        }
        Err(_) => false,
    }
}

fn manifest_seeds() -> Vec<Vec<u8>> {
    vec![
        include_bytes!("../../../weights/gpt-mini/manifest.toml").to_vec(),
        include_bytes!("../../../weights/cornet-s-mini/manifest.toml").to_vec(),
        include_bytes!("../../../weights/lstm-mini/manifest.toml").to_vec(),
        first_dataset(include_str!("../../../data/manifest.toml")),
    ]
}

/// The data manifest up to its second dataset (a valid manifest of one dataset).
fn first_dataset(manifest: &str) -> Vec<u8> {
    let second = manifest
        .match_indices("\n[[dataset]]\n")
        .nth(1)
        .map_or(manifest.len(), |(i, _)| i + 1);
    manifest.as_bytes()[..second].to_vec()
}

fn manifest(b: &[u8]) -> bool {
    let text = String::from_utf8_lossy(b);
    let weights = parse_manifest("fuzz", &text).is_ok_and(|m| {
        let _ = brainprobe_models::architecture::<brainprobe_arch::GptConfig>(&m);
        let _ = brainprobe_models::architecture::<brainprobe_arch::CornetConfig>(&m);
        true
    });
    let data = brainprobe_data::Manifest::parse(&text).is_ok();
    weights || data
}

/// An RGB PNG of `w` × `h`.
fn png_rgb(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let pixels: Vec<u8> = (0..w * h * 3).map(|i| (i * 37 % 251) as u8).collect();
    let mut writer = enc.write_header().unwrap();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
    out
}

fn image_seeds() -> Vec<Vec<u8>> {
    vec![png_rgb(8, 8), png_rgb(5, 3)]
}

fn image(b: &[u8]) -> bool {
    let norm = Normalisation {
        mean: [0.5; 3],
        std: [0.25; 3],
    };
    match preprocess_bytes_at(b, 32, &norm) {
        Ok(x) => {
            assert_eq!(x.len(), 3 * 32 * 32, "a 32-px input has 3·32·32 values");
            true
        }
        Err(_) => false,
    }
}

fn csv_seeds() -> Vec<Vec<u8>> {
    [
        "sentence_id,sentence,effect_size\n0,\"A made-up sentence, with a comma.\",0.5\n1,Another one.,-0.25\n",
        "run,set,position,block,condition,trial,word_1,word_2,word_3,word_4,word_5,word_6,word_7,word_8,word_9,word_10,word_11,word_12,stimulus\n1,1,1,1,sentence,1,A,B,C,D,E,F,G,H,I,J,K,L,A B C D E F G H I J K L\n",
        "masked,visibility_lo_pct,visibility_hi_pct,n_trials,n_correct,accuracy,sem_binomial,n_subjects,chance\n0,0,5,10,4,0.4,0.15,3,0.2\n",
        "model,trained,benchmark,n_layers,n_missing_scores,best_layer,best_score,error_at_best\nm,1,b,2,0,l,0.1,0.01\n",
        "file,corpus,lines,words_whitespace,bytes\na.txt,brown,3,10,60\n",
        "story,zone,word,mean_rt_ms,sd_rt_ms,gmean_rt_ms,gsd_rt_factor,n_subjects\n1,1,Once,350.5,100.0,340.0,1.3,80\n1,2,upon,330.0,90.0,320.0,1.2,80\n",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

fn csv(b: &[u8]) -> bool {
    let stories = b"Once upon\n";
    [
        pereira::parse_sentences(b).is_ok(),
        fedorenko::parse_stimuli(b).is_ok(),
        tang::parse_accuracy(b).is_ok(),
        tang::parse_trials(b).is_ok(),
        scores::parse_best_layer(b).is_ok(),
        corpora::parse_word_counts(b).is_ok(),
        futrell::NaturalStories::parse(b, stories).is_ok(),
    ]
    .contains(&true)
}

fn text_seeds() -> Vec<Vec<u8>> {
    [
        "The dog chased the cat .",
        "",
        "naïve café — emoji 🧠🐟 and RTL مرحبا بالعالم שלום",
        "a\u{200b}b \u{0301} \t\n\r\u{feff} control \u{7}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .chain(std::iter::once("word ".repeat(2000).into_bytes()))
    .collect()
}

/// The committed byte-level BPE (gpt-mini's) and a tiny uncased WordPiece.
fn tokenizers() -> &'static (Tokenizer, Tokenizer) {
    static T: OnceLock<(Tokenizer, Tokenizer)> = OnceLock::new();
    T.get_or_init(|| {
        let bpe = Tokenizer::from_json_bytes(
            include_bytes!("../../../weights/tokenizer-bpe8k/tokenizer.json"),
            "tokenizer-bpe8k",
        )
        .unwrap();
        let vocab = b"[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\ndog\n##s\ncat\n.\n";
        let wordpiece = wordpiece_from_vocab(vocab, true, "tiny").unwrap();
        (bpe, wordpiece)
    })
}

fn tokenize(b: &[u8]) -> bool {
    let text = String::from_utf8_lossy(b);
    let words: Vec<&str> = text.split_whitespace().collect();
    let (bpe, wordpiece) = tokenizers();
    let mut ok = false;
    for tok in [bpe, wordpiece] {
        if let Ok(enc) = tok.encode_words(&words, true) {
            assert!(
                enc.ids.len() >= words.len().min(1),
                "fewer tokens than words"
            );
            ok = true;
        }
        let _ = tok.encode_text(&text, false);
    }
    ok || words.is_empty()
}

fn protocol_seeds() -> Vec<Vec<u8>> {
    let run = |job| {
        protocol::encode(&ToWorker::Run(RunRequest {
            id: 7,
            job,
            device: DeviceChoice::Auto,
        }))
        .into_bytes()
    };
    vec![
        run(Job::Score {
            model: "cornet-z-mini".into(),
            benchmark: "kriegeskorte2008-it-rsa".into(),
        }),
        run(Job::PredictSentence {
            model: "gpt-mini".into(),
            sentence: "A sentence typed by a reader.".into(),
        }),
        run(Job::Classify {
            model: "cornet-z-mini".into(),
            image: ImageSource::Pixels((0..2 * 2 * 3).collect()),
            visibility_pct: 15,
        }),
        run(Job::AttractorTrace {
            model: "cornet-z-mini".into(),
            photo: 3,
            visibility_pct: 100,
        }),
    ]
}

fn protocol_message(b: &[u8]) -> bool {
    let Ok(message) = protocol::decode::<ToWorker>(&String::from_utf8_lossy(b)) else {
        return false;
    };
    let again: ToWorker = protocol::decode(&protocol::encode(&message)).unwrap();
    assert_eq!(again, message, "a decoded message survives a round trip");
    let ToWorker::Run(run) = &message;
    if let Job::Classify {
        image: ImageSource::Pixels(p),
        visibility_pct,
        ..
    } = &run.job
    {
        let _ = occluded(p, bin_of(*visibility_pct), 0);
    }
    true
}

fn gguf_seeds() -> Vec<Vec<u8>> {
    vec![tiny_llama::tiny_llama_gguf()]
}

fn gguf(b: &[u8]) -> bool {
    match Gguf::parse("fuzz", b.to_vec()) {
        Ok(g) => {
            let _ = Llama::load("fuzz", &g, &brainprobe_engine::Device::Cpu);
            true
        }
        Err(_) => false,
    }
}

fn torch_seeds() -> Vec<Vec<u8>> {
    vec![brainprobe_data::torch_legacy::fixture::fixture()]
}

fn torch(b: &[u8]) -> bool {
    brainprobe_data::torch_legacy::read_state_dict(b, "fuzz.pth").is_ok()
}
