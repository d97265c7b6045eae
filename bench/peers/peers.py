"""The peers of the end-to-end benchmark: how to find, run and read each.

Each peer runs the six example rules, ported to its own language in this
folder, on the JSON template. cfn-guard runs twice: `cfn-guard` with the
rules of `guard/`, which leave out the join from secrets to their rotation
schedules (so it misses the secrets that have no schedule), and
`cfn-guard+join` with that join too, only up to 1,000 resources because its
cost grows with the square of the template. A peer that is not installed is skipped with a
note. Peers are found on `PATH`, or through an environment variable naming
the executable (`REGORUS`, `CFN_GUARD`, `CHECKOV`).

Every parser returns (pairs, number of findings, problems), where pairs is
the set of (rule id, resource id) the peer failed.
"""

import json
import os
import re
import shutil
import subprocess

PEERS_DIR = os.path.dirname(os.path.abspath(__file__))
NAMES = ["regorus", "cfn-guard", "cfn-guard+join", "checkov"]


def find(name, variable):
    explicit = os.environ.get(variable)
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return shutil.which(name)


def first_line(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    lines = (result.stdout.strip() or result.stderr.strip()).splitlines()
    return lines[0].strip() if lines else "unknown"


def schedule_secrets(template_path):
    """Maps each rotation schedule to the secret its `SecretId` refers to."""
    with open(template_path) as handle:
        resources = json.load(handle).get("Resources", {})
    secrets = {}
    for schedule_id, resource in resources.items():
        if resource.get("Type") == "AWS::SecretsManager::RotationSchedule":
            secret = resource.get("Properties", {}).get("SecretId")
            if isinstance(secret, dict) and isinstance(secret.get("Ref"), str):
                secrets[schedule_id] = secret["Ref"]
    return secrets


# ---------------------------------------------------------------------------
# regorus: the Rego rules in rego/, query data.bench.findings


def rego_files():
    return sorted(os.path.join(PEERS_DIR, "rego", name) for name in os.listdir(os.path.join(PEERS_DIR, "rego"))
                  if name.endswith(".rego"))


def regorus(binary):
    def command(template):
        arguments = [binary, "eval"]
        for path in rego_files():
            arguments += ["-d", path]
        return arguments + ["-i", template, "data.bench.findings"]

    def parse(stdout, template):
        pairs = set()
        found = [0]

        def visit(value):
            if isinstance(value, dict):
                if set(value) == {"rule", "resource"}:
                    pairs.add((value["rule"], value["resource"]))
                    found[0] += 1
                    return
                for item in value.values():
                    visit(item)
            elif isinstance(value, list):
                for item in value:
                    visit(item)

        visit(json.loads(stdout))
        return pairs, found[0], []

    return {"formats": ["json"], "command": command, "parse": parse, "version": first_line([binary, "--version"])}


# ---------------------------------------------------------------------------
# cfn-guard: the Guard rules in guard/


GUARD_RULES = {
    "S3_001": "S3-001",
    "NET_001": "NET-001",
    "RDS_001": "RDS-001",
    "KMS_001": "KMS-001",
    "SEC_010_SCHEDULED": "SEC-010",
    "SEC_010_DAYS": "SEC-010",
    "IAM_001": "IAM-001",
}
RESOURCE_PATH = re.compile(r"^/Resources/([^/]+)")


def guard_resource(check):
    """The logical id a failed Guard check is about, from the first path it
    compares (or could not resolve); a key check (`%secret_id IN ...`)
    compares the key itself under `/Resources`."""
    if isinstance(check, dict):
        for key, item in check.items():
            if key in ("from", "traversed_to") and isinstance(item, dict) and isinstance(item.get("path"), str):
                if item["path"] == "/Resources" and isinstance(item.get("value"), str):
                    return item["value"]
                match = RESOURCE_PATH.match(item["path"])
                if match:
                    return match.group(1)
            found = guard_resource(item)
            if found is not None:
                return found
    elif isinstance(check, list):
        for item in check:
            found = guard_resource(item)
            if found is not None:
                return found
    return None


def cfn_guard(binary, max_size, join):
    def command(template):
        rules = ["--rules", os.path.join(PEERS_DIR, "guard")]
        if join:
            rules += ["--rules", os.path.join(PEERS_DIR, "guard-join")]
        return [binary, "validate"] + rules + ["--data", template,
                "--output-format", "json", "--show-summary", "none", "--structured"]

    def parse(stdout, template):
        documents = json.loads(stdout)
        if isinstance(documents, dict):
            documents = [documents]
        schedules = None
        pairs = set()
        count = 0
        for document in documents:
            for failure in document.get("not_compliant", []):
                rule_name = failure.get("rule") or failure.get("Rule", {}).get("name")
                rule = GUARD_RULES.get(rule_name, rule_name)
                resources = []
                for check in failure.get("Rule", {}).get("checks", failure.get("checks", [])):
                    resource = guard_resource(check)
                    # A check that names no resource (a comparison with
                    # nothing, under a resource already failed by another
                    # clause) is not attributed.
                    if resource is not None:
                        resources.append(resource)
                for resource in resources:
                    if rule_name == "SEC_010_DAYS":
                        if schedules is None:
                            schedules = schedule_secrets(template)
                        resource = schedules.get(resource, resource)
                    pairs.add((rule, resource))
                    count += 1
        return pairs, count, []

    return {"formats": ["json"], "command": command, "parse": parse,
            "version": first_line([binary, "--version"]), "max_size": max_size}


# ---------------------------------------------------------------------------
# checkov: the custom checks in checkov/


CHECKOV_RULES = {
    "CKV_WARD_S3_001": "S3-001",
    "CKV_WARD_NET_001": "NET-001",
    "CKV_WARD_RDS_001": "RDS-001",
    "CKV_WARD_KMS_001": "KMS-001",
    "CKV2_WARD_SEC_010": "SEC-010",
    "CKV_WARD_SEC_010_DAYS": "SEC-010",
    "CKV_WARD_IAM_001": "IAM-001",
}


def checkov(binary, max_size):
    def command(template):
        return [binary, "--file", template, "--framework", "cloudformation",
                "--external-checks-dir", os.path.join(PEERS_DIR, "checkov"),
                "--check", ",".join(CHECKOV_RULES), "--output", "json", "--compact", "--quiet",
                "--skip-download"]

    def parse(stdout, template):
        report = json.loads(stdout)
        if isinstance(report, list):
            report = next(item for item in report if item.get("check_type") == "cloudformation")
        schedules = None
        pairs = set()
        failed = report.get("results", {}).get("failed_checks", [])
        for check in failed:
            resource = check["resource"].split(".", 1)[1]
            if check["check_id"] == "CKV_WARD_SEC_010_DAYS":
                if schedules is None:
                    schedules = schedule_secrets(template)
                resource = schedules.get(resource, resource)
            pairs.add((CHECKOV_RULES.get(check["check_id"], check["check_id"]), resource))
        return pairs, len(failed), []

    return {"formats": ["json"], "command": command, "parse": parse,
            "version": first_line([binary, "--version"]), "max_size": max_size}


def make(name, slow_max_size, checkov_max_size=10000):
    """The peer's description, or None and a note saying why it is skipped.

    `slow_max_size` bounds the templates given to cfn-guard, and
    `checkov_max_size` those given to Checkov (about a minute a run at
    10,000 resources)."""
    if name == "regorus":
        binary = find("regorus", "REGORUS")
        if binary:
            return regorus(binary), None
        return None, "regorus is not installed (`cargo install regorus --example regorus`): skipped"
    if name in ("cfn-guard", "cfn-guard+join"):
        binary = find("cfn-guard", "CFN_GUARD")
        if binary:
            join = name == "cfn-guard+join"
            # The join is quadratic: minutes from a few thousand resources on.
            return cfn_guard(binary, min(slow_max_size, 1000) if join else slow_max_size, join), None
        return None, f"{name}: cfn-guard is not installed (`cargo install cfn-guard`): skipped"
    if name == "checkov":
        binary = find("checkov", "CHECKOV")
        if binary:
            return checkov(binary, checkov_max_size), None
        return None, "checkov is not installed (`pip install checkov`): skipped"
    return None, f"unknown peer `{name}`: skipped"
