import { VC_V2_CONTEXT } from '../achievement-credential/types';
import { CredentialsError } from '../errors';
import type { SchemaName } from '../schema/validate-schema';
import { validateSchema } from '../schema/validate-schema';
import type { StatusList } from '../status-list/status-list';
import { decodeStatusList, getStatus } from '../status-list/status-list';
import type { Check, CheckError } from './checks';
import { failed, isPlainObject, passed, skipped } from './checks';
import type { KeySources } from './jws';
import { checkSignature, readCompactJws, resolveIssuerKey } from './jws';

const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

/**
 * What a status list resolver returns for a `statusListCredential` URL: the
 * signed BitstringStatusListCredential as a VC-JWT (verified here with the
 * same issuer keys), or an already-trusted decoded list (e.g. the issuer's
 * own, read from its store). `undefined` means not found.
 */
export type StatusListSource = string | StatusList;

export type StatusListResolver = (
  url: string,
) => Promise<StatusListSource | undefined> | StatusListSource | undefined;

export const issuerIdOf = (
  credential: Record<string, unknown>,
): string | undefined => {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  return isPlainObject(issuer) && typeof issuer.id === 'string'
    ? issuer.id
    : undefined;
};

const typesOf = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : [value];

/**
 * The `dataModel` check; `legacy` is true for VC Data Model 1.1 credentials, which the other checks then skip.
 *
 * @example
 * ```ts
 * checkDataModel({ '@context': ['https://www.w3.org/2018/credentials/v1'], issuanceDate: '2010-01-01T00:00:00Z' }).check.code;
 * // 'LEGACY_DATA_MODEL'
 * ```
 */
export function checkDataModel(credential: Record<string, unknown>): {
  check: Check;
  legacy: boolean;
} {
  const contexts = typesOf(credential['@context']);
  if (isPlainObject(credential.vc) || contexts.includes(VC_V1_CONTEXT)) {
    const signs = [
      ...(isPlainObject(credential.vc) ? ['a "vc" claim'] : []),
      ...(contexts.includes(VC_V1_CONTEXT)
        ? [`the ${VC_V1_CONTEXT} context`]
        : []),
      ...('issuanceDate' in credential ||
      (isPlainObject(credential.vc) && 'issuanceDate' in credential.vc)
        ? ['issuanceDate']
        : []),
    ];
    return {
      check: failed(
        'dataModel',
        'LEGACY_DATA_MODEL',
        `a VC Data Model 1.1 credential (${signs.join(', ')}): Laurel verifies Open Badges 3.0 on the VC Data Model 2.0 only`,
      ),
      legacy: true,
    };
  }
  if (contexts[0] !== VC_V2_CONTEXT) {
    return {
      check: failed(
        'dataModel',
        'UNKNOWN_DATA_MODEL',
        `the first @context is ${JSON.stringify(contexts[0])}, not ${VC_V2_CONTEXT}`,
      ),
      legacy: false,
    };
  }
  return { check: passed('dataModel', 'VC Data Model 2.0'), legacy: false };
}

/**
 * The `schema` check: ClrCredential against CLR 2.0, BitstringStatusListCredential has none, anything else against OB 3.0.
 *
 * @example
 * ```ts
 * checkSchema(credential); // { name: 'schema', status: 'passed', detail: 'ob-achievement-credential' }
 * ```
 */
export function checkSchema(credential: Record<string, unknown>): Check {
  const types = typesOf(credential.type);
  if (types.includes('BitstringStatusListCredential'))
    return skipped(
      'schema',
      'no JSON Schema is published for BitstringStatusListCredential',
    );
  const schema: SchemaName = types.includes('ClrCredential')
    ? 'clr-credential'
    : 'ob-achievement-credential';
  const errors = validateSchema(schema, credential);
  if (errors.length === 0) return passed('schema', schema);
  const first = errors[0] as CheckError;
  return failed(
    'schema',
    'SCHEMA_INVALID',
    `${errors.length} error(s) against the ${schema} schema, first at ${first.path || '/'}: ${first.message}`,
    errors,
  );
}

/**
 * The `validityWindow` check: validFrom <= now < validUntil.
 *
 * @example
 * ```ts
 * checkValidityWindow({ validFrom: '2040-01-01T00:00:00Z' }, new Date()); // failed, code 'NOT_YET_VALID'
 * ```
 */
export function checkValidityWindow(
  credential: Record<string, unknown>,
  now: Date,
): Check {
  const { validFrom, validUntil } = credential;
  const from =
    typeof validFrom === 'string' ? Date.parse(validFrom) : Number.NaN;
  if (Number.isNaN(from))
    return failed(
      'validityWindow',
      'INVALID_DATE',
      'validFrom is missing or not a date',
    );
  const until =
    typeof validUntil === 'string'
      ? Date.parse(validUntil)
      : validUntil === undefined
        ? undefined
        : Number.NaN;
  if (Number.isNaN(until))
    return failed('validityWindow', 'INVALID_DATE', 'validUntil is not a date');
  if (now.getTime() < from)
    return failed(
      'validityWindow',
      'NOT_YET_VALID',
      `not valid before ${String(validFrom)} (now ${now.toISOString()})`,
    );
  if (until !== undefined && now.getTime() >= until)
    return failed(
      'validityWindow',
      'EXPIRED',
      `expired at ${String(validUntil)} (now ${now.toISOString()})`,
    );
  return passed('validityWindow');
}

