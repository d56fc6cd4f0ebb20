/**
 * The 1EdTech validator's OB 3.0 fixtures (shared/ob3/fixtures), run through
 * verifyCredentialJson. They are JSON credentials secured (if at all) with
 * Data Integrity proofs, which Laurel does not verify: every present proof
 * fails `proof` (PROOF_UNSUPPORTED, or PROOF_METHOD_INVALID when its
 * verification method cannot even be resolved), so the tables below state
 * each fixture's whole outcome and which check carries the reason its name
 * gives. Extra schema errors are listed, not hidden: many err fixtures write
 * `proof` as one object, which the vendored schema requires to be an array.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createStatusList, setStatus } from '../status-list/status-list';
import { sharedOb3 } from '../test-support/shared-ob3';
import type { Check, CheckName, JsonCheckResult } from './checks';
import { verifyCredentialJson } from './verify-credential';

const FIXTURES = sharedOb3('fixtures');
const NOW = new Date('2026-01-15T12:00:00Z');

const load = (file: string): unknown =>
  JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));
const outcome = (result: JsonCheckResult) =>
  Object.fromEntries(
    result.checks.map((check: Check) => [
      check.name,
      check.status === 'failed' ? `failed:${check.code}` : check.status,
    ]),
  );
const schemaPaths = (result: JsonCheckResult) => {
  const schema = result.checks.find((check) => check.name === 'schema');
  return schema?.status === 'failed'
    ? (schema.errors ?? []).map((error) => error.path)
    : [];
};

/** A DI-secured VC 2.0 fixture whose data is fine: only `proof` fails. */
const DI_OK: Record<CheckName, string> = {
  format: 'passed',
  dataModel: 'passed',
  schema: 'passed',
  proof: 'failed:PROOF_UNSUPPORTED',
  validityWindow: 'passed',
  status: 'skipped',
} as Record<CheckName, string>;
const SCHEMA = 'failed:SCHEMA_INVALID';
const LEGACY = {
  format: 'passed',
  dataModel: 'failed:LEGACY_DATA_MODEL',
  schema: 'skipped',
  proof: 'skipped',
  validityWindow: 'skipped',
  status: 'skipped',
};

interface Expectation {
  /** The check (and, for schema, the JSON Pointer) that carries the reason the name gives. */
  reason: string;
  outcome: Record<string, string>;
  /** Every schema error path, in Ajv's order ('' is the root). */
  schemaPaths?: string[];
}

