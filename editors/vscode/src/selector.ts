/** One entry of a document selector, as VS Code and the language client read it. */
export interface DocumentFilter {
  scheme: string;
  language: string;
}

/** The language of policies. */
export const POLICY_LANGUAGE = "ward";

/**
 * The languages VS Code gives to the inputs Ward judges: CloudFormation
 * templates in YAML or JSON, Terraform plans (`terraform show -json`) and
 * AWS Config items. Some `.json` files open as `jsonc` (JSON with
 * comments), so that is sent too. The server tells inputs from other files
 * by their content: a YAML or JSON file of another tool gets no diagnostics.
 */
export const INPUT_LANGUAGES: readonly string[] = ["yaml", "json", "jsonc"];

/**
 * The documents the language client sends to `ward lsp`.
 *
 * Policies are sent from disk and from unsaved, untitled editors. Inputs
 * are sent only when they are files, and only when `ward.judgeInputs` is on:
 * a YAML or JSON buffer from a diff view, a remote source or an untitled
 * editor is not a template of the workspace.
 */
export function documentSelector(judgeInputs: boolean): DocumentFilter[] {
  const policies: DocumentFilter[] = [
    { scheme: "file", language: POLICY_LANGUAGE },
    { scheme: "untitled", language: POLICY_LANGUAGE },
  ];
  if (!judgeInputs) {
    return policies;
  }
  return [...policies, ...INPUT_LANGUAGES.map((language) => ({ scheme: "file", language }))];
}

/**
 * Reads the `ward.judgeInputs` setting: anything but `false` (a missing or
 * mistyped value included) keeps the default, which is to judge inputs.
 */
export function judgeInputsSetting(value: unknown): boolean {
  return value !== false;
}
