//! Tests of the public API that fixtures can not express: encodings, limits,
//! streaming, in-memory construction and the edge lookups.

use std::io::Cursor;
use std::ops::ControlFlow;

use ward_model::{
    Document, Edge, EdgeKind, InputKind, LoadOptions, Node, PathSegment, Pos, Resource, Value,
    from_json_value, load, parse_parameters_file, render_path, stream_config_items,
};

const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: café\n";

fn options() -> LoadOptions {
    LoadOptions::default()
}

fn utf16(text: &str, bom: &[u8], little_endian: bool) -> Vec<u8> {
    let mut bytes = bom.to_vec();
    for unit in text.encode_utf16() {
        bytes.extend(if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

#[test]
fn every_encoding_loads_the_same_template() {
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend(TEMPLATE.as_bytes());
    let inputs = [
        TEMPLATE.as_bytes().to_vec(),
        with_bom,
        utf16(TEMPLATE, &[0xFF, 0xFE], true),
        utf16(TEMPLATE, &[0xFE, 0xFF], false),
    ];
    for bytes in inputs {
        let document = load("t.yaml", &bytes, &options()).unwrap();
        assert_eq!(document.kind, InputKind::CloudFormation);
        let topic = document.resource("Topic").unwrap();
        let name = topic.props.get("TopicName").unwrap();
        assert_eq!(name.as_str(), Some("café"));
        assert_eq!(name.pos, Pos::new(6, 18));
    }
}

#[test]
fn utf16_json_with_crlf() {
    let text =
        "{\r\n  \"Resources\": {\r\n    \"Q\": {\"Type\": \"AWS::SQS::Queue\"}\r\n  }\r\n}\r\n";
    let document = load("t.json", &utf16(text, &[0xFF, 0xFE], true), &options()).unwrap();
    assert_eq!(document.resources[0].pos, Pos::new(3, 10));
}

#[test]
fn invalid_bytes_are_errors_with_positions() {
    let error = load("t.json", b"{\"a\":\n \"\xC3\x28\"}", &options()).unwrap_err();
    assert_eq!((error.line, error.column), (2, 3));
    assert!(error.message.starts_with("invalid utf-8"), "{error}");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep_json = "[".repeat(100_000);
    let error = load("deep.json", deep_json.as_bytes(), &options()).unwrap_err();
    assert_eq!(error.message, "nesting is deeper than 512 levels");
    assert_eq!((error.line, error.column), (1, 513));

    let deep_objects = "{\"a\":".repeat(100_000);
    let error = load("deep.json", deep_objects.as_bytes(), &options()).unwrap_err();
    assert_eq!(error.message, "nesting is deeper than 512 levels");

    let deep_flow_yaml = format!("a: {}", "[".repeat(100_000));
    let error = load("deep.yaml", deep_flow_yaml.as_bytes(), &options()).unwrap_err();
    assert!(error.line >= 1, "{error}");

    let mut deep_block_yaml = String::new();
    for depth in 0..600 {
        deep_block_yaml.push_str(&" ".repeat(depth));
        deep_block_yaml.push_str("a:\n");
    }
    let error = load("deep.yaml", deep_block_yaml.as_bytes(), &options()).unwrap_err();
    assert_eq!(error.message, "nesting is deeper than 512 levels");
    assert_eq!(error.line, 513);
}

#[test]
fn truncated_inputs_report_where_they_end() {
    let cases: [(&str, &str, (u32, u32)); 4] = [
        (
            "t.json",
            "{\"Resources\": {\"A\": {\"Type\": \"X\"",
            (1, 33),
        ),
        ("t.json", "{\n  \"a\": \"unterminated\n}", (2, 8)),
        ("t.json", "{\"a\": tru}", (1, 7)),
        ("t.yaml", "Resources:\n  A: {Type: X\n", (3, 1)),
    ];
    for (name, text, expected) in cases {
        let error = load(name, text.as_bytes(), &options()).unwrap_err();
        assert_eq!((error.line, error.column), expected, "{text:?}: {error}");
        assert_eq!(error.file, name);
    }
}

#[test]
fn forced_kinds() {
    let forced = LoadOptions {
        kind: Some(InputKind::Json),
        ..LoadOptions::default()
    };
    let document = load("t.yaml", TEMPLATE.as_bytes(), &forced).unwrap();
    assert_eq!(document.kind, InputKind::Json);
    assert!(document.resources.is_empty());

    let forced = LoadOptions {
        kind: Some(InputKind::CloudFormation),
        ..LoadOptions::default()
    };
    let error = load("t.json", b"[1, 2]", &forced).unwrap_err();
    assert_eq!(
        error.message,
        "a cloudformation template must be a mapping, found a list"
    );
}

#[test]
fn from_json_value_builds_a_template() {
    let value = serde_json::json!({
        "Resources": {
            "Secret": {"Type": "AWS::SecretsManager::Secret"},
            "Rotation": {
                "Type": "AWS::SecretsManager::RotationSchedule",
                "Properties": {"SecretId": {"Ref": "Secret"}, "RotationRules": {"AutomaticallyAfterDays": 30}}
            }
        }
    });
    let document = from_json_value("<test>", &value, &options()).unwrap();
    let secret = document.resource_index("Secret").unwrap();
    let referrers: Vec<&Edge> = document.incoming(secret).collect();
    assert_eq!(referrers.len(), 1);
    assert_eq!(document.resources[referrers[0].from].id, "Rotation");
    assert_eq!(referrers[0].path, "$.SecretId");
    let days = document
        .resource("Rotation")
        .unwrap()
        .props
        .get("RotationRules")
        .unwrap();
    assert_eq!(
        days.get("AutomaticallyAfterDays").unwrap().as_f64(),
        Some(30.0)
    );
}

#[test]
fn adjacency_lookups() {
    let resource = |id: &str| Resource {
        id: id.to_string(),
        resource_type: "T".to_string(),
        props: Node::new(Value::Object(Vec::new()), Pos::START),
        tags: Node::null(Pos::START),
        metadata: Node::null(Pos::START),
        pos: Pos::START,
        undecided: None,
    };
    let edge = |from, to| Edge {
        from,
        to,
        kind: EdgeKind::Ref,
        path: "$".to_string(),
    };
    let document = Document::new(
        "f",
        InputKind::Json,
        vec![resource("a"), resource("b"), resource("c")],
        vec![edge(0, 1), edge(2, 1), edge(1, 0), edge(0, 9)],
        Node::null(Pos::START),
    );
    assert_eq!(document.edges.len(), 3, "the out-of-range edge is dropped");
    let targets: Vec<usize> = document.outgoing(0).map(|e| e.to).collect();
    assert_eq!(targets, [1]);
    let sources: Vec<usize> = document.incoming(1).map(|e| e.from).collect();
    assert_eq!(sources, [0, 2]);
    assert_eq!(document.outgoing(2).count(), 1);
    assert_eq!(document.incoming(2).count(), 0);
    assert_eq!(document.outgoing(99).count(), 0);
    assert_eq!(document.resource_index("c"), Some(2));
    assert_eq!(document.resources_of_type("T").count(), 3);
}

#[test]
fn paths_render_in_dollar_style() {
    let path = [
        PathSegment::Key("Properties".into()),
        PathSegment::Key("AWS::CloudFormation::Init".into()),
        PathSegment::Index(0),
        PathSegment::Key("a\"b".into()),
    ];
    assert_eq!(
        render_path(&path),
        r#"$.Properties["AWS::CloudFormation::Init"][0]["a\"b"]"#
    );
    assert_eq!(render_path(&[]), "$");
    let indexes = [0, 7, 10, 123, 4_294_967_296usize].map(PathSegment::Index);
    assert_eq!(render_path(&indexes), "$[0][7][10][123][4294967296]");
}

#[test]
fn streaming_config_items() {
    let mut input = String::new();
    for index in 0..1000 {
        input.push_str(&format!(
            "{{\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"b{index}\", \"configuration\": {{\"name\": \"b{index}\"}}}}\n"
        ));
        if index % 100 == 0 {
            input.push('\n');
        }
    }
    let mut seen = Vec::new();
    let count = stream_config_items("items.ndjson", Cursor::new(input.as_bytes()), |resource| {
        seen.push((resource.id.clone(), resource.pos.line));
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(count, 1000);
    assert_eq!(seen[0], ("b0".to_string(), 1));
    assert_eq!(
        seen[1],
        ("b1".to_string(), 3),
        "line numbers count blank lines"
    );

    let mut taken = 0;
    let count = stream_config_items("items.ndjson", Cursor::new(input.as_bytes()), |_| {
        taken += 1;
        if taken == 5 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap();
    assert_eq!(count, 5);

    let broken = "{\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"a\"}\n{\"resourceType\": oops}\n";
    let error = stream_config_items("x.ndjson", Cursor::new(broken.as_bytes()), |_| {
        ControlFlow::Continue(())
    })
    .unwrap_err();
    assert_eq!((error.line, error.column), (2, 18));
}

/// A window of streamed items is the document `load` makes of the same
/// lines: the same resources (policy text read as documents, URL-encoded
/// or not) and the same relationship edges.
#[test]
fn windows_of_streamed_items_are_what_load_gives() {
    let lines = [
        r#"{"resourceType": "AWS::IAM::Role", "resourceId": "r1", "ARN": "arn:aws:iam::111111111111:role/r1", "awsAccountId": "111111111111", "configuration": {"assumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%7D"}}"#,
        r#"{"resourceType": "AWS::EC2::Volume", "resourceId": "vol-1", "awsAccountId": "111111111111", "configuration": {"encrypted": true}, "relationships": [{"resourceType": "AWS::EC2::Instance", "resourceId": "i-1"}]}"#,
        r#"{"resourceType": "AWS::EC2::Instance", "resourceId": "i-1", "awsAccountId": "111111111111", "configuration": {}}"#,
        r#"{"resourceType": "AWS::S3::Bucket", "resourceId": "b", "awsAccountId": "222222222222", "configuration": {"policy": "{\"Statement\": []}"}}"#,
    ];
    let text = lines.join(
        "
",
    ) + "
";
    let mut windows = ward_model::ConfigWindows::new("items.ndjson", 100);
    let mut documents = Vec::new();
    stream_config_items("items.ndjson", Cursor::new(text.as_bytes()), |item| {
        documents.extend(windows.push(item));
        ControlFlow::Continue(())
    })
    .unwrap();
    documents.extend(windows.finish());
    // One window per account.
    assert_eq!(documents.len(), 2);
    let first = load(
        "items.ndjson",
        (lines[..3].join(
            "
",
        ) + "
")
        .as_bytes(),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(documents[0].resources, first.resources);
    assert_eq!(documents[0].edges, first.edges);
    assert_eq!(documents[0].edges.len(), 1);
    let trust = &documents[0].resources[0].props;
    assert!(
        trust
            .get("assumeRolePolicyDocument")
            .and_then(|document| document.get("Statement"))
            .is_some(),
        "{trust:?}"
    );
    assert_eq!(documents[1].resources.len(), 1);
    assert_eq!(documents[1].resources[0].pos.line, 4);
}

/// A SAM template's `Globals` give its serverless resources the
/// properties they do not set, located in `Globals`.
#[test]
fn sam_globals_give_serverless_resources_their_defaults() {
    let template = "Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Layers: [base]
    Environment:
      Variables:
        STAGE: prod
        TABLE: global
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Layers: [own]
      Environment:
        Variables:
          TABLE: own
  Bare:
    Type: AWS::Serverless::Function
  Bucket:
    Type: AWS::S3::Bucket
";
    let document = load("sam.yaml", template.as_bytes(), &Default::default()).unwrap();
    let props = |id: &str| {
        &document
            .resources
            .iter()
            .find(|resource| resource.id == id)
            .expect("the resource")
            .props
    };
    let function = props("Fn");
    let runtime = function.get("Runtime").expect("from Globals");
    assert_eq!(runtime.as_str(), Some("python3.12"));
    assert_eq!(runtime.pos.line, 4, "located in Globals");
    let variables = function
        .get("Environment")
        .and_then(|environment| environment.get("Variables"))
        .expect("merged");
    assert_eq!(variables.get("TABLE").and_then(Node::as_str), Some("own"));
    assert_eq!(variables.get("STAGE").and_then(Node::as_str), Some("prod"));
    let layers: Vec<&str> = function
        .get("Layers")
        .and_then(Node::as_list)
        .expect("layers")
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(layers, ["base", "own"]);
    assert_eq!(
        props("Bare").get("Runtime").and_then(Node::as_str),
        Some("python3.12")
    );
    assert!(props("Bucket").get("Runtime").is_none());
}

#[test]
fn parameter_files_feed_the_loader() {
    let parameters = parse_parameters_file(
        "p.json",
        br#"[{"ParameterKey": "Env", "ParameterValue": "prod"}]"#,
    )
    .unwrap();
    let template = "Parameters:\n  Env:\n    Type: String\nConditions:\n  Prod: !Equals [!Ref Env, prod]\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Versioning: !If [Prod, Enabled, Suspended]\n";
    let loaded = |parameters| {
        let options = LoadOptions {
            parameters,
            kind: None,
            ..LoadOptions::default()
        };
        let document = load("t.yaml", template.as_bytes(), &options).unwrap();
        document.resources[0]
            .props
            .get("Versioning")
            .unwrap()
            .clone()
    };
    assert_eq!(loaded(parameters).as_str(), Some("Enabled"));
    assert_eq!(
        loaded(Vec::new()).unknown_reason(),
        Some("condition `Prod` is unknown: parameter `Env` has no default")
    );
}

#[test]
fn large_templates_load_in_linear_time() {
    let mut json = String::from("{\"Resources\": {");
    for index in 0..10_000 {
        if index > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            "\"Bucket{index}\": {{\"Type\": \"AWS::S3::Bucket\", \"Properties\": {{\"BucketName\": {{\"Fn::Sub\": \"b-${{AWS::Region}}-{index}\"}}, \"LoggingConfiguration\": {{\"DestinationBucketName\": {{\"Ref\": \"Bucket0\"}}}}, \"Tags\": [{{\"Key\": \"n\", \"Value\": \"{index}\"}}]}}}}"
        ));
    }
    json.push_str("}}");
    let start = std::time::Instant::now();
    let document = load("big.json", json.as_bytes(), &options()).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(document.resources.len(), 10_000);
    assert_eq!(
        document.incoming(0).count(),
        10_000,
        "every bucket logs to bucket 0, itself included"
    );
    // Generous for unoptimised test builds; release builds take a few ms.
    assert!(elapsed.as_secs() < 5, "took {elapsed:?}");
}

#[test]
fn references_to_a_big_parameter_do_not_expand_without_bound() {
    let items: Vec<String> = (0..5000).map(|i| format!("s{i}")).collect();
    let mut template = format!(
        "Parameters:\n  Big:\n    Type: CommaDelimitedList\n    Default: \"{}\"\nResources:\n",
        items.join(",")
    );
    for index in 0..2000 {
        template.push_str(&format!(
            "  R{index}:\n    Type: T\n    Properties:\n      A: !Ref Big\n"
        ));
    }
    let start = std::time::Instant::now();
    let error = load("amplify.yaml", template.as_bytes(), &options()).unwrap_err();
    assert!(
        error
            .message
            .starts_with("the template expands to too many values"),
        "{error}"
    );
    assert!(error.line > 5, "{error}");
    assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
}

#[test]
fn edges_name_the_property_path_they_are_written_at() {
    let via = |path: &str| {
        Edge {
            from: 0,
            to: 0,
            kind: EdgeKind::Ref,
            path: path.to_string(),
        }
        .via()
    };
    assert_eq!(via("$.Bucket"), "Bucket");
    assert_eq!(
        via("$.PolicyDocument.Statement[0].Resource[1]"),
        "PolicyDocument.Statement.Resource"
    );
    assert_eq!(via("metadata.DependsOn[2]"), "DependsOn");
    assert_eq!(via("metadata.DependsOn"), "DependsOn");
    assert_eq!(
        via(r#"metadata.Metadata["AWS::CloudFormation::Init"].config"#),
        "Metadata.AWS::CloudFormation::Init.config"
    );
    assert_eq!(via(r#"$["a \"b\""].c"#), "a \"b\".c");
    assert_eq!(via("$"), "");
    assert!(ward_model::via_matches("Bucket", "Bucket"));
    assert!(ward_model::via_matches("Bucket.Name", "Bucket"));
    assert!(!ward_model::via_matches("BucketName", "Bucket"));
    assert!(!ward_model::via_matches("Bucket", "Bucket.Name"));
}

#[test]
fn conditions_decide_resources_and_open_ones_make_variants() {
    let template = br#"
Parameters:
  Env: { Type: String }
  Size: { Type: String, AllowedValues: [small, large] }
Mappings:
  Disks: { small: { Gb: 10 }, large: { Gb: 500 } }
Conditions:
  Never: !Equals [a, b]
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Ghost: { Type: T, Condition: Never }
  Prod: { Type: T, Condition: IsProd }
  Disk: { Type: D, Properties: { Gb: !FindInMap [Disks, !Ref Size, Gb] } }
"#;
    let document = ward_model::load("t.yaml", template, &LoadOptions::default()).unwrap();
    let ids: Vec<&str> = document.resources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["Prod", "Disk"]);
    let described: Vec<String> = document.variants.iter().map(|v| v.describe()).collect();
    assert_eq!(
        described,
        [
            "`Env` is `prod` and `Size` is `small`",
            "`Env` is `prod` and `Size` is `large`",
            "`Env` is not `prod` and `Size` is `small`",
            "`Env` is not `prod` and `Size` is `large`",
        ]
    );
    let disk_sizes: Vec<f64> = document
        .variants
        .iter()
        .map(|v| {
            let disk = v.document.resource("Disk").unwrap();
            disk.props.get("Gb").unwrap().as_f64().unwrap()
        })
        .collect();
    assert_eq!(disk_sizes, [10.0, 500.0, 10.0, 500.0]);
    assert!(document.variants[2].document.resource("Prod").is_none());
    assert!(document.parts().is_some());
}

#[test]
fn a_template_keeps_one_copy_of_its_resources() {
    let template = br#"
Parameters:
  Env: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket: { Type: AWS::S3::Bucket, Condition: IsProd, Properties: { BucketName: !Ref Env } }
"#;
    let document = ward_model::load("t.yaml", template, &LoadOptions::default()).unwrap();
    // The resources are held resolved; the parsed root keeps every other
    // section, shared with the variants.
    assert!(document.root.get("Resources").is_none());
    assert!(document.root.get("Parameters").is_some());
    assert!(document.root.get("Conditions").is_some());
    assert_eq!(document.variants.len(), 2);
    for variant in &document.variants {
        assert!(std::sync::Arc::ptr_eq(
            &variant.document.root,
            &document.root
        ));
    }
    assert!(document.variants[0].document.resource("Bucket").is_some());
}

#[test]
fn values_per_file_are_bounded() {
    let bounded = LoadOptions {
        max_values: 100,
        ..LoadOptions::default()
    };
    let numbers = format!("[{}]", vec!["1"; 100].join(","));
    let error = load("numbers.json", numbers.as_bytes(), &bounded).unwrap_err();
    assert_eq!(error.file, "numbers.json");
    assert_eq!((error.line, error.column), (1, 200));
    assert_eq!(error.message, "the document has more than 100 values");
    assert!(load("numbers.json", numbers.as_bytes(), &options()).is_ok());
    // YAML, one value a line.
    let lines: String = (0..100).map(|i| format!("- {i}\n")).collect();
    let error = load("numbers.yaml", lines.as_bytes(), &bounded).unwrap_err();
    assert_eq!((error.line, error.column), (100, 3));
    assert_eq!(error.message, "the document has more than 100 values");
}
