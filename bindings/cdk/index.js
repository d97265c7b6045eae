"use strict";
// The CDK calls validate() after synthesis with the templates it wrote;
// Ward judges them and each rule's findings become one violation.
const { Policy } = require("@ward-policy/ward");
const { version } = require("./package.json");

class WardValidator {
  /**
   * @param {object} [options]
   * @param {string[]} [options.policies] `.ward` files or folders; the standard library when absent
   * @param {boolean} [options.stdlib] the standard library beside `policies`
   * @param {Record<string, unknown>} [options.params] policy parameters
   * @param {string} [options.failOn] the threshold of `ward check --fail-on`, default `low`
   * @param {string} [options.failOnUnknown] as `--fail-on-unknown`, default `never`
   */
  constructor(options = {}) {
    this.name = "ward";
    this.version = version;
    this.options = options;
    this.policy = options.policies
      ? Policy.fromSources(options.policies, { stdlib: Boolean(options.stdlib) })
      : Policy.fromStdlib();
    if (options.params) this.policy.setParams(options.params);
    this.ruleIds = this.policy.rules().map((rule) => rule.id);
  }

  validate(context) {
    const report = this.policy.check(context.templatePaths);
    const exitCode = report.exitCode({
      failOn: this.options.failOn ?? "low",
      failOnUnknown: this.options.failOnUnknown ?? "never",
    });
    const byRule = new Map();
    for (const finding of report.findings) {
      if (!byRule.has(finding.rule)) {
        byRule.set(finding.rule, {
          ruleName: finding.rule,
          description: finding.message,
          severity: finding.severity,
          ruleMetadata: { outcome: finding.outcome },
          violatingResources: [],
        });
      }
      byRule.get(finding.rule).violatingResources.push({
        resourceLogicalId: finding.resource,
        templatePath: finding.file,
        locations: [`${finding.path} (line ${finding.line}, column ${finding.column})`],
      });
    }
    return {
      success: exitCode === 0,
      violations: [...byRule.values()],
      pluginVersion: version,
      metadata: { exitCode: String(exitCode) },
    };
  }
}

module.exports = { WardValidator };
