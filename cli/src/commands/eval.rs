//! `ward eval`: run a compiled module on inputs.

use std::path::{Path, PathBuf};

use crate::{ReportFormat, SeverityArg};

pub fn run(
    _module: &Path,
    _inputs: &[PathBuf],
    _format: ReportFormat,
    _fail_on: SeverityArg,
    _verbose: bool,
) -> u8 {
    crate::sources::fail(
        "`ward eval` is not implemented yet: compiled modules cannot be run in this version",
    )
}
