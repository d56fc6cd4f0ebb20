import { buildAchievementCredential } from '../achievement-credential/build-achievement-credential';
import type { AchievementInput } from '../achievement-credential/build-achievement-credential';
import { createKeyRing, exportJwks } from '../keys/key-ring';
import type { SigningKey } from '../keys/signing-key';
import { importSigningKey } from '../keys/signing-key';
import { validateSchema } from '../schema/validate-schema';
import {
  AWARD,
  DURING,
  FIRST_STEPS,
  ISSUER,
  STUDENT_URN,
} from '../test-support/inputs';
import { KEYS_URL, RSA_PRIVATE_JWK } from '../test-support/keys';
import { signCredential } from '../vc-jwt/sign-credential';
import { verifyCredential } from '../verification/verify-credential';
import type { ClrCredential } from './build-clr-credential';
import {
  buildClrCredential,
  buildLevelAssociations,
} from './build-clr-credential';

const PROGRAM = 'https://badges.vilniustech.lt/programs/erasmus-buddies';
const GUIDE: AchievementInput = {
  ...FIRST_STEPS,
  id: `${PROGRAM}/badges/city-guide`,
  achievementType: 'Badge',
  name: 'City Guide',
  description: 'Led incoming students through Vilnius.',
  criteria: { narrative: 'Organise two city tours.' },
};
const LEVELS: AchievementInput[] = [
  {
    id: `${PROGRAM}/levels/newcomer`,
    achievementType: 'ext:Level',
    name: 'Newcomer',
    description: 'First level of Erasmus Buddies.',
    criteria: { narrative: 'Earn First Steps.' },
  },
  {
    id: `${PROGRAM}/levels/mentor`,
    achievementType: 'ext:Level',
    name: 'Mentor',
    description: 'Second level of Erasmus Buddies.',
    criteria: { narrative: 'Earn City Guide.' },
  },
];

let key: SigningKey;
let jwts: string[];
let clr: ClrCredential;

beforeAll(async () => {
  key = await importSigningKey(RSA_PRIVATE_JWK, { keysUrl: KEYS_URL });
  jwts = await Promise.all(
    [
      buildAchievementCredential(AWARD),
      buildAchievementCredential({
        ...AWARD,
        id: 'urn:uuid:2a1b3c4d-0000-4000-8000-00000000000a',
        achievement: GUIDE,
        awardedAt: '2025-05-20T08:30:00Z',
        validUntil: undefined,
        status: { ...AWARD.status, statusListIndex: 1201 },
      }),
    ].map((credential) => signCredential(credential, key)),
  );
  clr = buildClrCredential({
    id: 'urn:uuid:5d2f0e4c-1111-4222-8333-944455556666',
    issuer: ISSUER,
    student: { id: STUDENT_URN },
    name: 'Erasmus Buddies portfolio',
    validFrom: '2025-06-30T12:00:00Z',
    credentials: jwts,
    levels: LEVELS,
    associations: buildLevelAssociations([
      { id: `${PROGRAM}/levels/newcomer`, badgeIds: [FIRST_STEPS.id] },
      { id: `${PROGRAM}/levels/mentor`, badgeIds: [GUIDE.id] },
    ]),
  });
});

