import { buildAchievementCredential } from '../achievement-credential/build-achievement-credential';
import type { AchievementInput } from '../achievement-credential/build-achievement-credential';
import { buildClrCredential } from '../clr/build-clr-credential';
import type { ClrCredential } from '../clr/build-clr-credential';
import { createKeyRing, exportJwks } from '../keys/key-ring';
import type { SigningKey } from '../keys/signing-key';
import { importSigningKey } from '../keys/signing-key';
import { buildStatusListCredential } from '../status-list/build-status-list-credential';
import { createStatusList, setStatus } from '../status-list/status-list';
import {
  AWARD,
  DURING,
  FIRST_STEPS,
  ISSUER,
  STATUS_LIST_URL,
  STUDENT_URN,
} from '../test-support/inputs';
import {
  KEYS_URL,
  OTHER_RSA_PRIVATE_JWK,
  RSA_PRIVATE_JWK,
} from '../test-support/keys';
import { signCredential } from '../vc-jwt/sign-credential';
import type { VerificationResult } from './checks';
import { verifyCredential, verifyCredentialJson } from './verify-credential';

const GUIDE: AchievementInput = {
  ...FIRST_STEPS,
  id: 'https://badges.vilniustech.lt/programs/erasmus-buddies/badges/city-guide',
  achievementType: 'Badge',
  name: 'City Guide',
  description: 'Led incoming students through Vilnius.',
  criteria: { narrative: 'Organise two city tours.' },
};
const GUIDE_ID = 'urn:uuid:2a1b3c4d-0000-4000-8000-00000000000a';
const GUIDE_INDEX = 1201;

let key: SigningKey;
let badges: { firstSteps: string; guide: string };

const portfolio = (
  credentials: Array<string | Record<string, unknown>>,
): ClrCredential =>
  buildClrCredential({
    id: 'urn:uuid:5d2f0e4c-1111-4222-8333-944455556666',
    issuer: ISSUER,
    student: { id: STUDENT_URN },
    name: 'Erasmus Buddies portfolio',
    validFrom: '2025-06-30T12:00:00Z',
    credentials,
    levels: [],
    associations: [],
  });

/** The status list with these bits set, signed by the issuer. */
const statusList = (...revoked: number[]) =>
  signCredential(
    buildStatusListCredential({
      id: STATUS_LIST_URL,
      issuer: ISSUER.id,
      list: revoked.reduce(
        (list, index) => setStatus(list, index, true),
        createStatusList(),
      ),
      validFrom: '2025-03-01T10:00:00Z',
    }),
    key,
  );

const verifyWith = async (
  clr: ClrCredential,
  revoked: number[] = [],
): Promise<VerificationResult> => {
  const list = await statusList(...revoked);
  return verifyCredential(await signCredential(clr, key), {
    jwks: exportJwks(createKeyRing(key)),
    now: DURING,
    resolveStatusList: (url) => (url === STATUS_LIST_URL ? list : undefined),
  });
};

const embeddedCheck = (result: { checks: VerificationResult['checks'] }) =>
  result.checks.find((check) => check.name === 'embeddedCredentials');

beforeAll(async () => {
  key = await importSigningKey(RSA_PRIVATE_JWK, { keysUrl: KEYS_URL });
  const [firstSteps, guide] = await Promise.all(
    [
      buildAchievementCredential(AWARD),
      buildAchievementCredential({
        ...AWARD,
        id: GUIDE_ID,
        achievement: GUIDE,
        awardedAt: '2025-05-20T08:30:00Z',
        validUntil: undefined,
        status: { ...AWARD.status, statusListIndex: GUIDE_INDEX },
      }),
    ].map((credential) => signCredential(credential, key)),
  );
  badges = { firstSteps: firstSteps ?? '', guide: guide ?? '' };
});

describe('when a portfolio whose badges all stand is verified', () => {
  it('passes embeddedCredentials and lists each badge as verified', async () => {
    const result = await verifyWith(
      portfolio([badges.firstSteps, badges.guide]),
    );
    expect(result.verified).toBe(true);
    expect(embeddedCheck(result)).toEqual({
      name: 'embeddedCredentials',
      status: 'passed',
      detail:
        '2 embedded credentials verified (signature, issuer key, validity window, status)',
    });
    expect(
      result.embedded?.map((e) => [e.path, e.id, e.achievement, e.verified]),
    ).toEqual([
      [
        '/credentialSubject/verifiableCredential/0',
        AWARD.id,
        { id: FIRST_STEPS.id, name: 'First Steps' },
        true,
      ],
      [
        '/credentialSubject/verifiableCredential/1',
        GUIDE_ID,
        { id: GUIDE.id, name: 'City Guide' },
        true,
      ],
    ]);
  });

  it('says why the portfolio itself has no status check', async () => {
    const result = await verifyWith(portfolio([badges.firstSteps]));
    expect(result.checks.find((check) => check.name === 'status')).toEqual({
      name: 'status',
      status: 'skipped',
      reason:
        'the ClrCredential has no credentialStatus of its own; each credential it embeds is checked in embeddedCredentials',
    });
  });
});

