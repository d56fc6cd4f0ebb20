import { getLocation, parse, ParseErrorCode, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** Where a JSON text first goes wrong, and what is wrong there. */
export interface JsonError {
  /** 1-based line and column (in UTF-16 units, as editors count them for most text). */
  line: number;
  column: number;
  /** 0-based offset from the start of the text. */
  offset: number;
  problem: string;
}

/** Strict JSON (RFC 8259): jsonc-parser's extensions off. */
const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/**
 * Finds the first place `text` stops being JSON, for a 400 that says where:
 * `JSON.parse` names no position for some errors, and the words and
 * positions it gives differ between Node versions. jsonc-parser (VS Code's
 * JSON parser) finds the error and its offset; this turns its code into
 * what to fix, and points at the cause where that is elsewhere (the comma
 * before a `}`, the bad escape inside a string). Only called once parsing
 * has failed, on a text whose nesting depth is already capped (the parser
 * recurses per level); `undefined` if it finds nothing wrong.
 *
 * @example
 * locateJsonError('{"hours": 2,}') // { line: 1, column: 12, offset: 11, problem: 'a comma before "}": remove the comma after the last field' }
 */
export function locateJsonError(text: string): JsonError | undefined {
  // A byte order mark is allowed before the value (as JSON.parse does not, but Fastify does).
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const errors: ParseError[] = [];
  parse(text.slice(bom), errors, STRICT);
  const first = errors[0];
  if (!first) return undefined;
  const { offset, problem } = explain(text, first.error, first.offset + bom, first.length);
  const before = text.slice(0, offset);
  const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
  const line = (before.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
  return { line, column: offset - lineStart + 1, offset, problem };
}

/** What is wrong at the error jsonc-parser found at `at` (a token `length` long), and where its cause is. */
function explain(text: string, code: ParseErrorCode, at: number, length: number): { offset: number; problem: string } {
  const found = (i: number) => (i >= text.length ? 'the body ends' : `found ${JSON.stringify(String.fromCodePoint(text.codePointAt(i) ?? 0))}`);
  const c = text[at];
  const inKey = () => getLocation(text, at).isAtPropertyKey;
  const inArray = () => typeof getLocation(text, at).path.at(-1) === 'number';
  switch (code) {
    case ParseErrorCode.PropertyNameExpected:
    case ParseErrorCode.ValueExpected: {
      const comma = lastNonSpace(text, at);
      if ((c === '}' || c === ']') && text[comma] === ',') {
        return { offset: comma, problem: c === '}' ? 'a comma before "}": remove the comma after the last field' : 'a comma before "]": remove the comma after the last item' };
      }
      if (code === ParseErrorCode.PropertyNameExpected) return { offset: at, problem: `expected a field name in double quotes; ${found(at)}` };
      if (at >= text.length) return { offset: at, problem: 'the body ends where a value should be: it looks cut short' };
      return { offset: at, problem: `expected a value (a string in double quotes, a number, true, false, null, an object or an array); ${found(at)}` };
    }
    case ParseErrorCode.InvalidSymbol:
      if (c === "'") return { offset: at, problem: inKey() ? 'field names take double quotes, not single ones' : 'JSON strings take double quotes, not single ones' };
      if (c === '-') return explain(text, ParseErrorCode.InvalidNumberFormat, at, length);
      return explain(text, ParseErrorCode.ValueExpected, at, length);
    case ParseErrorCode.CommaExpected:
    case ParseErrorCode.CloseBraceExpected:
    case ParseErrorCode.CloseBracketExpected:
      // `07` reads as the number 0 with a 7 after it.
      if (/\d/.test(c ?? '') && /(?:^|[^\d.eE+-])-?0$/.test(text.slice(0, at))) return { offset: at - 1, problem: 'a number does not start with 0 (write 7, not 07)' };
      return { offset: at, problem: inArray() ? `expected "," or "]" after an item of the array; ${found(at)}` : `expected "," or "}" after the field's value; ${found(at)}` };
    case ParseErrorCode.EndOfFileExpected:
      return { offset: at, problem: `the JSON value ends before the body does; ${found(at)}: send one JSON value` };
    case ParseErrorCode.UnexpectedEndOfString: {
      // The string token runs up to a control character or to the end of the body.
      const end = at + length;
      if (end < text.length) return { offset: end, problem: 'a line break, tab or control character inside a string: write it escaped (\\n, \\t)' };
      return { offset: text.length, problem: 'a string is not closed: add its closing double quote' };
    }
    case ParseErrorCode.InvalidCharacter: {
      let control = at;
      while (control < at + length && text.charCodeAt(control) >= 0x20) control++;
      return { offset: control, problem: 'a line break, tab or control character inside a string: write it escaped (\\n, \\t)' };
    }
    case ParseErrorCode.InvalidEscapeCharacter:
    case ParseErrorCode.InvalidUnicode: {
      // The error covers the whole string: find the escape in it.
      const escapes = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}|(u)|(.?))/gs;
      escapes.lastIndex = at + 1;
      for (let m = escapes.exec(text); m && m.index < at + length; m = escapes.exec(text)) {
        if (m[1] !== undefined) return { offset: m.index, problem: '\\u must be followed by 4 hexadecimal digits' };
        if (m[2] !== undefined) return { offset: m.index, problem: `\\${m[2]} is not an escape JSON knows: write a backslash as \\\\` };
      }
      return { offset: at, problem: 'a string holds an escape JSON does not know: write a backslash as \\\\' };
    }
    case ParseErrorCode.InvalidNumberFormat:
    case ParseErrorCode.UnexpectedEndOfNumber:
      return { offset: at, problem: 'a number needs digits after its minus sign, decimal point or exponent, e.g. 2, 2.5, -1 or 1e3' };
    case ParseErrorCode.InvalidCommentToken:
    case ParseErrorCode.UnexpectedEndOfComment:
      return { offset: at, problem: 'JSON has no comments: remove it' };
    default:
      return { offset: at, problem: `${printParseErrorCode(code)}; ${found(at)}` };
  }
}

/** The offset of the last character before `at` that is not JSON whitespace (-1 if none). */
function lastNonSpace(text: string, at: number): number {
  let i = at - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i--;
  return i;
}
