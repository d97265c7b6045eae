//! Agreement of the standard library with Checkov on Checkov's own test
//! templates.
//!
//! The corpus (`shared/corpus/checkov-cfn` beside the repository) holds the
//! CloudFormation templates of Checkov's check tests and, for every check,
//! the outcome Checkov gives each resource of each template (`passed`,
//! `failed`, `unknown`). For every check that a standard library rule
//! decides, this test evaluates the standard library on the check's
//! templates and compares the outcomes resource by resource:
//!
//! - Checkov `passed` agrees with Ward `pass`, and with `skip` (the rule
//!   does not apply: no finding, as with a pass);
//! - Checkov `failed` agrees with Ward `fail`;
//! - Checkov `unknown` (neither passed nor failed: an unresolved value, or a
//!   check that does not apply) agrees with Ward `unknown` and `skip`.
//!
//! Every other pair is a difference. The deliberate ones are listed in
//! [`DIFFERENCES`], each with its reason; the test fails on any difference
//! not listed there, and on any listed difference that no longer occurs, so
//! the table stays exact. `docs/corpus.md` explains the harness and the
//! differences.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde_json::Value as Json;
use ward_abi::{Outcome, Report};
use ward_eval::{Evaluator, Limits};
use ward_model::{Document, LoadOptions, load};

/// A Checkov check and the standard library rules that make the same
/// decision.
struct Mapping {
    check: &'static str,
    rules: &'static [&'static str],
    /// For a Ward rule that makes several decisions at once: only failures
    /// whose message contains this text count as failures of this check; a
    /// resource that fails the rule for another reason counts as passing.
    message: Option<&'static str>,
}

const fn map(check: &'static str, rules: &'static [&'static str]) -> Mapping {
    Mapping {
        check,
        rules,
        message: None,
    }
}

const fn map_message(
    check: &'static str,
    rules: &'static [&'static str],
    message: &'static str,
) -> Mapping {
    Mapping {
        check,
        rules,
        message: Some(message),
    }
}

