//! Feeds arbitrary bytes to the baseline reader (`--baseline` files). A
//! panic or a hang is a bug; so is a baseline that does not read back the
//! same after being written out again.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_report::Suppressions;

fuzz_target!(|data: &[u8]| {
    let Ok(suppressions) = Suppressions::parse_baseline("baseline.json", data) else {
        return;
    };
    let written = suppressions.to_baseline();
    let again = Suppressions::parse_baseline("baseline.json", written.as_bytes())
        .expect("a written baseline reads back");
    assert_eq!(suppressions, again, "the baseline changed on its way back");
});
