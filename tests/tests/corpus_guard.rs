//! Agreement of the standard library with the AWS Guard Rules Registry on
//! the registry's own unit tests.
//!
//! The corpus (`shared/corpus/guard-registry` beside the repository) holds,
//! for every registry rule, its test cases: a CloudFormation input and the
//! outcome Guard must give (`PASS`, `FAIL` or `SKIP`). For every registry
//! rule that a standard library rule decides, this test evaluates the
//! standard library on each case's input and compares the outcome of the
//! mapped Ward rules over the resources of the mapped types:
//!
//! - `FAIL` agrees with some resource failing;
//! - `PASS` agrees with no resource failing or unknown and some passing;
//! - `SKIP` agrees with no resource checked, or every one skipped.
//!
//! Ward reports *unknown* where the input does not determine the outcome,
//! which Guard has no word for: an unknown outcome is always a difference.
//! Cases that Guard skips only because the resource carries Guard's or
//! cfn-nag's own suppression metadata are counted apart and not compared:
//! Ward does not read other tools' suppressions.
//!
//! The deliberate differences are listed in [`DIFFERENCES`] with a reason
//! each; the test fails on any other difference and on listed differences
//! that no longer occur. `docs/corpus.md` explains the numbers.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde_json::Value as Json;
use ward_abi::{Outcome, Report};
use ward_eval::{Evaluator, Limits};
use ward_model::{Document, LoadOptions, from_json_value};

/// A registry rule and the standard library rules that make the same
/// decision, on resources of the given types.
struct Mapping {
    guard: &'static str,
    rules: &'static [&'static str],
    types: &'static [&'static str],
    /// For a Ward rule that makes several decisions at once: only failures
    /// whose message contains this text count.
    message: Option<&'static str>,
}

const fn map(
    guard: &'static str,
    rules: &'static [&'static str],
    types: &'static [&'static str],
) -> Mapping {
    Mapping {
        guard,
        rules,
        types,
        message: None,
    }
}

const fn map_message(
    guard: &'static str,
    rules: &'static [&'static str],
    types: &'static [&'static str],
    message: &'static str,
) -> Mapping {
    Mapping {
        guard,
        rules,
        types,
        message: Some(message),
    }
}

const BUCKET: &[&str] = &["AWS::S3::Bucket"];
const SECURITY_GROUPS: &[&str] = &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"];
const DB_INSTANCE: &[&str] = &["AWS::RDS::DBInstance"];
const FUNCTION: &[&str] = &["AWS::Lambda::Function", "AWS::Serverless::Function"];
const DISTRIBUTION: &[&str] = &["AWS::CloudFront::Distribution"];
const LISTENER: &[&str] = &["AWS::ElasticLoadBalancingV2::Listener"];
const REPLICATION_GROUP: &[&str] = &["AWS::ElastiCache::ReplicationGroup"];
const TRAIL: &[&str] = &["AWS::CloudTrail::Trail"];
const TABLE: &[&str] = &["AWS::DynamoDB::Table"];
const KEY: &[&str] = &["AWS::KMS::Key"];
const LOG_GROUP: &[&str] = &["AWS::Logs::LogGroup"];
const SECRET: &[&str] = &["AWS::SecretsManager::Secret"];

const ALB: &[&str] = &["AWS::ElasticLoadBalancingV2::LoadBalancer"];
const CLASSIC_ELB: &[&str] = &["AWS::ElasticLoadBalancing::LoadBalancer"];
const INSTANCE: &[&str] = &["AWS::EC2::Instance"];

