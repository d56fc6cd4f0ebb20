/**
 * `@laurel/credentials`: Open Badges 3.0 credentials, VC-JWT signing and
 * verification, Bitstring Status Lists and the CLR 2.0 portfolio. Pure: keys,
 * clock, ids and issuer configuration are inputs; storage and HTTP live in apps/.
 */
export { CredentialsError } from './errors';
export type { CredentialsErrorCode } from './errors';

export * from './achievement-credential/types';
export {
  buildIssuerProfile,
  buildStudentUrn,
  buildIdentityObject,
} from './achievement-credential/profile';
export type { IssuerConfig } from './achievement-credential/profile';
export {
  buildAchievementCredential,
  buildAchievement,
  buildStatusListEntry,
  RULE_SET_HASH_IDENTIFIER_TYPE,
} from './achievement-credential/build-achievement-credential';
export type {
  AchievementCredentialInput,
  AchievementInput,
  AlignmentInput,
  EvidenceInput,
} from './achievement-credential/build-achievement-credential';

export {
  generateSigningKey,
  importSigningKey,
  exportPublicJwk,
  buildKid,
  SIGNING_ALGORITHMS,
} from './keys/signing-key';
export type {
  SigningAlgorithm,
  SigningKey,
  GeneratedSigningKey,
  PublicJwk,
} from './keys/signing-key';
export {
  createKeyRing,
  rotateKeyRing,
  findPublicKey,
  exportJwks,
} from './keys/key-ring';
export type { KeyRing } from './keys/key-ring';

export { signCredential, buildJwtClaims } from './vc-jwt/sign-credential';
export type {
  SignableCredential,
  SignCredentialOptions,
  VcJwtClaims,
} from './vc-jwt/sign-credential';

export {
  verifyCredential,
  verifyCredentialJson,
} from './verification/verify-credential';
export type { VerifyCredentialOptions } from './verification/verify-credential';
export {
  checkEmbeddedCredentials,
  MAX_EMBEDDED_CREDENTIALS,
} from './verification/embedded-credentials';
export type {
  Check,
  CheckName,
  CheckFailureCode,
  CheckError,
  FailedCheck,
  EmbeddedCredentialResult,
  VerificationResult,
  JsonCheckResult,
} from './verification/checks';
export type { KeyResolver, KeySources } from './verification/jws';
export type {
  StatusListResolver,
  StatusListSource,
} from './verification/data-checks';

export { validateSchema } from './schema/validate-schema';
export type { SchemaName, SchemaError } from './schema/validate-schema';

export {
  createStatusList,
  setStatus,
  getStatus,
  encodeStatusList,
  decodeStatusList,
  MIN_STATUS_LIST_LENGTH,
} from './status-list/status-list';
export type { StatusList } from './status-list/status-list';
export { buildStatusListCredential } from './status-list/build-status-list-credential';
export type {
  BitstringStatusListCredential,
  StatusListCredentialInput,
} from './status-list/build-status-list-credential';

export {
  buildClrCredential,
  buildLevelAssociations,
  CLR_V2_CONTEXT,
} from './clr/build-clr-credential';
export type {
  ClrCredential,
  ClrCredentialInput,
  Association,
  AssociationType,
  EmbeddedCredential,
} from './clr/build-clr-credential';
