//! Loads every file of the third-party corpus (CloudFormation templates,
//! Terraform plans, AWS Config inventory) with `ward-model`: each one must
//! either load or fail with a positioned error, never panic, and load
//! quickly. Then checks known facts about particular files, and that the
//! JSON and YAML twins of the official sample templates load the same.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ward_model::{Document, EdgeKind, InputKind, LoadError, LoadOptions, load};

/// Unoptimised test builds are slow; this still catches quadratic work.
const TIME_LIMIT: Duration = Duration::from_secs(3);

fn corpus() -> PathBuf {
    ward_tests::corpus_root()
}

fn files_under(directory: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![directory.to_path_buf()];
    while let Some(directory) = pending.pop() {
        let entries = std::fs::read_dir(&directory)
            .unwrap_or_else(|error| panic!("can not list {}: {error}", directory.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                pending.push(path);
            } else if !name.starts_with("LICENSE") && !name.starts_with("NOTICE") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Corpus-relative name of a file, with `/` separators.
fn name_of(path: &Path) -> String {
    let relative = path.strip_prefix(corpus()).unwrap();
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Default)]
struct Summary {
    loaded: usize,
    errored: BTreeSet<String>,
    resources: usize,
    edges: usize,
    slowest: Duration,
    slowest_file: String,
}

fn load_file(path: &Path) -> (String, Result<Document, LoadError>, Duration) {
    let bytes = std::fs::read(path).unwrap();
    let name = name_of(path);
    let start = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        load(&name, &bytes, &LoadOptions::default())
    }));
    let elapsed = start.elapsed();
    let Ok(result) = outcome else {
        panic!("loading {name} panicked");
    };
    (name, result, elapsed)
}

fn load_all(folder: &str) -> Summary {
    let files = files_under(&corpus().join(folder));
    assert!(!files.is_empty(), "no files under {folder}");
    let mut summary = Summary::default();
    for path in files {
        let (name, result, elapsed) = load_file(&path);
        assert!(elapsed < TIME_LIMIT, "loading {name} took {elapsed:?}");
        if elapsed > summary.slowest {
            summary.slowest = elapsed;
            summary.slowest_file.clone_from(&name);
        }
        match result {
            Ok(document) => {
                check_document(&name, &document);
                summary.loaded += 1;
                summary.resources += document.resources.len();
                summary.edges += document.edges.len();
            }
            Err(error) => {
                check_error(&name, &error);
                println!("  {error}");
                summary.errored.insert(name);
            }
        }
    }
    println!(
        "{folder}: {} loaded, {} errored, {} resources, {} edges, slowest {:?} ({})",
        summary.loaded,
        summary.errored.len(),
        summary.resources,
        summary.edges,
        summary.slowest,
        summary.slowest_file
    );
    summary
}

fn check_error(name: &str, error: &LoadError) {
    assert!(
        error.line >= 1 && error.column >= 1,
        "{name}: error without a position: {error:?}"
    );
    assert!(!error.message.is_empty(), "{name}: error without a message");
    assert_eq!(error.file, name);
}

/// Invariants every loaded document keeps.
fn check_document(name: &str, document: &Document) {
    let count = document.resources.len();
    for edge in &document.edges {
        assert!(edge.from < count && edge.to < count, "{name}: {edge:?}");
        assert!(
            edge.path.starts_with('$') || edge.path.starts_with("metadata"),
            "{name}: {edge:?}"
        );
    }
    for (index, resource) in document.resources.iter().enumerate() {
        assert!(
            resource.pos.line >= 1,
            "{name}: {} has no position",
            resource.id
        );
        assert!(
            document.outgoing(index).all(|edge| edge.from == index),
            "{name}"
        );
        assert!(
            document.incoming(index).all(|edge| edge.to == index),
            "{name}"
        );
    }
    let outgoing: usize = (0..count)
        .map(|index| document.outgoing(index).count())
        .sum();
    assert_eq!(
        outgoing,
        document.edges.len(),
        "{name}: every edge is indexed once"
    );
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|name| (*name).to_string()).collect()
}

