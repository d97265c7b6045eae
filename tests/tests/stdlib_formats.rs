//! One policy for every input: the same infrastructure written as a
//! CloudFormation template, a Terraform plan and AWS Config items gets the
//! same verdict from every standard library rule that serves all three
//! formats.

use std::collections::BTreeMap;

use ward_abi::Outcome;
use ward_eval::{Evaluator, Limits};
use ward_model::{LoadOptions, load};

/// One piece of infrastructure in the three formats, and the id of the
/// resource to compare in each.
struct Case {
    name: &'static str,
    cloudformation: (&'static str, &'static str),
    terraform: (&'static str, &'static str),
    config: (&'static str, &'static str),
}

const CASES: &[Case] = &[
    Case {
        name: "an unencrypted, unversioned bucket that blocks public access",
        cloudformation: (
            r#"{"Resources": {"Logs": {"Type": "AWS::S3::Bucket", "Properties": {
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true,
                    "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}}}}"#,
            "Logs",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
                 "values": {"bucket": "logs", "force_destroy": false}},
                {"address": "aws_s3_bucket_public_access_block.logs", "mode": "managed",
                 "type": "aws_s3_bucket_public_access_block", "name": "logs",
                 "values": {"block_public_acls": true, "ignore_public_acls": true,
                            "block_public_policy": true, "restrict_public_buckets": true}}]}},
              "configuration": {"root_module": {"resources": [
                {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
                 "expressions": {"bucket": {"constant_value": "logs"}}},
                {"address": "aws_s3_bucket_public_access_block.logs", "mode": "managed",
                 "type": "aws_s3_bucket_public_access_block", "name": "logs",
                 "expressions": {"bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}}}]}}}"#,
            "aws_s3_bucket.logs",
        ),
        config: (
            r#"{"resourceType": "AWS::S3::Bucket", "resourceId": "logs", "resourceName": "logs",
                "ARN": "arn:aws:s3:::logs", "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"name": "logs"},
                "supplementaryConfiguration": {
                  "PublicAccessBlockConfiguration": {"blockPublicAcls": true, "ignorePublicAcls": true,
                      "blockPublicPolicy": true, "restrictPublicBuckets": true},
                  "BucketVersioningConfiguration": {"status": "Off"},
                  "BucketLoggingConfiguration": {"destinationBucketName": null}}}"#,
            "arn:aws:s3:::logs",
        ),
    },
    Case {
        name: "an unencrypted gp2 volume",
        cloudformation: (
            r#"{"Resources": {"Data": {"Type": "AWS::EC2::Volume", "Properties": {
                "AvailabilityZone": "eu-west-1a", "Size": 100, "VolumeType": "gp2", "Encrypted": false}}}}"#,
            "Data",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_ebs_volume.data", "mode": "managed", "type": "aws_ebs_volume", "name": "data",
                 "values": {"availability_zone": "eu-west-1a", "size": 100, "type": "gp2", "encrypted": false}}]}}}"#,
            "aws_ebs_volume.data",
        ),
        config: (
            r#"{"resourceType": "AWS::EC2::Volume", "resourceId": "vol-1",
                "ARN": "arn:aws:ec2:eu-west-1:111111111111:volume/vol-1", "awsAccountId": "111111111111",
                "awsRegion": "eu-west-1",
                "configuration": {"volumeId": "vol-1", "size": 100, "volumeType": "gp2", "encrypted": false,
                                  "availabilityZone": "eu-west-1a"}}"#,
            "arn:aws:ec2:eu-west-1:111111111111:volume/vol-1",
        ),
    },
    Case {
        name: "a security group open to SSH from anywhere",
        cloudformation: (
            r#"{"Resources": {"Ssh": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                "GroupDescription": "ssh",
                "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                    "CidrIp": "0.0.0.0/0", "Description": "ssh"}]}}}}"#,
            "Ssh",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_security_group.ssh", "mode": "managed", "type": "aws_security_group", "name": "ssh",
                 "values": {"description": "ssh", "egress": [], "ingress": [
                   {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"],
                    "ipv6_cidr_blocks": [], "description": "ssh", "prefix_list_ids": [],
                    "security_groups": [], "self": false}]}}]}}}"#,
            "aws_security_group.ssh",
        ),
        config: (
            r#"{"resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-1",
                "ARN": "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-1",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"groupId": "sg-1", "description": "ssh", "ipPermissionsEgress": [],
                  "ipPermissions": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                    "ipv4Ranges": [{"cidrIp": "0.0.0.0/0", "description": "ssh"}]}]}}"#,
            "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-1",
        ),
    },
    Case {
        name: "an encrypted, private, Multi-AZ database with a week of backups",
        cloudformation: (
            r#"{"Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": {
                "Engine": "postgres", "DBInstanceClass": "db.m5.large", "StorageEncrypted": true,
                "MultiAZ": true, "PubliclyAccessible": false, "BackupRetentionPeriod": 7,
                "DBSubnetGroupName": "private", "ManageMasterUserPassword": true, "MasterUsername": "admin"}}}}"#,
            "Db",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_db_instance.db", "mode": "managed", "type": "aws_db_instance", "name": "db",
                 "values": {"engine": "postgres", "instance_class": "db.m5.large", "storage_encrypted": true,
                   "multi_az": true, "publicly_accessible": false, "backup_retention_period": 7,
                   "db_subnet_group_name": "private", "manage_master_user_password": true,
                   "username": "admin"}}]}}}"#,
            "aws_db_instance.db",
        ),
        config: (
            r#"{"resourceType": "AWS::RDS::DBInstance", "resourceId": "db-1",
                "ARN": "arn:aws:rds:eu-west-1:111111111111:db:db", "awsAccountId": "111111111111",
                "awsRegion": "eu-west-1",
                "configuration": {"dBInstanceIdentifier": "db", "engine": "postgres",
                  "dBInstanceClass": "db.m5.large", "storageEncrypted": true, "multiAZ": true,
                  "publiclyAccessible": false, "backupRetentionPeriod": 7,
                  "iAMDatabaseAuthenticationEnabled": false, "deletionProtection": false,
                  "dBSubnetGroup": {"dBSubnetGroupName": "private"}}}"#,
            "arn:aws:rds:eu-west-1:111111111111:db:db",
        ),
    },
    Case {
        name: "a single-region trail without validation, encryption or CloudWatch Logs",
        cloudformation: (
            r#"{"Resources": {"Trail": {"Type": "AWS::CloudTrail::Trail", "Properties": {
                "IsLogging": true, "S3BucketName": "logs", "IsMultiRegionTrail": false,
                "EnableLogFileValidation": false, "IncludeGlobalServiceEvents": true}}}}"#,
            "Trail",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_cloudtrail.trail", "mode": "managed", "type": "aws_cloudtrail", "name": "trail",
                 "values": {"name": "trail", "s3_bucket_name": "logs", "enable_logging": true,
                   "is_multi_region_trail": false, "enable_log_file_validation": false,
                   "include_global_service_events": true, "kms_key_id": null,
                   "cloud_watch_logs_group_arn": null, "event_selector": [],
                   "advanced_event_selector": []}}]}}}"#,
            "aws_cloudtrail.trail",
        ),
        config: (
            r#"{"resourceType": "AWS::CloudTrail::Trail", "resourceId": "trail",
                "ARN": "arn:aws:cloudtrail:eu-west-1:111111111111:trail/trail",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"name": "trail", "s3BucketName": "logs", "isMultiRegionTrail": false,
                  "logFileValidationEnabled": false, "includeGlobalServiceEvents": true}}"#,
            "arn:aws:cloudtrail:eu-west-1:111111111111:trail/trail",
        ),
    },
    Case {
        name: "a Lambda function on an old runtime, without tracing",
        cloudformation: (
            r#"{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
                "Runtime": "python3.8", "Handler": "index.handler", "Role": "arn:aws:iam::111111111111:role/fn",
                "Code": {"ZipFile": "x"}, "TracingConfig": {"Mode": "PassThrough"}}}}}"#,
            "Fn",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_lambda_function.fn", "mode": "managed", "type": "aws_lambda_function", "name": "fn",
                 "values": {"function_name": "fn", "runtime": "python3.8", "handler": "index.handler",
                   "role": "arn:aws:iam::111111111111:role/fn", "tracing_config": [{"mode": "PassThrough"}],
                   "dead_letter_config": [], "vpc_config": [], "environment": [],
                   "reserved_concurrent_executions": -1, "kms_key_arn": null}}]}}}"#,
            "aws_lambda_function.fn",
        ),
        config: (
            r#"{"resourceType": "AWS::Lambda::Function", "resourceId": "fn",
                "ARN": "arn:aws:lambda:eu-west-1:111111111111:function:fn",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"functionName": "fn", "runtime": "python3.8", "handler": "index.handler",
                  "role": "arn:aws:iam::111111111111:role/fn", "tracingConfig": {"mode": "PassThrough"}}}"#,
            "arn:aws:lambda:eu-west-1:111111111111:function:fn",
        ),
    },
    Case {
        name: "a DynamoDB table without point-in-time recovery, on the key AWS owns",
        cloudformation: (
            r#"{"Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
                "BillingMode": "PAY_PER_REQUEST", "DeletionProtectionEnabled": false,
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}}}}"#,
            "Table",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_dynamodb_table.table", "mode": "managed", "type": "aws_dynamodb_table",
                 "name": "table", "values": {"name": "table", "billing_mode": "PAY_PER_REQUEST",
                   "hash_key": "id", "attribute": [{"name": "id", "type": "S"}],
                   "deletion_protection_enabled": false,
                   "point_in_time_recovery": [{"enabled": false}],
                   "server_side_encryption": []}}]}}}"#,
            "aws_dynamodb_table.table",
        ),
        config: (
            r#"{"resourceType": "AWS::DynamoDB::Table", "resourceId": "table",
                "ARN": "arn:aws:dynamodb:eu-west-1:111111111111:table/table",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"tableName": "table", "tableStatus": "ACTIVE",
                  "deletionProtectionEnabled": false,
                  "billingModeSummary": {"billingMode": "PAY_PER_REQUEST"}},
                "supplementaryConfiguration": {"ContinuousBackupsDescription": {
                  "continuousBackupsStatus": "ENABLED",
                  "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": "DISABLED"}}}}"#,
            "arn:aws:dynamodb:eu-west-1:111111111111:table/table",
        ),
    },
    Case {
        name: "an ECR repository with mutable tags and no scanning",
        cloudformation: (
            r#"{"Resources": {"Repo": {"Type": "AWS::ECR::Repository", "Properties": {
                "RepositoryName": "repo", "ImageTagMutability": "MUTABLE",
                "ImageScanningConfiguration": {"ScanOnPush": false}}}}}"#,
            "Repo",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_ecr_repository.repo", "mode": "managed", "type": "aws_ecr_repository",
                 "name": "repo", "values": {"name": "repo", "image_tag_mutability": "MUTABLE",
                   "image_scanning_configuration": [{"scan_on_push": false}],
                   "encryption_configuration": []}}]}}}"#,
            "aws_ecr_repository.repo",
        ),
        config: (
            r#"{"resourceType": "AWS::ECR::Repository", "resourceId": "repo",
                "ARN": "arn:aws:ecr:eu-west-1:111111111111:repository/repo",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"RepositoryName": "repo", "ImageTagMutability": "MUTABLE",
                  "ImageScanningConfiguration": {"ScanOnPush": false},
                  "EncryptionConfiguration": {"EncryptionType": "AES256"}}}"#,
            "arn:aws:ecr:eu-west-1:111111111111:repository/repo",
        ),
    },
    Case {
        name: "an EC2 instance with IMDSv1 and a public address",
        cloudformation: (
            r#"{"Resources": {"Vm": {"Type": "AWS::EC2::Instance", "Properties": {
                "ImageId": "ami-12345678", "InstanceType": "t3.micro", "Monitoring": false,
                "EbsOptimized": true,
                "NetworkInterfaces": [{"DeviceIndex": "0", "AssociatePublicIpAddress": true,
                  "SubnetId": "subnet-1"}]}}}}"#,
            "Vm",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_instance.vm", "mode": "managed", "type": "aws_instance", "name": "vm",
                 "values": {"ami": "ami-12345678", "instance_type": "t3.micro", "monitoring": false,
                   "ebs_optimized": true, "associate_public_ip_address": true,
                   "metadata_options": [{"http_tokens": "optional", "http_endpoint": "enabled"}]}}]}}}"#,
            "aws_instance.vm",
        ),
        config: (
            r#"{"resourceType": "AWS::EC2::Instance", "resourceId": "i-1",
                "ARN": "arn:aws:ec2:eu-west-1:111111111111:instance/i-1",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"instanceId": "i-1", "imageId": "ami-12345678",
                  "instanceType": "t3.micro", "monitoring": {"state": "disabled"},
                  "ebsOptimized": true, "publicIpAddress": "203.0.113.10",
                  "metadataOptions": {"httpTokens": "optional", "httpEndpoint": "enabled"}}}"#,
            "arn:aws:ec2:eu-west-1:111111111111:instance/i-1",
        ),
    },
    Case {
        name: "an SNS topic without a key",
        cloudformation: (
            r#"{"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "topic"}}}}"#,
            "Topic",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_sns_topic.topic", "mode": "managed", "type": "aws_sns_topic", "name": "topic",
                 "values": {"name": "topic", "kms_master_key_id": null}}]}}}"#,
            "aws_sns_topic.topic",
        ),
        config: (
            r#"{"resourceType": "AWS::SNS::Topic", "resourceId": "topic",
                "ARN": "arn:aws:sns:eu-west-1:111111111111:topic",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"TopicArn": "arn:aws:sns:eu-west-1:111111111111:topic"}}"#,
            "arn:aws:sns:eu-west-1:111111111111:topic",
        ),
    },
    Case {
        name: "a role another account may assume without an external id",
        cloudformation: (
            r#"{"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                  "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sts:AssumeRole"}]}}}}}"#,
            "Role",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_iam_role.role", "mode": "managed", "type": "aws_iam_role", "name": "role",
                 "values": {"name": "role", "inline_policy": [], "managed_policy_arns": [],
                   "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::222222222222:root\"},\"Action\":\"sts:AssumeRole\"}]}"}}]}}}"#,
            "aws_iam_role.role",
        ),
        config: (
            r#"{"resourceType": "AWS::IAM::Role", "resourceId": "AROA1", "resourceName": "role",
                "ARN": "arn:aws:iam::111111111111:role/role", "awsAccountId": "111111111111",
                "awsRegion": "global",
                "configuration": {"roleName": "role", "rolePolicyList": [], "attachedManagedPolicies": [],
                  "assumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A222222222222%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"}}"#,
            "arn:aws:iam::111111111111:role/role",
        ),
    },
    Case {
        name: "a log group kept 30 days, without a key",
        cloudformation: (
            r#"{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {
                "LogGroupName": "app", "RetentionInDays": 30}}}}"#,
            "Logs",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_cloudwatch_log_group.logs", "mode": "managed",
                 "type": "aws_cloudwatch_log_group", "name": "logs",
                 "values": {"name": "app", "retention_in_days": 30, "kms_key_id": null}}]}}}"#,
            "aws_cloudwatch_log_group.logs",
        ),
        config: (
            r#"{"resourceType": "AWS::Logs::LogGroup", "resourceId": "app",
                "ARN": "arn:aws:logs:eu-west-1:111111111111:log-group:app",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"logGroupName": "app", "retentionInDays": 30}}"#,
            "arn:aws:logs:eu-west-1:111111111111:log-group:app",
        ),
    },
    Case {
        name: "an unencrypted SQS queue",
        cloudformation: (
            r#"{"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {
                "QueueName": "queue", "SqsManagedSseEnabled": false}}}}"#,
            "Queue",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_sqs_queue.queue", "mode": "managed", "type": "aws_sqs_queue", "name": "queue",
                 "values": {"name": "queue", "sqs_managed_sse_enabled": false, "kms_master_key_id": null,
                   "policy": ""}}]}}}"#,
            "aws_sqs_queue.queue",
        ),
        config: (
            r#"{"resourceType": "AWS::SQS::Queue", "resourceId": "queue",
                "ARN": "arn:aws:sqs:eu-west-1:111111111111:queue",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"QueueName": "queue", "SqsManagedSseEnabled": false}}"#,
            "arn:aws:sqs:eu-west-1:111111111111:queue",
        ),
    },
    Case {
        name: "an EKS cluster with a public endpoint and no secrets encryption",
        cloudformation: (
            r#"{"Resources": {"Cluster": {"Type": "AWS::EKS::Cluster", "Properties": {
                "RoleArn": "arn:aws:iam::111111111111:role/eks",
                "ResourcesVpcConfig": {"SubnetIds": ["subnet-1"], "EndpointPublicAccess": true}}}}}"#,
            "Cluster",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_eks_cluster.cluster", "mode": "managed", "type": "aws_eks_cluster",
                 "name": "cluster", "values": {"name": "cluster",
                   "role_arn": "arn:aws:iam::111111111111:role/eks", "encryption_config": [],
                   "enabled_cluster_log_types": [],
                   "vpc_config": [{"subnet_ids": ["subnet-1"], "endpoint_public_access": true,
                     "endpoint_private_access": false, "public_access_cidrs": ["0.0.0.0/0"]}]}}]}}}"#,
            "aws_eks_cluster.cluster",
        ),
        config: (
            r#"{"resourceType": "AWS::EKS::Cluster", "resourceId": "cluster",
                "ARN": "arn:aws:eks:eu-west-1:111111111111:cluster/cluster",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"Name": "cluster", "RoleArn": "arn:aws:iam::111111111111:role/eks",
                  "ResourcesVpcConfig": {"SubnetIds": ["subnet-1"], "EndpointPublicAccess": true,
                    "EndpointPrivateAccess": false},
                  "Logging": {"ClusterLogging": {"EnabledTypes": []}}}}"#,
            "arn:aws:eks:eu-west-1:111111111111:cluster/cluster",
        ),
    },
    Case {
        name: "an unencrypted, public Redshift cluster",
        cloudformation: (
            r#"{"Resources": {"Warehouse": {"Type": "AWS::Redshift::Cluster", "Properties": {
                "ClusterType": "single-node", "NodeType": "ra3.xlplus", "DBName": "dev",
                "MasterUsername": "admin", "ManageMasterPassword": true,
                "Encrypted": false, "PubliclyAccessible": true}}}}"#,
            "Warehouse",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_redshift_cluster.warehouse", "mode": "managed",
                 "type": "aws_redshift_cluster", "name": "warehouse",
                 "values": {"cluster_identifier": "warehouse", "cluster_type": "single-node",
                   "node_type": "ra3.xlplus", "database_name": "dev", "master_username": "admin",
                   "manage_master_password": true, "encrypted": false, "publicly_accessible": true}}]}}}"#,
            "aws_redshift_cluster.warehouse",
        ),
        config: (
            r#"{"resourceType": "AWS::Redshift::Cluster", "resourceId": "warehouse",
                "ARN": "arn:aws:redshift:eu-west-1:111111111111:cluster:warehouse",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"clusterIdentifier": "warehouse", "nodeType": "ra3.xlplus",
                  "dBName": "dev", "masterUsername": "admin", "encrypted": false,
                  "publiclyAccessible": true, "enhancedVpcRouting": false}}"#,
            "arn:aws:redshift:eu-west-1:111111111111:cluster:warehouse",
        ),
    },
    Case {
        name: "an unencrypted EFS file system",
        cloudformation: (
            r#"{"Resources": {"Files": {"Type": "AWS::EFS::FileSystem", "Properties": {
                "Encrypted": false}}}}"#,
            "Files",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_efs_file_system.files", "mode": "managed", "type": "aws_efs_file_system",
                 "name": "files", "values": {"encrypted": false, "kms_key_id": null}}]}}}"#,
            "aws_efs_file_system.files",
        ),
        config: (
            r#"{"resourceType": "AWS::EFS::FileSystem", "resourceId": "fs-1",
                "ARN": "arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/fs-1",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"FileSystemId": "fs-1", "Encrypted": false}}"#,
            "arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/fs-1",
        ),
    },
    Case {
        name: "an unencrypted Kinesis stream",
        cloudformation: (
            r#"{"Resources": {"Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {
                "Name": "stream", "ShardCount": 1}}}}"#,
            "Stream",
        ),
        terraform: (
            r#"{"format_version": "1.2", "terraform_version": "1.6.0",
              "planned_values": {"root_module": {"resources": [
                {"address": "aws_kinesis_stream.stream", "mode": "managed", "type": "aws_kinesis_stream",
                 "name": "stream", "values": {"name": "stream", "shard_count": 1,
                   "encryption_type": "NONE", "kms_key_id": null}}]}}}"#,
            "aws_kinesis_stream.stream",
        ),
        config: (
            r#"{"resourceType": "AWS::Kinesis::Stream", "resourceId": "stream",
                "ARN": "arn:aws:kinesis:eu-west-1:111111111111:stream/stream",
                "awsAccountId": "111111111111", "awsRegion": "eu-west-1",
                "configuration": {"Name": "stream", "ShardCount": 1}}"#,
            "arn:aws:kinesis:eu-west-1:111111111111:stream/stream",
        ),
    },
];

