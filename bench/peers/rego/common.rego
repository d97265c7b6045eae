# Helpers shared by the six rules: the benchmark's port of
# examples/policies/common.ward to Rego.
package bench

import rego.v1

props(resource) := object.get(resource, "Properties", {})

# null or absent -> [], a list as it is, anything else -> [x].
as_list(x) := [] if x == null

as_list(x) := x if is_array(x)

as_list(x) := [x] if {
	x != null
	not is_array(x)
}

is_true(x) if x == true

is_true(x) if {
	is_string(x)
	lower(x) == "true"
}

to_num(x) := x if is_number(x)

to_num(x) := to_number(x) if {
	is_string(x)
	regex.match(`^-?[0-9]+(\.[0-9]+)?$`, x)
}

is_public_cidr(cidr) if cidr in {"0.0.0.0/0", "::/0"}
