//! Feeds arbitrary bytes to the Terraform plan loader (`terraform show
//! -json` output: planned values, resource changes, unknown attributes,
//! modules, configuration references). A panic, a hang or a stack overflow
//! is a bug; so is a resource, a value or an error positioned outside the
//! file.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_model::{InputKind, LoadOptions, load};

fuzz_target!(|data: &[u8]| {
    let lines = ward_fuzz::max_lines(data);
    let options = LoadOptions {
        kind: Some(InputKind::TerraformPlan),
        max_values: 100_000,
        ..LoadOptions::default()
    };
    match load("plan.json", data, &options) {
        Ok(document) => ward_fuzz::check_document(&document, lines),
        Err(error) => ward_fuzz::check_error(&error, lines),
    }
});