/// Checkov check id to Ward rule ids.
const MAPPINGS: &[Mapping] = &[
    map("CKV_AWS_2", &["WARD-ELB-003"]),
    map("CKV_AWS_3", &["WARD-EBS-001"]),
    map("CKV_AWS_7", &["WARD-KMS-001"]),
    map("CKV_AWS_8", &["WARD-EBS-002"]),
    map_message(
        "CKV_AWS_16",
        &["WARD-RDS-001"],
        "does not encrypt its storage",
    ),
    map_message(
        "CKV_AWS_17",
        &["WARD-RDS-001", "WARD-RDS-006"],
        "is publicly accessible",
    ),
    map("CKV_AWS_18", &["WARD-S3-004"]),
    map("CKV_AWS_19", &["WARD-S3-001"]),
    map_message("CKV_AWS_20", &["WARD-S3-005"], "read its objects"),
    map("CKV_AWS_21", &["WARD-S3-003"]),
    map("CKV_AWS_23", &["WARD-NET-004"]),
    map("CKV_AWS_24", &["WARD-NET-001", "WARD-NET-002"]),
    map("CKV_AWS_25", &["WARD-NET-001", "WARD-NET-002"]),
    map("CKV_AWS_26", &["WARD-MSG-001"]),
    map("CKV_AWS_27", &["WARD-MSG-001"]),
    map("CKV_AWS_28", &["WARD-DDB-001"]),
    map("CKV_AWS_29", &["WARD-CACHE-001"]),
    map("CKV_AWS_30", &["WARD-CACHE-002"]),
    map("CKV_AWS_33", &["WARD-KMS-002"]),
    map("CKV_AWS_34", &["WARD-CF-001"]),
    map("CKV_AWS_35", &["WARD-LOG-004"]),
    map_message(
        "CKV_AWS_36",
        &["WARD-LOG-001"],
        "does not validate its log files",
    ),
    map("CKV_AWS_42", &["WARD-EFS-001"]),
    map("CKV_AWS_45", &["WARD-LAMBDA-003"]),
    map("CKV_AWS_53", &["WARD-S3-002"]),
    map("CKV_AWS_54", &["WARD-S3-002"]),
    map("CKV_AWS_55", &["WARD-S3-002"]),
    map("CKV_AWS_56", &["WARD-S3-002"]),
    map_message("CKV_AWS_57", &["WARD-S3-005"], "write objects"),
    map("CKV_AWS_59", &["WARD-APIGW-002"]),
    map("CKV_AWS_60", &["WARD-IAM-003"]),
    map("CKV_AWS_62", &["WARD-IAM-001", "WARD-IAM-002"]),
    map("CKV_AWS_63", &["WARD-IAM-004"]),
    map_message("CKV_AWS_67", &["WARD-LOG-001"], "records only one region"),
    map("CKV_AWS_68", &["WARD-CF-004"]),
    map("CKV_AWS_76", &["WARD-APIGW-001"]),
    map("CKV_AWS_79", &["WARD-EC2-001"]),
    map("CKV_AWS_86", &["WARD-CF-003"]),
    map("CKV_AWS_88", &["WARD-EC2-002"]),
    map("CKV_AWS_91", &["WARD-ELB-002"]),
    map("CKV_AWS_92", &["WARD-ELB-001"]),
    map("CKV_AWS_96", &["WARD-RDS-005"]),
    map("CKV_AWS_103", &["WARD-ELB-003", "WARD-ELB-004"]),
    map("CKV_AWS_116", &["WARD-LAMBDA-001"]),
    map("CKV_AWS_117", &["WARD-LAMBDA-002"]),
    map("CKV_AWS_119", &["WARD-DDB-002"]),
    map("CKV_AWS_149", &["WARD-SEC-002"]),
    map("CKV_AWS_157", &["WARD-RDS-003"]),
    map("CKV_AWS_158", &["WARD-LOG-003"]),
    map("CKV_AWS_161", &["WARD-RDS-004"]),
    map("CKV_AWS_173", &["WARD-LAMBDA-004"]),
    map("CKV_AWS_174", &["WARD-CF-002"]),
    map("CKV_AWS_260", &["WARD-NET-005"]),
];

/// What Checkov reports for a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Checkov {
    Passed,
    Failed,
    Unknown,
}

/// What Ward reports for a resource, over the rules a check maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ward {
    Pass,
    Fail,
    Skip,
    Unknown,
    /// No mapped rule iterated the resource.
    NotEvaluated,
}

/// A deliberate difference between Checkov and Ward on one resource.
struct Difference {
    check: &'static str,
    template: &'static str,
    resource: &'static str,
    checkov: Checkov,
    ward: Ward,
    reason: &'static str,
}

const fn differ(
    check: &'static str,
    template: &'static str,
    resource: &'static str,
    (checkov, ward): (Checkov, Ward),
    reason: &'static str,
) -> Difference {
    Difference {
        check,
        template,
        resource,
        checkov,
        ward,
        reason,
    }
}

