//! Shared pieces of the project automation, also used by the browser end-to-end test.

pub mod static_server;
