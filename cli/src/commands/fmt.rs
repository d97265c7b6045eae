//! `ward fmt`: format policy files.

use std::path::PathBuf;

pub fn run(_paths: &[PathBuf], _check: bool) -> u8 {
    crate::sources::fail("`ward fmt` is not implemented yet")
}