/// Every known difference, with its reason.
const DIFFERENCES: &[Difference] = &[
    differ(
        "CKV_AWS_8",
        "example_LaunchConfigurationEBSEncryption/LaunchConfigurationEBSEncryption-UNKNOWN.yml",
        "AutoScalingConfig",
        (Checkov::Unknown, Ward::Pass),
        "sharper: Ward decides `!Not [!Equals [0, 0]]` (false) and checks the branch that is deployed, whose volume is encrypted",
    ),
    differ(
        "CKV_AWS_8",
        "example_LaunchConfigurationEBSEncryption/LaunchConfigurationEBSEncryption-UNKNOWN_2.yml",
        "AutoScalingConfig",
        (Checkov::Unknown, Ward::Pass),
        "`BlockDeviceMappings: null` declares no EBS volume, so there is nothing to fail; the root volume follows the image and the account default",
    ),
    differ(
        "CKV_AWS_17",
        "example_RDSPubliclyAccessible/RDSPubliclyAccessible-PASSED.yaml",
        "MyDB",
        (Checkov::Passed, Ward::Fail),
        "sharper: without `PubliclyAccessible` or a subnet group the instance runs in the default VPC, where RDS makes it public (WARD-RDS-006)",
    ),
    differ(
        "CKV_AWS_19",
        "S3Templates/ExampleS3.yaml",
        "S3Bucket3",
        (Checkov::Passed, Ward::Fail),
        "Checkov passes every bucket since S3 encrypts new objects by default; Ward asks for an explicit default encryption rule, so the key choice is written down",
    ),
    differ(
        "CKV_AWS_19",
        "S3Templates/ExampleS3.yaml",
        "S3Bucket4",
        (Checkov::Passed, Ward::Fail),
        "Checkov passes every bucket since S3 encrypts new objects by default; Ward asks for an explicit default encryption rule, so the key choice is written down",
    ),
    differ(
        "CKV_AWS_19",
        "S3Templates/ExampleS3.yaml",
        "S3BucketNoProps",
        (Checkov::Passed, Ward::Fail),
        "Checkov passes every bucket since S3 encrypts new objects by default; Ward asks for an explicit default encryption rule, so the key choice is written down",
    ),
    differ(
        "CKV_AWS_23",
        "example_SecurityGroupRuleDescription/SecurityGroupRuleDescription-PASSED-4.yaml",
        "InstanceSecurityGroup",
        (Checkov::Passed, Ward::Fail),
        "invalid template: `SecurityGroupIngress: None` is text, not a list of rules; Ward reads it as one rule, which has no description",
    ),
    differ(
        "CKV_AWS_24",
        "example_SecurityGroupUnrestrictedIngress22/SecurityGroupUnrestrictedIngress22-UNKNOWN.yaml",
        "InstanceSecurityGroup",
        (Checkov::Unknown, Ward::Pass),
        "invalid template: `SecurityGroupIngress: 'hello22'` is text, not a list of rules; Ward finds no open port in it",
    ),
    differ(
        "CKV_AWS_34",
        "example_cloudfrontDistribution/CloudfrontDistributionEncryption-UNKNOWN.yaml",
        "CloudFrontDistribution",
        (Checkov::Unknown, Ward::Pass),
        "sharper: Ward decides the condition `IsHttps` from the parameter's default and checks the branch that is deployed (`https-only`)",
    ),
    differ(
        "CKV_AWS_53",
        "S3Templates/ExampleS3.yaml",
        "S3Bucket4",
        (Checkov::Passed, Ward::Fail),
        "WARD-S3-002 asks for all four public access block settings in one rule; this bucket leaves `RestrictPublicBuckets` false",
    ),
    differ(
        "CKV_AWS_54",
        "S3Templates/ExampleS3.yaml",
        "S3Bucket4",
        (Checkov::Passed, Ward::Fail),
        "WARD-S3-002 asks for all four public access block settings in one rule; this bucket leaves `RestrictPublicBuckets` false",
    ),
    differ(
        "CKV_AWS_55",
        "S3Templates/ExampleS3.yaml",
        "S3Bucket4",
        (Checkov::Passed, Ward::Fail),
        "WARD-S3-002 asks for all four public access block settings in one rule; this bucket leaves `RestrictPublicBuckets` false",
    ),
    differ(
        "CKV_AWS_59",
        "example_APIGatewayAuthorization/APIGatewayAuthorization-PASSED.yaml",
        "MyMethod3",
        (Checkov::Passed, Ward::Fail),
        "sharper: an API key identifies a client for usage plans but is not authorization (AWS says so); the Guard registry rule agrees",
    ),
    differ(
        "CKV_AWS_62",
        "example_IAMAdminPolicyDocument/iam_policy.fail.json",
        "CFNUserGroup",
        (Checkov::Unknown, Ward::Pass),
        "a group with `Policies: []` allows nothing; Ward passes it where Checkov reports unknown",
    ),
    differ(
        "CKV_AWS_62",
        "example_IAMAdminPolicyDocument/iam_policy.pass.json",
        "CFNUserGroup",
        (Checkov::Unknown, Ward::Pass),
        "a group with `Policies: []` allows nothing; Ward passes it where Checkov reports unknown",
    ),
    differ(
        "CKV_AWS_62",
        "example_IAMAdminPolicyDocument/iam_role.unknown.yaml",
        "CFNUserGroup",
        (Checkov::Unknown, Ward::Pass),
        "a group without inline policies allows nothing; Ward passes it where Checkov reports unknown",
    ),
    differ(
        "CKV_AWS_62",
        "example_IAMAdminPolicyDocument/iam_role.unknown.yaml",
        "ExecRole",
        (Checkov::Unknown, Ward::Fail),
        "sharper: the inline policy is JSON text (`!Sub |` under an `!If` whose condition is always true); Ward reads it and finds `*` on `*` where Checkov reports unknown",
    ),
    differ(
        "CKV_AWS_63",
        "example_IAMStarActionPolicyDocument/iam_policy.fail.json",
        "CFNUserGroup",
        (Checkov::Unknown, Ward::Pass),
        "a group with `Policies: []` allows nothing; Ward passes it where Checkov reports unknown",
    ),
    differ(
        "CKV_AWS_63",
        "example_IAMStarActionPolicyDocument/iam_policy.pass.json",
        "CFNUserGroup",
        (Checkov::Unknown, Ward::Pass),
        "a group with `Policies: []` allows nothing; Ward passes it where Checkov reports unknown",
    ),
    differ(
        "CKV_AWS_63",
        "example_IAMStarActionPolicyDocument/iam_role.unknown.yaml",
        "CFNUserGroup",
        (Checkov::Unknown, Ward::Pass),
        "a group without inline policies allows nothing; Ward passes it where Checkov reports unknown",
    ),
    differ(
        "CKV_AWS_63",
        "example_IAMStarActionPolicyDocument/iam_role.unknown.yaml",
        "RootRole",
        (Checkov::Unknown, Ward::Fail),
        "sharper: the inline policy is JSON text (`!Sub |`); Ward reads it and finds it allows `*`, where Checkov reports unknown",
    ),
    differ(
        "CKV_AWS_76",
        "example_APIGatewayAccessLogging/sam.yaml",
        "Enabled",
        (Checkov::Passed, Ward::Fail),
        "sharper: API Gateway writes access logs only with both `DestinationArn` and `Format`; this API sets no format",
    ),
    differ(
        "CKV_AWS_88",
        "example_EC2PublicIP/EC2PublicIP-UNKNOWN.yaml",
        "EC2InstanceResource0",
        (Checkov::Unknown, Ward::Pass),
        "the address depends on subnet `PublicSubnet`, which the template does not define; Ward follows subnets the template defines and passes here",
    ),
    differ(
        "CKV_AWS_88",
        "example_EC2PublicIP/EC2PublicIP-UNKNOWN.yaml",
        "EC2LaunchTemplateResource0",
        (Checkov::Unknown, Ward::Pass),
        "the address depends on subnet `PublicSubnet`, which the template does not define; Ward follows subnets the template defines and passes here",
    ),
    differ(
        "CKV_AWS_161",
        "example_RDSIAMAuthentication/RDSIAMAuthentication-UNKNOWN.yaml",
        "Mariadb",
        (Checkov::Unknown, Ward::Fail),
        "sharper: RDS for MariaDB supports IAM database authentication too, so Ward checks it",
    ),
    differ(
        "CKV_AWS_260",
        "example_SecurityGroupUnrestrictedIngress80/SecurityGroupUnrestrictedIngress80-UNKNOWN.yaml",
        "InstanceSecurityGroup",
        (Checkov::Unknown, Ward::Pass),
        "invalid template: `SecurityGroupIngress: 'hello80'` is text, not a list of rules; Ward finds no open port in it",
    ),
];

