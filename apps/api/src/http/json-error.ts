/** Where a JSON text first goes wrong, and what is wrong there. */
export interface JsonError {
  /** 1-based line and column (in UTF-16 units, as editors count them for most text). */
  line: number;
  column: number;
  /** 0-based offset from the start of the text. */
  offset: number;
  problem: string;
}

/**
 * Finds the first place `text` stops being JSON (RFC 8259), for a 400 that
 * says where: `JSON.parse` names no position for some errors, and the words
 * and positions it gives differ between Node versions. Only called once
 * parsing has failed, on a text whose nesting depth is already capped (it
 * recurses per level); `undefined` if the scan finds nothing wrong.
 *
 * @example
 * locateJsonError('{"hours": 2,}') // { line: 1, column: 12, offset: 11, problem: 'a comma before "}": remove the comma after the last field' }
 */
export function locateJsonError(text: string): JsonError | undefined {
  let i = 0;
  const fail: (problem: string, at?: number) => never = (problem, at = i) => {
    throw new JsonScanError(at, problem);
  };
  const found = (): string => (i >= text.length ? 'the body ends' : `found ${JSON.stringify(String.fromCodePoint(text.codePointAt(i) ?? 0))}`);
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail('a string is not closed: add its closing double quote');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('a line break, tab or control character inside a string: write it escaped (\\n, \\t)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('\\u must be followed by 4 hexadecimal digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`\\${e ?? ''} is not an escape JSON knows: write a backslash as \\\\`);
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('a number must be written as digits, e.g. 2 or 2.5 or -1');
    i += m[0].length;
    if (/[0-9]/.test(text[i] ?? '')) fail('a number does not start with 0 (write 7, not 07)', i - m[0].length);
    if (text[i] === '.' || text[i] === 'e' || text[i] === 'E') fail('a number needs digits after its decimal point or exponent');
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    if (c === "'") fail('JSON strings take double quotes, not single ones');
    if (c === undefined) fail('the body ends where a value should be: it looks cut short');
    fail(`expected a value (a string in double quotes, a number, true, false, null, an object or an array); ${found()}`);
  };
  const object = () => {
    i++;
    space();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (let comma = -1; ;) {
      space();
      if (text[i] === "'") fail('field names take double quotes, not single ones');
      if (text[i] === '}' && comma >= 0) fail('a comma before "}": remove the comma after the last field', comma);
      if (text[i] !== '"') fail(`expected a field name in double quotes; ${found()}`);
      string();
      space();
      if (text[i] !== ':') fail(`expected ":" after the field name; ${found()}`);
      i++;
      value();
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      if (text[i] !== ',') fail(`expected "," or "}" after the field's value; ${found()}`);
      comma = i++;
    }
  };
  const array = () => {
    i++;
    space();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (let comma = -1; ;) {
      space();
      if (text[i] === ']' && comma >= 0) fail('a comma before "]": remove the comma after the last item', comma);
      value();
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      if (text[i] !== ',') fail(`expected "," or "]" after an item of the array; ${found()}`);
      comma = i++;
    }
  };

  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value();
    space();
    if (i < text.length) fail(`the JSON value ends before the body does; ${found()}: send one JSON value`);
    return undefined;
  } catch (err) {
    if (!(err instanceof JsonScanError)) throw err;
    const offset = Math.min(err.offset, text.length);
    const before = text.slice(0, offset);
    const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
    const line = (before.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
    return { line, column: offset - lineStart + 1, offset, problem: err.problem };
  }
}

class JsonScanError extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}
