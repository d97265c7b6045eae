# S3-001: S3 buckets must encrypt objects at rest by default.
package bench

import rego.v1

encryption_rules(bucket) := as_list(object.get(
	object.get(props(bucket), "BucketEncryption", {}),
	"ServerSideEncryptionConfiguration",
	null,
))

known_algorithm(rule) if {
	rule.ServerSideEncryptionByDefault.SSEAlgorithm in {"AES256", "aws:kms", "aws:kms:dsse"}
}

findings contains {"rule": "S3-001", "resource": id} if {
	some id, bucket in input.Resources
	bucket.Type == "AWS::S3::Bucket"
	count(encryption_rules(bucket)) == 0
}

findings contains {"rule": "S3-001", "resource": id} if {
	some id, bucket in input.Resources
	bucket.Type == "AWS::S3::Bucket"
	some rule in encryption_rules(bucket)
	not known_algorithm(rule)
}
