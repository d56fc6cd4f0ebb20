import { createHash } from 'node:crypto';
import { CredentialsError } from '../errors';
import type { IdentifierEntry, IdentityObject, Image, Profile } from './types';

/** The issuer as configured (e.g. from `laurel.yaml`); `id` is the URL where the Profile is published. */
export interface IssuerConfig {
  /** e.g. `https://badges.vilniustech.lt/issuers/vilnius-tech`; `GET` on it returns {@link buildIssuerProfile}'s output. */
  id: string;
  name: string;
  url?: string;
  email?: string;
  phone?: string;
  description?: string;
  /** An image URL, or the URL with a caption. */
  image?: string | { id: string; caption?: string };
  otherIdentifier?: IdentifierEntry[];
}

const URI = /^[a-z][a-z0-9+.-]*:\S+$/i;

/** Throws INVALID_INPUT unless `value` is an absolute URI (URL, `urn:`, `did:` ...). */
export function assertUri(value: string, field: string): void {
  if (!URI.test(value)) {
    throw new CredentialsError(
      'INVALID_INPUT',
      `${field}: "${value}" is not an absolute URI`,
    );
  }
}

/**
 * Normalises an image given as a URL or as `{ id, caption }` to an OB `Image`.
 *
 * @example
 * ```ts
 * toImage('https://badges.example.edu/img/volunteer.png');
 * // { id: 'https://badges.example.edu/img/volunteer.png', type: 'Image' }
 * ```
 */
export function toImage(
  image: string | { id: string; caption?: string },
): Image {
  const { id, caption } =
    typeof image === 'string' ? { id: image, caption: undefined } : image;
  assertUri(id, 'image.id');
  return caption === undefined
    ? { id, type: 'Image' }
    : { id, type: 'Image', caption };
}

/**
 * The issuer's OB 3.0 `Profile`, as embedded in every credential and served at `issuer.id`.
 *
 * @example
 * ```ts
 * buildIssuerProfile({
 *   id: 'https://badges.vilniustech.lt/issuers/vilnius-tech',
 *   name: 'Vilnius Gediminas Technical University',
 *   url: 'https://vilniustech.lt',
 *   email: 'badges@vilniustech.lt',
 * });
 * // { id: 'https://badges.vilniustech.lt/issuers/vilnius-tech', type: ['Profile'], name: ..., url: ..., email: ... }
 * ```
 */
export function buildIssuerProfile(config: IssuerConfig): Profile {
  assertUri(config.id, 'issuer.id');
  if (!config.name)
    throw new CredentialsError('INVALID_INPUT', 'issuer.name is required');
  const profile: Profile = {
    id: config.id,
    type: ['Profile'],
    name: config.name,
  };
  if (config.url !== undefined) profile.url = config.url;
  if (config.email !== undefined) profile.email = config.email;
  if (config.phone !== undefined) profile.phone = config.phone;
  if (config.description !== undefined)
    profile.description = config.description;
  if (config.image !== undefined) profile.image = toImage(config.image);
  if (config.otherIdentifier !== undefined)
    profile.otherIdentifier = config.otherIdentifier;
  return profile;
}

/**
 * The stable `credentialSubject.id` of a student: `urn:laurel:student:<issuer host>:<studentId>`.
 *
 * The issuer's host scopes the student id, so two universities running
 * Laurel never mint the same URN for different people, while every
 * credential (and the CLR) of one student carries the same subject id. It
 * does not depend on the program: a student is one person across programs.
 * The student id is percent-encoded (RFC 8141 allows `%XX`).
 *
 * @example
 * ```ts
 * buildStudentUrn({ issuerId: 'https://badges.vilniustech.lt/issuers/vilnius-tech', studentId: '20231234' });
 * // 'urn:laurel:student:badges.vilniustech.lt:20231234'
 * ```
 */
export function buildStudentUrn({
  issuerId,
  studentId,
}: {
  issuerId: string;
  studentId: string;
}): string {
  let host: string;
  try {
    host = new URL(issuerId).host.toLowerCase();
  } catch {
    throw new CredentialsError(
      'INVALID_INPUT',
      `issuerId: "${issuerId}" is not a URL`,
    );
  }
  if (!studentId)
    throw new CredentialsError('INVALID_INPUT', 'studentId is required');
  return `urn:laurel:student:${host}:${encodeURIComponent(studentId)}`;
}

/**
 * A hashed-email `IdentityObject` (OB 3.0 `identifier`): `identityHash` is
 * `sha256$` + hex(SHA-256(email + salt)), the email trimmed and lower-cased
 * first so that a verifier hashing what the student types matches. The salt
 * is passed in (a random value stored with the award) so the result is
 * reproducible and the same email in two credentials is not linkable.
 *
 * @example
 * ```ts
 * buildIdentityObject({ email: 'Ona.Jonaite@stud.vilniustech.lt', salt: 'c0ffee' });
 * // { type: 'IdentityObject', hashed: true, identityHash: 'sha256$…', identityType: 'emailAddress', salt: 'c0ffee' }
 * ```
 */
export function buildIdentityObject({
  email,
  salt,
}: {
  email: string;
  salt: string;
}): IdentityObject {
  const normalised = email.trim().toLowerCase();
  if (!normalised.includes('@'))
    throw new CredentialsError('INVALID_INPUT', 'email: not an email address');
  if (!salt)
    throw new CredentialsError(
      'INVALID_INPUT',
      'salt: required to hash an email',
    );
  const hex = createHash('sha256')
    .update(normalised + salt, 'utf8')
    .digest('hex');
  return {
    type: 'IdentityObject',
    hashed: true,
    identityHash: `sha256$${hex}`,
    identityType: 'emailAddress',
    salt,
  };
}