/// Guard registry rule to Ward rule ids.
const MAPPINGS: &[Mapping] = &[
    map(
        "ALB_HTTP_DROP_INVALID_HEADER_ENABLED",
        &["WARD-ELB-006"],
        ALB,
    ),
    map(
        "API_GW_EXECUTION_LOGGING_ENABLED",
        &["WARD-APIGW-005"],
        &["AWS::ApiGateway::Stage"],
    ),
    map(
        "CLOUDFRONT_DEFAULT_ROOT_OBJECT_CONFIGURED",
        &["WARD-CF-007"],
        DISTRIBUTION,
    ),
    map(
        "CLOUDFRONT_ORIGIN_ACCESS_IDENTITY_ENABLED",
        &["WARD-CF-006"],
        DISTRIBUTION,
    ),
    map("CLOUDTRAIL_S3_DATAEVENTS_ENABLED", &["WARD-CT-003"], TRAIL),
    map(
        "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED",
        &["WARD-CT-002"],
        TRAIL,
    ),
    map("CLOUD_TRAIL_ENABLED", &["WARD-CT-001"], TRAIL),
    map("EBS_OPTIMIZED_INSTANCE", &["WARD-EC2-005"], INSTANCE),
    map(
        "EC2_INSTANCE_DETAILED_MONITORING_ENABLED",
        &["WARD-EC2-004"],
        INSTANCE,
    ),
    map("EC2_INSTANCE_PROFILE_ATTACHED", &["WARD-EC2-007"], INSTANCE),
    map(
        "ELB_CROSS_ZONE_LOAD_BALANCING_ENABLED",
        &["WARD-ELB-008"],
        CLASSIC_ELB,
    ),
    map("ELB_DELETION_PROTECTION_ENABLED", &["WARD-ELB-005"], ALB),
    map(
        "ELB_TLS_HTTPS_LISTENERS_ONLY",
        &["WARD-ELB-007"],
        CLASSIC_ELB,
    ),
    map("LAMBDA_CONCURRENCY_CHECK", &["WARD-LAMBDA-005"], FUNCTION),
    map(
        "API_GWV2_ACCESS_LOGS_ENABLED",
        &["WARD-APIGW-001"],
        &["AWS::ApiGatewayV2::Stage"],
    ),
    map(
        "API_GW_METHOD_AUTHORIZATION_TYPE_RULE",
        &["WARD-APIGW-002"],
        &["AWS::ApiGateway::Method"],
    ),
    map(
        "API_GW_STAGE_ACCESS_LOGGING_RULE",
        &["WARD-APIGW-001"],
        &["AWS::ApiGateway::Stage"],
    ),
    map(
        "CLOUDFRONT_ACCESSLOGS_ENABLED",
        &["WARD-CF-003"],
        DISTRIBUTION,
    ),
    map(
        "CLOUDFRONT_MINIMUM_PROTOCOL_VERSION_RULE",
        &["WARD-CF-002"],
        DISTRIBUTION,
    ),
    map(
        "CLOUDFRONT_VIEWER_POLICY_HTTPS",
        &["WARD-CF-001"],
        DISTRIBUTION,
    ),
    map(
        "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
        &["WARD-LOG-003"],
        LOG_GROUP,
    ),
    map("CLOUD_TRAIL_ENCRYPTION_ENABLED", &["WARD-LOG-004"], TRAIL),
    map_message(
        "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
        &["WARD-LOG-001"],
        TRAIL,
        "does not validate its log files",
    ),
    map("CMK_BACKING_KEY_ROTATION_ENABLED", &["WARD-KMS-001"], KEY),
    map(
        "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
        &["WARD-LOG-002"],
        LOG_GROUP,
    ),
    map("DB_INSTANCE_BACKUP_ENABLED", &["WARD-RDS-002"], DB_INSTANCE),
    map("DYNAMODB_PITR_ENABLED", &["WARD-DDB-001"], TABLE),
    map("DYNAMODB_TABLE_ENCRYPTED_KMS", &["WARD-DDB-002"], TABLE),
    map_message(
        "DYNAMODB_TABLE_MUST_BE_ENCRYPTED",
        &["WARD-DDB-002"],
        TABLE,
        "a key that AWS owns",
    ),
    map(
        "EC2_INSTANCE_NO_PUBLIC_IP",
        &["WARD-EC2-002"],
        &["AWS::EC2::Instance"],
    ),
    map(
        "EFS_ENCRYPTED_CHECK",
        &["WARD-EFS-001"],
        &["AWS::EFS::FileSystem"],
    ),
    map(
        "ELASTICACHE_REPLICATION_GROUP_ENCRYPTION_AT_REST",
        &["WARD-CACHE-001"],
        REPLICATION_GROUP,
    ),
    map(
        "ELASTICACHE_REPLICATION_GROUP_ENCRYPTION_IN_TRANSIT",
        &["WARD-CACHE-002"],
        REPLICATION_GROUP,
    ),
    map(
        "ELBV2_ACCESS_LOGGING_RULE",
        &["WARD-ELB-002"],
        &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
    ),
    map("ELBV2_LISTENER_PROTOCOL_RULE", &["WARD-ELB-003"], LISTENER),
    map(
        "ELBV2_LISTENER_SSL_POLICY_RULE",
        &["WARD-ELB-004"],
        LISTENER,
    ),
    map(
        "ELB_LOGGING_ENABLED",
        &["WARD-ELB-001"],
        &["AWS::ElasticLoadBalancing::LoadBalancer"],
    ),
    map(
        "ENCRYPTED_VOLUMES",
        &["WARD-EBS-001"],
        &["AWS::EC2::Volume"],
    ),
    map(
        "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
        &["WARD-IAM-001", "WARD-IAM-002"],
        &[],
    ),
    map(
        "IAM_USER_LOGIN_PROFILE_NO_PLAINTEXT_PASSWORD",
        &["WARD-SEC-003"],
        &["AWS::IAM::User"],
    ),
    map(
        "IAM_ROLE_NO_WILDCARD_ACTIONS_ON_PERMISSIONS",
        &["WARD-IAM-004"],
        &["AWS::IAM::Role"],
    ),
    map(
        "INCOMING_SSH_DISABLED",
        &["WARD-NET-001", "WARD-NET-002"],
        SECURITY_GROUPS,
    ),
    map("KMS_NO_WILDCARD_PRINCIPAL", &["WARD-KMS-002"], KEY),
    map("LAMBDA_DLQ_CHECK", &["WARD-LAMBDA-001"], FUNCTION),
    map("LAMBDA_INSIDE_VPC", &["WARD-LAMBDA-002"], FUNCTION),
    map_message(
        "MULTI_REGION_CLOUD_TRAIL_ENABLED",
        &["WARD-LOG-001"],
        TRAIL,
        "records only one region",
    ),
    map(
        "RDS_CLUSTER_MASTER_USER_PASSWORD_NO_PLAINTEXT_PASSWORD",
        &["WARD-SEC-003"],
        &["AWS::RDS::DBCluster"],
    ),
    map(
        "RDS_MASTER_USER_PASSWORD_NO_PLAINTEXT_PASSWORD",
        &["WARD-SEC-003"],
        DB_INSTANCE,
    ),
    map("RDS_MULTI_AZ_SUPPORT", &["WARD-RDS-003"], DB_INSTANCE),
    map_message(
        "RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
        &["WARD-RDS-001", "WARD-RDS-006"],
        DB_INSTANCE,
        "is publicly accessible",
    ),
    map_message(
        "RDS_STORAGE_ENCRYPTED",
        &["WARD-RDS-001", "WARD-RDS-005"],
        &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
        "does not encrypt its storage",
    ),
    map(
        "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
        &["WARD-S3-002"],
        BUCKET,
    ),
    map("S3_BUCKET_LOGGING_ENABLED", &["WARD-S3-004"], BUCKET),
    map_message(
        "S3_BUCKET_NO_PUBLIC_RW_ACL",
        &["WARD-S3-005"],
        BUCKET,
        "write objects",
    ),
    map_message(
        "S3_BUCKET_PUBLIC_READ_ACL",
        &["WARD-S3-005"],
        BUCKET,
        "read its objects",
    ),
    map(
        "S3_BUCKET_POLICY_NO_WILDCARD_PRINCIPAL",
        &["WARD-IAM-005"],
        &["AWS::S3::BucketPolicy"],
    ),
    map("S3_BUCKET_PUBLIC_READ_PROHIBITED", &["WARD-S3-002"], BUCKET),
    map(
        "S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
        &["WARD-S3-002"],
        BUCKET,
    ),
    map(
        "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        &["WARD-S3-001"],
        BUCKET,
    ),
    map("S3_BUCKET_SSL_REQUESTS_ONLY", &["WARD-S3-006"], BUCKET),
    map("S3_BUCKET_VERSIONING_ENABLED", &["WARD-S3-003"], BUCKET),
    map(
        "SECRETSMANAGER_ROTATION_ENABLED_CHECK",
        &["WARD-SEC-001"],
        SECRET,
    ),
    map("SECRETSMANAGER_USING_CMK", &["WARD-SEC-002"], SECRET),
    map(
        "SECURITY_GROUP_DESCRIPTION_RULE",
        &["WARD-NET-004"],
        &[
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::SecurityGroupIngress",
            "AWS::EC2::SecurityGroupEgress",
        ],
    ),
    map(
        "SNS_TOPICPOLICY_NO_WILDCARD_PRINCIPAL",
        &["WARD-IAM-005"],
        &["AWS::SNS::TopicPolicy"],
    ),
    map("SNS_ENCRYPTED_KMS", &["WARD-MSG-001"], &["AWS::SNS::Topic"]),
    map(
        "SQS_QUEUE_KMS_MASTER_KEY_ID_RULE",
        &["WARD-MSG-001"],
        &["AWS::SQS::Queue"],
    ),
    map(
        "SQS_QUEUEPOLICY_NO_WILDCARD_PRINCIPAL",
        &["WARD-IAM-005"],
        &["AWS::SQS::QueuePolicy"],
    ),
    map(
        "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED",
        &["WARD-NET-003"],
        &["AWS::EC2::Subnet"],
    ),
];

