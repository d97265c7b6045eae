//! The evaluator never panics: random documents, every kind of value where
//! the policies expect something else, with the example policies and the
//! evaluator's own cases, under normal and tiny step budgets.

use std::path::Path;

use proptest::prelude::*;
use ward_compiler::Compiler;
use ward_compiler::ir::Program;
use ward_eval::{Evaluator, Limits};

fn programs() -> &'static [Program] {
    static PROGRAMS: std::sync::OnceLock<Vec<Program>> = std::sync::OnceLock::new();
    PROGRAMS.get_or_init(load_programs)
}

fn load_programs() -> Vec<Program> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut programs = Vec::new();
    let mut examples = Compiler::default();
    for entry in std::fs::read_dir(root.join("../../examples/policies")).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|ext| ext == "ward") {
            let name = path.display().to_string();
            examples.set_file(&name, std::fs::read_to_string(&path).expect("readable"));
        }
    }
    programs.push(
        ward_compiler::ir::program(&examples.db, examples.workspace).expect("examples compile"),
    );
    for entry in std::fs::read_dir(root.join("tests/eval")).expect("cases") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|ext| ext == "ward") {
            let mut compiler = Compiler::default();
            compiler.set_file(
                "case.ward",
                std::fs::read_to_string(&path).expect("readable"),
            );
            programs.push(
                ward_compiler::ir::program(&compiler.db, compiler.workspace)
                    .expect("case compiles"),
            );
        }
    }
    programs
        .into_iter()
        .map(|program| (*program).clone())
        .collect()
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(|n| serde_json::json!(n)),
        (-1e20f64..1e20).prop_map(|n| serde_json::json!(n)),
        prop_oneof![
            Just("0.0.0.0/0".to_string()),
            Just("::/0".to_string()),
            Just("22".to_string()),
            Just("-1".to_string()),
            Just("Allow".to_string()),
            Just("*".to_string()),
            Just("Enabled".to_string()),
            "[a-zA-Z0-9:/.*é-]{0,12}",
        ]
        .prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("CidrIp".to_string()),
                    Just("FromPort".to_string()),
                    Just("ToPort".to_string()),
                    Just("IpProtocol".to_string()),
                    Just("SecurityGroupIngress".to_string()),
                    Just("Statement".to_string()),
                    Just("Action".to_string()),
                    Just("Resource".to_string()),
                    Just("Effect".to_string()),
                    Just("Items".to_string()),
                    Just("L".to_string()),
                    Just("O".to_string()),
                    Just("Ref".to_string()),
                    "[a-zA-Z]{1,6}",
                ],
                inner,
                0..5
            )
            .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

const TYPES: &[&str] = &[
    "AWS::EC2::SecurityGroup",
    "AWS::S3::Bucket",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::KMS::Key",
    "AWS::RDS::DBInstance",
    "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::RotationSchedule",
    "Test::Thing",
    "Test::Ops",
    "Test::Box",
];

fn template() -> impl Strategy<Value = serde_json::Value> {
    prop::collection::vec(
        (0..TYPES.len(), json_value(), prop::option::of(0usize..6)),
        1..6,
    )
    .prop_map(|resources| {
        let mut map = serde_json::Map::new();
        for (index, (kind, properties, reference)) in resources.into_iter().enumerate() {
            let mut properties = match properties {
                serde_json::Value::Object(map) => map,
                other => {
                    let mut map = serde_json::Map::new();
                    map.insert("Value".to_string(), other);
                    map
                }
            };
            if let Some(target) = reference {
                properties.insert(
                    "Link".to_string(),
                    serde_json::json!({ "Ref": format!("R{target}") }),
                );
            }
            map.insert(
                format!("R{index}"),
                serde_json::json!({ "Type": TYPES[kind], "Properties": properties }),
            );
        }
        serde_json::json!({ "Resources": map })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_documents_never_panic(template in template(), tiny in any::<bool>()) {
        let programs = programs();
        let text = serde_json::to_string(&template).expect("serializes");
        let Ok(document) = ward_model::load("random.json", text.as_bytes(), &Default::default()) else {
            return Ok(());
        };
        let limits = Limits { max_steps: if tiny { 50 } else { 1_000_000 } };
        for program in programs {
            let report = Evaluator::new(program).evaluate(&document, &limits);
            prop_assert_eq!(report.summary.rules, program.rules.len());
            let summary = &report.summary;
            let counted = summary.pass + summary.fail + summary.skip + summary.unknown;
            prop_assert_eq!(counted, report.outcomes.len());
            prop_assert_eq!(summary.findings, report.findings.len());
        }
    }
}