#[test]
fn cloudformation_corpus_loads() {
    let cfn = load_all("cfn");
    let checkov = load_all("checkov-cfn");
    let guard = load_all("guard-registry");
    println!(
        "cloudformation corpus: {} loaded, {} errored",
        cfn.loaded + checkov.loaded + guard.loaded,
        cfn.errored.len() + checkov.errored.len() + guard.errored.len()
    );
    assert!(checkov.errored.is_empty(), "{:?}", checkov.errored);
    assert!(guard.errored.is_empty(), "{:?}", guard.errored);
    // Files that are broken upstream on purpose or by accident: not YAML or
    // JSON at all, or with duplicate keys, which CloudFormation rejects.
    let must_fail = set(&[
        "cfn/cfn-lint/bad/json_parse.json",
        "cfn/cfn-lint/bad/template.yaml",
        "cfn/cfn-lint/bad/core/config_invalid_json.json",
        "cfn/cfn-lint/bad/core/config_invalid_yaml.yaml",
        "cfn/cfn-lint/bad/duplicate.json",
        "cfn/cfn-lint/bad/duplicate.yaml",
        "cfn/serverless-patterns/apigw-custom-domain-edge/template.yaml",
    ]);
    let missing: Vec<_> = must_fail.difference(&cfn.errored).collect();
    assert!(missing.is_empty(), "these should not load: {missing:?}");
    // Everything else in the official samples loads.
    let samples_failing: Vec<_> = cfn
        .errored
        .iter()
        .filter(|name| name.starts_with("cfn/aws-cloudformation-templates/"))
        .collect();
    assert!(samples_failing.is_empty(), "{samples_failing:?}");
    assert!(cfn.loaded >= 1400, "only {} templates loaded", cfn.loaded);
}

#[test]
fn terraform_corpus_loads() {
    let summary = load_all("tfplan");
    assert!(summary.errored.is_empty(), "{:?}", summary.errored);
    assert!(summary.resources > 700, "{} resources", summary.resources);
}

#[test]
fn inventory_corpus_loads() {
    let summary = load_all("inventory");
    // Both are invalid JSON upstream: a missing comma, a raw control character.
    assert_eq!(
        summary.errored,
        set(&[
            "inventory/aws-config-rdk-example-ci/AWS_EC2_NetworkInterface.json",
            "inventory/aws-config-rdk-example-ci/AWS_SSM_ManagedInstanceInventory_Linux.json",
        ])
    );
}

fn document(name: &str) -> Document {
    let (_, result, _) = load_file(&corpus().join(name));
    result.unwrap_or_else(|error| panic!("{error}"))
}

fn has_edge(document: &Document, from: &str, to: &str, kind: EdgeKind, path: &str) -> bool {
    let from = document.resource_index(from).unwrap();
    let to = document.resource_index(to).unwrap();
    document
        .outgoing(from)
        .any(|edge| edge.to == to && edge.kind == kind && edge.path == path)
}

#[test]
fn known_facts_of_templates() {
    let vpc = document("cfn/quickstart-aws-vpc/templates/aws-vpc.template.yaml");
    assert_eq!(vpc.kind, InputKind::CloudFormation);
    // 75 resources are defined; under the parameters' defaults (two
    // availability zones, private subnets, no additional ones) the others'
    // conditions are false, so they are not created.
    assert_eq!(vpc.resources.len(), 24);
    // `AWS::Region` decides the DHCP options' domain name: the template is
    // also judged once for `us-east-1` and once for any other region, and
    // each variant creates a subset of the same resources.
    assert!(!vpc.variants.is_empty());
    for variant in &vpc.variants {
        assert!(
            variant
                .document
                .resources
                .iter()
                .all(|r| vpc.resource(&r.id).is_some())
        );
    }
    assert!(has_edge(
        &vpc,
        "VPCDHCPOptionsAssociation",
        "VPC",
        EdgeKind::Ref,
        "$.VpcId"
    ));
    assert!(has_edge(
        &vpc,
        "VPCDHCPOptionsAssociation",
        "DHCPOptions",
        EdgeKind::Ref,
        "$.DhcpOptionsId"
    ));
    let dhcp = vpc.resource("DHCPOptions").unwrap();
    assert_eq!(
        dhcp.props.get("DomainName").unwrap().unknown_reason(),
        Some(
            "condition `NVirginiaRegionCondition` is unknown: pseudo parameter `AWS::Region` is known only at deploy time"
        )
    );
    assert_eq!(dhcp.pos.line, 534);
    // The VPC's CIDR comes from the parameter's default.
    let vpc_resource = vpc.resource("VPC").unwrap();
    assert_eq!(
        vpc_resource.props.get("CidrBlock").unwrap().as_str(),
        Some("10.0.0.0/16")
    );

    let exchange = document("cfn/quickstart-microsoft-exchange/templates/exchange.template.yaml");
    // 48 resources are defined; 27 are created under the parameters'
    // defaults (no edge servers, two Exchange nodes).
    assert_eq!(exchange.resources.len(), 27);
    // The edge servers' condition is false under the defaults.
    assert!(exchange.resource("EDGE1").is_none());
    assert!(has_edge(
        &exchange,
        "FileServer",
        "ExchangeProfile",
        EdgeKind::Ref,
        "$.IamInstanceProfile"
    ));
    assert!(has_edge(
        &exchange,
        "FileServerWaitCondition",
        "FileServer",
        EdgeKind::DependsOn,
        "metadata.DependsOn"
    ));
}

