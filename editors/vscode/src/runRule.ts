/** The server command that evaluates one rule on the sample input of its document. */
export const RUN_RULE_COMMAND = "ward.runRule";

/** Arguments of `workspace/executeCommand` for `ward.runRule`: the document URI, then the rule name. */
export function runRuleArguments(documentUri: string, ruleName: string): [string, string] {
  return [documentUri, ruleName];
}

/**
 * Renders what the server returned for display in an output channel. The
 * server answers with text; anything else is shown as formatted JSON so that
 * nothing is lost when the two disagree.
 */
export function formatRunRuleResult(result: unknown): string {
  if (result === null || result === undefined) {
    return "(the server returned no output)";
  }
  if (typeof result === "string") {
    return result;
  }
  if (typeof result === "object" && result !== null && typeof (result as { text?: unknown }).text === "string") {
    return (result as { text: string }).text;
  }
  return JSON.stringify(result, null, 2);
}