/// What Guard expects of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Guard {
    Pass,
    Fail,
    Skip,
}

/// What Ward says about a case, over the mapped rules and types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ward {
    Pass,
    Fail,
    Skip,
    Unknown,
}

/// A deliberate difference between Guard and Ward on one case.
struct Difference {
    guard_rule: &'static str,
    case: &'static str,
    guard: Guard,
    ward: Ward,
    reason: &'static str,
}

const fn differ(
    guard_rule: &'static str,
    case: &'static str,
    (guard, ward): (Guard, Ward),
    reason: &'static str,
) -> Difference {
    Difference {
        guard_rule,
        case,
        guard,
        ward,
        reason,
    }
}

/// Every known difference, with its reason.
const DIFFERENCES: &[Difference] = &[
    differ(
        "API_GWV2_ACCESS_LOGS_ENABLED",
        "Scenario d) API Gateway V2 Stage Method has AccessLogSettings.DestinationArn or AccessLogSettings.Format set to a value other than a string or struct, FAIL",
        (Guard::Fail, Ward::Pass),
        "a number where CloudFormation expects text is a template error that CloudFormation rejects; Ward checks that a destination and a format are set",
    ),
    differ(
        "API_GWV2_ACCESS_LOGS_ENABLED",
        "Scenario d) API Gateway V2 Stage Method has AccessLogSettings.DestinationArn or AccessLogSettings.Format set to a value other than a string or struct, FAIL (#2)",
        (Guard::Fail, Ward::Pass),
        "a number where CloudFormation expects text is a template error that CloudFormation rejects; Ward checks that a destination and a format are set",
    ),
    differ(
        "CLOUDFRONT_ACCESSLOGS_ENABLED",
        "Scenario d) Logging Configuration provided, PASS",
        (Guard::Pass, Ward::Fail),
        "sharper: `Logging: {}` names no bucket, so nothing is logged; Ward asks for `Logging.Bucket`",
    ),
    differ(
        "CLOUDFRONT_VIEWER_POLICY_HTTPS",
        "Scenario c) 'CacheBehaviors' has not been provided, SKIP",
        (Guard::Skip, Ward::Pass),
        "a distribution without cache behaviors serves nothing over plain HTTP: Ward passes it, Guard skips it",
    ),
    differ(
        "CLOUDFRONT_VIEWER_POLICY_HTTPS",
        "Scenario c) 'CacheBehaviors' has been provided as an empty list, SKIP",
        (Guard::Skip, Ward::Pass),
        "a distribution without cache behaviors serves nothing over plain HTTP: Ward passes it, Guard skips it",
    ),
    differ(
        "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
        "CloudWatch Log LogGroup present RetentionInDays but references Jenny's number from Tommy Tutone's musical hit, FAIL",
        (Guard::Fail, Ward::Pass),
        "8675309 is not a retention CloudWatch Logs accepts, a template error CloudFormation rejects; Ward checks that a retention is set",
    ),
    differ(
        "DB_INSTANCE_BACKUP_ENABLED",
        "RDS BackupRetentionPeriod set with value of 1, PASS",
        (Guard::Pass, Ward::Fail),
        "stricter: Guard asks for backups, WARD-RDS-002 for at least seven days of them",
    ),
    differ(
        "DYNAMODB_TABLE_ENCRYPTED_KMS",
        "Scenario d) DDB with SSEEnabled set to true with a KMSMasterKeyId provided and SSEType set to KMS, PASS",
        (Guard::Pass, Ward::Unknown),
        "sharper: the key is `!Ref pKmsArn`, which the input does not define, so it may name the AWS managed key; Ward says unknown rather than pass",
    ),
    differ(
        "EC2_INSTANCE_NO_PUBLIC_IP",
        "EC2 Instance with no NetworkInterfaces, SKIP",
        (Guard::Skip, Ward::Pass),
        "Ward also follows the instance's subnet; with no interface and no public subnet in the template there is nothing to fail, so it passes where Guard skips",
    ),
    differ(
        "ELBV2_LISTENER_PROTOCOL_RULE",
        "ELBV2 listener with Protocol as HTTP",
        (Guard::Fail, Ward::Pass),
        "sharper: the HTTP listener only redirects to HTTPS, which serves nothing in clear text (Checkov agrees)",
    ),
    differ(
        "ELBV2_LISTENER_SSL_POLICY_RULE",
        "ELBV2 with loadBalancerAttributes SSLPolicy using TLS 1.2",
        (Guard::Pass, Ward::Skip),
        "an `HTTP` listener negotiates no TLS, so its `SslPolicy` does not apply and Ward skips it",
    ),
    differ(
        "ELBV2_LISTENER_SSL_POLICY_RULE",
        "ELBV2 listener with no sslPolicy",
        (Guard::Fail, Ward::Skip),
        "an `HTTP` listener negotiates no TLS, so its `SslPolicy` does not apply and Ward skips it",
    ),
    differ(
        "ELBV2_LISTENER_SSL_POLICY_RULE",
        "ELBV2 listener with sslPolicy not using TLS 1.2",
        (Guard::Fail, Ward::Skip),
        "an `HTTP` listener negotiates no TLS, so its `SslPolicy` does not apply and Ward skips it",
    ),
    differ(
        "ENCRYPTED_VOLUMES",
        "EC2 Volume with KmsKeyId property not empty, PASS",
        (Guard::Pass, Ward::Fail),
        "EC2 rejects `KmsKeyId` without `Encrypted: true`; Ward asks for `Encrypted` rather than inferring it from the key",
    ),
    differ(
        "IAM_USER_LOGIN_PROFILE_NO_PLAINTEXT_PASSWORD",
        "Password does not exists",
        (Guard::Fail, Ward::Pass),
        "a login profile without `Password` is a template error that IAM rejects; no password is written in the template",
    ),
    differ(
        "IAM_ROLE_NO_WILDCARD_ACTIONS_ON_PERMISSIONS",
        "IAM Role with full access to a single service, FAIL",
        (Guard::Fail, Ward::Pass),
        "WARD-IAM-004 fails `Action: *` only; service-wide wildcards such as `s3:*` are left to review",
    ),
    differ(
        "INCOMING_SSH_DISABLED",
        "Security Group with no SSH ingress, SKIP",
        (Guard::Skip, Ward::Fail),
        "sharper: the entry opens ports 0-65535 to 0.0.0.0/0 (its `IpProtocol` key is misspelt upstream), a range that includes SSH",
    ),
    differ(
        "INCOMING_SSH_DISABLED",
        "Security Group with SSH port 22 restricted to a CIDR other than 0.0.0.0/0, PASS",
        (Guard::Pass, Ward::Fail),
        "sharper: besides the restricted SSH rule, an entry opens ports 0-65535 to 0.0.0.0/0, a range that includes SSH",
    ),
    differ(
        "S3_BUCKET_PUBLIC_READ_ACL",
        "S3 bucket PublicReadWrite AccessControl",
        (Guard::Pass, Ward::Fail),
        "sharper: `PublicReadWrite` lets everyone read as well as write",
    ),
    differ(
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        "S3 Bucket Policy statement only allows requests to use Secure Socket Layer (SSL), PASS",
        (Guard::Pass, Ward::Skip),
        "the input has a bucket policy for `rLogsBucket` but no bucket; Ward checks buckets and follows them to their policies, so it also fails a bucket with no policy at all, which a check of policies cannot see",
    ),
    differ(
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        "S3 Bucket Policy statement does not allow requests to use Secure Socket Layer (SSL), FAIL",
        (Guard::Fail, Ward::Skip),
        "the input has a bucket policy for `rLogsBucket` but no bucket; Ward checks buckets and follows them to their policies, so it also fails a bucket with no policy at all, which a check of policies cannot see",
    ),
    differ(
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        "S3 Bucket Policy statement does not allow requests to use Secure Socket Layer (SSL), FAIL (#2)",
        (Guard::Fail, Ward::Skip),
        "the input has a bucket policy for `rLogsBucket` but no bucket; Ward checks buckets and follows them to their policies, so it also fails a bucket with no policy at all, which a check of policies cannot see",
    ),
    differ(
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        "S3 Bucket Policy statement to only allow requests to use Secure Socket Layer (SSL) missing, FAIL",
        (Guard::Fail, Ward::Skip),
        "the input has a bucket policy for `rLogsBucket` but no bucket; Ward checks buckets and follows them to their policies, so it also fails a bucket with no policy at all, which a check of policies cannot see",
    ),
    differ(
        "SECRETSMANAGER_USING_CMK",
        "secret using CMK, PASS",
        (Guard::Pass, Ward::Unknown),
        "sharper: the key is `!Ref MyKMSKey`, which the input does not define, so it may name the AWS managed key; Ward says unknown rather than pass",
    ),
];

