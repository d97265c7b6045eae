//! The standard policy library: Ward source files embedded in the binary and
//! fed to the compiler under virtual paths (`std/...`), so diagnostics, hover
//! and go to definition work on them as on any other file.

/// Every standard library file as (virtual path, text).
pub const FILES: &[(&str, &str)] = &[("std/aws/common.ward", include_str!("../aws/common.ward"))];
