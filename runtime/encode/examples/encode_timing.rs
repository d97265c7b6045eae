//! Times the input encoding on a generated CloudFormation template.
//!
//! ```text
//! cargo run --release -p ward-encode --example encode_timing -- [RESOURCES]
//! ```

use std::time::{Duration, Instant};

use ward_abi::KeyTable;
use ward_encode::{EncodeOptions, encode_input_with};
use ward_model::{LoadOptions, load};

fn template(resources: usize) -> String {
    let mut out = String::from("{\"Resources\": {\n");
    for index in 0..resources {
        if index > 0 {
            out.push_str(",\n");
        }
        let body = match index % 4 {
            0 => format!(
                r#""Type": "AWS::EC2::SecurityGroup", "Properties": {{"GroupDescription": "group {index}", "VpcId": {{"Ref": "Vpc{next}"}}, "SecurityGroupIngress": [{{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}}, {{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.1.0.0/16"}}], "Tags": [{{"Key": "team", "Value": "core"}}]}}"#,
                next = index + 3
            ),
            1 => format!(
                r#""Type": "AWS::S3::Bucket", "Properties": {{"BucketName": "bucket-{index}", "BucketEncryption": {{"ServerSideEncryptionConfiguration": [{{"ServerSideEncryptionByDefault": {{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {{"Fn::GetAtt": ["Key{next}", "Arn"]}}}}}}]}}, "VersioningConfiguration": {{"Status": "Enabled"}}}}"#,
                next = index + 1
            ),
            2 => r#""Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": true, "KeyPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]}}"#.to_string(),
            _ => r#""Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16", "EnableDnsSupport": true}"#.to_string(),
        };
        let name = match index % 4 {
            0 => "Sg",
            1 => "Bucket",
            2 => "Key",
            _ => "Vpc",
        };
        out.push_str(&format!("\"{name}{index}\": {{{body}}}"));
    }
    out.push_str("}}\n");
    out
}

fn main() {
    let resources = std::env::args()
        .nth(1)
        .and_then(|text| text.parse().ok())
        .unwrap_or(10_000);
    let text = template(resources);
    let document = match load("template.json", text.as_bytes(), &LoadOptions::default()) {
        Ok(document) => document,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(2);
        }
    };
    let keys = KeyTable::new([
        "AWS::EC2::SecurityGroup",
        "SecurityGroupIngress",
        "CidrIp",
        "FromPort",
        "ToPort",
        "BucketEncryption",
    ]);
    let options = EncodeOptions {
        include_root: false,
    };
    let mut times = Vec::new();
    let mut size = (0, 0);
    for _ in 0..20 {
        let started = Instant::now();
        let encoded = match encode_input_with(&document, &keys, &options) {
            Ok(encoded) => encoded,
            Err(error) => {
                eprintln!("error: {error}");
                std::process::exit(2);
            }
        };
        times.push(started.elapsed());
        size = (encoded.bytes.len(), encoded.nodes.len());
    }
    times.sort();
    let total: Duration = times.iter().sum();
    println!(
        "{resources} resources, {} bytes, {} nodes: min {:?}, median {:?}, mean {:?}",
        size.0,
        size.1,
        times[0],
        times[times.len() / 2],
        total / times.len() as u32
    );
}
