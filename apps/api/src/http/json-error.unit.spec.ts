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
