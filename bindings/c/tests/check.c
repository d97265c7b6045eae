/* A C host of Ward: compiles the standard library, judges the paths given
 * on the command line and prints the JSON report, as `ward check --format
 * json PATHS` does; then judges bytes that do not parse and shows that the
 * failure is an input error of the report, not of the call. Exits with
 * the exit code `ward check` would give. */
#include <stdio.h>
#include <string.h>

#include "ward.h"

int main(int argc, char **argv) {
  WardPolicy *policy = NULL;
  char *error = NULL;
  WardStatus status = ward_policy_from_stdlib(&policy, &error);
  if (status != WARD_STATUS_OK) {
    fprintf(stderr, "policy: %d %s\n", (int)status, error ? error : "");
    ward_string_free(error);
    return 3;
  }

  WardReport *report = NULL;
  status = ward_policy_check(policy, (const char *const *)(argv + 1),
                             (size_t)(argc - 1), &report, &error);
  if (status != WARD_STATUS_OK) {
    fprintf(stderr, "check: %d %s\n", (int)status, error ? error : "");
    ward_string_free(error);
    ward_policy_free(policy);
    return 3;
  }
  char *json = ward_report_render(report, WARD_FORMAT_JSON);
  fputs(json, stdout);
  ward_string_free(json);
  int code = ward_report_exit_code(report);
  ward_report_free(report);

  /* Bad bytes: a report with an input error, never a crash. */
  const char broken[] = "Resources: [unclosed";
  WardReport *bad = NULL;
  status = ward_policy_check_bytes(policy, "broken.yaml", (const uint8_t *)broken,
                                   strlen(broken), &bad, &error);
  if (status != WARD_STATUS_OK || ward_report_exit_code(bad) != 2) {
    fprintf(stderr, "broken input: status %d, exit code %d\n", (int)status,
            ward_report_exit_code(bad));
    return 3;
  }
  ward_report_free(bad);

  /* A wrong parameter is a typed error. */
  status = ward_policy_set_params(policy, "{\"no_such_parameter\": 1}", &error);
  if (status != WARD_STATUS_PARAMS) {
    fprintf(stderr, "unknown parameter: status %d\n", (int)status);
    return 3;
  }
  ward_string_free(error);

  /* Null arguments are refused, not dereferenced. */
  if (ward_policy_check(NULL, NULL, 0, &report, NULL) != WARD_STATUS_INVALID_ARGUMENT) {
    fprintf(stderr, "a null policy was not refused\n");
    return 3;
  }
  ward_policy_free(policy);
  return code;
}
