//! Judging a template as it is typed: the time from a one-character edit
//! of a CloudFormation YAML template to its judgement by the standard
//! library (load, evaluate every rule, gather the report, apply the
//! template's suppressions), with the policies compiled once, as the
//! language server keeps them between keystrokes.
//!
//! Targets (median): under 50 ms at 1,000 resources, under 300 ms at
//! 10,000. Both engines are measured: the reference evaluator judges until
//! the policies' module is compiled (in the background after a policy
//! edit), the compiled module after.
//!
//! ```sh
//! cargo bench -p ward-lsp --bench templates
//! ```

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ward_lsp::ide::{AnalysisHost, JudgingSet, Policies, judge};

/// A template of `size` resources that mixes compliant and failing ones:
/// buckets, security groups with ingress, volumes, queues, roles with an
/// inline policy and Lambda functions.
fn template(size: usize) -> String {
    let mut out = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n");
    for index in 0..size {
        let _ = match index % 6 {
            0 => write!(
                out,
                "  Bucket{index}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: bucket-{index}\n{}",
                if index % 4 == 0 {
                    ""
                } else {
                    "      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: aws:kms\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n        BlockPublicPolicy: true\n        IgnorePublicAcls: true\n        RestrictPublicBuckets: true\n"
                }
            ),
            1 => write!(
                out,
                "  Group{index}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: group {index}\n      SecurityGroupIngress:\n        - CidrIp: {}\n          IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n",
                if index % 5 == 1 {
                    "0.0.0.0/0"
                } else {
                    "10.0.0.0/8"
                }
            ),
            2 => write!(
                out,
                "  Volume{index}:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 20\n      AvailabilityZone: eu-west-1a\n      Encrypted: {}\n",
                index % 3 == 0
            ),
            3 => write!(
                out,
                "  Queue{index}:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: queue-{index}\n{}",
                if index % 2 == 0 {
                    "      KmsMasterKeyId: alias/aws/sqs\n"
                } else {
                    ""
                }
            ),
            4 => write!(
                out,
                "  Role{index}:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Principal:\n              Service: lambda.amazonaws.com\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: inline\n          PolicyDocument:\n            Version: \"2012-10-17\"\n            Statement:\n              - Effect: Allow\n                Action: {}\n                Resource: \"*\"\n",
                if index % 7 == 4 {
                    "\"*\""
                } else {
                    "s3:GetObject"
                }
            ),
            _ => write!(
                out,
                "  Function{index}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/fn\n      Code:\n        ZipFile: \"def handler(event, context): return 1\"\n"
            ),
        };
    }
    out
}

/// The standard library compiled once, as the server keeps it.
fn stdlib_policies() -> Policies {
    let mut host = AnalysisHost::new();
    for (path, text) in ward_stdlib::FILES {
        host.set_library_file(path, (*text).to_string());
    }
    host.sync_judging(&JudgingSet::default());
    host.snapshot()
        .judging_policies()
        .expect("the judging workspace exists")
}

fn keystroke_to_judgement(c: &mut Criterion) {
    let interpreted = stdlib_policies();
    let compiled = stdlib_policies();
    let engine = ward_runtime::Engine::new(ward_runtime::EngineConfig::default())
        .expect("the WebAssembly engine starts");
    compiled.compile(&engine);
    assert!(compiled.is_compiled());
    for (name, policies) in [
        ("compiled module", compiled),
        ("reference evaluator", interpreted),
    ] {
        judge_sizes(c, name, &policies);
    }
}

fn judge_sizes(c: &mut Criterion, engine: &str, policies: &Policies) {
    let mut group = c.benchmark_group(format!(
        "judgement of a YAML template after a one-character edit ({engine})"
    ));
    for size in [1_000, 10_000] {
        let original = template(size);
        let edited = original.replacen("BucketName: bucket-0", "BucketName: bucket-0x", 1);
        let first = judge(policies, "template.yaml", &original, &|| false).expect("judged");
        assert!(first.is_input && first.diagnostics.len() > size / 10);
        if size == 10_000 {
            group.sample_size(20);
        }
        let mut toggle = false;
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, _| {
            b.iter(|| {
                toggle = !toggle;
                let text = if toggle { &edited } else { &original };
                let judgement = judge(policies, "template.yaml", text, &|| false);
                black_box(judgement.map(|judgement| judgement.diagnostics.len()))
            })
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
}

criterion_group! {
    name = benches;
    config = config();
    targets = keystroke_to_judgement
}
criterion_main!(benches);
