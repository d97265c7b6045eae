//! Feeds arbitrary bytes to the YAML loader: tags, anchors and aliases,
//! several documents, flow and block styles. A panic, a hang, a stack
//! overflow or an alias bomb is a bug; so is a resource, a value or an error
//! positioned outside the file.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_model::{LoadOptions, load};

fuzz_target!(|data: &[u8]| {
    let lines = ward_fuzz::max_lines(data);
    let options = LoadOptions {
        max_values: 100_000,
        ..LoadOptions::default()
    };
    match load("input.yaml", data, &options) {
        Ok(document) => ward_fuzz::check_document(&document, lines),
        Err(error) => ward_fuzz::check_error(&error, lines),
    }
});
