//! One module per subcommand.

pub mod datasets;
pub mod prepare;