impl fmt::Display for Checkov {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Checkov::Passed => "passed",
            Checkov::Failed => "failed",
            Checkov::Unknown => "unknown",
        })
    }
}

impl fmt::Display for Ward {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ward::Pass => "pass",
            Ward::Fail => "fail",
            Ward::Skip => "skip",
            Ward::Unknown => "unknown",
            Ward::NotEvaluated => "not evaluated",
        })
    }
}

fn agrees(checkov: Checkov, ward: Ward) -> bool {
    matches!(
        (checkov, ward),
        (Checkov::Passed, Ward::Pass)
            | (Checkov::Failed, Ward::Fail)
            | (Checkov::Passed, Ward::Skip)
            | (Checkov::Unknown, Ward::Unknown | Ward::Skip)
    )
}

fn corpus() -> PathBuf {
    ward_tests::corpus_root().join("checkov-cfn")
}

fn expected() -> BTreeMap<String, Json> {
    ward_tests::read_json(&corpus().join("expected.json"))
}

fn strings(value: &Json) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Ward's outcome for `mapping` on one resource of `report`.
fn ward_outcome(document: &Document, report: &Report, mapping: &Mapping, resource: &str) -> Ward {
    let mut outcomes = Vec::new();
    let index = document.resources.iter().position(|r| r.id == resource);
    for outcome in report.outcomes.iter().filter(|outcome| {
        mapping.rules.contains(&&*outcome.rule) && index.is_some() && outcome.resource == index
    }) {
        let counted = match (outcome.outcome, mapping.message) {
            (Outcome::Fail, Some(text)) => {
                let fails_here = report.findings.iter().any(|finding| {
                    finding.rule == outcome.rule
                        && &*finding.resource == resource
                        && finding.message.contains(text)
                });
                if fails_here { Ward::Fail } else { Ward::Pass }
            }
            (Outcome::Pass, _) => Ward::Pass,
            (Outcome::Fail, None) => Ward::Fail,
            (Outcome::Skip, _) => Ward::Skip,
            (Outcome::Unknown, _) => Ward::Unknown,
        };
        outcomes.push(counted);
    }
    [Ward::Fail, Ward::Unknown, Ward::Pass, Ward::Skip]
        .into_iter()
        .find(|candidate| outcomes.contains(candidate))
        .unwrap_or(Ward::NotEvaluated)
}

