#!/usr/bin/env python3
"""Generate cfn-resource-types.json from the resource provider schemas in cfn-lint.

The cfn-lint package on PyPI bundles the published AWS CloudFormation resource
provider schemas (MIT-0). This script reads them from an unzipped cfn-lint
wheel and writes a compact summary that the compiler embeds to check resource
type and property names (with "did you mean"), and that the language server
uses for completion and hover.

Usage:

    python3 compiler/core/data/generate.py PATH [-o OUTPUT]

PATH is the unzipped wheel (the folder that holds `cfnlint/`) or the
`cfnlint` package folder itself. OUTPUT defaults to cfn-resource-types.json
beside this script. Only the standard library is used, and the output is
deterministic: the same input always gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

TYPE_DOC_LIMIT = 200
PROP_DOC_LIMIT = 160
# Enumerations longer than this are left out: they are rare, large, and the
# server can still offer the property itself.
ENUM_LIMIT = 24
# Region whose schema wins when a type is published with different schemas in
# different regions; every other region only adds the types it alone has.
PREFERRED_REGION = "us-east-1"

PRIMITIVES = {"string", "integer", "number", "boolean", "null"}

# Abbreviations that end with a period without ending a sentence.
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "approx.", "Inc.", "Corp.", "St.", "No.")


def find_package(path: Path) -> Path:
    """Return the `cfnlint` package folder given a wheel root or the folder itself."""
    for candidate in (path, path / "cfnlint"):
        if (candidate / "data" / "schemas" / "providers").is_dir():
            return candidate
    raise SystemExit(f"error: no data/schemas/providers under {path} or {path / 'cfnlint'}")


def package_version(package: Path) -> str:
    version_file = package / "version.py"
    if version_file.is_file():
        match = re.search(r"__version__\s*=\s*[\"']([^\"']+)", version_file.read_text("utf-8"))
        if match:
            return match.group(1)
    return "unknown"


def clean_markdown(text: str) -> str:
    """Flatten the Markdown used in schema descriptions to plain text."""
    text = re.sub(r"</?(?:p|a|b|i|em|strong|code|ul|ol|li|br|note|important|div|span)\b[^>]*>", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"`{1,2}([^`]*)`{1,2}", r"\1", text)  # ``code`` and `code`
    text = re.sub(r"(?<![\w*])\*{1,2}([^*\n]+)\*{1,2}(?![\w*])", r"\1", text)  # *emphasis*
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def first_sentence(text: str | None, limit: int) -> str:
    if not text:
        return ""
    text = clean_markdown(text)
    for match in re.finditer(r"[.!?](?=\s|$)", text):
        end = match.end()
        if any(text[:end].endswith(abbreviation) for abbreviation in ABBREVIATIONS):
            continue
        # A single capital letter before the period is an initial ("U.S.").
        if re.search(r"(?:^|[\s.])[A-Z]\.$", text[:end]):
            continue
        text = text[:end]
        break
    if len(text) > limit:
        cut = text[: limit - 1]
        space = cut.rfind(" ")
        if space > limit // 2:
            cut = cut[:space]
        text = cut.rstrip(" ,;:") + "…"
    return text


class Schema:
    """One resource provider schema with `$ref` resolution inside it."""

    def __init__(self, document: dict):
        self.document = document
        self.definitions = document.get("definitions") or {}

    def resolve(self, node: dict) -> tuple[dict, str | None]:
        """Follow local `$ref`s; return the target and the name of the last definition."""
        name = None
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/definitions/") or ref in seen:
                break
            seen.add(ref)
            name = ref[len("#/definitions/") :]
            target = self.definitions.get(name)
            if not isinstance(target, dict):
                break
            # Keys beside a `$ref` (often a description) refine the target.
            merged = dict(target)
            merged.update({key: value for key, value in node.items() if key != "$ref"})
            node = merged
        return node, name

    def describe(self, node: dict, depth: int = 0) -> tuple[str, str | None]:
        """Return a short type string and, for objects with known properties, their definition name."""
        node, name = self.resolve(node)
        if not isinstance(node, dict) or depth > 8:
            return "json", None
        declared = node.get("type")
        if isinstance(declared, list):
            kinds = []
            for kind in declared:
                text, _ = self.describe({**node, "type": kind}, depth + 1)
                if text not in kinds:
                    kinds.append(text)
            return "|".join(kinds), name if "properties" in node else None
        if declared == "array" or (declared is None and "items" in node):
            items = node.get("items")
            if not isinstance(items, dict):
                return "array<json>", None
            item_type, item_def = self.describe(items, depth + 1)
            return f"array<{item_type}>", item_def
        if declared == "object" or (declared is None and ("properties" in node or "patternProperties" in node)):
            if node.get("properties"):
                return "object", name
            values = node.get("patternProperties")
            if isinstance(values, dict) and len(values) == 1:
                value_type, _ = self.describe(next(iter(values.values())), depth + 1)
                return f"map<{value_type}>", None
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                value_type, _ = self.describe(extra, depth + 1)
                return f"map<{value_type}>", None
            return "json", None
        if declared in PRIMITIVES:
            return declared, None
        for combinator in ("oneOf", "anyOf"):
            branches = node.get(combinator)
            if isinstance(branches, list) and branches:
                kinds: list[str] = []
                definition = None
                for branch in branches:
                    text, branch_def = self.describe(branch, depth + 1)
                    definition = definition or branch_def
                    for kind in text.split("|") if "<" not in text else [text]:
                        if kind not in kinds:
                            kinds.append(kind)
                if len(kinds) == 1 and kinds[0] == "object" and node.get("properties"):
                    return "object", name
                return "|".join(kinds), definition if kinds.count("object") == 1 else None
        if isinstance(node.get("allOf"), list) and node["allOf"]:
            return self.describe(node["allOf"][0], depth + 1)
        if "enum" in node and node["enum"]:
            kinds = sorted({json_kind(value) for value in node["enum"]})
            return "|".join(kinds), None
        return "json", None

    def enum(self, node: dict) -> list | None:
        node, _ = self.resolve(node)
        if isinstance(node, dict) and node.get("type") == "array":
            node, _ = self.resolve(node.get("items") or {})
        values = node.get("enum") if isinstance(node, dict) else None
        if isinstance(values, list) and 0 < len(values) <= ENUM_LIMIT:
            return values
        return None

    def doc_of(self, node: dict) -> str | None:
        if not isinstance(node, dict):
            return None
        if node.get("description"):
            return node["description"]
        target, _ = self.resolve(node)
        return target.get("description") if isinstance(target, dict) else None


def json_kind(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "json"


def summarize_properties(
    schema: Schema, properties: dict, required: list, read_only: set, nested: bool
) -> tuple[dict, list]:
    """Summarize one level of properties; return them and the definitions they name."""
    result = {}
    referenced = []
    for prop_name, node in properties.items():
        if not isinstance(node, dict):
            continue
        kind, definition = schema.describe(node)
        entry = {
            "type": kind,
            "required": prop_name in required,
            "doc": first_sentence(schema.doc_of(node), PROP_DOC_LIMIT),
        }
        if prop_name in read_only:
            entry["readOnly"] = True
        values = schema.enum(node)
        if values is not None:
            entry["enum"] = values
        if nested and definition is not None and "object" in kind:
            entry["def"] = definition
            if definition not in referenced:
                referenced.append(definition)
        result[prop_name] = entry
    return result, referenced


def summarize_type(document: dict, nested: bool) -> dict:
    schema = Schema(document)
    read_only = {
        pointer[len("/properties/") :]
        for pointer in document.get("readOnlyProperties") or []
        if pointer.startswith("/properties/") and pointer.count("/") == 2
    }
    props, referenced = summarize_properties(
        schema, document.get("properties") or {}, document.get("required") or [], read_only, nested
    )
    summary = {"doc": first_sentence(document.get("description"), TYPE_DOC_LIMIT), "props": props}
    if nested and referenced:
        defs = {}
        for name in referenced:
            target, _ = schema.resolve({"$ref": f"#/definitions/{name}"})
            properties = target.get("properties") if isinstance(target, dict) else None
            if isinstance(properties, dict) and properties:
                defs[name], _ = summarize_properties(schema, properties, target.get("required") or [], set(), False)
        if defs:
            summary["defs"] = defs
    return summary


def load_types(package: Path) -> dict[str, dict]:
    """Return {type name: schema document} over all regions, preferring PREFERRED_REGION."""
    schemas = package / "data" / "schemas"
    providers = schemas / "providers"
    region_files = sorted(providers.glob("*.json"), key=lambda path: (path.stem != PREFERRED_REGION, path.stem))
    chosen: dict[str, str] = {}
    for region_file in region_files:
        for type_name, digest in json.loads(region_file.read_text("utf-8")).items():
            chosen.setdefault(type_name, digest)
    documents = {}
    for type_name, digest in sorted(chosen.items()):
        path = schemas / "resources" / f"{digest}.json"
        if not path.is_file():
            print(f"warning: no schema file for {type_name} ({digest})", file=sys.stderr)
            continue
        documents[type_name] = json.loads(path.read_text("utf-8"))
    return documents


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path, help="unzipped cfn-lint wheel, or its cfnlint folder")
    parser.add_argument("-o", "--output", type=Path, default=Path(__file__).with_name("cfn-resource-types.json"))
    parser.add_argument(
        "--nested",
        action="store_true",
        help="also summarize the definitions that top-level properties refer to (about 1.2 MB more)",
    )
    args = parser.parse_args()

    package = find_package(args.package)
    version = package_version(package)
    types = {name: summarize_type(document, args.nested) for name, document in load_types(package).items()}
    output = {
        "source": f"cfn-lint {version} (PyPI), bundling the AWS CloudFormation resource provider schemas",
        "licence": "MIT-0 (MIT No Attribution), see LICENSE-cfn-lint",
        "types": types,
    }
    text = json.dumps(output, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    args.output.write_text(text + "\n", "utf-8")

    property_count = sum(len(summary["props"]) for summary in types.values())
    nested_count = sum(len(props) for summary in types.values() for props in summary.get("defs", {}).values())
    print(
        f"{args.output.name}: {len(types)} types, {property_count} top-level properties, "
        f"{nested_count} nested properties, {len(text.encode('utf-8')) + 1} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
