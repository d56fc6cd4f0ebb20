import { randomUUID } from 'node:crypto';
import type { NewEvent } from './event-store';
import {
  checkMaxCount,
  matchesFilter,
  toJson,
  validateAppend,
} from './validate-append';

const ok: NewEvent = {
  id: randomUUID(),
  type: 'ParticipationRecorded',
  data: { hours: 2 },
  metadata: { actor: 'coordinator:jdoe' },
};

describe('validateAppend', () => {
  describe('when the append follows the port rules', () => {
    it('accepts it', () => {
      expect(() =>
        validateAppend(
          'student-1',
          [ok, { ...ok, id: randomUUID(), data: [1], metadata: undefined }],
          3n,
        ),
      ).not.toThrow();
    });
  });

  describe('when something is wrong', () => {
    it.each<[string, string, NewEvent[], unknown]>([
      ['an empty stream name', '', [ok], 'any'],
      ['a system stream', '$all', [ok], 'any'],
      ['a negative revision', 'student-1', [ok], -1n],
      ['an unknown expectation', 'student-1', [ok], 'latest'],
      ['no events', 'student-1', [], 'any'],
      ['an id that is not a UUID', 'student-1', [{ ...ok, id: '42' }], 'any'],
      [
        'the same id twice (any case)',
        'student-1',
        [ok, { ...ok, id: ok.id.toUpperCase() }],
        'any',
      ],
      ['a system event type', 'student-1', [{ ...ok, type: '$>' }], 'any'],
      ['an empty type', 'student-1', [{ ...ok, type: '' }], 'any'],
      ['scalar data', 'student-1', [{ ...ok, data: 'text' }], 'any'],
      ['null data', 'student-1', [{ ...ok, data: null }], 'any'],
      [
        'array metadata',
        'student-1',
        [{ ...ok, metadata: [] as unknown as NewEvent['metadata'] }],
        'any',
      ],
    ])('refuses %s with INVALID_EVENT', (_, stream, events, expected) => {
      expect(() => validateAppend(stream, events, expected as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_EVENT' }),
      );
    });
  });
});

describe('toJson', () => {
  describe('when the value cannot be JSON', () => {
    it('throws INVALID_EVENT naming what was being serialised', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expect(() => toJson({ n: 1n }, 'event 0 data')).toThrow(
        expect.objectContaining({
          code: 'INVALID_EVENT',
          message: expect.stringContaining('event 0 data'),
        }),
      );
      expect(() => toJson(cyclic, 'metadata')).toThrow(
        expect.objectContaining({ code: 'INVALID_EVENT' }),
      );
    });
  });
});

describe('checkMaxCount', () => {
  it('passes no limit and non-negative integers through and refuses the rest', () => {
    expect(checkMaxCount(undefined)).toBeUndefined();
    expect(checkMaxCount(0)).toBe(0);
    expect(() => checkMaxCount(-1)).toThrow(RangeError);
    expect(() => checkMaxCount(1.5)).toThrow(RangeError);
  });
});

describe('matchesFilter', () => {
  const e = { stream: 'student-7', type: 'BadgeEarned' };
  it.each([
    [undefined, true],
    [{}, true],
    [{ streamPrefixes: [], eventTypes: [] }, true],
    [{ streamPrefixes: ['program-', 'student-'] }, true],
    [{ streamPrefixes: ['Student-'] }, false],
    [{ eventTypes: ['BadgeEarned'] }, true],
    [{ eventTypes: ['Badge'] }, false],
    [{ streamPrefixes: ['student-'], eventTypes: ['LevelReached'] }, false],
  ])('with %j selects: %s', (filter, selected) => {
    expect(matchesFilter(e, filter)).toBe(selected);
  });
});
