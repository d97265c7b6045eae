"""Tests for generate.py. From the repository root:

    python3 -B -m unittest discover -s compiler/core/data -p 'test_*.py'
"""

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import generate  # noqa: E402

BUCKET = {
    "typeName": "AWS::S3::Bucket",
    "description": "The ``AWS::S3::Bucket`` resource creates an Amazon S3 bucket, e.g. for logs. It has more sentences.",
    "definitions": {
        "BucketEncryption": {
            "type": "object",
            "description": "Specifies default encryption.",
            "properties": {"Rules": {"type": "array", "items": {"$ref": "#/definitions/Rule"}}},
            "required": ["Rules"],
        },
        "Rule": {"type": "object", "properties": {"Algorithm": {"type": "string", "enum": ["AES256", "aws:kms"]}}},
        "Tag": {"type": "object", "properties": {"Key": {"type": "string"}, "Value": {"type": "string"}}},
        "Arn": {"type": "string"},
    },
    "properties": {
        "Arn": {"$ref": "#/definitions/Arn"},
        "BucketName": {"type": "string", "description": "A name for the bucket. See [naming](https://example.com)."},
        "BucketEncryption": {"$ref": "#/definitions/BucketEncryption"},
        "Tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}, "description": "<p>Tags.</p>"},
        "Policy": {"type": ["object", "string"]},
        "Labels": {"type": "object", "patternProperties": {".*": {"type": "string"}}},
        "Port": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        "AccessControl": {"type": "string", "enum": ["Private", "PublicRead"]},
    },
    "required": ["BucketName"],
    "readOnlyProperties": ["/properties/Arn"],
}


class FirstSentenceTest(unittest.TestCase):
    def test_keeps_the_first_sentence_without_markup(self):
        self.assertEqual(
            generate.first_sentence(BUCKET["description"], 200),
            "The AWS::S3::Bucket resource creates an Amazon S3 bucket, e.g. for logs.",
        )
        self.assertEqual(generate.first_sentence("<p>Tags.</p> More.", 160), "Tags.")
        self.assertEqual(generate.first_sentence("See [naming](https://x.y). Then.", 160), "See naming.")
        self.assertEqual(generate.first_sentence("Made in the U.S. by us. Then.", 160), "Made in the U.S. by us.")
        self.assertEqual(generate.first_sentence(None, 160), "")

    def test_cuts_long_sentences_at_a_word(self):
        text = generate.first_sentence("word " * 100, 40)
        self.assertLessEqual(len(text), 40)
        self.assertTrue(text.endswith("word…"))


class SummaryTest(unittest.TestCase):
    def setUp(self):
        self.summary = generate.summarize_type(BUCKET, nested=False)
        self.props = self.summary["props"]

    def test_type_strings(self):
        types = {name: prop["type"] for name, prop in self.props.items()}
        self.assertEqual(
            types,
            {
                "Arn": "string",
                "BucketName": "string",
                "BucketEncryption": "object",
                "Tags": "array<object>",
                "Policy": "json|string",
                "Labels": "map<string>",
                "Port": "integer|string",
                "AccessControl": "string",
            },
        )

    def test_flags_docs_and_enums(self):
        self.assertEqual(self.props["BucketName"], {"type": "string", "required": True, "doc": "A name for the bucket."})
        self.assertEqual(self.props["Arn"], {"type": "string", "required": False, "doc": "", "readOnly": True})
        self.assertEqual(self.props["AccessControl"]["enum"], ["Private", "PublicRead"])
        self.assertEqual(self.props["Tags"]["doc"], "Tags.")
        self.assertEqual(self.props["BucketEncryption"]["doc"], "Specifies default encryption.")
        self.assertNotIn("defs", self.summary)
        self.assertNotIn("def", self.props["BucketEncryption"])

    def test_nested_definitions_one_level_down(self):
        summary = generate.summarize_type(BUCKET, nested=True)
        self.assertEqual(summary["props"]["BucketEncryption"]["def"], "BucketEncryption")
        self.assertEqual(summary["props"]["Tags"]["def"], "Tag")
        self.assertEqual(sorted(summary["defs"]), ["BucketEncryption", "Tag"])
        self.assertEqual(summary["defs"]["BucketEncryption"]["Rules"]["type"], "array<object>")
        self.assertTrue(summary["defs"]["BucketEncryption"]["Rules"]["required"])
        self.assertNotIn("Rule", summary["defs"])


class EndToEndTest(unittest.TestCase):
    def test_reads_a_package_tree_and_prefers_us_east_1(self):
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            schemas = root / "cfnlint" / "data" / "schemas"
            (schemas / "providers").mkdir(parents=True)
            (schemas / "resources").mkdir()
            (root / "cfnlint" / "version.py").write_text('__version__ = "9.9.9"\n')
            old = dict(BUCKET, description="Old schema.")
            (schemas / "resources" / "new.json").write_text(json.dumps(BUCKET))
            (schemas / "resources" / "old.json").write_text(json.dumps(old))
            (schemas / "resources" / "queue.json").write_text(json.dumps({"description": "A queue.", "properties": {}}))
            (schemas / "providers" / "af-south-1.json").write_text(
                json.dumps({"AWS::S3::Bucket": "old", "AWS::SQS::Queue": "queue"})
            )
            (schemas / "providers" / "us-east-1.json").write_text(json.dumps({"AWS::S3::Bucket": "new"}))
            output = root / "out.json"
            script = Path(__file__).with_name("generate.py")
            command = [sys.executable, "-B", str(script), str(root), "-o", str(output)]
            subprocess.run(command, check=True, capture_output=True)
            first = output.read_bytes()
            subprocess.run(command, check=True, capture_output=True)
            self.assertEqual(output.read_bytes(), first, "output is deterministic")
            data = json.loads(output.read_text("utf-8"))
            self.assertEqual(data["source"].split(" (")[0], "cfn-lint 9.9.9")
            self.assertTrue(data["licence"].startswith("MIT-0"))
            self.assertEqual(list(data["types"]), ["AWS::S3::Bucket", "AWS::SQS::Queue"])
            self.assertTrue(data["types"]["AWS::S3::Bucket"]["doc"].startswith("The AWS::S3::Bucket resource"))
            self.assertEqual(data["types"]["AWS::SQS::Queue"], {"doc": "A queue.", "props": {}})


class CheckedInFileTest(unittest.TestCase):
    def test_the_checked_in_file_has_the_documented_shape(self):
        data = json.loads(Path(__file__).with_name("cfn-resource-types.json").read_text("utf-8"))
        self.assertIn("cfn-lint 1.58.0", data["source"])
        types = data["types"]
        self.assertGreater(len(types), 1800)
        ingress = types["AWS::EC2::SecurityGroup"]["props"]["SecurityGroupIngress"]
        self.assertEqual(ingress["type"], "array<object>")
        for summary in types.values():
            self.assertIsInstance(summary["doc"], str)
            for prop in summary["props"].values():
                self.assertIsInstance(prop["type"], str)
                self.assertIsInstance(prop["required"], bool)
                self.assertLessEqual(len(prop["doc"]), generate.PROP_DOC_LIMIT)


if __name__ == "__main__":
    unittest.main()