impl fmt::Display for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Guard::Pass => "PASS",
            Guard::Fail => "FAIL",
            Guard::Skip => "SKIP",
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
        })
    }
}

fn agrees(guard: Guard, ward: Ward) -> bool {
    matches!(
        (guard, ward),
        (Guard::Pass, Ward::Pass) | (Guard::Fail, Ward::Fail) | (Guard::Skip, Ward::Skip)
    )
}

fn corpus() -> PathBuf {
    ward_tests::corpus_root().join("guard-registry")
}

fn expected() -> BTreeMap<String, Json> {
    ward_tests::read_json(&corpus().join("expected.json"))
}

/// Whether a case's input suppresses rules for Guard or cfn-nag on some
/// resource: Guard skips such resources, Ward does not know the convention.
fn suppressed_for_guard(input: &Json, rule: &str) -> bool {
    let Some(resources) = input.get("Resources").and_then(Json::as_object) else {
        return false;
    };
    resources.values().any(|resource| {
        let metadata = &resource["Metadata"];
        let names_rule = metadata["guard"]["SuppressedRules"]
            .as_array()
            .is_some_and(|rules| {
                rules.iter().any(|entry| {
                    entry.as_str() == Some(rule)
                        || entry.as_object().is_some_and(|map| map.contains_key(rule))
                })
            });
        let cfn_nag = ["cfn_nag", "cfn-nag"].iter().any(|key| {
            metadata[*key]["rules_to_suppress"]
                .as_array()
                .is_some_and(|rules| !rules.is_empty())
        });
        names_rule || cfn_nag
    })
}

