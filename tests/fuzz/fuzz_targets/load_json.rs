//! Feeds arbitrary bytes to the JSON loader (a `.json` file name, and the
//! content detection that reads anything starting with `{` or `[` as JSON,
//! NDJSON included). A panic, a hang or a stack overflow is a bug; so is a
//! resource, a value or an error positioned outside the file.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ward_fuzz::load_and_check("input.json", data, &ward_fuzz::options(None));
});
