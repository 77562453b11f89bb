//! Typed loaders, one module per dataset. Each parses bundle bytes, so the same code runs
//! natively (files) and in the browser (fetched URLs).

pub mod cifar;
pub mod corpora;
pub mod fedorenko;
pub mod futrell;
pub mod kriegeskorte;
pub mod pereira;
pub mod scores;
pub mod tang;
