#!/usr/bin/env python3
"""Seeded generator of an AWS Config inventory as NDJSON, for the streaming
benchmark.

Writes N configuration items, one per line, as an organisation's Config
snapshots hold them: accounts of a few thousand items each, every account
in two regions, items of one account and region together. The items mix
compliant and non-compliant settings of the resource types the standard
library judges most: S3 buckets (with `supplementaryConfiguration`), EBS
volumes, security groups (`ipPermissions` with `ipRanges` or
`ipv4Ranges`), RDS instances, KMS keys, IAM roles (URL-encoded trust
documents), Lambda functions, EC2 instances and CloudTrail trails, and
resources no rule looks at. Volumes and instances are related, as Config
relates them.

Only the Python standard library is used, and only `random.Random.random`,
whose sequence for a given seed is stable across Python versions.

Usage: config_items.py --items N [--seed S] [--out FILE]
"""

import argparse
import json
import sys
import urllib.parse
from random import Random

DEFAULT_SEED = 20261207
ITEMS_PER_REGION = 2500
REGIONS = ["us-east-1", "eu-west-1"]


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.serial = 0

    def chance(self, probability):
        return self.rng.random() < probability

    def pick(self, items):
        return items[int(self.rng.random() * len(items))]

    def next_id(self):
        self.serial += 1
        return self.serial

    def item(self, account, region, kind, resource_id, arn, configuration, **extra):
        item = {
            "version": "1.3",
            "accountId": account,
            "awsAccountId": account,
            "awsRegion": region,
            "configurationItemCaptureTime": "2026-11-30T12:00:00.000Z",
            "configurationItemStatus": "OK",
            "resourceType": kind,
            "resourceId": resource_id,
            "resourceName": resource_id,
            "ARN": arn,
            "configuration": configuration,
            "supplementaryConfiguration": extra.pop("supplementary", {}),
            "tags": extra.pop("tags", {"owner": "team-%d" % (self.next_id() % 40)}),
            "relationships": extra.pop("relationships", []),
        }
        return item

    def bucket(self, account, region):
        name = "bucket-%d" % self.next_id()
        supplementary = {
            "BucketVersioningConfiguration": {
                "status": "Enabled" if self.chance(0.8) else "Suspended",
                "isMfaDeleteEnabled": None,
            },
            "BucketLoggingConfiguration": {
                "destinationBucketName": "logs-%s" % account if self.chance(0.7) else None,
                "logFilePrefix": None,
            },
        }
        if self.chance(0.85):
            supplementary["ServerSideEncryptionConfiguration"] = {
                "rules": [
                    {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}
                ]
            }
        if self.chance(0.8):
            supplementary["PublicAccessBlockConfiguration"] = {
                "blockPublicAcls": True,
                "ignorePublicAcls": True,
                "blockPublicPolicy": True,
                "restrictPublicBuckets": True,
            }
        return self.item(
            account,
            region,
            "AWS::S3::Bucket",
            name,
            "arn:aws:s3:::%s" % name,
            {"name": name, "creationDate": "2024-01-01T00:00:00.000Z"},
            supplementary=supplementary,
        )

    def volume(self, account, region, instance=None):
        volume_id = "vol-%012x" % self.next_id()
        relationships = []
        if instance:
            relationships.append(
                {"resourceType": "AWS::EC2::Instance", "resourceId": instance, "name": "Is attached to Instance"}
            )
        return self.item(
            account,
            region,
            "AWS::EC2::Volume",
            volume_id,
            "arn:aws:ec2:%s:%s:volume/%s" % (region, account, volume_id),
            {
                "volumeId": volume_id,
                "size": self.pick([8, 20, 100, 500]),
                "volumeType": self.pick(["gp3", "gp3", "gp2", "io2"]),
                "encrypted": self.chance(0.9),
                "state": "in-use" if instance else "available",
            },
            relationships=relationships,
        )

    def security_group(self, account, region):
        group_id = "sg-%012x" % self.next_id()
        permissions = []
        for _ in range(1 + int(self.rng.random() * 3)):
            port = self.pick([22, 443, 3389, 5432, 80])
            cidr = "0.0.0.0/0" if self.chance(0.2) else "10.%d.0.0/16" % int(self.rng.random() * 255)
            ranges = (
                {"ipRanges": [cidr]}
                if self.chance(0.5)
                else {"ipv4Ranges": [{"cidrIp": cidr, "description": "generated"}]}
            )
            permissions.append(
                dict({"ipProtocol": "tcp", "fromPort": port, "toPort": port}, **ranges)
            )
        return self.item(
            account,
            region,
            "AWS::EC2::SecurityGroup",
            group_id,
            "arn:aws:ec2:%s:%s:security-group/%s" % (region, account, group_id),
            {
                "groupId": group_id,
                "groupName": "group-%d" % self.next_id(),
                "description": "generated group",
                "ipPermissions": permissions,
                "ipPermissionsEgress": [],
            },
        )

    def database(self, account, region):
        name = "db-%d" % self.next_id()
        return self.item(
            account,
            region,
            "AWS::RDS::DBInstance",
            name,
            "arn:aws:rds:%s:%s:db:%s" % (region, account, name),
            {
                "dBInstanceIdentifier": name,
                "engine": self.pick(["postgres", "mysql"]),
                "storageEncrypted": self.chance(0.9),
                "multiAZ": self.chance(0.7),
                "publiclyAccessible": self.chance(0.05),
                "backupRetentionPeriod": self.pick([0, 1, 7, 14]),
                "deletionProtection": self.chance(0.6),
                "autoMinorVersionUpgrade": True,
            },
        )

    def key(self, account, region):
        key_id = "%08x-0000-4000-8000-%012x" % (self.next_id(), self.next_id())
        return self.item(
            account,
            region,
            "AWS::KMS::Key",
            key_id,
            "arn:aws:kms:%s:%s:key/%s" % (region, account, key_id),
            {
                "keyId": key_id,
                "keyState": "Enabled",
                "keyManager": self.pick(["CUSTOMER", "CUSTOMER", "AWS"]),
                "keySpec": "SYMMETRIC_DEFAULT",
                "origin": "AWS_KMS",
            },
        )

    def role(self, account, region):
        name = "role-%d" % self.next_id()
        principal = (
            {"Service": "lambda.amazonaws.com"}
            if self.chance(0.9)
            else {"AWS": "arn:aws:iam::%012d:root" % int(self.rng.random() * 1e12)}
        )
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
        }
        return self.item(
            account,
            "global",
            "AWS::IAM::Role",
            name,
            "arn:aws:iam::%s:role/%s" % (account, name),
            {
                "roleName": name,
                "assumeRolePolicyDocument": urllib.parse.quote(json.dumps(trust), safe=""),
                "rolePolicyList": [],
                "attachedManagedPolicies": [],
            },
        )

    def function(self, account, region):
        name = "fn-%d" % self.next_id()
        return self.item(
            account,
            region,
            "AWS::Lambda::Function",
            name,
            "arn:aws:lambda:%s:%s:function:%s" % (region, account, name),
            {
                "functionName": name,
                "runtime": self.pick(["python3.12", "nodejs20.x", "python3.8"]),
                "tracingConfig": {"mode": self.pick(["Active", "PassThrough"])},
                "deadLetterConfig": {},
            },
        )

    def instance(self, account, region):
        instance_id = "i-%012x" % self.next_id()
        return self.item(
            account,
            region,
            "AWS::EC2::Instance",
            instance_id,
            "arn:aws:ec2:%s:%s:instance/%s" % (region, account, instance_id),
            {
                "instanceId": instance_id,
                "instanceType": self.pick(["t3.micro", "m5.large", "m4.large"]),
                "metadataOptions": {"httpTokens": self.pick(["required", "required", "optional"])},
                "monitoring": {"state": self.pick(["enabled", "disabled"])},
                "publicIpAddress": "203.0.113.%d" % (self.next_id() % 250) if self.chance(0.1) else None,
                "ebsOptimized": True,
            },
        )

    def trail(self, account, region):
        name = "trail-%d" % self.next_id()
        return self.item(
            account,
            region,
            "AWS::CloudTrail::Trail",
            name,
            "arn:aws:cloudtrail:%s:%s:trail/%s" % (region, account, name),
            {
                "name": name,
                "isMultiRegionTrail": self.chance(0.8),
                "logFileValidationEnabled": self.chance(0.8),
                "kmsKeyId": "arn:aws:kms:%s:%s:key/trail" % (region, account) if self.chance(0.5) else None,
            },
        )

    def other(self, account, region):
        table = "table-%d" % self.next_id()
        return self.item(
            account,
            region,
            "AWS::Athena::WorkGroup",
            table,
            "arn:aws:athena:%s:%s:workgroup/%s" % (region, account, table),
            {"name": table},
        )

    def items(self, account, region, count):
        makers = [self.bucket, self.security_group, self.database, self.key, self.role, self.function, self.trail, self.other]
        written = 0
        while written < count:
            if self.chance(0.3) and count - written >= 2:
                instance = self.instance(account, region)
                yield instance
                yield self.volume(account, region, instance["resourceId"])
                written += 2
                continue
            yield self.pick(makers + [self.volume])(account, region)
            written += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    gen = Gen(Random(args.seed))
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    written = 0
    account = 100000000000
    while written < args.items:
        account += 1
        for region in REGIONS:
            count = min(ITEMS_PER_REGION, args.items - written)
            for item in gen.items(str(account), region, count):
                out.write(json.dumps(item, separators=(",", ":")))
                out.write("\n")
            written += count
            if written >= args.items:
                break
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
