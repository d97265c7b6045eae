# KMS-001: customer managed symmetric KMS keys must rotate their key
# material; other key specs are skipped.
package bench

import rego.v1

symmetric(key) if object.get(props(key), "KeySpec", null) == null

symmetric(key) if props(key).KeySpec == "SYMMETRIC_DEFAULT"

findings contains {"rule": "KMS-001", "resource": id} if {
	some id, key in input.Resources
	key.Type == "AWS::KMS::Key"
	symmetric(key)
	not is_true(object.get(props(key), "EnableKeyRotation", null))
}
