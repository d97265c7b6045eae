"""Judge templates with Ward's standard library, print the findings, write
a SARIF file for code scanning, and fail as `ward check --fail-on high`.

    python check.py templates/ plan.json
"""

import sys

import ward


def main(paths):
    # Compiled once; judge as many inputs as you like with it.
    policy = ward.Policy.from_stdlib()
    policy.set_params({"required_tags": ["owner", "team"]})

    try:
        report = policy.check(paths, exclude=["**/node_modules/**"])
    except ward.UsageError as error:  # nothing to judge, a bad glob, ...
        print(f"ward: {error}", file=sys.stderr)
        return 2

    for finding in report.findings:
        print(
            f"{finding.file}:{finding.line}:{finding.column}: "
            f"{finding.severity} {finding.rule} {finding.resource}: {finding.message}"
        )
    for error in report.input_errors:
        print(f"{error.file}:{error.line}:{error.column}: not judged: {error.reason}")
    for error in report.rule_errors:
        print(f"{error.file}: rule {error.rule} stopped ({error.kind}): {error.message}")

    # One input held in memory, named as you like in the report.
    snippet = policy.check_bytes(
        "inline.yaml",
        "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n",
    )
    print(f"inline.yaml: {len(snippet.findings)} findings")

    with open("ward.sarif", "w", encoding="utf-8") as sarif:
        sarif.write(report.to_sarif())
    print(report.summary)
    return report.exit_code(fail_on="high")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["."]))
