/**
 * A small scanner for Ward source that the extension uses where it must not
 * wait for the language server: folding and finding rule declarations.
 *
 * It only needs to tell code from comments and strings, and follows the
 * lexer of the compiler: a string ends at the first unescaped quote or at the
 * end of its line, even inside an interpolation; a raw string runs to the
 * next quote on any line; three or more slashes start a doc comment.
 */

export type TokenKind =
  | "identifier"
  | "number"
  | "string"
  | "comment"
  | "doc-comment"
  | "punctuation"
  | "whitespace"
  | "newline";

export interface Token {
  kind: TokenKind;
  /** Offset of the first character, in UTF-16 code units like the editor. */
  start: number;
  /** Offset just after the last character. */
  end: number;
  text: string;
}

const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/** Splits `text` into tokens; every character belongs to exactly one token. */
export function scan(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  const push = (kind: TokenKind, start: number, end: number) => {
    tokens.push({ kind, start, end, text: text.slice(start, end) });
  };

  while (position < text.length) {
    const start = position;
    const character = text[position];

    if (character === "\n") {
      position += 1;
      push("newline", start, position);
    } else if (character === " " || character === "\t" || character === "\r") {
      while (position < text.length && /[ \t\r]/.test(text[position])) {
        position += 1;
      }
      push("whitespace", start, position);
    } else if (text.startsWith("//", position)) {
      position = endOfLine(text, position);
      const isDoc = text.startsWith("///", start);
      push(isDoc ? "doc-comment" : "comment", start, position);
    } else if (character === "r" && text[position + 1] === '"' && !isIdentifierBefore(text, position)) {
      position = scanRawString(text, position + 2);
      push("string", start, position);
    } else if (character === '"') {
      position = scanString(text, position + 1);
      push("string", start, position);
    } else if (IDENTIFIER_START.test(character)) {
      while (position < text.length && IDENTIFIER_PART.test(text[position])) {
        position += 1;
      }
      push("identifier", start, position);
    } else if (DIGIT.test(character)) {
      while (position < text.length && /[0-9_.eE]/.test(text[position])) {
        position += 1;
      }
      push("number", start, position);
    } else {
      position += 1;
      push("punctuation", start, position);
    }
  }
  return tokens;
}

function endOfLine(text: string, position: number): number {
  const newline = text.indexOf("\n", position);
  return newline === -1 ? text.length : newline;
}

function isIdentifierBefore(text: string, position: number): boolean {
  return position > 0 && IDENTIFIER_PART.test(text[position - 1]);
}

/**
 * Returns the offset after the closing quote of a raw string whose body
 * starts at `position`. Raw strings may span lines; one that is never closed
 * ends at the end of its first line, so that typing `r"` does not swallow
 * the rest of the file.
 */
function scanRawString(text: string, position: number): number {
  const close = text.indexOf('"', position);
  return close === -1 ? endOfLine(text, position) : close + 1;
}

/** Returns the offset after the closing quote of a string whose body starts at `position`. */
function scanString(text: string, position: number): number {
  while (position < text.length && text[position] !== "\n") {
    const character = text[position];
    if (character === "\\") {
      position += 2;
    } else if (character === '"') {
      return position + 1;
    } else if (character === "{") {
      position = scanInterpolation(text, position + 1);
    } else {
      position += 1;
    }
  }
  return Math.min(position, text.length);
}

/**
 * Skips an interpolation body up to and including its closing brace. A quote
 * or the end of the line stops it without being consumed: the string ends
 * there, as in the lexer.
 */
function scanInterpolation(text: string, position: number): number {
  let depth = 1;
  while (position < text.length && text[position] !== "\n" && text[position] !== '"') {
    const character = text[position];
    if (character === "{") {
      depth += 1;
      position += 1;
    } else if (character === "}") {
      depth -= 1;
      position += 1;
      if (depth === 0) {
        return position;
      }
    } else {
      position += 1;
    }
  }
  return position;
}

/** The tokens that carry meaning: no whitespace, newlines or comments. */
export function significant(tokens: Token[]): Token[] {
  return tokens.filter(
    (token) =>
      token.kind !== "whitespace" &&
      token.kind !== "newline" &&
      token.kind !== "comment" &&
      token.kind !== "doc-comment",
  );
}
