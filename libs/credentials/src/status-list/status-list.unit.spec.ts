import { gunzipSync, gzipSync } from 'node:zlib';
import { buildStatusListCredential } from './build-status-list-credential';
import {
  createStatusList,
  decodeStatusList,
  encodeStatusList,
  getStatus,
  MIN_STATUS_LIST_LENGTH,
  setStatus,
} from './status-list';

describe('when a status list is created', () => {
  it('holds 131,072 unset entries by default', () => {
    const list = createStatusList();
    expect([
      list.length,
      list.bits.length,
      list.bits.every((byte) => byte === 0),
    ]).toEqual([131_072, 16_384, true]);
  });

  it.each([131_071, 131_076, 1024])(
    'refuses %i entries (fewer than 131,072 or not whole bytes)',
    (length) => {
      expect(() => createStatusList(length)).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }) as Error,
      );
    },
  );
});

describe('when entries are set', () => {
  it('numbers bits from the left: index 0 is the most significant bit of the first byte', () => {
    let list = createStatusList();
    for (const index of [0, 7, 8, 131_071]) list = setStatus(list, index, true);
    expect([...list.bits.slice(0, 2), list.bits[16_383]]).toEqual([
      0b1000_0001, 0b1000_0000, 0b0000_0001,
    ]);
    expect(
      [0, 1, 7, 8, 9, 131_071].map((index) => getStatus(list, index)),
    ).toEqual([true, false, true, true, false, true]);
  });

  it('returns a new list and leaves the original untouched', () => {
    const original = createStatusList();
    const revoked = setStatus(original, 94_567, true);
    expect([
      getStatus(original, 94_567),
      getStatus(revoked, 94_567),
      getStatus(setStatus(revoked, 94_567, false), 94_567),
    ]).toEqual([false, true, false]);
  });

  it.each([-1, 131_072, 1.5])('refuses index %d', (index) => {
    expect(() => setStatus(createStatusList(), index, true)).toThrow(
      expect.objectContaining({ code: 'STATUS_INDEX_OUT_OF_RANGE' }) as Error,
    );
  });
});

describe('when a list is encoded', () => {
  it('gives the multibase base64url GZIP of the W3C example for an empty list', () => {
    expect(encodeStatusList(createStatusList())).toBe(
      'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
    );
  });

  it('round-trips every set bit', () => {
    let list = createStatusList(MIN_STATUS_LIST_LENGTH * 2);
    for (const index of [0, 3, 94_567, 200_000, 262_143])
      list = setStatus(list, index, true);
    const decoded = decodeStatusList(encodeStatusList(list));
    expect(decoded.length).toBe(262_144);
    expect(Buffer.from(decoded.bits).equals(Buffer.from(list.bits))).toBe(true);
  });

  it('is plain GZIP that any implementation reads, and reads theirs', () => {
    const list = setStatus(createStatusList(), 42, true);
    const viaZlib = gunzipSync(
      Buffer.from(encodeStatusList(list).slice(1), 'base64url'),
    );
    expect(viaZlib.equals(Buffer.from(list.bits))).toBe(true);
    const foreign = `u${gzipSync(list.bits).toString('base64url')}`;
    expect(getStatus(decodeStatusList(foreign), 42)).toBe(true);
  });

  it.each([
    [
      'without the multibase prefix',
      'H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
    ],
    ['that is not GZIP', 'udGhpcyBpcyBub3QgZ3ppcA'],
    [
      'shorter than 131,072 entries',
      `u${gzipSync(new Uint8Array(1024)).toString('base64url')}`,
    ],
  ])('refuses a list %s', (_label, encoded) => {
    expect(() => decodeStatusList(encoded)).toThrow(
      expect.objectContaining({ code: 'INVALID_STATUS_LIST' }) as Error,
    );
  });
});

describe('when a status list credential is built', () => {
  it('is a VC 2.0 BitstringStatusListCredential whose subject is <id>#list', () => {
    expect(
      buildStatusListCredential({
        id: 'https://badges.vilniustech.lt/status-lists/1',
        issuer: 'https://badges.vilniustech.lt/issuers/vilnius-tech',
        list: createStatusList(),
        validFrom: '2025-03-01T10:00:00Z',
      }),
    ).toEqual({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: 'https://badges.vilniustech.lt/status-lists/1',
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: 'https://badges.vilniustech.lt/issuers/vilnius-tech',
      validFrom: '2025-03-01T10:00:00Z',
      credentialSubject: {
        id: 'https://badges.vilniustech.lt/status-lists/1#list',
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList:
          'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
      },
    });
  });
});
