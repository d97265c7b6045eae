//! `ward check`: evaluate policies on inputs.

use std::path::{Path, PathBuf};

use crate::{ReportFormat, SeverityArg};

pub fn run(
    _policies: &[PathBuf],
    _inputs: &[PathBuf],
    _format: ReportFormat,
    _fail_on: SeverityArg,
    _parameters: Option<&Path>,
    _verbose: bool,
) -> u8 {
    crate::sources::fail(
        "`ward check` is not implemented yet: policies cannot be evaluated in this version",
    )
}
