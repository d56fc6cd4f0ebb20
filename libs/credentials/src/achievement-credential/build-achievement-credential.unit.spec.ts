import type { CredentialsError } from '../errors';
import { validateSchema } from '../schema/validate-schema';
import { AWARD, ISSUER } from '../test-support/inputs';
import { buildAchievementCredential } from './build-achievement-credential';
import {
  buildIdentityObject,
  buildIssuerProfile,
  buildStudentUrn,
} from './profile';

describe('when an award is built into an OpenBadgeCredential', () => {
  const credential = buildAchievementCredential(AWARD);

  it('produces exactly the credential Laurel issues', () => {
    expect(credential).toEqual({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: 'urn:uuid:0b7c3a52-3a4f-4a39-9a51-1d2c4e3f5a6b',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      name: 'First Steps',
      image: {
        id: 'https://badges.vilniustech.lt/assets/badges/first-steps.png',
        type: 'Image',
      },
      issuer: {
        id: 'https://badges.vilniustech.lt/issuers/vilnius-tech',
        type: ['Profile'],
        name: 'Vilnius Gediminas Technical University',
        url: 'https://vilniustech.lt',
        email: 'badges@vilniustech.lt',
        image: {
          id: 'https://badges.vilniustech.lt/assets/vilnius-tech-logo.png',
          type: 'Image',
          caption: 'VILNIUS TECH',
        },
      },
      validFrom: '2025-03-01T10:00:00Z',
      validUntil: '2028-03-01T10:00:00Z',
      awardedDate: '2025-03-01T10:00:00Z',
      credentialSubject: {
        id: 'urn:laurel:student:badges.vilniustech.lt:20231234',
        type: ['AchievementSubject'],
        achievement: {
          id: 'https://badges.vilniustech.lt/programs/erasmus-buddies/badges/first-steps',
          type: ['Achievement'],
          achievementType: 'CoCurricular',
          name: 'First Steps',
          description:
            'Welcomed incoming exchange students during their first week in Vilnius.',
          criteria: {
            narrative:
              'Take part in at least three welcome activities as a buddy or volunteer within one semester.',
          },
          image: {
            id: 'https://badges.vilniustech.lt/assets/badges/first-steps.png',
            type: 'Image',
          },
          alignment: [
            {
              type: ['Alignment'],
              targetName: 'show intercultural awareness',
              targetUrl:
                'http://data.europa.eu/esco/skill/ebc4ac5b-f4a1-43a9-a1fb-a56f8d1fbd66',
              targetType: 'ceasn:Competency',
              targetCode: 'S1.0.2',
              targetFramework: 'ESCO',
            },
          ],
          tag: ['erasmus', 'volunteering'],
          version: '3',
          otherIdentifier: [
            {
              type: 'IdentifierEntry',
              identifier:
                'sha256:3e1f0c7a9b2d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f',
              identifierType: 'ext:LaurelRuleSetHash',
            },
          ],
        },
        identifier: [
          {
            type: 'IdentityObject',
            hashed: true,
            identityHash:
              'sha256$be74efac59f58bb81e11961a13c280ed54afc8a9f9db3d8b47c0df0a2a284d70',
            identityType: 'emailAddress',
            salt: 'f3a9c1d2e4b5',
          },
        ],
      },
      evidence: [
        {
          id: 'urn:uuid:7f1e2d3c-0000-4000-8000-000000000001',
          type: ['Evidence'],
          name: 'Airport pick-up (participant)',
          narrative:
            'Met two incoming students at Vilnius airport on 2025-02-10.',
          genre: 'Participation',
        },
        {
          id: 'urn:uuid:7f1e2d3c-0000-4000-8000-000000000002',
          type: ['Evidence'],
          name: 'Welcome fair (volunteer, 4 h)',
          narrative:
            'Staffed the Erasmus Buddies stand at the welcome fair on 2025-02-14.',
          genre: 'Participation',
        },
        {
          id: 'urn:uuid:7f1e2d3c-0000-4000-8000-000000000003',
          type: ['Evidence'],
          name: 'City tour (organiser)',
          genre: 'Participation',
        },
      ],
      credentialStatus: {
        id: 'https://badges.vilniustech.lt/status-lists/1#94567',
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '94567',
        statusListCredential: 'https://badges.vilniustech.lt/status-lists/1',
      },
    });
  });

  it('validates against the OB 3.0 AchievementCredential schema (Ajv 2019-09)', () => {
    expect(validateSchema('ob-achievement-credential', credential)).toEqual([]);
  });

  it('serialises with @context, id and type first', () => {
    expect(Object.keys(credential).slice(0, 3)).toEqual([
      '@context',
      'id',
      'type',
    ]);
  });
});

