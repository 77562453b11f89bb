//! Vision training: CIFAR-10 data, CORnet-mini architectures, the training loop.

pub mod batch_norm;
pub mod cornet;
pub mod data;
pub mod layers;
pub mod parity;
pub mod train_vision;
pub mod wiring;
