import type { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1 } from "aws-cdk-lib";
import type { Threshold } from "@ward-policy/ward";

export interface WardValidatorOptions {
  /** `.ward` files or folders; the standard library when absent. */
  policies?: string[];
  /** The standard library beside `policies`. */
  stdlib?: boolean;
  /** Policy parameters, by name. */
  params?: Record<string, unknown>;
  /** As `ward check --fail-on`; default `low`. */
  failOn?: Threshold;
  /** As `ward check --fail-on-unknown`; default `never`. */
  failOnUnknown?: Threshold;
}

export declare class WardValidator implements IPolicyValidationPluginBeta1 {
  constructor(options?: WardValidatorOptions);
  readonly name: string;
  readonly version: string;
  readonly ruleIds: string[];
  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1;
}
