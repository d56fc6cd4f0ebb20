import type { IssuerConfig } from '../achievement-credential/profile';
import {
  assertUri,
  buildIssuerProfile,
} from '../achievement-credential/profile';
import type { Profile } from '../achievement-credential/types';
import { VC_V2_CONTEXT } from '../achievement-credential/types';
import { validityWindow } from '../dates';
import type { StatusList } from './status-list';
import { encodeStatusList } from './status-list';

/** A W3C BitstringStatusListCredential (VC Data Model 2.0) for revocation. */
export interface BitstringStatusListCredential {
  '@context': [typeof VC_V2_CONTEXT];
  id: string;
  type: ['VerifiableCredential', 'BitstringStatusListCredential'];
  issuer: string | Profile;
  validFrom: string;
  validUntil?: string;
  credentialSubject: {
    /** `<id>#list`. */
    id: string;
    type: 'BitstringStatusList';
    statusPurpose: 'revocation';
    encodedList: string;
    /** Milliseconds a verifier may cache the list. */
    ttl?: number;
  };
}

export interface StatusListCredentialInput {
  /** The URL the list is served at, e.g. `https://badges.vilniustech.lt/status-lists/1`. */
  id: string;
  /** The issuer's id, or its configuration (embedded as a Profile). Must be the issuer of the credentials that point here. */
  issuer: string | IssuerConfig;
  list: StatusList;
  /** When this version of the list was published. */
  validFrom: string | Date;
  validUntil?: string | Date;
  ttl?: number;
}

/**
 * Wraps a status list in a BitstringStatusListCredential, ready for
 * {@link signCredential} (its `sub` becomes `<id>#list`).
 *
 * @example
 * ```ts
 * const credential = buildStatusListCredential({
 *   id: 'https://badges.vilniustech.lt/status-lists/1',
 *   issuer: 'https://badges.vilniustech.lt/issuers/vilnius-tech',
 *   list: setStatus(createStatusList(), 94567, true),
 *   validFrom: '2025-03-01T10:00:00Z',
 * });
 * const jwt = await signCredential(credential, signingKey); // GET /status-lists/1
 * ```
 */
export function buildStatusListCredential(
  input: StatusListCredentialInput,
): BitstringStatusListCredential {
  assertUri(input.id, 'id');
  if (typeof input.issuer === 'string') assertUri(input.issuer, 'issuer');
  const { validFrom, validUntil } = validityWindow(
    input.validFrom,
    input.validUntil,
  );
  return {
    '@context': [VC_V2_CONTEXT],
    id: input.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer:
      typeof input.issuer === 'string'
        ? input.issuer
        : buildIssuerProfile(input.issuer),
    validFrom,
    ...(validUntil === undefined ? {} : { validUntil }),
    credentialSubject: {
      id: `${input.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList: encodeStatusList(input.list),
      ...(input.ttl === undefined ? {} : { ttl: input.ttl }),
    },
  };
}
