# SEC-010: every secret is rotated by a schedule that refers to it, at most
# 90 days apart.
package bench

import rego.v1

# Rotation schedules by the logical ids they refer to with Ref or GetAtt.
schedules_of[target] contains schedule_id if {
	some schedule_id, schedule in input.Resources
	schedule.Type == "AWS::SecretsManager::RotationSchedule"
	walk(schedule, [_, value])
	target := reference(value)
}

reference(value) := value.Ref if is_string(value.Ref)

reference(value) := value["Fn::GetAtt"][0] if is_array(value["Fn::GetAtt"])

findings contains {"rule": "SEC-010", "resource": id} if {
	some id, secret in input.Resources
	secret.Type == "AWS::SecretsManager::Secret"
	not schedules_of[id]
}

findings contains {"rule": "SEC-010", "resource": id} if {
	some id, secret in input.Resources
	secret.Type == "AWS::SecretsManager::Secret"
	some schedule_id in schedules_of[id]
	days := to_num(input.Resources[schedule_id].Properties.RotationRules.AutomaticallyAfterDays)
	days > 90
}