/// One compared resource.
struct Comparison {
    check: String,
    template: String,
    resource: String,
    checkov: Checkov,
    ward: Ward,
}

#[derive(Default)]
struct Tally {
    agree: usize,
    reasoned: usize,
    new: usize,
}

#[test]
fn stdlib_agrees_with_checkov_on_its_test_templates() {
    let expected = expected();
    let program = ward_tests::stdlib_program();
    let evaluator = Evaluator::new(&program);
    let rule_ids: Vec<&str> = program
        .rules
        .iter()
        .map(|rule| rule.info.id.as_str())
        .collect();

    let mut reports: BTreeMap<String, (Document, Report)> = BTreeMap::new();
    let mut comparisons = Vec::new();
    for mapping in MAPPINGS {
        for rule in mapping.rules {
            assert!(
                rule_ids.contains(rule),
                "{} maps to `{rule}`, which the standard library does not define",
                mapping.check
            );
            // What `ward rules` tells a team that migrates is what is
            // measured here.
            let info = &program
                .rules
                .iter()
                .find(|candidate| candidate.info.id == *rule)
                .expect("defined")
                .info;
            assert!(
                info.checkov.iter().any(|check| check == mapping.check),
                "`{rule}` is compared with {} but its `@checkov` says {:?}",
                mapping.check,
                info.checkov
            );
        }
        let entry = expected
            .get(mapping.check)
            .unwrap_or_else(|| panic!("{} is not a check of the corpus", mapping.check));
        let by_template = entry["by_template"]
            .as_object()
            .unwrap_or_else(|| panic!("{} has no `by_template`", mapping.check));
        for (template, results) in by_template {
            let (document, report) = reports.entry(template.clone()).or_insert_with(|| {
                let bytes = std::fs::read(corpus().join(template))
                    .unwrap_or_else(|error| panic!("can not read {template}: {error}"));
                let document = load(template, &bytes, &LoadOptions::default())
                    .unwrap_or_else(|error| panic!("{template} does not load: {error:?}"));
                let report = evaluator.evaluate(&document, &Limits::default());
                assert!(report.errors.is_empty(), "{template}: {:?}", report.errors);
                (document, report)
            });
            for (key, checkov) in [
                ("passed", Checkov::Passed),
                ("failed", Checkov::Failed),
                ("unknown", Checkov::Unknown),
            ] {
                for resource in strings(&results[key]) {
                    let ward = ward_outcome(document, report, mapping, &resource);
                    comparisons.push(Comparison {
                        check: mapping.check.to_string(),
                        template: template.clone(),
                        resource,
                        checkov,
                        ward,
                    });
                }
            }
        }
    }

    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut used = vec![false; DIFFERENCES.len()];
    let mut problems = Vec::new();
    for comparison in &comparisons {
        let tally = tallies.entry(comparison.check.as_str()).or_default();
        let listed = DIFFERENCES.iter().position(|difference| {
            difference.check == comparison.check
                && difference.template == comparison.template
                && difference.resource == comparison.resource
        });
        if agrees(comparison.checkov, comparison.ward) {
            tally.agree += 1;
            if let Some(index) = listed {
                used[index] = true;
                problems.push(format!(
                    "{} {} {}: listed as a difference, but both now say {} / {}",
                    comparison.check,
                    comparison.template,
                    comparison.resource,
                    comparison.checkov,
                    comparison.ward
                ));
            }
            continue;
        }
        match listed {
            Some(index)
                if DIFFERENCES[index].checkov == comparison.checkov
                    && DIFFERENCES[index].ward == comparison.ward =>
            {
                used[index] = true;
                tally.reasoned += 1;
            }
            _ => {
                tally.new += 1;
                problems.push(format!(
                    "differ(\"{}\", \"{}\", \"{}\", (Checkov::{:?}, Ward::{:?}), \"\"),",
                    comparison.check,
                    comparison.template,
                    comparison.resource,
                    comparison.checkov,
                    comparison.ward
                ));
            }
        }
    }
    for (index, difference) in DIFFERENCES.iter().enumerate() {
        if difference.reason.trim().is_empty() {
            problems.push(format!(
                "{} {} {}: a listed difference needs a reason",
                difference.check, difference.template, difference.resource
            ));
        }
        if !used[index] {
            problems.push(format!(
                "{} {} {}: listed as a difference, but no such resource was compared",
                difference.check, difference.template, difference.resource
            ));
        }
    }

    println!("check        agree  reasoned  new   ward rules");
    let (mut agree, mut reasoned) = (0, 0);
    for mapping in MAPPINGS {
        let tally = &tallies[mapping.check];
        agree += tally.agree;
        reasoned += tally.reasoned;
        println!(
            "{:<12} {:>5} {:>9} {:>4}   {}",
            mapping.check,
            tally.agree,
            tally.reasoned,
            tally.new,
            mapping.rules.join(", ")
        );
    }
    let uncovered: Vec<&str> = expected
        .keys()
        .map(String::as_str)
        .filter(|check| !MAPPINGS.iter().any(|mapping| mapping.check == *check))
        .collect();
    println!(
        "{} checks mapped, {} resources compared: {agree} agree, {reasoned} differ for a listed reason",
        MAPPINGS.len(),
        comparisons.len()
    );
    println!("not mapped: {}", uncovered.join(", "));
    println!("differences:");
    for difference in DIFFERENCES {
        println!(
            "  {} {} {}: Checkov {}, Ward {}: {}",
            difference.check,
            difference.template,
            difference.resource,
            difference.checkov,
            difference.ward,
            difference.reason
        );
    }
    assert!(
        problems.is_empty(),
        "{} unexpected comparisons:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
