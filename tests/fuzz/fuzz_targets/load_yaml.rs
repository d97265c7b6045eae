//! Feeds arbitrary bytes to the YAML loader: tags, anchors and aliases,
//! several documents, flow and block styles. A panic, a hang, a stack
//! overflow or an alias bomb is a bug; so is a resource, a value or an error
//! positioned outside the file.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ward_fuzz::load_and_check("input.yaml", data, &ward_fuzz::options(None));
});