#[test]
fn known_facts_of_plans_and_inventory() {
    let plan = document(
        "tfplan/checkov/terraform/parser/resources/plan_module_with_connected_resources/tfplan.json",
    );
    assert_eq!(plan.kind, InputKind::TerraformPlan);
    assert!(has_edge(
        &plan,
        "module.s3-bucket.aws_s3_bucket_public_access_block.this[0]",
        "module.s3-bucket.aws_s3_bucket.this[0]",
        EdgeKind::Reference,
        "$.bucket"
    ));
    // UTF-16 with a byte order mark and CRLF line ends.
    let utf16 =
        document("tfplan/checkov/terraform/parser/resources/plan_encodings/tfplan_win_utf16.json");
    assert_eq!(utf16.resources.len(), 1);
    assert_eq!(utf16.resources[0].id, "aws_s3_bucket.data");

    // A configuration item wrapped in a list.
    let lambda = document("inventory/aws-config-rdk-example-ci/AWS_LAMBDA_FUNCTION.json");
    assert_eq!(lambda.kind, InputKind::ConfigItems);
    assert_eq!(lambda.resources.len(), 1);
    assert_eq!(lambda.resources[0].resource_type, "AWS::Lambda::Function");
    assert_eq!(
        lambda.resources[0].id,
        "arn:aws:lambda:us-east-1:823362693882:function:test-function"
    );

    // Supplementary configuration that holds JSON in strings is parsed.
    let bucket = document("inventory/aws-config-rdk-example-ci/AWS_S3_Bucket.json");
    let acl = bucket.resources[0]
        .props
        .get("supplementaryConfiguration")
        .and_then(|s| s.get("AccessControlList"))
        .unwrap();
    assert!(acl.get("grantList").is_some(), "{acl:?}");
}