const ERR_FIXTURES: Record<string, Expectation> = {
  'simple-err-context.json': {
    reason: 'dataModel UNKNOWN_DATA_MODEL + schema /@context',
    outcome: {
      ...DI_OK,
      dataModel: 'failed:UNKNOWN_DATA_MODEL',
      schema: SCHEMA,
      validityWindow: 'failed:INVALID_DATE',
    },
    schemaPaths: ['', '/@context', '/@context/0', '/credentialSubject'],
  },
  'simple-err-credential-subject-achievement-result-description-type.json': {
    reason: 'schema /credentialSubject/achievement/resultDescription/2/type',
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: [
      '/credentialSubject/achievement/resultDescription/0/type',
      '/credentialSubject/achievement/resultDescription/0/alignment/0/type',
      '/credentialSubject/achievement/resultDescription/1/type',
      '/credentialSubject/achievement/resultDescription/1/alignment/0/type',
      '/credentialSubject/achievement/resultDescription/1/rubricCriterionLevel/0/type',
      '/credentialSubject/achievement/resultDescription/1/rubricCriterionLevel/0/alignment/0/type',
      '/credentialSubject/achievement/resultDescription/1/rubricCriterionLevel/1/type',
      '/credentialSubject/achievement/resultDescription/1/rubricCriterionLevel/1/alignment/0/type',
      '/credentialSubject/achievement/resultDescription/2/type',
      '/credentialSubject/result/0/alignment/0/type',
      '/credentialSubject/result/1/alignment/0/type',
      '/proof',
    ],
  },
  'simple-err-credential-subject-identifier-type.json': {
    reason: 'schema /credentialSubject/identifier/0/type',
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: ['/credentialSubject/identifier/0/type', '/proof'],
  },
  'simple-err-credential-subject-profile-type.json': {
    reason: 'schema /credentialSubject/source/type',
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: ['/credentialSubject/source/type', '/proof'],
  },
  'simple-err-credential-subject-result-type.json': {
    reason: 'schema /credentialSubject/result/1/type',
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: [
      '/credentialSubject/result/0/alignment/0/type',
      '/credentialSubject/result/1/type/0',
      '/credentialSubject/result/1/type',
      '/credentialSubject/result/1/alignment/0/type',
      '/proof',
    ],
  },
  'simple-err-credential-subject-type.json': {
    reason: 'schema /credentialSubject/type',
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: [
      '/credentialSubject/type/0',
      '/credentialSubject/type',
      '/proof',
    ],
  },
  'simple-err-evidence-type.json': {
    reason: 'schema /evidence/1/type',
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: ['/evidence/0/type', '/evidence/1/type', '/proof'],
  },
  'simple-err-expired.json': {
    reason: 'validityWindow EXPIRED',
    outcome: { ...DI_OK, validityWindow: 'failed:EXPIRED' },
  },
  'simple-err-issued.json': {
    reason: 'validityWindow NOT_YET_VALID',
    outcome: {
      ...DI_OK,
      schema: SCHEMA,
      validityWindow: 'failed:NOT_YET_VALID',
    },
    schemaPaths: ['/credentialSubject', '/proof'],
  },
  'simple-err-issuer-otheridentifier-type.json': {
    reason: 'schema /issuer/otherIdentifier/1/type',
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: [
      '/issuer',
      '/issuer/otherIdentifier/1/type',
      '/issuer',
      '/proof',
    ],
  },
  'simple-err-issuer-parentorg-type.json': {
    reason: 'schema /issuer/parentOrg/type',
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: [
      '/issuer',
      '/issuer/parentOrg/type/0',
      '/issuer/parentOrg/type',
      '/issuer',
      '/proof',
    ],
  },
  'simple-err-issuer-type.json': {
    reason: 'schema /issuer/type',
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: [
      '/issuer',
      '/issuer/type/0',
      '/issuer/type',
      '/issuer',
      '/proof',
    ],
  },
  'simple-err-issuer.json': {
    reason: "schema '' (required issuer)",
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: ['', '/credentialSubject', '/proof'],
  },
  'simple-err-proof-method-no-scheme.json': {
    reason: 'proof PROOF_METHOD_INVALID (no scheme)',
    outcome: { ...DI_OK, proof: 'failed:PROOF_METHOD_INVALID' },
  },
  'simple-err-proof-method-unknown-did-method.json': {
    reason: 'proof PROOF_METHOD_INVALID (did:example)',
    outcome: { ...DI_OK, proof: 'failed:PROOF_METHOD_INVALID' },
  },
  'simple-err-proof-method-unknown-scheme.json': {
    reason: 'proof PROOF_METHOD_INVALID (xxx:)',
    outcome: { ...DI_OK, proof: 'failed:PROOF_METHOD_INVALID' },
  },
  // These two need a Data Integrity verifier to tell from a good proof: they
  // fail `proof` as unsupported, exactly as simple.json does.
  'simple-err-proof-method.json': {
    reason: 'proof PROOF_UNSUPPORTED (the bad key fragment is not resolved)',
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: ['/proof'],
  },
  'simple-err-proof-value.json': {
    reason: 'proof PROOF_UNSUPPORTED (the altered proofValue is not checked)',
    outcome: DI_OK,
  },
  'simple-err-type.json': {
    reason: 'schema /type',
    outcome: { ...DI_OK, schema: SCHEMA },
    schemaPaths: [
      '/type/0',
      '/type/1',
      '/type',
      '/credentialSubject',
      '/proof',
    ],
  },
};

