//! CloudFormation resolution: intrinsic functions, conditions, mappings,
//! parameters and their overrides, `Fn::ForEach`, variants. The bytes are a
//! parameters file and a template (JSON or YAML) separated by a NUL byte;
//! without one they are the template alone. The template is read as
//! CloudFormation whatever it looks like, with the parameters the file
//! gives when it parses. A panic, a hang or a stack overflow is a bug; so is
//! a resource, a value or an error positioned outside the template.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_model::{InputKind, parse_parameters_file};

fuzz_target!(|data: &[u8]| {
    let (parameters, template) = match data.iter().position(|&b| b == 0) {
        Some(at) => (Some(&data[..at]), &data[at + 1..]),
        None => (None, data),
    };
    let mut options = ward_fuzz::options(Some(InputKind::CloudFormation));
    if let Some(parameters) = parameters {
        let lines = ward_fuzz::max_lines(parameters);
        match parse_parameters_file("parameters.json", parameters) {
            Ok(list) => options.parameters = list,
            Err(error) => ward_fuzz::check_error(&error, lines),
        }
    }
    let name = if template.first() == Some(&b'{') {
        "template.json"
    } else {
        "template.yaml"
    };
    ward_fuzz::load_and_check(name, template, &options);
});