describe('when a graduation portfolio is built', () => {
  it('validates against the CLR 2.0 schema (draft 4)', () => {
    expect(validateSchema('clr-credential', clr)).toEqual([]);
  });

  it('is a VC 2.0 ClrCredential for the same subject as the badges', () => {
    expect({ ...clr, credentialSubject: undefined }).toEqual({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: 'urn:uuid:5d2f0e4c-1111-4222-8333-944455556666',
      type: ['VerifiableCredential', 'ClrCredential'],
      name: 'Erasmus Buddies portfolio',
      issuer: expect.objectContaining({
        id: ISSUER.id,
        type: ['Profile'],
      }) as object,
      validFrom: '2025-06-30T12:00:00Z',
      issuanceDate: '2025-06-30T12:00:00Z',
      credentialSubject: undefined,
    });
    expect([clr.credentialSubject.id, clr.credentialSubject.type]).toEqual([
      STUDENT_URN,
      ['ClrSubject'],
    ]);
  });

  it('embeds each badge with its JWT as proof, its dates mirrored for the schema and its status only inside the JWT', () => {
    const [first] = clr.credentialSubject.verifiableCredential;
    expect(first).toMatchObject({
      id: AWARD.id,
      validFrom: '2025-03-01T10:00:00Z',
      issuanceDate: '2025-03-01T10:00:00Z',
      validUntil: '2028-03-01T10:00:00Z',
      expirationDate: '2028-03-01T10:00:00Z',
      proof: [{ type: 'JwtProof2020', jwt: jwts[0] }],
    });
    expect(Object.keys(first ?? {})).not.toEqual(
      expect.arrayContaining([
        'credentialStatus',
        'iss',
        'sub',
        'jti',
        'nbf',
        'exp',
      ]),
    );
  });

  it('lists the levels and the badges as achievements, linked by associations', () => {
    expect(
      clr.credentialSubject.achievement.map((achievement) => [
        achievement.name,
        achievement.achievementType,
      ]),
    ).toEqual([
      ['Newcomer', 'ext:Level'],
      ['Mentor', 'ext:Level'],
      ['First Steps', 'CoCurricular'],
      ['City Guide', 'Badge'],
    ]);
    expect(
      clr.credentialSubject.association.map(
        (a) =>
          `${a.sourceId.split('/').pop()} ${a.associationType} ${a.targetId.split('/').pop()}`,
      ),
    ).toEqual([
      'newcomer precedes mentor',
      'newcomer isParentOf first-steps',
      'first-steps isChildOf newcomer',
      'mentor isParentOf city-guide',
      'city-guide isChildOf mentor',
    ]);
    expect(
      clr.credentialSubject.association.every((a) => a.type === 'Association'),
    ).toBe(true);
  });

  it('signs and verifies like any credential, with the CLR schema', async () => {
    const result = await verifyCredential(await signCredential(clr, key), {
      jwks: exportJwks(createKeyRing(key)),
      now: DURING,
    });
    expect(result.verified).toBe(true);
    expect(result.checks.find((check) => check.name === 'schema')).toEqual({
      name: 'schema',
      status: 'passed',
      detail: 'clr-credential',
    });
  });

  it('keeps each embedded badge verifiable on its own', async () => {
    const embedded = clr.credentialSubject.verifiableCredential.map(
      (credential) => credential.proof?.[0]?.jwt ?? '',
    );
    const results = await Promise.all(
      embedded.map((jwt) =>
        verifyCredential(jwt, {
          jwks: exportJwks(createKeyRing(key)),
          now: DURING,
        }),
      ),
    );
    expect(results.map((result) => result.verified)).toEqual([true, true]);
  });
});

describe('when the portfolio is given a validity', () => {
  it('carries validUntil (and expirationDate for the CLR schema), still valid against it, and exp in its JWT', async () => {
    const bounded = buildClrCredential({
      id: 'urn:uuid:5d2f0e4c-1111-4222-8333-944455556666',
      issuer: ISSUER,
      student: { id: STUDENT_URN },
      name: 'Erasmus Buddies portfolio',
      validFrom: '2025-06-30T12:00:00Z',
      validUntil: '2025-09-28T12:00:00Z',
      credentials: jwts,
      levels: LEVELS,
      associations: [],
    });
    expect([bounded.validUntil, bounded.expirationDate]).toEqual([
      '2025-09-28T12:00:00Z',
      '2025-09-28T12:00:00Z',
    ]);
    expect(validateSchema('clr-credential', bounded)).toEqual([]);
    const jwt = await signCredential(bounded, key);
    const payload = JSON.parse(
      Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString(),
    ) as { exp?: number };
    expect(payload.exp).toBe(Date.parse('2025-09-28T12:00:00Z') / 1000);
    const after = await verifyCredential(jwt, {
      jwks: exportJwks(createKeyRing(key)),
      now: new Date('2025-09-28T12:00:00Z'),
    });
    expect(
      after.checks.find((check) => check.name === 'validityWindow'),
    ).toMatchObject({ status: 'failed', code: 'EXPIRED' });
  });
});

describe('when the portfolio input is wrong', () => {
  const base = () => ({
    id: 'urn:uuid:5d2f0e4c-1111-4222-8333-944455556666',
    issuer: ISSUER,
    student: { id: STUDENT_URN },
    name: 'Portfolio',
    validFrom: '2025-06-30T12:00:00Z',
    credentials: jwts,
    levels: LEVELS,
    associations: [],
  });

  it('refuses an empty portfolio (CLR 2.0 requires a credential)', () => {
    expect(() => buildClrCredential({ ...base(), credentials: [] })).toThrow(
      expect.objectContaining({ code: 'EMPTY_PORTFOLIO' }) as Error,
    );
  });

  it('refuses a validUntil that is not after validFrom', () => {
    expect(() =>
      buildClrCredential({ ...base(), validUntil: '2025-06-30T12:00:00Z' }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }) as Error);
  });

  it('refuses an association to an achievement the CLR does not hold', () => {
    expect(() =>
      buildClrCredential({
        ...base(),
        associations: [
          {
            associationType: 'isParentOf',
            sourceId: LEVELS[0]?.id ?? '',
            targetId: `${PROGRAM}/badges/unknown`,
          },
        ],
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }) as Error);
  });
});