describe('when every simple-err-* fixture is checked', () => {
  it('the table covers exactly the fixtures on disk', () => {
    expect(
      readdirSync(FIXTURES)
        .filter((file) => file.startsWith('simple-err-'))
        .sort(),
    ).toEqual(Object.keys(ERR_FIXTURES).sort());
  });

  it.each(
    Object.entries(ERR_FIXTURES).map(
      ([file, expected]) => [file, expected.reason, expected] as const,
    ),
  )('%s is rejected on %s', async (file, _reason, expected) => {
    const result = await verifyCredentialJson(load(file), { now: NOW });
    expect(result.valid).toBe(false);
    expect(outcome(result)).toEqual(expected.outcome);
    expect(schemaPaths(result)).toEqual(expected.schemaPaths ?? []);
    const [check, detail] = expected.reason.split(' ');
    if (check === 'schema' && detail?.startsWith('/'))
      expect(schemaPaths(result)).toContain(detail);
  });

  it('names the unresolvable verification method precisely', async () => {
    const reasons = await Promise.all(
      ['no-scheme', 'unknown-scheme', 'unknown-did-method'].map(
        async (name) => {
          const result = await verifyCredentialJson(
            load(`simple-err-proof-method-${name}.json`),
            { now: NOW },
          );
          const proof = result.checks.find((check) => check.name === 'proof');
          return proof?.status === 'failed'
            ? proof.errors?.[0]?.message
            : undefined;
        },
      ),
    );
    expect(reasons).toEqual([
      '"z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x" is not a URI (no scheme)',
      'unknown scheme "xxx:"',
      'unknown DID method "did:example" (did:key and did:web are resolvable)',
    ]);
  });
});

describe('when the well-formed fixtures are checked', () => {
  it.each([
    ['simple.json', DI_OK],
    ['complete.json', DI_OK],
    ['simple-context-alias.json', DI_OK],
    ['simple-context-version.json', DI_OK],
    ['simple-did-key-method.json', DI_OK],
    ['simple-multiple-proofs.json', DI_OK],
    // The fixture writes proof as one object; the vendored schema wants an array.
    ['simple-did-web-method.json', { ...DI_OK, schema: SCHEMA }],
    // Not an OpenBadgeCredential: an EndorsementCredential fails the OB schema's type and subject.
    ['endorsement-valid.json', { ...DI_OK, schema: SCHEMA }],
  ])(
    '%s passes schema, or fails it only where stated',
    async (file, expected) => {
      expect(
        outcome(await verifyCredentialJson(load(file), { now: NOW })),
      ).toEqual(expected);
    },
  );

  it('complete.json names its 1EdTechRevocationList status as unsupported rather than passing it', async () => {
    const result = await verifyCredentialJson(load('complete.json'), {
      now: NOW,
      resolveStatusList: () => createStatusList(),
    });
    expect(result.checks.at(-1)).toEqual({
      name: 'status',
      status: 'skipped',
      reason: 'not checked: unsupported credentialStatus 1EdTechRevocationList',
    });
  });
});

describe('when VC Data Model 1.1 fixtures are checked', () => {
  it.each([
    'simple_v1.json',
    'complete_v1.json',
    'simple-noproof.json',
    'simple-eddsa-2022.json',
    'credential-status-revoked.json',
    'endorsement-err-schema-status-refresh.json',
  ])('%s fails dataModel as legacy with a clear reason', async (file) => {
    const result = await verifyCredentialJson(load(file), { now: NOW });
    expect(outcome(result)).toEqual(LEGACY);
    expect(result.checks[1]).toMatchObject({
      reason: expect.stringContaining('VC Data Model 1.1') as string,
    });
  });
});

describe('when the bitstring-revoked fixture is checked against its list', () => {
  it('reads its BitstringStatusListEntry (index 23) and fails status as REVOKED when that bit is set', async () => {
    // The fixture's list lives on GitHub; a local list with bit 23 set stands in for it.
    const urls: string[] = [];
    const result = await verifyCredentialJson(
      load('bitstring-credential-status-revoked.json'),
      {
        now: NOW,
        resolveStatusList: (url) => {
          urls.push(url);
          return setStatus(createStatusList(), 23, true);
        },
      },
    );
    expect(outcome(result)).toEqual({
      ...DI_OK,
      schema: SCHEMA,
      status: 'failed:REVOKED',
    });
    expect(urls).toEqual([
      'https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist',
    ]);
  });
});
