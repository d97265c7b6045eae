"""The six example rules of Ward as Checkov custom checks for CloudFormation.

Loaded with `checkov --external-checks-dir bench/peers/checkov`. Each check
follows the Ward policy in `examples/policies` as closely as a check that
sees one resource at a time can. The secrets rule needs the relationship
between a secret and its rotation schedules: whether a schedule exists is the
graph check in `secrets_rotated.yaml`; the schedules rotating less often than
every 90 days are failed by `SecretScheduleAtMost90Days` on the schedule,
which the benchmark maps back to the secret its `SecretId` refers to.
"""

import re

from checkov.cloudformation.checks.resource.base_resource_check import BaseResourceCheck
from checkov.common.models.enums import CheckCategories, CheckResult

NUMERIC = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def as_list(value):
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def get(value, key):
    return value.get(key) if isinstance(value, dict) else None


def is_true(value):
    return value is True or (isinstance(value, str) and value.lower() == "true")


def number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and NUMERIC.match(value):
        return float(value)
    return None


def props(conf):
    return get(conf, "Properties") or {}


class S3DefaultEncryption(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="S3 buckets encrypt objects at rest by default",
            id="CKV_WARD_S3_001",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["AWS::S3::Bucket"],
        )

    def scan_resource_conf(self, conf):
        rules = as_list(get(get(props(conf), "BucketEncryption"), "ServerSideEncryptionConfiguration"))
        if not rules:
            return CheckResult.FAILED
        for rule in rules:
            algorithm = get(get(rule, "ServerSideEncryptionByDefault"), "SSEAlgorithm")
            if algorithm not in ("AES256", "aws:kms", "aws:kms:dsse"):
                return CheckResult.FAILED
        return CheckResult.PASSED


class NoPublicSsh(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Security groups do not open SSH to the internet",
            id="CKV_WARD_NET_001",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["AWS::EC2::SecurityGroup"],
        )

    def scan_resource_conf(self, conf):
        for ingress in as_list(get(props(conf), "SecurityGroupIngress")):
            if get(ingress, "CidrIp") not in ("0.0.0.0/0", "::/0") and get(ingress, "CidrIpv6") not in (
                "0.0.0.0/0",
                "::/0",
            ):
                continue
            protocol = get(ingress, "IpProtocol")
            if protocol == "-1" or (not isinstance(protocol, bool) and protocol == -1):
                return CheckResult.FAILED
            low = number(get(ingress, "FromPort"))
            high = number(get(ingress, "ToPort"))
            if low == -1 or (low is not None and high is not None and low <= 22 <= high):
                return CheckResult.FAILED
        return CheckResult.PASSED


class RdsEncryptedAndPrivate(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="RDS instances encrypt their storage and stay off the internet",
            id="CKV_WARD_RDS_001",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["AWS::RDS::DBInstance"],
        )

    def scan_resource_conf(self, conf):
        properties = props(conf)
        if get(properties, "DBClusterIdentifier") is not None:
            return CheckResult.UNKNOWN
        if not is_true(get(properties, "StorageEncrypted")) or is_true(get(properties, "PubliclyAccessible")):
            return CheckResult.FAILED
        return CheckResult.PASSED


class KmsRotation(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Customer managed KMS keys rotate their key material",
            id="CKV_WARD_KMS_001",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["AWS::KMS::Key"],
        )

    def scan_resource_conf(self, conf):
        spec = get(props(conf), "KeySpec")
        if spec is not None and spec != "SYMMETRIC_DEFAULT":
            return CheckResult.UNKNOWN
        if is_true(get(props(conf), "EnableKeyRotation")):
            return CheckResult.PASSED
        return CheckResult.FAILED


class SecretScheduleAtMost90Days(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Rotation schedules rotate at most 90 days apart",
            id="CKV_WARD_SEC_010_DAYS",
            categories=[CheckCategories.SECRETS],
            supported_resources=["AWS::SecretsManager::RotationSchedule"],
        )

    def scan_resource_conf(self, conf):
        days = number(get(get(props(conf), "RotationRules"), "AutomaticallyAfterDays"))
        if days is not None and days > 90:
            return CheckResult.FAILED
        return CheckResult.PASSED


class NoAdminStatements(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="No IAM policy allows every action on every resource",
            id="CKV_WARD_IAM_001",
            categories=[CheckCategories.IAM],
            supported_resources=["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"],
        )

    def scan_resource_conf(self, conf):
        for statement in as_list(get(get(props(conf), "PolicyDocument"), "Statement")):
            if (
                get(statement, "Effect") == "Allow"
                and "*" in as_list(get(statement, "Action"))
                and "*" in as_list(get(statement, "Resource"))
            ):
                return CheckResult.FAILED
        return CheckResult.PASSED


s3_default_encryption = S3DefaultEncryption()
no_public_ssh = NoPublicSsh()
rds_encrypted_and_private = RdsEncryptedAndPrivate()
kms_rotation = KmsRotation()
secret_schedule_days = SecretScheduleAtMost90Days()
no_admin_statements = NoAdminStatements()
