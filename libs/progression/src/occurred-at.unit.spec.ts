import { calendarProblem, readOccurredAt } from './occurred-at';

describe('readOccurredAt', () => {
  describe('when the value is a date-time with a zone', () => {
    it('reads it as the UTC instant, whichever way a date alone is taken', () => {
      for (const dateOnly of ['refuse', 'start-of-day'] as const) {
        expect(readOccurredAt('2026-10-14T16:00:00+03:00', { dateOnly })).toEqual({ iso: '2026-10-14T13:00:00.000Z' });
        expect(readOccurredAt('2026-10-14T16:00Z', { dateOnly })).toEqual({ iso: '2026-10-14T16:00:00.000Z' });
        expect(readOccurredAt('2026-10-14T16:00:00.250-0130', { dateOnly })).toEqual({ iso: '2026-10-14T17:30:00.250Z' });
      }
    });
  });

  describe('when the value is a date alone', () => {
    it('is 00:00 UTC that day where dates alone are taken, and otherwise asks for the time', () => {
      expect(readOccurredAt('2026-10-01', { dateOnly: 'start-of-day' })).toEqual({ iso: '2026-10-01T00:00:00.000Z' });
      expect(readOccurredAt('2026-10-01', { dateOnly: 'refuse', field: 'when' })).toEqual({
        problem:
          'when 2026-10-01 is a date without a time of day: send when it took place with Z or an offset, e.g. 2026-10-01T16:00:00Z or 2026-10-01T16:00:00+03:00 (2026-10-01T00:00:00Z if only the day is known)',
      });
    });
  });

  describe('when the value is not in the calendar', () => {
    it('names the month, day, time or offset that does not exist, whichever way a date alone is taken', () => {
      for (const dateOnly of ['refuse', 'start-of-day'] as const) {
        expect(readOccurredAt('2026-14-10T10:00:00Z', { dateOnly })).toEqual({
          problem: 'occurredAt 2026-14-10T10:00:00Z is not a date: there is no month 14; write the date as YYYY-MM-DD, the month from 01 to 12',
        });
        expect(readOccurredAt('2027-02-29T10:00:00Z', { dateOnly })).toEqual({
          problem: 'occurredAt 2027-02-29T10:00:00Z is not a date: 2027-02 has no day 29 (it has 28 days)',
        });
        expect(readOccurredAt('2026-10-14T16:60Z', { dateOnly })).toEqual({
          problem: 'occurredAt 2026-10-14T16:60Z is not a time of day: write the time from 00:00 to 23:59:59',
        });
      }
    });
  });

  describe('when the value is no date-time at all, or has a space for the T where that is not taken', () => {
    it('says how to write one', () => {
      expect(readOccurredAt('2026-W42', { dateOnly: 'refuse' })).toEqual({
        problem: 'occurredAt must be an ISO-8601 date-time, e.g. 2026-10-14T16:00:00Z',
      });
      expect(readOccurredAt('2026-10-14 16:00Z', { dateOnly: 'refuse' })).toEqual({
        problem: 'occurredAt must be an ISO-8601 date-time, e.g. 2026-10-14T16:00:00Z',
      });
      expect(readOccurredAt('2026-10-14 16:00Z', { dateOnly: 'refuse', spaceSeparator: true })).toEqual({ iso: '2026-10-14T16:00:00.000Z' });
      expect(readOccurredAt('14/10/2026', { dateOnly: 'start-of-day' })).toEqual({
        problem: 'occurredAt "14/10/2026" is not a date; write YYYY-MM-DD, or an ISO-8601 date-time with Z or an offset, e.g. 2026-10-14T16:00:00Z',
      });
    });
  });
});

describe('calendarProblem', () => {
  it('names what the calendar lacks in a date or date-time, under the field it is given', () => {
    expect(calendarProblem('2026-02-30', 'asOf')).toBe('asOf 2026-02-30 is not a date: 2026-02 has no day 30 (it has 28 days)');
    expect(calendarProblem('2028-02-29', 'asOf')).toBeUndefined();
    expect(calendarProblem('2026-13-01T10:00:00Z', 'at')).toBe(
      'at 2026-13-01T10:00:00Z is not a date: there is no month 13; write the date as YYYY-MM-DD, the month from 01 to 12',
    );
    expect(calendarProblem('2026-11-24T24:00:00Z', 'asOf')).toBe(
      'asOf 2026-11-24T24:00:00Z is not a time of day: write the time from 00:00 to 23:59:59',
    );
    expect(calendarProblem('2026-11-24T10:00:00+25:00', 'asOf')).toBe(
      'asOf 2026-11-24T10:00:00+25:00 has an impossible time zone offset +25:00: an offset is from -23:59 to +23:59',
    );
  });

  it('has nothing to say of a value in the calendar, or not written as a date at all', () => {
    for (const value of ['2026-11-24', '2026-11-24T10:00:00Z', '2026-11-24T10:00', 'last-tuesday', '2026-W48', '20261124']) {
      expect(calendarProblem(value, 'asOf')).toBeUndefined();
    }
  });
});
