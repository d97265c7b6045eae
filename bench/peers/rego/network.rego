# NET-001: security groups must not open SSH to the internet.
package bench

import rego.v1

from_internet(ingress) if is_public_cidr(ingress.CidrIp)

from_internet(ingress) if is_public_cidr(ingress.CidrIpv6)

covers_ssh(ingress) if ingress.IpProtocol == "-1"

covers_ssh(ingress) if ingress.IpProtocol == -1

covers_ssh(ingress) if to_num(ingress.FromPort) == -1

covers_ssh(ingress) if {
	to_num(ingress.FromPort) <= 22
	to_num(ingress.ToPort) >= 22
}

findings contains {"rule": "NET-001", "resource": id} if {
	some id, group in input.Resources
	group.Type == "AWS::EC2::SecurityGroup"
	some ingress in as_list(object.get(props(group), "SecurityGroupIngress", null))
	from_internet(ingress)
	covers_ssh(ingress)
}
