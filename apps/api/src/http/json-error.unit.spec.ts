import { locateJsonError } from './json-error';

describe('locateJsonError', () => {
  describe('when a body is not valid JSON', () => {
    it.each([
      ['{"hours": 2,}', 1, 12, 11, 'a comma before "}": remove the comma after the last field'],
      ['{\n  "hours": 2\n  "role": "volunteer"\n}', 3, 3, 17, 'expected "," or "}" after the field\'s value; found "\\""'],
      ["{'hours': 2}", 1, 2, 1, 'field names take double quotes, not single ones'],
      ['{"participationId":', 1, 20, 19, 'the body ends where a value should be: it looks cut short'],
      ['{"hours": tru}', 1, 11, 10, 'expected a value (a string in double quotes, a number, true, false, null, an object or an array); found "t"'],
      ['{"hours": 07}', 1, 11, 10, 'a number does not start with 0 (write 7, not 07)'],
      ['{"note": "a\nb"}', 1, 12, 11, 'a line break, tab or control character inside a string: write it escaped (\\n, \\t)'],
      ['{"note": "C:\\temp\\x"}', 1, 18, 17, '\\x is not an escape JSON knows: write a backslash as \\\\'],
      ['{"a": 1} {"b": 2}', 1, 10, 9, 'the JSON value ends before the body does; found "{": send one JSON value'],
      ['[1, 2,]', 1, 6, 5, 'a comma before "]": remove the comma after the last item'],
      ['{"note": "open', 1, 15, 14, 'a string is not closed: add its closing double quote'],
      ['{"note": "a\tb"}', 1, 12, 11, 'a line break, tab or control character inside a string: write it escaped (\\n, \\t)'],
      ['{"note": "\\u12"}', 1, 11, 10, '\\u must be followed by 4 hexadecimal digits'],
      ['{"hours": -}', 1, 11, 10, 'a number needs digits after its minus sign, decimal point or exponent, e.g. 2, 2.5, -1 or 1e3'],
      ['{"hours": 2.}', 1, 11, 10, 'a number needs digits after its minus sign, decimal point or exponent, e.g. 2, 2.5, -1 or 1e3'],
      ['{"hours": 2 // two\n}', 1, 13, 12, 'JSON has no comments: remove it'],
      ['["a", \'b\']', 1, 7, 6, 'JSON strings take double quotes, not single ones'],
      ['[1 2]', 1, 4, 3, 'expected "," or "]" after an item of the array; found "2"'],
      ['{"a": 1', 1, 8, 7, 'expected "," or "}" after the field\'s value; the body ends'],
    ])('finds where %j goes wrong: line %i, column %i', (text, line, column, offset, problem) => {
      expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
      expect(locateJsonError(text)).toEqual({ line, column, offset, problem });
    });
  });

  describe('when the text is JSON', () => {
    it('finds nothing wrong, a byte order mark and any nesting included', () => {
      for (const text of ['{"a": [1, -2.5e3, true, false, null, {"b": "\\u00e9\\n"}]}', '\ufeff{}', ' "x" ', '0']) {
        expect(locateJsonError(text)).toBeUndefined();
      }
    });
  });
});
