import { scan, significant } from "./scanner";

export interface RuleDeclaration {
  name: string;
  /** Offset of the `rule` keyword. */
  start: number;
  /** Offset just after the rule's closing brace, or the end of the text when it has none. */
  end: number;
  /** Offset of the rule's name. */
  nameStart: number;
}

/** Lists the top-level `rule NAME ...` declarations of a Ward document in source order. */
export function findRules(text: string): RuleDeclaration[] {
  const tokens = significant(scan(text));
  const rules: RuleDeclaration[] = [];
  let depth = 0;
  let open: RuleDeclaration | undefined;
  let openDepth = 0;

  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token.kind === "punctuation" && token.text === "{") {
      depth += 1;
    } else if (token.kind === "punctuation" && token.text === "}") {
      depth = Math.max(0, depth - 1);
      if (open && depth === openDepth && open.end === -1) {
        open.end = token.end;
        open = undefined;
      }
    } else if (depth === 0 && token.kind === "identifier" && token.text === "rule") {
      const name = tokens[index + 1];
      if (name && name.kind === "identifier") {
        if (open && open.end === -1) {
          // The previous rule never got a body; it ends where this one starts.
          open.end = token.start;
        }
        open = { name: name.text, start: token.start, end: -1, nameStart: name.start };
        openDepth = 0;
        rules.push(open);
        index += 1;
      }
    }
  }
  for (const rule of rules) {
    if (rule.end === -1) {
      rule.end = text.length;
    }
  }
  return rules;
}

/**
 * The rule a cursor at `offset` belongs to: the rule whose declaration
 * contains it, or else the nearest rule declared above it.
 */
export function ruleAt(text: string, offset: number): RuleDeclaration | undefined {
  const rules = findRules(text);
  const containing = rules.find((rule) => rule.start <= offset && offset <= rule.end);
  if (containing) {
    return containing;
  }
  let above: RuleDeclaration | undefined;
  for (const rule of rules) {
    if (rule.start <= offset) {
      above = rule;
    }
  }
  return above;
}