/// Ward's outcome for `mapping` on one input.
fn ward_outcome(document: &Document, report: &Report, mapping: &Mapping) -> Ward {
    let mut outcomes = Vec::new();
    for outcome in report
        .outcomes
        .iter()
        .filter(|outcome| mapping.rules.contains(&&*outcome.rule))
    {
        let resource = outcome
            .resource
            .and_then(|index| document.resources.get(index));
        let resource_type = resource.map_or("", |r| r.resource_type.as_str());
        if !mapping.types.is_empty() && !mapping.types.contains(&resource_type) {
            continue;
        }
        let resource_id = resource.map_or("", |r| r.id.as_str());
        let counted = match (outcome.outcome, mapping.message) {
            (Outcome::Fail, Some(text)) => {
                let fails_here = report.findings.iter().any(|finding| {
                    finding.rule == outcome.rule
                        && &*finding.resource == resource_id
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
    [Ward::Fail, Ward::Unknown, Ward::Pass]
        .into_iter()
        .find(|candidate| outcomes.contains(candidate))
        .unwrap_or(Ward::Skip)
}

/// One compared case.
struct Comparison {
    guard_rule: String,
    case: String,
    guard: Guard,
    ward: Ward,
}

#[derive(Default)]
struct Tally {
    agree: usize,
    reasoned: usize,
    suppressed: usize,
    new: usize,
}

#[test]
fn stdlib_agrees_with_the_guard_registry_on_its_unit_tests() {
    let expected = expected();
    let program = ward_tests::stdlib_program();
    let evaluator = Evaluator::new(&program);
    let rule_ids: Vec<&str> = program
        .rules
        .iter()
        .map(|rule| rule.info.id.as_str())
        .collect();

    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut comparisons = Vec::new();
    for mapping in MAPPINGS {
        for rule in mapping.rules {
            assert!(
                rule_ids.contains(rule),
                "{} maps to `{rule}`, which the standard library does not define",
                mapping.guard
            );
        }
        let entry = expected
            .get(mapping.guard)
            .unwrap_or_else(|| panic!("{} is not a rule of the corpus", mapping.guard));
        let cases = entry["cases"]
            .as_array()
            .unwrap_or_else(|| panic!("{} has no cases", mapping.guard));
        let tally = tallies.entry(mapping.guard).or_default();
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for case in cases {
            // Some upstream test files give several cases the same name; the
            // second and later ones are told apart by their position.
            let plain = case["name"].as_str().unwrap_or_default();
            let occurrence = seen.entry(plain).or_default();
            *occurrence += 1;
            let name = if *occurrence == 1 {
                plain.to_string()
            } else {
                format!("{plain} (#{occurrence})")
            };
            let guard = match case["expected"].as_str() {
                Some("PASS") => Guard::Pass,
                Some("FAIL") => Guard::Fail,
                Some("SKIP") => Guard::Skip,
                other => panic!("{} {name}: unexpected outcome {other:?}", mapping.guard),
            };
            let input = &case["input"];
            if guard == Guard::Skip && suppressed_for_guard(input, mapping.guard) {
                tally.suppressed += 1;
                continue;
            }
            let file = format!("{}/{name}.json", mapping.guard);
            let document = from_json_value(&file, input, &LoadOptions::default())
                .unwrap_or_else(|error| panic!("{file} does not load: {error:?}"));
            let report = evaluator.evaluate(&document, &Limits::default());
            assert!(report.errors.is_empty(), "{file}: {:?}", report.errors);
            comparisons.push(Comparison {
                guard_rule: mapping.guard.to_string(),
                case: name,
                guard,
                ward: ward_outcome(&document, &report, mapping),
            });
        }
    }

    let mut used = vec![false; DIFFERENCES.len()];
    let mut problems = Vec::new();
    for comparison in &comparisons {
        let tally = tallies.entry(comparison.guard_rule.as_str()).or_default();
        let listed = DIFFERENCES.iter().position(|difference| {
            difference.guard_rule == comparison.guard_rule && difference.case == comparison.case
        });
        if agrees(comparison.guard, comparison.ward) {
            tally.agree += 1;
            if let Some(index) = listed {
                used[index] = true;
                problems.push(format!(
                    "{} `{}`: listed as a difference, but both now say {} / {}",
                    comparison.guard_rule, comparison.case, comparison.guard, comparison.ward
                ));
            }
            continue;
        }
        match listed {
            Some(index)
                if DIFFERENCES[index].guard == comparison.guard
                    && DIFFERENCES[index].ward == comparison.ward =>
            {
                used[index] = true;
                tally.reasoned += 1;
            }
            _ => {
                tally.new += 1;
                problems.push(format!(
                    "differ({:?}, {:?}, (Guard::{:?}, Ward::{:?}), \"\"),",
                    comparison.guard_rule, comparison.case, comparison.guard, comparison.ward
                ));
            }
        }
    }
    for (index, difference) in DIFFERENCES.iter().enumerate() {
        if difference.reason.trim().is_empty() {
            problems.push(format!(
                "{} `{}`: a listed difference needs a reason",
                difference.guard_rule, difference.case
            ));
        }
        if !used[index] {
            problems.push(format!(
                "{} `{}`: listed as a difference, but no such case was compared",
                difference.guard_rule, difference.case
            ));
        }
    }

    println!(
        "guard rule                                          agree reasoned suppressed new   ward rules"
    );
    let (mut agree, mut reasoned, mut suppressed) = (0, 0, 0);
    for mapping in MAPPINGS {
        let tally = &tallies[mapping.guard];
        agree += tally.agree;
        reasoned += tally.reasoned;
        suppressed += tally.suppressed;
        println!(
            "{:<51} {:>5} {:>8} {:>10} {:>3}   {}",
            mapping.guard,
            tally.agree,
            tally.reasoned,
            tally.suppressed,
            tally.new,
            mapping.rules.join(", ")
        );
    }
    let cases: usize = MAPPINGS
        .iter()
        .map(|mapping| {
            expected[mapping.guard]["cases"]
                .as_array()
                .map_or(0, Vec::len)
        })
        .sum();
    println!(
        "{} of {} registry rules mapped, {cases} cases: {agree} agree, {reasoned} differ for a listed reason, {suppressed} skipped by Guard or cfn-nag suppressions",
        MAPPINGS.len(),
        expected.len()
    );
    println!("differences:");
    for difference in DIFFERENCES {
        println!(
            "  {} `{}`: Guard {}, Ward {}: {}",
            difference.guard_rule,
            difference.case,
            difference.guard,
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
