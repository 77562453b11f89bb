//! Times one gpt-mini training step's parts (forward, loss, backward, update) on random
//! tokens: `cargo run -p brainprobe-train --release --example lm_step_time [batch] [lstm]`.

use std::time::Instant;

use brainprobe_train::adamw::AdamW;
use brainprobe_train::language::gpt::{Gpt, GptConfig};
use brainprobe_train::language::lstm::{Lstm, LstmConfig};
use brainprobe_train::language::train_lm::NextToken;
use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};

fn main() -> candle_core::Result<()> {
    let config = GptConfig::mini(brainprobe_text::DEFAULT_VOCAB_SIZE);
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let model: Box<dyn NextToken> = if std::env::args().nth(2).as_deref() == Some("lstm") {
        Box::new(Lstm::new(
            &LstmConfig::mini(brainprobe_text::DEFAULT_VOCAB_SIZE),
            vb,
        )?)
    } else {
        Box::new(Gpt::new(&config, vb)?)
    };
    let vars = varmap
        .data()
        .lock()
        .expect("varmap lock is never poisoned")
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut opt = AdamW::new(vars, 0.05)?;
    let batch: usize = std::env::args()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let ids: Vec<u32> = (0..batch * 129).map(|i| (i * 7919 % 8192) as u32).collect();
    let all = Tensor::from_vec(ids, (batch, 129), &Device::Cpu)?;
    let x = all.narrow(1, 0, 128)?.contiguous()?;
    let y = all.narrow(1, 1, 128)?.contiguous()?;
    for _ in 0..3 {
        let t0 = Instant::now();
        let logits = model.logits(&x)?;
        let t1 = Instant::now();
        let loss = candle_nn::loss::cross_entropy(
            &logits.reshape((batch * 128, config.vocab))?,
            &y.reshape(batch * 128)?,
        )?;
        let t2 = Instant::now();
        let grads = loss.backward()?;
        let t3 = Instant::now();
        drop(grads);
        opt.backward_step(&loss)?;
        let t4 = Instant::now();
        println!(
            "forward {:.2} s, loss {:.2} s, backward {:.2} s, backward+update {:.2} s",
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            (t3 - t2).as_secs_f64(),
            (t4 - t3).as_secs_f64()
        );
    }
    Ok(())
}
