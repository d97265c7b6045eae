/** A threshold of `ward check --fail-on` and `--fail-on-unknown`. */
export type Threshold =
  | "info" | "low" | "medium" | "high" | "critical"
  | "advisory" | "soft-mandatory" | "hard-mandatory" | "never";

export type Severity = "info" | "low" | "medium" | "high" | "critical";

/** The `code` of an error thrown by Ward. */
export type ErrorCode = "POLICY" | "MODULE" | "PARAMS" | "USAGE" | "INTERNAL";

export interface WardError extends Error {
  code: ErrorCode;
}

export interface SourceOptions {
  /** The standard library's rules beside the given ones (`--stdlib`). */
  stdlib?: boolean;
}

/** What `ward check`'s flags say besides the policies. */
export interface CheckOptions {
  exclude?: string[];
  baseline?: string;
  parameters?: string;
  verbose?: boolean;
  maxInputSize?: number;
  timeout?: number;
  maxValues?: number;
  strict?: boolean;
  /** Keep passes and skips (as `ward check` does for JUnit). */
  keepPasses?: boolean;
}

export interface ExitCodeOptions {
  /** Default `low`. */
  failOn?: Threshold;
  /** Default `never`. */
  failOnUnknown?: Threshold;
}

export interface Finding {
  rule: string;
  severity: Severity;
  outcome: "fail" | "unknown";
  resource: string;
  resourceType: string;
  path: string;
  message: string;
  file: string;
  line: number;
  column: number;
}

export interface Rule {
  id: string;
  name: string;
  package: string;
  severity: Severity;
  title: string;
  resourceTypes: string[];
}

/** Compiled policies, ready to judge inputs. */
export declare class Policy {
  private constructor();
  /** The standard library, as `ward check` runs it without `--policy`. */
  static fromStdlib(): Policy;
  /** The `.ward` files under `paths`, with the standard library when `options.stdlib`. */
  static fromSources(paths: string[], options?: SourceOptions): Policy;
  /** A module built by `ward build`. */
  static fromModule(wasm: Buffer): Policy;
  rules(): Rule[];
  /** Sets parameters by name; when one does not fit, none is set. */
  setParams(params: Record<string, unknown>): void;
  /** Judges files and folders as `ward check PATHS` does. */
  check(paths: string[], options?: CheckOptions): Report;
  /** Judges one input held in memory, named `name` in the report. */
  checkBytes(name: string, bytes: Buffer): Report;
}

/** A run's report. */
export declare class Report {
  private constructor();
  readonly findings: Finding[];
  readonly inputErrorCount: number;
  readonly suppressedCount: number;
  toJson(): string;
  toSarif(): string;
  toJunit(): string;
  toHuman(): string;
  /** The exit code `ward check` would end with (0, 1 or 2). */
  exitCode(options?: ExitCodeOptions): number;
}
