import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import { CompactSign, importJWK } from 'jose';
import { buildAchievementCredential } from '../achievement-credential/build-achievement-credential';
import type { KeyRing } from '../keys/key-ring';
import { createKeyRing, exportJwks, rotateKeyRing } from '../keys/key-ring';
import type { SigningKey } from '../keys/signing-key';
import { importSigningKey } from '../keys/signing-key';
import { buildStatusListCredential } from '../status-list/build-status-list-credential';
import { createStatusList, setStatus } from '../status-list/status-list';
import {
  AFTER,
  AWARD,
  BEFORE,
  DURING,
  ISSUER,
  STATUS_LIST_URL,
} from '../test-support/inputs';
import {
  EC_PRIVATE_JWK,
  KEYS_URL,
  OTHER_RSA_PRIVATE_JWK,
  RSA_PRIVATE_JWK,
} from '../test-support/keys';
import { signCredential } from '../vc-jwt/sign-credential';
import type { Check, CheckName, VerificationResult } from './checks';
import { verifyCredential } from './verify-credential';

const credential = buildAchievementCredential(AWARD);
const segment = (value: unknown) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string | undefined) =>
  JSON.parse(Buffer.from(part ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;

/** name -> status (and code when failed): the whole outcome in one comparable value. */
const outcome = (result: VerificationResult) =>
  Object.fromEntries(
    result.checks.map((check: Check) => [
      check.name,
      check.status === 'failed' ? `failed:${check.code}` : check.status,
    ]),
  );

const allPassedBut = (changes: Partial<Record<CheckName, string>>) => ({
  format: 'passed',
  dataModel: 'passed',
  schema: 'passed',
  issuerKey: 'passed',
  signature: 'passed',
  claims: 'passed',
  validityWindow: 'passed',
  status: 'skipped',
  ...changes,
});

let rsa: SigningKey;
let ec: SigningKey;
let other: SigningKey;
let ring: KeyRing;

beforeAll(async () => {
  [rsa, ec, other] = await Promise.all([
    importSigningKey(RSA_PRIVATE_JWK, { keysUrl: KEYS_URL }),
    importSigningKey(EC_PRIVATE_JWK, { keysUrl: KEYS_URL }),
    importSigningKey(OTHER_RSA_PRIVATE_JWK, { keysUrl: KEYS_URL }),
  ]);
  ring = createKeyRing(rsa);
});

describe('when a credential is signed as a VC-JWT', () => {
  let jwt: string;
  beforeAll(async () => {
    jwt = await signCredential(credential, rsa);
  });

  it('has exactly the header { alg, typ: JWT, kid }', () => {
    expect(jwt.split('.')[0]).toBe(
      segment({ alg: 'RS256', typ: 'JWT', kid: rsa.kid }),
    );
  });

  it('carries the whole credential plus iss, sub, jti, nbf and exp', () => {
    expect(jwt.split('.')[1]).toBe(
      segment({
        ...credential,
        iss: 'https://badges.vilniustech.lt/issuers/vilnius-tech',
        sub: 'urn:laurel:student:badges.vilniustech.lt:20231234',
        jti: 'urn:uuid:0b7c3a52-3a4f-4a39-9a51-1d2c4e3f5a6b',
        nbf: 1740823200,
        exp: 1835517600,
      }),
    );
  });

  it('is reproducible byte for byte with RS256', async () => {
    expect(await signCredential(credential, rsa)).toBe(jwt);
    expect(createHash('sha256').update(jwt).digest('hex')).toBe(
      'b6d8915122c191d89153f03a16b1eeeda2d71f9446697ea145b483725e9ba1a6',
    );
  });

  it('leaves out exp when the badge does not expire', async () => {
    const payload = decode(
      (
        await signCredential({ ...credential, validUntil: undefined }, rsa)
      ).split('.')[1],
    );
    expect([payload.nbf, 'exp' in payload]).toEqual([1740823200, false]);
  });

  it('accepts a private JWK as well as an imported key', async () => {
    expect(
      await signCredential(credential, {
        privateKey: RSA_PRIVATE_JWK,
        kid: rsa.kid,
      }),
    ).toBe(jwt);
  });

  it('refuses an algorithm other than RS256 and ES256', async () => {
    await expect(
      signCredential(credential, { ...rsa, alg: 'HS256' as never }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_ALGORITHM' });
  });
});

describe('when a genuine credential is verified', () => {
  it.each([
    ['RS256', () => rsa],
    ['ES256', () => ec],
  ])(
    '%s: every check passes and status is skipped without a resolver',
    async (alg, key) => {
      const jwt = await signCredential(credential, key());
      const result = await verifyCredential(jwt, {
        jwks: exportJwks(createKeyRing(key())),
        now: DURING,
      });
      expect(decode(jwt.split('.')[0]).alg).toBe(alg);
      expect(result.verified).toBe(true);
      expect(outcome(result)).toEqual(allPassedBut({}));
      expect(result.checks.find((check) => check.name === 'status')).toEqual({
        name: 'status',
        status: 'skipped',
        reason: 'no status list resolver was given: revocation was not checked',
      });
      expect(result.credential).toMatchObject({ id: credential.id });
    },
  );

  it('finds the key through resolveKey as well as through a JWK Set', async () => {
    const jwt = await signCredential(credential, rsa);
    const asked: Array<[string, string | undefined]> = [];
    const result = await verifyCredential(jwt, {
      now: DURING,
      resolveKey: (kid, { issuer }) => {
        asked.push([kid, issuer]);
        return kid === rsa.kid ? rsa.publicJwk : undefined;
      },
    });
    expect([result.verified, asked]).toEqual([true, [[rsa.kid, ISSUER.id]]]);
  });
});

describe('when a credential has been tampered with or signed by someone else', () => {
  it('a changed payload fails signature, and only signature', async () => {
    const [header, payload, signature] = (
      await signCredential(credential, rsa)
    ).split('.');
    const forged = { ...decode(payload), name: 'Master of Everything' };
    const result = await verifyCredential(
      `${header}.${segment(forged)}.${signature}`,
      { jwks: exportJwks(ring), now: DURING },
    );
    expect([result.verified, outcome(result)]).toEqual([
      false,
      allPassedBut({ signature: 'failed:SIGNATURE_INVALID' }),
    ]);
  });

  it('a wrong key behind the published kid fails signature, and only signature', async () => {
    const jwt = await signCredential(credential, {
      privateKey: other.privateKey,
      kid: rsa.kid,
    });
    const result = await verifyCredential(jwt, {
      jwks: exportJwks(ring),
      now: DURING,
    });
    expect([result.verified, outcome(result)]).toEqual([
      false,
      allPassedBut({ signature: 'failed:SIGNATURE_INVALID' }),
    ]);
  });

  it('an unpublished kid fails issuerKey, and the signature cannot be checked', async () => {
    const jwt = await signCredential(credential, other);
    const result = await verifyCredential(jwt, {
      jwks: exportJwks(ring),
      now: DURING,
    });
    expect([result.verified, outcome(result)]).toEqual([
      false,
      allPassedBut({ issuerKey: 'failed:KEY_UNKNOWN', signature: 'skipped' }),
    ]);
  });

  it('a published key used with another algorithm fails issuerKey', async () => {
    const jwt = await signCredential(credential, {
      privateKey: ec.privateKey,
      kid: rsa.kid,
      alg: 'ES256',
    });
    const result = await verifyCredential(jwt, {
      jwks: exportJwks(ring),
      now: DURING,
    });
    expect(outcome(result)).toEqual(
      allPassedBut({ issuerKey: 'failed:KEY_MISMATCH', signature: 'skipped' }),
    );
  });

  it('claims that differ from the credential fail claims, and only claims', async () => {
    const payload = {
      ...credential,
      iss: credential.issuer.id,
      sub: 'urn:laurel:student:badges.vilniustech.lt:someone-else',
      jti: credential.id,
      nbf: 1740823201,
      exp: 1835517600,
    };
    const jwt = await new CompactSign(
      new TextEncoder().encode(JSON.stringify(payload)),
    )
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: rsa.kid })
      .sign(rsa.privateKey);
    const result = await verifyCredential(jwt, {
      jwks: exportJwks(ring),
      now: DURING,
    });
    expect(outcome(result)).toEqual(
      allPassedBut({ claims: 'failed:CLAIMS_MISMATCH' }),
    );
    expect(
      result.checks.find((check) => check.name === 'claims'),
    ).toMatchObject({
      errors: [
        {
          path: 'sub',
          message:
            'sub is "urn:laurel:student:badges.vilniustech.lt:someone-else", credentialSubject.id is "urn:laurel:student:badges.vilniustech.lt:20231234"',
        },
        {
          path: 'nbf',
          message: 'nbf is 1740823201, validFrom (whole seconds) is 1740823200',
        },
      ],
    });
  });
});

describe('when a credential is verified outside its validity window', () => {
  it('after validUntil it fails validityWindow as EXPIRED, and only that', async () => {
    const result = await verifyCredential(
      await signCredential(credential, rsa),
      { jwks: exportJwks(ring), now: AFTER },
    );
    expect([result.verified, outcome(result)]).toEqual([
      false,
      allPassedBut({ validityWindow: 'failed:EXPIRED' }),
    ]);
  });

  it('before validFrom it fails validityWindow as NOT_YET_VALID, and only that', async () => {
    const result = await verifyCredential(
      await signCredential(credential, rsa),
      { jwks: exportJwks(ring), now: BEFORE },
    );
    expect([result.verified, outcome(result)]).toEqual([
      false,
      allPassedBut({ validityWindow: 'failed:NOT_YET_VALID' }),
    ]);
  });
});

describe('when the status list is consulted', () => {
  const index = AWARD.status.statusListIndex;
  const listJwt = (
    revoked: boolean,
    key: SigningKey = rsa,
    issuer: string = ISSUER.id,
  ) =>
    signCredential(
      buildStatusListCredential({
        id: STATUS_LIST_URL,
        issuer,
        list: setStatus(createStatusList(), index, revoked),
        validFrom: '2025-03-01T10:00:00Z',
      }),
      key,
    );

  it('a revoked credential fails status as REVOKED, and only status', async () => {
    const revokedList = await listJwt(true);
    const result = await verifyCredential(
      await signCredential(credential, rsa),
      {
        jwks: exportJwks(ring),
        now: DURING,
        resolveStatusList: (url) =>
          url === STATUS_LIST_URL ? revokedList : undefined,
      },
    );
    expect([result.verified, outcome(result)]).toEqual([
      false,
      allPassedBut({ status: 'failed:REVOKED' }),
    ]);
    expect(result.checks.at(-1)).toEqual({
      name: 'status',
      status: 'failed',
      code: 'REVOKED',
      reason:
        'revoked: bit 94567 of https://badges.vilniustech.lt/status-lists/1 is set',
    });
  });

  it('a credential whose bit is clear passes status', async () => {
    const list = await listJwt(false);
    const result = await verifyCredential(
      await signCredential(credential, rsa),
      { jwks: exportJwks(ring), now: DURING, resolveStatusList: () => list },
    );
    expect([result.verified, outcome(result)]).toEqual([
      true,
      allPassedBut({ status: 'passed' }),
    ]);
  });

  it('an already-trusted decoded list is read directly', async () => {
    const result = await verifyCredential(
      await signCredential(credential, rsa),
      {
        jwks: exportJwks(ring),
        now: DURING,
        resolveStatusList: () => setStatus(createStatusList(), index, true),
      },
    );
    expect(outcome(result).status).toBe('failed:REVOKED');
  });

  it.each([
    [
      'signed with an unpublished key',
      () => listJwt(true, other),
      'STATUS_LIST_INVALID',
    ],
    [
      'issued by another issuer',
      () => listJwt(false, rsa, 'https://evil.example/issuers/x'),
      'STATUS_LIST_INVALID',
    ],
    ['missing', () => Promise.resolve(undefined), 'STATUS_UNAVAILABLE'],
    [
      'unreachable',
      () => Promise.reject(new Error('ECONNREFUSED')),
      'STATUS_UNAVAILABLE',
    ],
  ])('a status list that is %s fails status', async (_label, source, code) => {
    const result = await verifyCredential(
      await signCredential(credential, rsa),
      { jwks: exportJwks(ring), now: DURING, resolveStatusList: source },
    );
    expect(outcome(result)).toEqual(allPassedBut({ status: `failed:${code}` }));
  });
});

describe('when the issuer rotates its key', () => {
  it('credentials signed before the rotation still verify, and new ones use the new kid', async () => {
    const before = await signCredential(credential, rsa);
    const rotated = rotateKeyRing(ring, ec);
    const after = await signCredential(
      { ...credential, id: 'urn:uuid:1c7c3a52-3a4f-4a39-9a51-1d2c4e3f5a6b' },
      ec,
    );
    const jwks = exportJwks(rotated);
    const results = await Promise.all(
      [before, after].map((jwt) =>
        verifyCredential(jwt, { jwks, now: DURING }),
      ),
    );
    expect(results.map((result) => result.verified)).toEqual([true, true]);
    expect([
      decode(before.split('.')[0]).kid,
      decode(after.split('.')[0]).kid,
    ]).toEqual([rsa.kid, rotated.activeKid]);
  });
});

describe('when the JWT itself is malformed', () => {
  const sign = async (
    header: Record<string, unknown>,
    key: JWK = RSA_PRIVATE_JWK,
  ) =>
    new CompactSign(
      new TextEncoder().encode(
        JSON.stringify({ ...credential, iss: credential.issuer.id }),
      ),
    )
      .setProtectedHeader(header as never)
      .sign(await importJWK(key, 'RS256'));

  it.each([
    ['not a JWS', () => Promise.resolve('hello.world'), 'MALFORMED_JWS'],
    [
      'a payload that is not JSON',
      () =>
        Promise.resolve(
          `${segment({ alg: 'RS256' })}.${Buffer.from('nope').toString('base64url')}.c2ln`,
        ),
      'MALFORMED_JWS',
    ],
    [
      'a header with crit',
      () =>
        sign({ alg: 'RS256', typ: 'JWT', kid: 'k', crit: ['b64'], b64: true }),
      'UNSUPPORTED_HEADER',
    ],
    [
      'typ vc+ld+json',
      () => sign({ alg: 'RS256', typ: 'vc+ld+json', kid: 'k' }),
      'UNSUPPORTED_HEADER',
    ],
    [
      'alg none',
      () =>
        Promise.resolve(
          `${segment({ alg: 'none', typ: 'JWT' })}.${segment(credential)}.c2ln`,
        ),
      'UNSUPPORTED_ALGORITHM',
    ],
  ])('%s fails format and skips the rest', async (_label, make, code) => {
    const result = await verifyCredential(await make(), {
      jwks: exportJwks(ring),
      now: DURING,
    });
    expect(result.verified).toBe(false);
    expect(result.checks[0]).toMatchObject({
      name: 'format',
      status: 'failed',
      code,
    });
    expect(result.checks.slice(1).map((check) => check.status)).toEqual(
      Array(7).fill('skipped'),
    );
  });
});

describe('when a VC 1.1 JWT (vc claim) is verified', () => {
  it('fails dataModel as LEGACY_DATA_MODEL with the reason, and checks nothing else', async () => {
    const legacy = {
      iss: ISSUER.id,
      sub: 'did:example:ebfeb1f712ebc6f1c276e12ec21',
      nbf: 1262304000,
      vc: {
        '@context': ['https://www.w3.org/2018/credentials/v1'],
        type: ['VerifiableCredential', 'OpenBadgeCredential'],
        issuanceDate: '2010-01-01T00:00:00Z',
      },
    };
    const jwt = await new CompactSign(
      new TextEncoder().encode(JSON.stringify(legacy)),
    )
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: rsa.kid })
      .sign(rsa.privateKey);
    const result = await verifyCredential(jwt, {
      jwks: exportJwks(ring),
      now: DURING,
    });
    expect(result.checks[1]).toEqual({
      name: 'dataModel',
      status: 'failed',
      code: 'LEGACY_DATA_MODEL',
      reason:
        'a VC Data Model 1.1 credential (a "vc" claim, issuanceDate): Laurel verifies Open Badges 3.0 on the VC Data Model 2.0 only',
    });
    expect(result.checks.slice(2).map((check) => check.status)).toEqual(
      Array(6).fill('skipped'),
    );
  });
});

describe('when a credential fails its schema', () => {
  it('names the schema error paths', async () => {
    const broken = {
      ...credential,
      credentialSubject: { ...credential.credentialSubject, type: ['Student'] },
    };
    const result = await verifyCredential(await signCredential(broken, rsa), {
      jwks: exportJwks(ring),
      now: DURING,
    });
    expect(outcome(result)).toEqual(
      allPassedBut({ schema: 'failed:SCHEMA_INVALID' }),
    );
    expect(result.checks[2]).toMatchObject({
      errors: [
        {
          path: '/credentialSubject/type/0',
          keyword: 'enum',
          message: 'must be equal to one of the allowed values',
        },
        {
          path: '/credentialSubject/type',
          keyword: 'contains',
          message: 'must contain at least 1 valid item(s)',
        },
      ],
    });
  });
});
