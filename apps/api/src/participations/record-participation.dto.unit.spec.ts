import 'reflect-metadata';
import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { validationPipe } from '../http/validation';
import { isWellFormedParticipation, RecordParticipationDto } from './record-participation.dto';

const body = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  participationId: '3f0c6a52-2d8e-4c1e-9a51-2b8f1f0c9d11',
  studentId: '20231234',
  activityId: 'robotics-club',
  occurredAt: '2026-10-14T16:00:00Z',
  role: 'volunteer',
  hours: 3,
  ...overrides,
});

/** Bodies on and around every rule's edge. */
const variants: Record<string, unknown>[] = [
  body(),
  body({ role: undefined, hours: undefined }),
  body({ evidence: 'https://example.org/photos/42' }),
  body({ evidence: 'x'.repeat(2000) }),
  body({ evidence: 'x'.repeat(2001) }),
  body({ evidence: 'line\u0007bell' }),
  body({ evidence: '\ud83c\udf89 party' }),
  body({ evidence: 'lone \ud83c' }),
  body({ evidence: 42 }),
  body({ evidence: null }),
  body({ participationId: '3F0C6A52-2D8E-4C1E-9A51-2B8F1F0C9D11' }),
  body({ participationId: '3f0c6a52-2d8e-4c1e-9a51-2b8f1f0c9d1' }),
  body({ participationId: 'not-a-uuid' }),
  body({ participationId: 42 }),
  body({ studentId: '' }),
  body({ studentId: '-leading-dash' }),
  body({ studentId: 'a'.repeat(64) }),
  body({ studentId: 'a'.repeat(65) }),
  body({ studentId: 'with space' }),
  body({ studentId: 20231234 }),
  body({ activityId: 'robotics club' }),
  body({ activityId: null }),
  body({ occurredAt: '2026-10-14' }),
  body({ occurredAt: '2026-10-14 16:00:00Z' }),
  body({ occurredAt: '2026-02-30T16:00:00Z' }),
  body({ occurredAt: '2026-10-14T18:00:00+02:00' }),
  body({ occurredAt: '2026-10-14T16:00:00' }),
  body({ occurredAt: '2026-10-14T16:00' }),
  body({ occurredAt: '2026-10-14T16:00:00.123' }),
  body({ occurredAt: '2026-10-14T1600Z' }),
  body({ occurredAt: '2026-10-14T16:00:00.123Z' }),
  body({ occurredAt: 1760457600000 }),
  body({ occurredAt: '2099-01-01T00:00:00Z' }),
  body({ occurredAt: '1900-10-14T16:00:00Z' }),
  body({ occurredAt: '2000-01-01T00:00:00Z' }),
  body({ occurredAt: new Date(Date.now() + 10 * 60_000).toISOString() }),
  body({ role: 'leader' }),
  body({ role: 'Leader' }),
  body({ role: null }),
  body({ hours: 0 }),
  body({ hours: 1000 }),
  body({ hours: 1001 }),
  body({ hours: -1 }),
  body({ hours: -0 }),
  body({ hours: 2.5 }),
  body({ hours: 2.125 }),
  body({ hours: 1e-7 }),
  body({ hours: '3' }),
  body({ hours: null }),
  body({ extra: true }),
  body({ constructor: 'x' }),
];

const metadata: ArgumentMetadata = { type: 'body', metatype: RecordParticipationDto };

