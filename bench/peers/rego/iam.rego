# IAM-001: no IAM policy may allow every action on every resource.
package bench

import rego.v1

findings contains {"rule": "IAM-001", "resource": id} if {
	some id, policy in input.Resources
	policy.Type in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}
	document := object.get(props(policy), "PolicyDocument", {})
	some statement in as_list(object.get(document, "Statement", null))
	statement.Effect == "Allow"
	"*" in as_list(object.get(statement, "Action", null))
	"*" in as_list(object.get(statement, "Resource", null))
}