async function loadStatusList(
  source: StatusListSource,
  url: string,
  issuer: string | undefined,
  purpose: string,
  now: Date,
  keys: KeySources,
): Promise<StatusList | Check> {
  if (typeof source !== 'string') return source;
  const invalid = (reason: string) =>
    failed('status', 'STATUS_LIST_INVALID', `status list ${url}: ${reason}`);
  const read = readCompactJws(source);
  if (!read.header)
    return invalid(
      read.check.status === 'failed' ? read.check.reason : 'unreadable',
    );
  const { payload } = read;
  if (!typesOf(payload.type).includes('BitstringStatusListCredential'))
    return invalid('not a BitstringStatusListCredential');
  if (payload.id !== url)
    return invalid(`its id is ${JSON.stringify(payload.id)}`);
  if (issuerIdOf(payload) !== issuer)
    return invalid(
      `issued by ${String(issuerIdOf(payload))}, not by the credential's issuer`,
    );
  const key = await resolveIssuerKey(read.header, issuer, keys);
  if (!key.key)
    return invalid(key.check.status === 'failed' ? key.check.reason : 'no key');
  const signature = await checkSignature(source, read.header.alg, key.key);
  if (signature.status !== 'passed')
    return invalid('its signature does not verify');
  const window = checkValidityWindow(payload, now);
  if (window.status === 'failed') return invalid(window.reason);
  const subject = payload.credentialSubject;
  if (!isPlainObject(subject) || subject.type !== 'BitstringStatusList')
    return invalid('credentialSubject is not a BitstringStatusList');
  if (subject.statusPurpose !== purpose)
    return invalid(
      `its statusPurpose is ${JSON.stringify(subject.statusPurpose)}, not ${purpose}`,
    );
  try {
    return decodeStatusList(String(subject.encodedList));
  } catch (err) {
    return invalid(
      err instanceof CredentialsError
        ? err.message
        : 'encodedList cannot be decoded',
    );
  }
}

/**
 * The `status` check over every `credentialStatus` entry; Bitstring Status List entries only.
 *
 * @example
 * ```ts
 * await checkStatus(credential, { now, jwks, resolveStatusList: (url) => store.statusListJwt(url) });
 * // { name: 'status', status: 'failed', code: 'REVOKED', reason: 'revoked: bit 7 of … is set' }
 * ```
 */
export async function checkStatus(
  credential: Record<string, unknown>,
  options: KeySources & { now: Date; resolveStatusList?: StatusListResolver },
): Promise<Check> {
  const { credentialStatus } = credential;
  if (credentialStatus === undefined)
    return skipped(
      'status',
      typesOf(credential.type).includes('ClrCredential')
        ? 'the ClrCredential has no credentialStatus of its own; each credential it embeds is checked in embeddedCredentials'
        : 'the credential has no credentialStatus, so it cannot be revoked',
    );
  const entries = typesOf(credentialStatus);
  let checked = 0;
  const unsupported: string[] = [];
  for (const entry of entries) {
    if (!isPlainObject(entry) || entry.type !== 'BitstringStatusListEntry') {
      unsupported.push(
        isPlainObject(entry) ? String(entry.type) : typeof entry,
      );
      continue;
    }
    const { statusListCredential: url, statusPurpose } = entry;
    // The spec says a decimal string; some issuers (and 1EdTech's own fixture) write a number.
    const statusListIndex =
      typeof entry.statusListIndex === 'number'
        ? String(entry.statusListIndex)
        : entry.statusListIndex;
    if (
      typeof url !== 'string' ||
      typeof statusListIndex !== 'string' ||
      !/^(0|[1-9]\d*)$/.test(statusListIndex) ||
      typeof statusPurpose !== 'string'
    ) {
      return failed(
        'status',
        'STATUS_LIST_INVALID',
        'a BitstringStatusListEntry needs statusListCredential, statusPurpose and a decimal statusListIndex',
      );
    }
    if (statusPurpose !== 'revocation' && statusPurpose !== 'suspension') {
      unsupported.push(`BitstringStatusListEntry for ${statusPurpose}`);
      continue;
    }
    if (!options.resolveStatusList)
      return skipped(
        'status',
        'no status list resolver was given: revocation was not checked',
      );
    let source: StatusListSource | undefined;
    try {
      source = await options.resolveStatusList(url);
    } catch (err) {
      return failed(
        'status',
        'STATUS_UNAVAILABLE',
        `status list ${url} could not be fetched: ${(err as Error).message}`,
      );
    }
    if (source === undefined)
      return failed(
        'status',
        'STATUS_UNAVAILABLE',
        `status list ${url} was not found`,
      );
    const list = await loadStatusList(
      source,
      url,
      issuerIdOf(credential),
      statusPurpose,
      options.now,
      options,
    );
    if ('name' in list) return list;
    const index = Number(statusListIndex);
    if (index >= list.length)
      return failed(
        'status',
        'STATUS_LIST_INVALID',
        `statusListIndex ${index} is outside the list of ${list.length} entries`,
      );
    if (getStatus(list, index)) {
      return statusPurpose === 'revocation'
        ? failed('status', 'REVOKED', `revoked: bit ${index} of ${url} is set`)
        : failed(
            'status',
            'SUSPENDED',
            `suspended: bit ${index} of ${url} is set`,
          );
    }
    checked += 1;
  }
  if (checked > 0)
    return passed(
      'status',
      `${checked} status entr${checked === 1 ? 'y' : 'ies'} not set`,
    );
  return skipped(
    'status',
    `not checked: unsupported credentialStatus ${unsupported.join(', ')}`,
  );
}