describe('when a badge inside the portfolio was revoked after it was issued', () => {
  it('fails embeddedCredentials as EMBEDDED_CREDENTIAL_REVOKED, naming the badge, and only that check', async () => {
    const result = await verifyWith(
      portfolio([badges.firstSteps, badges.guide]),
      [GUIDE_INDEX],
    );
    expect(result.verified).toBe(false);
    expect(
      result.checks
        .filter((check) => check.status === 'failed')
        .map((check) => check.name),
    ).toEqual(['embeddedCredentials']);
    expect(embeddedCheck(result)).toEqual({
      name: 'embeddedCredentials',
      status: 'failed',
      code: 'EMBEDDED_CREDENTIAL_REVOKED',
      reason: `1 of 2 embedded credentials does not verify: "City Guide" (${GUIDE_ID}): status REVOKED: revoked: bit ${GUIDE_INDEX} of ${STATUS_LIST_URL} is set`,
      errors: [
        {
          path: '/credentialSubject/verifiableCredential/1',
          message: `"City Guide" (${GUIDE_ID}): status REVOKED: revoked: bit ${GUIDE_INDEX} of ${STATUS_LIST_URL} is set`,
        },
      ],
    });
    expect(result.embedded?.map((e) => e.verified)).toEqual([true, false]);
  });
});

describe('when a badge inside the portfolio is not genuine', () => {
  it('fails embeddedCredentials as EMBEDDED_CREDENTIAL_INVALID for a badge signed with an unpublished key', async () => {
    const stranger = await importSigningKey(OTHER_RSA_PRIVATE_JWK, {
      keysUrl: 'https://elsewhere.example/keys',
    });
    const forged = await signCredential(
      buildAchievementCredential({ ...AWARD, achievement: GUIDE }),
      stranger,
    );
    const result = await verifyWith(portfolio([badges.firstSteps, forged]));
    const check = embeddedCheck(result);
    expect(result.verified).toBe(false);
    expect(check).toMatchObject({
      status: 'failed',
      code: 'EMBEDDED_CREDENTIAL_INVALID',
    });
    expect(check?.status === 'failed' && check.reason).toMatch(
      /"City Guide" .*issuerKey KEY_UNKNOWN/,
    );
  });

  it('fails when the embedded copy says something its signed JWT does not', async () => {
    const clr = portfolio([badges.firstSteps]);
    const [copy] = clr.credentialSubject.verifiableCredential;
    const subject = copy?.credentialSubject as {
      achievement: { name: string };
    };
    subject.achievement = { ...subject.achievement, name: 'Rector' };
    const result = await verifyWith(clr);
    expect(result.embedded?.[0]).toMatchObject({
      verified: false,
      reason: 'the embedded copy differs from its signed VC-JWT in achievement',
    });
    expect(embeddedCheck(result)).toMatchObject({
      code: 'EMBEDDED_CREDENTIAL_INVALID',
    });
  });

  it('fails for an embedded credential without a VC-JWT proof', async () => {
    const result = await verifyWith(
      portfolio([{ ...buildAchievementCredential(AWARD) }]),
    );
    expect(result.embedded?.[0]).toMatchObject({
      verified: false,
      achievement: { name: 'First Steps' },
      reason:
        'it carries no proof, so who issued it and whether it was revoked cannot be checked',
    });
  });
});

describe('when a portfolio is checked as JSON', () => {
  it('still verifies the VC-JWTs embedded in it', async () => {
    const list = await statusList(GUIDE_INDEX);
    const result = await verifyCredentialJson(
      portfolio([badges.firstSteps, badges.guide]),
      {
        jwks: exportJwks(createKeyRing(key)),
        now: DURING,
        resolveStatusList: () => list,
      },
    );
    expect(result.valid).toBe(false);
    expect(embeddedCheck(result)).toMatchObject({
      code: 'EMBEDDED_CREDENTIAL_REVOKED',
    });
  });
});

describe('when the credential is not a ClrCredential', () => {
  it('has no embeddedCredentials check', async () => {
    const result = await verifyCredential(badges.firstSteps, {
      jwks: exportJwks(createKeyRing(key)),
      now: DURING,
    });
    expect(embeddedCheck(result)).toBeUndefined();
    expect(result).not.toHaveProperty('embedded');
  });
});
