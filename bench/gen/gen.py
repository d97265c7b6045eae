#!/usr/bin/env python3
"""Seeded generator of CloudFormation templates for the end-to-end benchmark.

Writes a template of a given number of resources, as JSON and as YAML (with
the short-form tags `!Ref`, `!GetAtt` and `!Sub`), and beside it the ground
truth: every (rule id, resource id) pair that the example policies in
`examples/policies` must fail, and how many findings they must report.

The templates mix compliant and non-compliant resources the way people write
them: S3 buckets, security groups with inline ingress (single ports, ranges
that cover 22, `IpProtocol: -1`, private and public CIDRs, IPv6), RDS
instances (encrypted or not, public or not, Aurora members that name their
cluster), KMS keys (rotated or not, asymmetric), secrets with and without a
rotation schedule that refers to them, IAM policies (one statement or a list,
actions as a string or a list), EC2 instances that use security groups, and
resources no rule looks at.

Every resource is built from a variant that states whether it should fail.
The ground truth is then computed a second time by `expected_findings`, an
oracle that follows the semantics of the example policies on the generated
data, and the generator refuses to write anything when the two disagree. The
oracle also refuses values that the policies could not decide (a reference
where a rule reads a literal), so a template never yields an unknown outcome.

Only the Python standard library is used, and only `random.Random.random`,
whose sequence for a given seed is stable across Python versions, so the same
seed gives the same bytes everywhere.

Usage: gen.py --size N [--seed S] [--out DIR]
writes DIR/cfn-N.json, DIR/cfn-N.yaml and DIR/cfn-N.truth.
"""

import argparse
import json
import os
import re
import sys
from random import Random

DEFAULT_SEED = 20240611

# Rule ids of the example policies.
S3 = "S3-001"
NET = "NET-001"
RDS = "RDS-001"
KMS = "KMS-001"
SEC = "SEC-010"
IAM = "IAM-001"


# ---------------------------------------------------------------------------
# Intrinsic functions, kept symbolic until a template is written out.


class Ref:
    def __init__(self, target):
        self.target = target


class GetAtt:
    def __init__(self, target, attribute):
        self.target = target
        self.attribute = attribute


class Sub:
    def __init__(self, text):
        self.text = text


INTRINSICS = (Ref, GetAtt, Sub)


def to_json_value(value):
    """The template value with intrinsics in their long JSON form."""
    if isinstance(value, Ref):
        return {"Ref": value.target}
    if isinstance(value, GetAtt):
        return {"Fn::GetAtt": [value.target, value.attribute]}
    if isinstance(value, Sub):
        return {"Fn::Sub": value.text}
    if isinstance(value, dict):
        return {key: to_json_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json_value(item) for item in value]
    return value


# ---------------------------------------------------------------------------
# YAML output, block style, short-form tags.

PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-/]*(:[A-Za-z0-9_.\-/]+)*$")
YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def yaml_scalar(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        if PLAIN.match(value) and value.lower() not in YAML_WORDS:
            return value
        return json.dumps(value)
    raise TypeError(f"not a scalar: {value!r}")


def yaml_tag(value):
    """The short form of an intrinsic, or None."""
    if isinstance(value, Ref):
        return f"!Ref {value.target}"
    if isinstance(value, GetAtt):
        return f"!GetAtt {value.target}.{value.attribute}"
    if isinstance(value, Sub):
        return f"!Sub {json.dumps(value.text)}"
    return None


def write_yaml(value, indent, out):
    """Writes the body of a mapping or sequence at `indent` spaces."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            inline = yaml_inline(item)
            if inline is not None:
                out.append(f"{pad}{key}: {inline}\n")
            else:
                out.append(f"{pad}{key}:\n")
                write_yaml(item, indent + 2, out)
    elif isinstance(value, list):
        for item in value:
            inline = yaml_inline(item)
            if inline is not None:
                out.append(f"{pad}- {inline}\n")
            elif isinstance(item, dict):
                # The first key shares the line of the dash.
                lines = []
                write_yaml(item, indent + 2, lines)
                first = lines[0]
                lines[0] = f"{pad}- {first[indent + 2:]}"
                out.extend(lines)
            else:
                out.append(f"{pad}-\n")
                write_yaml(item, indent + 2, out)
    else:
        raise TypeError(f"not a collection: {value!r}")


def yaml_inline(value):
    tag = yaml_tag(value)
    if tag is not None:
        return tag
    if isinstance(value, dict):
        return "{}" if not value else None
    if isinstance(value, list):
        return "[]" if not value else None
    return yaml_scalar(value)


def to_yaml(template):
    out = []
    write_yaml(template, 0, out)
    return "".join(out)


# ---------------------------------------------------------------------------
# The oracle: the example policies' semantics on generated data.


class Undecidable(Exception):
    """A rule would read a value the template does not determine."""


def literal(value):
    if isinstance(value, INTRINSICS):
        raise Undecidable(f"a rule reads an intrinsic function: {to_json_value(value)}")
    return value


def field(value, name):
    value = literal(value)
    if isinstance(value, dict):
        return literal(value.get(name))
    return None


def iteration(value):
    value = literal(value)
    if value is None:
        return []
    if isinstance(value, list):
        return [literal(item) for item in value]
    return [value]


NUMERIC_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def number(value):
    value = literal(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and NUMERIC_TEXT.match(value):
        return float(value)
    return None


def is_true(value):
    value = literal(value)
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_public_cidr(cidr):
    return literal(cidr) in ("0.0.0.0/0", "::/0")


def port_in_range(port, low, high):
    low = number(low)
    if low is None:
        return False
    if low == -1:
        return True
    high = number(high)
    if high is None:
        return False
    return low <= port <= high


def covers_port(permission, port):
    protocol = field(permission, "IpProtocol")
    if protocol == "-1" or (not isinstance(protocol, bool) and protocol == -1):
        return True
    return port_in_range(port, field(permission, "FromPort"), field(permission, "ToPort"))


def referenced(value, out):
    """Adds the logical ids that `value` refers to (Ref, GetAtt, Sub) to `out`."""
    if isinstance(value, (Ref, GetAtt)):
        out.add(value.target)
    elif isinstance(value, Sub):
        for name in re.findall(r"\$\{([^}!]*)\}", value.text):
            if not name.startswith("AWS::"):
                out.add(name.split(".")[0])
    elif isinstance(value, dict):
        for item in value.values():
            referenced(item, out)
    elif isinstance(value, list):
        for item in value:
            referenced(item, out)


SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")


def expected_findings(resources):
    """Counts of findings per (rule id, resource id), in resource order."""
    findings = {}

    def fail(rule, resource_id):
        findings[(rule, resource_id)] = findings.get((rule, resource_id), 0) + 1

    # Rotation schedules by the resources they refer to, as `referrers`
    # sees them.
    schedules = {}
    for resource in resources.values():
        if resource["Type"] == "AWS::SecretsManager::RotationSchedule":
            targets = set()
            referenced(resource, targets)
            for target in targets:
                schedules.setdefault(target, []).append(resource)
    for resource_id, resource in resources.items():
        kind = resource["Type"]
        props = resource.get("Properties", {})
        if kind == "AWS::S3::Bucket":
            rules = iteration(field(field(props, "BucketEncryption"), "ServerSideEncryptionConfiguration"))
            if not rules:
                fail(S3, resource_id)
            for rule in rules:
                algorithm = field(field(rule, "ServerSideEncryptionByDefault"), "SSEAlgorithm")
                if algorithm not in SSE_ALGORITHMS:
                    fail(S3, resource_id)
        elif kind == "AWS::EC2::SecurityGroup":
            for ingress in iteration(field(props, "SecurityGroupIngress")):
                public = is_public_cidr(field(ingress, "CidrIp")) or is_public_cidr(field(ingress, "CidrIpv6"))
                if public and covers_port(ingress, 22):
                    fail(NET, resource_id)
        elif kind == "AWS::RDS::DBInstance":
            if field(props, "DBClusterIdentifier") is not None:
                continue
            if not is_true(field(props, "StorageEncrypted")):
                fail(RDS, resource_id)
            if is_true(field(props, "PubliclyAccessible")):
                fail(RDS, resource_id)
        elif kind == "AWS::KMS::Key":
            spec = field(props, "KeySpec")
            if spec is None or spec == "SYMMETRIC_DEFAULT":
                if not is_true(field(props, "EnableKeyRotation")):
                    fail(KMS, resource_id)
        elif kind == "AWS::SecretsManager::Secret":
            mine = schedules.get(resource_id, [])
            if not mine:
                fail(SEC, resource_id)
            for schedule in mine:
                days = number(field(field(schedule.get("Properties", {}), "RotationRules"), "AutomaticallyAfterDays"))
                if days is not None and not days <= 90:
                    fail(SEC, resource_id)
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for statement in iteration(field(field(props, "PolicyDocument"), "Statement")):
                if (
                    field(statement, "Effect") == "Allow"
                    and "*" in iteration(field(statement, "Action"))
                    and "*" in iteration(field(statement, "Resource"))
                ):
                    fail(IAM, resource_id)
    return findings


# ---------------------------------------------------------------------------
# Resource variants. Each builder returns (resources, expected) where
# `expected` maps resource ids to the number of findings the variant means
# to produce under one rule.


class Builder:
    def __init__(self, rng):
        self.rng = rng
        self.resources = {}
        self.expected = {}
        self.counters = {}
        self.security_groups = []
        self.keys = []
        self.roles = []

    def pick(self, items):
        return items[int(self.rng.random() * len(items))]

    def chance(self, probability):
        return self.rng.random() < probability

    def name(self, prefix):
        index = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = index
        return f"{prefix}{index:05d}"

    def add(self, resource_id, kind, properties, rule=None, failures=0, **attributes):
        resource = {"Type": kind}
        resource.update(attributes)
        if properties is not None:
            resource["Properties"] = properties
        self.resources[resource_id] = resource
        if rule is not None and failures:
            self.expected[(rule, resource_id)] = failures

    def tags(self, service):
        return [
            {"Key": "team", "Value": self.pick(["payments", "search", "platform", "data"])},
            {"Key": "service", "Value": service},
        ]

    # -- S3 -----------------------------------------------------------------

    def bucket(self):
        bucket_id = self.name("Bucket")
        props = {"BucketName": Sub("${AWS::StackName}-" + bucket_id.lower())}
        variant = self.pick(["aes", "aes", "kms", "kms", "dsse", "none", "none", "empty", "typo", "two"])
        failures = 0
        if variant == "aes":
            props["BucketEncryption"] = {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            }
        elif variant == "kms":
            encryption = {"SSEAlgorithm": "aws:kms"}
            if self.keys:
                encryption["KMSMasterKeyID"] = GetAtt(self.pick(self.keys), "Arn")
            props["BucketEncryption"] = {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": encryption, "BucketKeyEnabled": True}
                ]
            }
        elif variant == "dsse":
            props["BucketEncryption"] = {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms:dsse"}}
                ]
            }
        elif variant == "none":
            failures = 1
        elif variant == "empty":
            props["BucketEncryption"] = {"ServerSideEncryptionConfiguration": []}
            failures = 1
        elif variant == "typo":
            props["BucketEncryption"] = {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES-256"}}
                ]
            }
            failures = 1
        elif variant == "two":
            props["BucketEncryption"] = {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}},
                    {"BucketKeyEnabled": True},
                ]
            }
            failures = 1
        if self.chance(0.5):
            props["VersioningConfiguration"] = {"Status": "Enabled"}
        props["Tags"] = self.tags("storage")
        self.add(bucket_id, "AWS::S3::Bucket", props, S3, failures, DeletionPolicy="Retain")

    # -- security groups and instances -------------------------------------

    def ingress(self, bad):
        """One ingress rule and whether it opens SSH to the internet."""
        if bad:
            variant = self.pick(["ssh4", "ssh6", "range", "all", "all_number", "range_text", "everything"])
        else:
            variant = self.pick(
                ["https", "https6", "ssh_private", "ssh_office", "range_private", "all_private",
                 "high_range", "icmp", "source_group", "http_text"]
            )
        if variant == "ssh4":
            rule = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}
        elif variant == "ssh6":
            rule = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv6": "::/0"}
        elif variant == "range":
            rule = {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 1024, "CidrIp": "0.0.0.0/0"}
        elif variant == "all":
            rule = {"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}
        elif variant == "all_number":
            rule = {"IpProtocol": -1, "CidrIpv6": "::/0"}
        elif variant == "range_text":
            rule = {"IpProtocol": "tcp", "FromPort": "20", "ToPort": "25", "CidrIp": "0.0.0.0/0"}
        elif variant == "everything":
            rule = {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "CidrIpv6": "::/0"}
        elif variant == "https":
            rule = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
        elif variant == "https6":
            rule = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv6": "::/0"}
        elif variant == "ssh_private":
            rule = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"}
        elif variant == "ssh_office":
            rule = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "203.0.113.0/24"}
        elif variant == "range_private":
            rule = {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "CidrIp": "172.16.0.0/12"}
        elif variant == "all_private":
            rule = {"IpProtocol": "-1", "CidrIpv6": "fd00::/8"}
        elif variant == "high_range":
            rule = {"IpProtocol": "tcp", "FromPort": 1024, "ToPort": 65535, "CidrIp": "0.0.0.0/0"}
        elif variant == "icmp":
            rule = {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "CidrIp": "0.0.0.0/0"}
        elif variant == "source_group" and self.security_groups:
            rule = {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "SourceSecurityGroupId": GetAtt(self.pick(self.security_groups), "GroupId"),
            }
        else:
            rule = {"IpProtocol": "tcp", "FromPort": "80", "ToPort": "80", "CidrIp": "0.0.0.0/0"}
        if self.chance(0.3):
            rule["Description"] = "managed by the platform team"
        return rule

    def security_group(self):
        group_id = self.name("SecurityGroup")
        count = 1 + int(self.rng.random() * 4)
        bad = [self.chance(0.15) for _ in range(count)]
        props = {
            "GroupDescription": f"traffic of {group_id}",
            "VpcId": "vpc-0a1b2c3d4e5f67890",
            "SecurityGroupIngress": [self.ingress(b) for b in bad],
            "Tags": self.tags("network"),
        }
        if self.chance(0.3):
            props["SecurityGroupEgress"] = [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]
        self.add(group_id, "AWS::EC2::SecurityGroup", props, NET, sum(bad))
        self.security_groups.append(group_id)

    def instance(self):
        instance_id = self.name("Instance")
        groups = [self.pick(self.security_groups)]
        if self.chance(0.4):
            other = self.pick(self.security_groups)
            if other not in groups:
                groups.append(other)
        props = {
            "ImageId": "ami-0abcdef1234567890",
            "InstanceType": self.pick(["t3.micro", "t3.small", "m6i.large"]),
            "SubnetId": "subnet-0123456789abcdef0",
            "Tags": self.tags("compute"),
        }
        if self.chance(0.5):
            props["SecurityGroupIds"] = [GetAtt(group, "GroupId") for group in groups]
        else:
            props["SecurityGroups"] = [Ref(group) for group in groups]
        if self.roles and self.chance(0.3):
            props["UserData"] = Sub("#!/bin/bash\necho role ${" + self.pick(self.roles) + ".Arn}\n")
        self.add(instance_id, "AWS::EC2::Instance", props)

    # -- RDS ---------------------------------------------------------------

    def database(self):
        db_id = self.name("Database")
        encrypted = self.pick([True, True, True, "true", False, None])
        public = self.pick([False, False, False, None, True, "true"])
        props = {
            "Engine": self.pick(["postgres", "mysql"]),
            "DBInstanceClass": "db.t3.micro",
            "AllocatedStorage": "20",
            "MasterUsername": "app",
        }
        if encrypted is not None:
            props["StorageEncrypted"] = encrypted
        if public is not None:
            props["PubliclyAccessible"] = public
        if self.keys and is_true(encrypted) and self.chance(0.5):
            props["KmsKeyId"] = Ref(self.pick(self.keys))
        if self.security_groups and self.chance(0.5):
            props["VPCSecurityGroups"] = [GetAtt(self.pick(self.security_groups), "GroupId")]
        failures = (0 if is_true(encrypted) else 1) + (1 if is_true(public) else 0)
        self.add(db_id, "AWS::RDS::DBInstance", props, RDS, failures)

    def aurora(self, members):
        cluster_id = self.name("AuroraCluster")
        cluster_name = cluster_id.lower()
        self.add(
            cluster_id,
            "AWS::RDS::DBCluster",
            {
                "Engine": "aurora-postgresql",
                "DBClusterIdentifier": cluster_name,
                "StorageEncrypted": self.pick([True, False]),
                "MasterUsername": "app",
                "ManageMasterUserPassword": True,
            },
        )
        for _ in range(members):
            member_id = self.name("AuroraMember")
            # Members inherit encryption from the cluster and are skipped,
            # whatever they say about it.
            props = {
                "Engine": "aurora-postgresql",
                "DBClusterIdentifier": cluster_name,
                "DBInstanceClass": "db.r6g.large",
            }
            if self.chance(0.5):
                props["PubliclyAccessible"] = self.pick([True, False])
            self.add(member_id, "AWS::RDS::DBInstance", props)

    # -- KMS ---------------------------------------------------------------

    def key(self, with_alias):
        key_id = self.name("Key")
        variant = self.pick(["on", "on", "on_text", "off", "absent", "symmetric_off", "rsa", "ecc", "hmac"])
        props = {"Description": f"key {key_id}", "KeyPolicy": {"Version": "2012-10-17", "Statement": [
            {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": Sub("arn:aws:iam::${AWS::AccountId}:root")},
             "Action": "kms:*", "Resource": "*"}
        ]}}
        failures = 0
        if variant == "on":
            props["EnableKeyRotation"] = True
        elif variant == "on_text":
            props["EnableKeyRotation"] = "true"
        elif variant == "off":
            props["EnableKeyRotation"] = False
            failures = 1
        elif variant == "absent":
            failures = 1
        elif variant == "symmetric_off":
            props["KeySpec"] = "SYMMETRIC_DEFAULT"
            props["EnableKeyRotation"] = "false"
            failures = 1
        elif variant == "rsa":
            props["KeySpec"] = "RSA_2048"
            props["KeyUsage"] = "SIGN_VERIFY"
        elif variant == "ecc":
            props["KeySpec"] = "ECC_NIST_P256"
            props["KeyUsage"] = "SIGN_VERIFY"
        elif variant == "hmac":
            props["KeySpec"] = "HMAC_256"
            props["KeyUsage"] = "GENERATE_VERIFY_MAC"
        self.add(key_id, "AWS::KMS::Key", props, KMS, failures)
        if variant in ("on", "on_text", "off", "absent", "symmetric_off"):
            self.keys.append(key_id)
        if with_alias:
            alias_id = self.name("KeyAlias")
            self.add(alias_id, "AWS::KMS::Alias", {"AliasName": f"alias/{key_id.lower()}", "TargetKeyId": Ref(key_id)})

    # -- secrets -----------------------------------------------------------

    def secret(self, schedule):
        secret_id = self.name("Secret")
        props = {
            "Description": f"credentials {secret_id}",
            "GenerateSecretString": {"SecretStringTemplate": "{\"username\":\"app\"}", "GenerateStringKey": "password"},
        }
        if self.keys and self.chance(0.4):
            props["KmsKeyId"] = Ref(self.pick(self.keys))
        self.add(secret_id, "AWS::SecretsManager::Secret", props, SEC, 1 if schedule is None else 0)
        if schedule is None:
            return
        failures = 0
        schedule_id = self.name("RotationSchedule")
        rules = {}
        if schedule == "fast":
            rules["AutomaticallyAfterDays"] = self.pick([7, 30, 60, 90])
        elif schedule == "fast_text":
            rules["AutomaticallyAfterDays"] = "30"
        elif schedule == "slow":
            rules["AutomaticallyAfterDays"] = self.pick([91, 180, 365])
            failures = 1
        elif schedule == "slow_text":
            rules["AutomaticallyAfterDays"] = "120"
            failures = 1
        elif schedule == "expression":
            rules["ScheduleExpression"] = "rate(30 days)"
        props = {
            "SecretId": Ref(secret_id),
            "RotationRules": rules,
            "HostedRotationLambda": {"RotationType": "PostgreSQLSingleUser"},
        }
        self.add(schedule_id, "AWS::SecretsManager::RotationSchedule", props)
        if failures:
            self.expected[(SEC, secret_id)] = failures

    # -- IAM ---------------------------------------------------------------

    def role(self):
        role_id = self.name("Role")
        self.add(
            role_id,
            "AWS::IAM::Role",
            {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
                    ],
                },
                "ManagedPolicyArns": ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
            },
        )
        self.roles.append(role_id)

    def statement(self, admin):
        if admin:
            variant = self.pick(["star", "star_list", "mixed_list"])
            if variant == "star":
                return {"Effect": "Allow", "Action": "*", "Resource": "*"}
            if variant == "star_list":
                return {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}
            return {"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["arn:aws:s3:::logs/*", "*"]}
        variant = self.pick(["read", "read_list", "service_star", "deny_all", "star_scoped", "sub"])
        if variant == "read":
            return {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        if variant == "read_list":
            return {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["*"]}
        if variant == "service_star":
            return {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
        if variant == "deny_all":
            return {"Effect": "Deny", "Action": "*", "Resource": "*"}
        if variant == "star_scoped":
            return {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::reports/*"}
        return {"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": Sub("arn:aws:logs:${AWS::Region}:${AWS::AccountId}:*")}

    def policy(self):
        managed = self.chance(0.4)
        policy_id = self.name("ManagedPolicy" if managed else "Policy")
        count = 1 + int(self.rng.random() * 3)
        admin = [self.chance(0.12) for _ in range(count)]
        statements = [self.statement(a) for a in admin]
        if count == 1 and self.chance(0.5):
            statement = statements[0]
        else:
            statement = statements
        props = {"PolicyDocument": {"Version": "2012-10-17", "Statement": statement}}
        if not managed:
            props["PolicyName"] = policy_id.lower()
        if self.roles:
            props["Roles"] = [Ref(self.pick(self.roles))]
        kind = "AWS::IAM::ManagedPolicy" if managed else "AWS::IAM::Policy"
        self.add(policy_id, kind, props, IAM, sum(admin))

    # -- resources no rule reads -------------------------------------------

    def other(self):
        variant = self.pick(["log", "topic", "queue"])
        if variant == "log":
            self.add(self.name("LogGroup"), "AWS::Logs::LogGroup", {"RetentionInDays": self.pick([7, 30, 365])})
        elif variant == "topic":
            topic_id = self.name("Topic")
            self.add(topic_id, "AWS::SNS::Topic", {"TopicName": Sub("${AWS::StackName}-" + topic_id.lower())})
        else:
            props = {"VisibilityTimeout": 60}
            if self.keys:
                props["KmsMasterKeyId"] = Ref(self.pick(self.keys))
            self.add(self.name("Queue"), "AWS::SQS::Queue", props)


# Kinds of units, their weights and their sizes in resources.
UNITS = [
    ("bucket", 14, 1),
    ("security_group", 12, 1),
    ("instance", 10, 1),
    ("database", 7, 1),
    ("aurora1", 1, 2),
    ("aurora2", 1, 3),
    ("key", 6, 1),
    ("key_alias", 2, 2),
    ("secret_alone", 3, 1),
    ("secret_fast", 5, 2),
    ("secret_fast_text", 1, 2),
    ("secret_slow", 2, 2),
    ("secret_slow_text", 1, 2),
    ("secret_expression", 1, 2),
    ("role", 4, 1),
    ("policy", 9, 1),
    ("other", 6, 1),
]


def build_unit(builder, unit):
    if unit == "bucket":
        builder.bucket()
    elif unit == "security_group":
        builder.security_group()
    elif unit == "instance":
        if builder.security_groups:
            builder.instance()
        else:
            builder.security_group()
    elif unit == "database":
        builder.database()
    elif unit == "aurora1":
        builder.aurora(1)
    elif unit == "aurora2":
        builder.aurora(2)
    elif unit == "key":
        builder.key(False)
    elif unit == "key_alias":
        builder.key(True)
    elif unit == "secret_alone":
        builder.secret(None)
    elif unit.startswith("secret_"):
        builder.secret(unit[len("secret_"):])
    elif unit == "role":
        builder.role()
    elif unit == "policy":
        builder.policy()
    elif unit == "other":
        builder.other()


def generate(size, seed=DEFAULT_SEED):
    """The template (a dict) and the expected findings of `size` resources."""
    rng = Random(seed * 1_000_003 + size)
    builder = Builder(rng)
    total_weight = sum(weight for _, weight, _ in UNITS)
    # Cover every kind of unit first, then draw by weight.
    order = [name for name, _, _ in UNITS]
    while len(builder.resources) < size:
        remaining = size - len(builder.resources)
        if order:
            unit = order.pop(0)
        else:
            point = rng.random() * total_weight
            for unit, weight, _ in UNITS:
                point -= weight
                if point < 0:
                    break
        width = next(width for name, _, width in UNITS if name == unit)
        if width > remaining:
            unit = "bucket"
        build_unit(builder, unit)
    resources = builder.resources
    expected = expected_findings(resources)
    if expected != builder.expected:
        extra = sorted(set(expected.items()) - set(builder.expected.items()))
        missing = sorted(set(builder.expected.items()) - set(expected.items()))
        raise AssertionError(f"the oracle disagrees with the variants: oracle only {extra[:5]}, variants only {missing[:5]}")
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Generated benchmark template: {size} resources, seed {seed}.",
        "Parameters": {
            "Environment": {"Type": "String", "Default": "prod", "AllowedValues": ["dev", "prod"]},
        },
        "Resources": resources,
        "Outputs": {
            "FirstBucket": {"Value": Ref(next(r for r in resources if r.startswith("Bucket")))},
        },
    }
    return template, expected


def truth_text(size, seed, expected):
    lines = [
        f"# Expected findings of examples/policies on cfn-{size} (seed {seed}).",
        "# One line per (rule id, resource id) that fails; `findings` counts every finding.",
        f"# findings: {sum(expected.values())}",
    ]
    for rule, resource_id in sorted(expected):
        lines.append(f"{rule} {resource_id}")
    return "\n".join(lines) + "\n"


def write(size, seed, out):
    template, expected = generate(size, seed)
    os.makedirs(out, exist_ok=True)
    base = os.path.join(out, f"cfn-{size}")
    with open(base + ".json", "w") as handle:
        json.dump(to_json_value(template), handle, indent=2)
        handle.write("\n")
    with open(base + ".yaml", "w") as handle:
        handle.write(to_yaml(template))
    with open(base + ".truth", "w") as handle:
        handle.write(truth_text(size, seed, expected))
    return base


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True, help="number of resources")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", default=".", help="output directory")
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error("--size must be at least 1")
    print(write(args.size, args.seed, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