describe('isWellFormedParticipation', () => {
  describe('when a body is well formed', () => {
    it('accepts the bodies clients send, without and with the optional fields', () => {
      expect(isWellFormedParticipation(body())).toBe(true);
      expect(isWellFormedParticipation(body({ role: undefined, hours: undefined }))).toBe(true);
      expect(isWellFormedParticipation(body({ evidence: 'https://example.org/photos/42', occurredAt: '2026-10-14T18:00:00+02:00' }))).toBe(true);
    });
  });

  describe('when any body is checked', () => {
    it.each(variants.map((v) => [JSON.stringify(v), v]))('accepts %s only if class-validator does', async (_, value) => {
      const quick = isWellFormedParticipation(JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
      const thorough = await validationPipe()
        .transform(JSON.parse(JSON.stringify(value)), metadata)
        .then(
          () => true,
          () => false,
        );
      if (quick) expect(thorough).toBe(true);
    });
  });
});

describe('hours', () => {
  it('refuses more than 2 decimals with a 400, also in exponent form (1e-7 was a 500)', async () => {
    for (const hours of [1e-7, 2.125, 1e21]) {
      const err = await validationPipe()
        .transform(body({ hours }), metadata)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(BadRequestException);
      expect((err as BadRequestException).getResponse()).toMatchObject({
        message: expect.stringMatching(/hours must (be a number with at most 2 decimals|be at most 1000)/),
      });
    }
  });

  it('takes whole hours and up to 2 decimals', async () => {
    for (const hours of [0, 2.5, 2.55, 999.99]) await expect(validationPipe().transform(body({ hours }), metadata)).resolves.toBeTruthy();
  });
});

describe('role', () => {
  const problem = (role: unknown) =>
    validationPipe()
      .transform(body({ role }), metadata)
      .then(
        () => undefined,
        (e: unknown) => ((e as BadRequestException).getResponse() as { message: string }).message,
      );

  it('names the role a mistyped or capitalised one most likely means', async () => {
    expect(await problem('volunter')).toBe(
      'role "volunter" is not a role; did you mean "volunteer"? (role must be one of participant, volunteer, organiser, leader)',
    );
    expect(await problem('Organiser')).toBe(
      'role "Organiser" is not a role; did you mean "organiser"? (role must be one of participant, volunteer, organiser, leader)',
    );
    expect(await problem('organizer')).toMatch(/did you mean "organiser"\?/);
  });

  it('lists the roles for a value close to none', async () => {
    expect(await problem('speaker')).toBe('role "speaker" is not a role; role must be one of participant, volunteer, organiser, leader');
    expect(await problem(3)).toBe('role must be one of participant, volunteer, organiser, leader');
  });
});

describe('occurredAt', () => {
  const problem = (occurredAt: string) =>
    validationPipe()
      .transform(body({ occurredAt }), metadata)
      .then(
        () => undefined,
        (err: BadRequestException) => (err.getResponse() as { message: string }).message,
      );

  it('refuses a date in the future, or before 2000, saying which', async () => {
    expect(await problem('2099-01-01T00:00:00Z')).toBe('occurredAt 2099-01-01T00:00:00Z is in the future; record it once it has taken place');
    expect(await problem('1900-10-14T16:00:00Z')).toBe('occurredAt 1900-10-14T16:00:00Z is before 2000; check the year');
    expect(isWellFormedParticipation(body({ occurredAt: '2099-01-01T00:00:00Z' }))).toBe(false);
  });

  it('refuses, with a 400 saying what to send, ISO-8601 forms that name no instant Date can read (they were a 500)', async () => {
    for (const occurredAt of ['2026-W42', '2026-W42-3', '2026-287', '20261014T160000Z', '2026-10-14T16:00+02']) {
      expect(await problem(occurredAt)).toBe('occurredAt must be an ISO-8601 date-time, e.g. 2026-10-14T16:00:00Z');
      expect(isWellFormedParticipation(body({ occurredAt }))).toBe(false);
    }
    expect(await problem('2026-10-14T16:00:00+0200')).toBeUndefined();
  });

  it('names what is wrong with a date the calendar does not have, or a time of day past 23:59:59, and how to write it', async () => {
    expect(await problem('2026-14-10T10:00:00Z')).toBe(
      'occurredAt 2026-14-10T10:00:00Z is not a date: there is no month 14; write the date as YYYY-MM-DD, the month from 01 to 12',
    );
    expect(await problem('2026-02-30T16:00:00Z')).toBe('occurredAt 2026-02-30T16:00:00Z is not a date: 2026-02 has no day 30 (it has 28 days)');
    expect(await problem('2026-10-14T24:00:00Z')).toBe('occurredAt 2026-10-14T24:00:00Z is not a time of day: write the time from 00:00 to 23:59:59');
    expect(await problem('2026-10-14T16:00:00+24:00')).toBe(
      'occurredAt 2026-10-14T16:00:00+24:00 has an impossible time zone offset +24:00: an offset is from -23:59 to +23:59',
    );
    expect(await problem('2024-02-29T16:00:00Z')).toBeUndefined();
  });

  it('refuses a date without a time of day, saying to send the time with a zone', async () => {
    expect(await problem('2026-10-01')).toBe(
      'occurredAt 2026-10-01 is a date without a time of day: send when it took place with Z or an offset, e.g. 2026-10-01T16:00:00Z or 2026-10-01T16:00:00+03:00 (2026-10-01T00:00:00Z if only the day is known)',
    );
    expect(isWellFormedParticipation(body({ occurredAt: '2026-10-01' }))).toBe(false);
  });

  it('takes a few minutes ahead, for clocks that differ', async () => {
    expect(await problem(new Date(Date.now() + 10 * 60_000).toISOString())).toBeUndefined();
  });
});

describe('the validation pipe with a quick check', () => {
  describe('when a well-formed body passes the quick check', () => {
    it('hands the handler the same DTO as class-validator and class-transformer would', async () => {
      const quick = validationPipe([[RecordParticipationDto, isWellFormedParticipation]]);
      for (const value of [body(), body({ role: undefined, hours: undefined, evidence: 'a note' })]) {
        const fast = await quick.transform({ ...value }, metadata);
        const slow = await validationPipe().transform({ ...value }, metadata);
        expect(fast).toBeInstanceOf(RecordParticipationDto);
        expect(fast).toEqual(slow);
        expect(Object.keys(fast as object).sort()).toEqual(Object.keys(slow as object).sort());
      }
    });
  });

  describe('when a body fails the quick check', () => {
    it('answers the same 400 as class-validator alone', async () => {
      const quick = validationPipe([[RecordParticipationDto, isWellFormedParticipation]]);
      const bad = body({ hours: -1, extra: 1 });
      const fast = await quick.transform({ ...bad }, metadata).catch((err: BadRequestException) => err.getResponse());
      const slow = await validationPipe()
        .transform({ ...bad }, metadata)
        .catch((err: BadRequestException) => err.getResponse());
      expect(fast).toEqual(slow);
      expect(fast).toMatchObject({ message: expect.stringContaining('hours must not be negative') });
    });
  });
});
