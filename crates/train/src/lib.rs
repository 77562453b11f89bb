//! Training of brainprobe's own models (native only): seeded initialisation, a resumable
//! AdamW, schedules, exports to f16 safetensors with manifests, and per-family training
//! loops (vision: CORnet-mini on CIFAR-10).

pub mod adamw;
pub mod checkpoint;
pub mod embed_ppmi;
pub mod init;
pub mod language;
pub mod manifest;
pub mod parity;
pub mod quantise;
pub mod schedule;
pub mod vision;