describe('when the award is minimal', () => {
  const credential = buildAchievementCredential({
    ...AWARD,
    student: { id: AWARD.student.id },
    achievement: {
      ...AWARD.achievement,
      image: undefined,
      alignments: undefined,
      tags: undefined,
    },
    evidence: undefined,
    validUntil: undefined,
    provenance: { ruleSetHash: 'sha256:ab' },
  });

  it('leaves out what was not given and still validates', () => {
    expect(credential).not.toHaveProperty('validUntil');
    expect(credential).not.toHaveProperty('evidence');
    expect(credential).not.toHaveProperty('image');
    expect(credential.credentialSubject).not.toHaveProperty('identifier');
    expect(credential.credentialSubject.achievement).not.toHaveProperty(
      'version',
    );
    expect(validateSchema('ob-achievement-credential', credential)).toEqual([]);
  });
});

describe('when dates carry an offset or milliseconds', () => {
  it('prints them in UTC, dropping zero milliseconds', () => {
    const credential = buildAchievementCredential({
      ...AWARD,
      awardedAt: '2025-03-01T12:00:00.000+02:00',
      validFrom: new Date('2025-03-02T00:00:00.250Z'),
    });
    expect([credential.awardedDate, credential.validFrom]).toEqual([
      '2025-03-01T10:00:00Z',
      '2025-03-02T00:00:00.250Z',
    ]);
  });
});

describe('when the input is wrong', () => {
  it.each([
    [
      'a date without timezone',
      { awardedAt: '2025-03-01T10:00:00' },
      'INVALID_INPUT',
    ],
    [
      'validUntil before validFrom',
      { validUntil: '2024-01-01T00:00:00Z' },
      'INVALID_INPUT',
    ],
    ['a credential id that is not a URI', { id: '0b7c3a52' }, 'INVALID_INPUT'],
    [
      'an email without salt',
      { student: { id: AWARD.student.id, email: 'a@b.lt' } },
      'INVALID_INPUT',
    ],
    [
      'a negative status index',
      {
        status: {
          statusListCredential: AWARD.status.statusListCredential,
          statusListIndex: -1,
        },
      },
      'STATUS_INDEX_OUT_OF_RANGE',
    ],
  ])('rejects %s with a coded error', (_label, override, code) => {
    expect(() => buildAchievementCredential({ ...AWARD, ...override })).toThrow(
      expect.objectContaining({ code }) as CredentialsError,
    );
  });
});

describe('when a student URN is minted', () => {
  it('is scoped by the issuer host and stable across programs', () => {
    expect(
      buildStudentUrn({ issuerId: ISSUER.id, studentId: '20231234' }),
    ).toBe('urn:laurel:student:badges.vilniustech.lt:20231234');
  });

  it('percent-encodes ids with reserved characters', () => {
    expect(
      buildStudentUrn({ issuerId: ISSUER.id, studentId: 'ona/j?#1' }),
    ).toBe('urn:laurel:student:badges.vilniustech.lt:ona%2Fj%3F%231');
  });
});

describe('when an email is hashed', () => {
  it('hashes the trimmed, lower-cased address with the salt', () => {
    expect(
      buildIdentityObject({
        email: '  ONA.Jonaite@stud.vilniustech.lt ',
        salt: 'f3a9c1d2e4b5',
      }).identityHash,
    ).toBe(
      'sha256$be74efac59f58bb81e11961a13c280ed54afc8a9f9db3d8b47c0df0a2a284d70',
    );
  });
});

describe('when the issuer profile is built from configuration', () => {
  it('is a Profile with an Image object', () => {
    expect(
      buildIssuerProfile({
        id: ISSUER.id,
        name: 'VILNIUS TECH',
        image: 'https://badges.vilniustech.lt/logo.png',
      }),
    ).toEqual({
      id: ISSUER.id,
      type: ['Profile'],
      name: 'VILNIUS TECH',
      image: { id: 'https://badges.vilniustech.lt/logo.png', type: 'Image' },
    });
  });
});
