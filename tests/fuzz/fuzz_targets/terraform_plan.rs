//! Feeds arbitrary bytes to the Terraform plan loader (`terraform show
//! -json` output: planned values, resource changes, unknown attributes,
//! modules, configuration references). A panic, a hang or a stack overflow
//! is a bug; so is a resource, a value or an error positioned outside the
//! file.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_model::InputKind;

fuzz_target!(|data: &[u8]| {
    ward_fuzz::load_and_check(
        "plan.json",
        data,
        &ward_fuzz::options(Some(InputKind::TerraformPlan)),
    );
});