/// The outcome of every rule on the resource `id` of an input.
fn outcomes(
    evaluator: &Evaluator<'_>,
    name: &str,
    text: &str,
    id: &str,
) -> BTreeMap<String, Outcome> {
    let document = load(name, text.as_bytes(), &LoadOptions::default())
        .unwrap_or_else(|error| panic!("{name}: {error:?}"));
    let index = document
        .resources
        .iter()
        .position(|resource| resource.id == id)
        .unwrap_or_else(|| panic!("{name} has no resource `{id}`"));
    let report = evaluator.evaluate(&document, &Limits::default());
    assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
    report
        .outcomes
        .iter()
        .filter(|outcome| outcome.resource == Some(index))
        .map(|outcome| (outcome.rule.to_string(), outcome.outcome))
        .collect()
}

#[test]
fn the_same_infrastructure_gets_the_same_verdicts_in_every_format() {
    let program = ward_tests::stdlib_program();
    let evaluator = Evaluator::new(&program);
    let all_formats: Vec<String> = program
        .rules
        .iter()
        .filter(|rule| {
            ["cloudformation", "terraform", "config"]
                .iter()
                .all(|format| rule.info.formats.iter().any(|served| served == format))
        })
        .map(|rule| rule.info.id.clone())
        .collect();
    let mut compared = 0;
    let mut problems = Vec::new();
    for case in CASES {
        let cfn = outcomes(
            &evaluator,
            "template.json",
            case.cloudformation.0,
            case.cloudformation.1,
        );
        let tf = outcomes(&evaluator, "plan.json", case.terraform.0, case.terraform.1);
        let config = outcomes(&evaluator, "items.json", case.config.0, case.config.1);
        for rule in &all_formats {
            // A rule that does not select the resource in one format (a
            // bucket's policy is a resource of its own in a plan) and one
            // whose guard skips it say the same: it does not apply.
            let verdict = |outcomes: &BTreeMap<String, Outcome>| {
                outcomes.get(rule).copied().unwrap_or(Outcome::Skip)
            };
            let verdicts = [verdict(&cfn), verdict(&tf), verdict(&config)];
            if verdicts.iter().all(|outcome| *outcome == Outcome::Skip) {
                continue;
            }
            compared += 1;
            if !(verdicts[0] == verdicts[1] && verdicts[1] == verdicts[2]) {
                problems.push(format!(
                    "{}: {rule}: cloudformation {:?}, terraform {:?}, config {:?}",
                    case.name, verdicts[0], verdicts[1], verdicts[2]
                ));
            }
        }
    }
    eprintln!("{compared} verdicts compared in three formats");
    assert!(compared >= 10, "only {compared} verdicts compared");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