/// The official samples mostly come as a JSON file and a YAML file with the
/// same content: both must give the same resources, values and edges.
#[test]
fn json_and_yaml_twins_agree() {
    // These twins differ upstream (one uses a launch template, the other a
    // launch configuration, or security group ids instead of names).
    let differ_upstream = set(&[
        "cfn/aws-cloudformation-templates/AutoScaling/AutoScalingRollingUpdates.json",
        "cfn/aws-cloudformation-templates/AutoScaling/AutoScalingScheduledAction.json",
        "cfn/aws-cloudformation-templates/EC2/EC2_Instance_With_Ephemeral_Drives.json",
        "cfn/aws-cloudformation-templates/EC2/EIP_With_Association.json",
        "cfn/aws-cloudformation-templates/ECS/EC2LaunchType/clusters/private-vpc.json",
        "cfn/aws-cloudformation-templates/ECS/EC2LaunchType/clusters/public-vpc.json",
    ]);
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for json_path in files_under(&corpus().join("cfn/aws-cloudformation-templates")) {
        let yaml_path = json_path.with_extension("yaml");
        if json_path.extension().is_none_or(|e| e != "json") || !yaml_path.exists() {
            continue;
        }
        let name = name_of(&json_path);
        let (_, json, _) = load_file(&json_path);
        let (_, yaml, _) = load_file(&yaml_path);
        let (Ok(json), Ok(yaml)) = (json, yaml) else {
            mismatches.push(format!("{name}: one of the twins does not load"));
            continue;
        };
        compared += 1;
        let difference = twin_difference(&json, &yaml);
        match (difference, differ_upstream.contains(&name)) {
            (Some(difference), false) => mismatches.push(format!("{name}: {difference}")),
            (None, true) => mismatches.push(format!("{name}: now agrees, update the list")),
            _ => {}
        }
    }
    println!("{compared} json/yaml twins compared");
    assert!(compared > 130, "only {compared} twins");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

fn twin_difference(json: &Document, yaml: &Document) -> Option<String> {
    if json.resources.len() != yaml.resources.len() {
        return Some("different resource counts".to_string());
    }
    for resource in &json.resources {
        let Some(twin) = yaml.resource(&resource.id) else {
            return Some(format!("`{}` is missing in yaml", resource.id));
        };
        if resource.resource_type != twin.resource_type
            || !resource.props.same_value(&twin.props)
            || !resource.tags.same_value(&twin.tags)
        {
            return Some(format!("`{}` differs", resource.id));
        }
    }
    let edges = |document: &Document| -> BTreeSet<String> {
        document
            .edges
            .iter()
            .map(|edge| {
                format!(
                    "{} -> {} {:?} {}",
                    document.resources[edge.from].id,
                    document.resources[edge.to].id,
                    edge.kind,
                    edge.path
                )
            })
            .collect()
    };
    (edges(json) != edges(yaml)).then(|| "different edges".to_string())
}

/// A small deterministic generator (xorshift), so that failures replay.
struct Mutator(u64);

impl Mutator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next() % bound as u64) as usize
        }
    }

    /// Damages an input the way broken files are damaged: cut short, with
    /// stray brackets, quotes, tags or indentation, with random bytes, or
    /// with a slice missing.
    fn mutate(&mut self, input: &[u8]) -> Vec<u8> {
        const TOKENS: [&[u8]; 14] = [
            b"[", b"{", b"\"", b"!Ref ", b"!If [", b":", b"\n", b"- ", b"\t", b"&a ", b"*a", b"}",
            b"Fn::Sub", b"\xff",
        ];
        let mut out = input.to_vec();
        match self.below(4) {
            0 => out.truncate(self.below(out.len())),
            1 => {
                for _ in 0..=self.below(4) {
                    let at = self.below(out.len());
                    let token = TOKENS[self.below(TOKENS.len())];
                    out.splice(at..at, token.iter().copied());
                }
            }
            2 => {
                for _ in 0..=self.below(4) {
                    if !out.is_empty() {
                        let at = self.below(out.len());
                        out[at] = (self.next() & 0xFF) as u8;
                    }
                }
            }
            _ => {
                let start = self.below(out.len());
                let end = (start + self.below(200)).min(out.len());
                out.drain(start..end);
            }
        }
        out
    }
}

/// Damaged copies of every corpus file give an error or a document, never a
/// panic or a hang.
#[test]
fn damaged_corpus_files_never_panic() {
    let mut mutator = Mutator(0x9E37_79B9_7F4A_7C15);
    let mut runs = 0;
    let mut errors = 0;
    for folder in ["cfn", "tfplan", "inventory"] {
        for path in files_under(&corpus().join(folder)) {
            let bytes = std::fs::read(&path).unwrap();
            let name = name_of(&path);
            for _ in 0..2 {
                let damaged = mutator.mutate(&bytes);
                let start = Instant::now();
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    load(&name, &damaged, &LoadOptions::default())
                }));
                let elapsed = start.elapsed();
                runs += 1;
                match outcome {
                    Err(_) => panic!("a damaged copy of {name} made the loader panic"),
                    Ok(Err(error)) => {
                        check_error(&name, &error);
                        errors += 1;
                    }
                    Ok(Ok(document)) => check_document(&name, &document),
                }
                assert!(
                    elapsed < TIME_LIMIT,
                    "a damaged copy of {name} took {elapsed:?}"
                );
            }
        }
    }
    println!("{runs} damaged inputs, {errors} rejected with an error");
}
