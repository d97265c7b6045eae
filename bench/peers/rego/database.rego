# RDS-001: RDS instances must encrypt their storage and stay off the
# internet; members of an Aurora cluster are skipped.
package bench

import rego.v1

standalone(db) if {
	db.Type == "AWS::RDS::DBInstance"
	object.get(props(db), "DBClusterIdentifier", null) == null
}

findings contains {"rule": "RDS-001", "resource": id} if {
	some id, db in input.Resources
	standalone(db)
	not is_true(object.get(props(db), "StorageEncrypted", null))
}

findings contains {"rule": "RDS-001", "resource": id} if {
	some id, db in input.Resources
	standalone(db)
	is_true(object.get(props(db), "PubliclyAccessible", null))
}
