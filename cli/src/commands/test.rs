//! `ward test`: run the `test` blocks of policies.

use std::path::PathBuf;

pub fn run(_paths: &[PathBuf]) -> u8 {
    crate::sources::fail(
        "`ward test` is not implemented yet: policy tests cannot be run in this version",
    )
}
