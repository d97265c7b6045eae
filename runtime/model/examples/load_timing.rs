//! Times the loaders.
//!
//! `cargo run --release -p ward-model --example load_timing` generates a
//! CloudFormation template with 10,000 resources, in JSON and in YAML, and
//! times loading each. With file arguments it times loading those files
//! instead.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use ward_model::{LoadOptions, load};

const RESOURCES: usize = 10_000;
const RUNS: usize = 5;

/// A template whose resources look like real ones: properties, tags,
/// references, `Fn::Sub`, `Fn::If` and parameters.
fn template_json(resources: usize) -> String {
    let mut out = String::from(
        "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Parameters\": {\"Env\": {\"Type\": \"String\", \"Default\": \"prod\"}},\n  \"Conditions\": {\"IsProd\": {\"Fn::Equals\": [{\"Ref\": \"Env\"}, \"prod\"]}},\n  \"Resources\": {\n",
    );
    for index in 0..resources {
        let separator = if index + 1 == resources { "" } else { "," };
        let _ = write!(
            out,
            "    \"Key{index}\": {{\"Type\": \"AWS::KMS::Key\", \"Properties\": {{\"EnableKeyRotation\": true, \"KeyPolicy\": {{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": {{\"Fn::Sub\": \"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:root\"}}}}, \"Action\": \"kms:*\", \"Resource\": \"*\"}}]}}}}}},\n    \"Bucket{index}\": {{\"Type\": \"AWS::S3::Bucket\", \"DeletionPolicy\": \"Retain\", \"Properties\": {{\"BucketName\": {{\"Fn::Sub\": \"${{Env}}-bucket-{index}\"}}, \"BucketEncryption\": {{\"ServerSideEncryptionConfiguration\": [{{\"ServerSideEncryptionByDefault\": {{\"SSEAlgorithm\": \"aws:kms\", \"KMSMasterKeyID\": {{\"Fn::GetAtt\": [\"Key{index}\", \"Arn\"]}}}}}}]}}, \"VersioningConfiguration\": {{\"Status\": {{\"Fn::If\": [\"IsProd\", \"Enabled\", \"Suspended\"]}}}}, \"PublicAccessBlockConfiguration\": {{\"BlockPublicAcls\": true, \"BlockPublicPolicy\": true, \"IgnorePublicAcls\": true, \"RestrictPublicBuckets\": true}}, \"Tags\": [{{\"Key\": \"env\", \"Value\": {{\"Ref\": \"Env\"}}}}, {{\"Key\": \"index\", \"Value\": \"{index}\"}}]}}}}{separator}\n"
        );
    }
    out.push_str("  }\n}\n");
    out
}

fn template_yaml(resources: usize) -> String {
    let mut out = String::from(
        "AWSTemplateFormatVersion: 2010-09-09\nParameters:\n  Env:\n    Type: String\n    Default: prod\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n",
    );
    for index in 0..resources {
        let _ = write!(
            out,
            "  Key{index}:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: true\n      KeyPolicy:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal:\n              AWS: !Sub arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:root\n            Action: kms:*\n            Resource: '*'\n  Bucket{index}:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    Properties:\n      BucketName: !Sub ${{Env}}-bucket-{index}\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: aws:kms\n              KMSMasterKeyID: !GetAtt Key{index}.Arn\n      VersioningConfiguration:\n        Status: !If [IsProd, Enabled, Suspended]\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n        BlockPublicPolicy: true\n        IgnorePublicAcls: true\n        RestrictPublicBuckets: true\n      Tags:\n        - Key: env\n          Value: !Ref Env\n        - Key: index\n          Value: '{index}'\n"
        );
    }
    out
}

fn time(name: &str, bytes: &[u8]) {
    let mut best = Duration::MAX;
    let mut summary = String::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let result = load(name, bytes, &LoadOptions::default());
        best = best.min(start.elapsed());
        summary = match result {
            Ok(document) => format!(
                "{} resources, {} edges",
                document.resources.len(),
                document.edges.len()
            ),
            Err(error) => format!("error: {error}"),
        };
    }
    let megabytes = bytes.len() as f64 / 1_048_576.0;
    println!("{name}: {megabytes:.1} MiB, best of {RUNS}: {best:?} ({summary})");
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        // Each generated resource pair is a key and a bucket.
        let pairs = RESOURCES / 2;
        let json = template_json(pairs);
        let yaml = template_yaml(pairs);
        if let Ok(directory) = std::env::var("WARD_TIMING_WRITE") {
            let _ = std::fs::write(format!("{directory}/generated.json"), &json);
            let _ = std::fs::write(format!("{directory}/generated.yaml"), &yaml);
        }
        time("generated.json", json.as_bytes());
        time("generated.yaml", yaml.as_bytes());
        return;
    }
    for file in files {
        match std::fs::read(&file) {
            Ok(bytes) => time(&file, &bytes),
            Err(error) => eprintln!("{file}: {error}"),
        }
    }
}
