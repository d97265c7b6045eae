import { scan, Token } from "./scanner";

export type FoldingKind = "comment" | "region";

export interface Fold {
  /** Zero-based first line. */
  start: number;
  /** Zero-based last line, which stays visible when folded if it holds the closing brace. */
  end: number;
  kind?: FoldingKind;
}

const REGION_START = /^\/\/\s*#?region\b/;
const REGION_END = /^\/\/\s*#?endregion\b/;

/**
 * Folding ranges for a Ward document: blocks between matching `{}` and `[]`
 * that span lines, runs of two or more line comments, and `// region` /
 * `// endregion` markers. Braces inside strings and comments do not count.
 */
export function foldingRanges(text: string): Fold[] {
  const folds: Fold[] = [];
  const open: { character: string; line: number }[] = [];
  const regions: number[] = [];
  let line = 0;
  let commentRun: { start: number; end: number; doc: boolean } | undefined;
  let lineHasCode = false;

  const closeCommentRun = () => {
    if (commentRun && commentRun.end > commentRun.start) {
      folds.push({ start: commentRun.start, end: commentRun.end, kind: "comment" });
    }
    commentRun = undefined;
  };

  for (const token of scan(text)) {
    switch (token.kind) {
      case "newline":
        line += 1;
        lineHasCode = false;
        break;
      case "whitespace":
        break;
      case "comment":
      case "doc-comment":
        if (!lineHasCode && handleRegionMarker(token, line, regions, folds)) {
          closeCommentRun();
          break;
        }
        if (lineHasCode) {
          break;
        }
        if (commentRun && commentRun.end === line - 1 && commentRun.doc === (token.kind === "doc-comment")) {
          commentRun.end = line;
        } else {
          closeCommentRun();
          commentRun = { start: line, end: line, doc: token.kind === "doc-comment" };
        }
        break;
      default:
        lineHasCode = true;
        closeCommentRun();
        if (token.kind !== "punctuation") {
          // Multi-line strings cannot happen (the scanner stops them at a newline).
          break;
        }
        if (token.text === "{" || token.text === "[") {
          open.push({ character: token.text, line });
        } else if (token.text === "}" || token.text === "]") {
          const expected = token.text === "}" ? "{" : "[";
          // Recover from a stray closer by unwinding to its partner.
          const partner = findLastIndex(open, (entry) => entry.character === expected);
          if (partner === -1) {
            break;
          }
          const startLine = open[partner].line;
          open.length = partner;
          // Keep the closing line visible, as VS Code does for brace languages.
          if (line - 1 > startLine) {
            folds.push({ start: startLine, end: line - 1 });
          }
        }
        break;
    }
  }
  closeCommentRun();
  return folds.sort((left, right) => left.start - right.start || right.end - left.end);
}

function handleRegionMarker(token: Token, line: number, regions: number[], folds: Fold[]): boolean {
  if (REGION_START.test(token.text)) {
    regions.push(line);
    return true;
  }
  if (REGION_END.test(token.text)) {
    const start = regions.pop();
    if (start !== undefined && line > start) {
      folds.push({ start, end: line, kind: "region" });
    }
    return true;
  }
  return false;
}

function findLastIndex<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index -= 1) {
    if (predicate(items[index])) {
      return index;
    }
  }
  return -1;
}
