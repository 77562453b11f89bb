//! Trains the byte-level BPE on text files and writes `tokenizer.json`; prints the wall
//! time, vocabulary size and sha256 (run twice to see the output is byte-identical).
//! Never pass WikiText-2: it is for evaluation only.
//!
//! ```sh
//! cargo run -p brainprobe-text --release --example train_bpe -- OUT.json VOCAB FILE...
//! ```

#[cfg(target_arch = "wasm32")]
fn main() {} // native only: reads files

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, vocab, files @ ..] = args.as_slice() else {
        return Err("usage: train_bpe OUT.json VOCAB_SIZE FILE...".into());
    };
    if files.iter().any(|f| f.to_lowercase().contains("wikitext")) {
        return Err("WikiText is evaluation data: do not train on it".into());
    }
    let config = brainprobe_text::BpeConfig {
        vocab_size: vocab.parse()?,
        ..Default::default()
    };
    let start = std::time::Instant::now();
    let tk = brainprobe_text::train_bpe_files(files, &config)?;
    let json = tk.to_json_bytes()?;
    std::fs::write(out, &json)?;
    println!(
        "trained {} tokens on {} files in {:.1} s; {out}: {} bytes, sha256 {}",
        tk.vocab_size(),
        files.len(),
        start.elapsed().as_secs_f64(),
        json.len(),
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&json))
    );
    Ok(())
}
