/**
 * The Open Badges 3.0 shapes Laurel produces (ob_v3p0 §B, as the vendored
 * JSON Schema constrains them). Only the properties Laurel writes are typed;
 * credentials read from elsewhere are `Record<string, unknown>` until the
 * schema check has passed.
 */

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT =
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

/** `achievementType` values of the OB 3.0 vocabulary, or an `ext:` extension. */
export type AchievementType =
  | 'Achievement'
  | 'ApprenticeshipCertificate'
  | 'Assessment'
  | 'Assignment'
  | 'AssociateDegree'
  | 'Award'
  | 'Badge'
  | 'BachelorDegree'
  | 'Certificate'
  | 'CertificateOfCompletion'
  | 'Certification'
  | 'CommunityService'
  | 'Competency'
  | 'Course'
  | 'CoCurricular'
  | 'Degree'
  | 'Diploma'
  | 'DoctoralDegree'
  | 'Fieldwork'
  | 'GeneralEducationDevelopment'
  | 'JourneymanCertificate'
  | 'LearningProgram'
  | 'License'
  | 'Membership'
  | 'ProfessionalDoctorate'
  | 'QualityAssuranceCredential'
  | 'MasterCertificate'
  | 'MasterDegree'
  | 'MicroCredential'
  | 'ResearchDoctorate'
  | 'SecondarySchoolDiploma'
  | `ext:${string}`;

/** `targetType` of an alignment. Note: competencies are `ceasn:Competency` (the schema has no `ceterms:Competency`). */
export type AlignmentTargetType =
  | 'ceasn:Competency'
  | 'ceterms:Credential'
  | 'CFItem'
  | 'CFRubric'
  | 'CFRubricCriterion'
  | 'CFRubricCriterionLevel'
  | 'CTDL'
  | `ext:${string}`;

export interface Image {
  id: string;
  type: 'Image';
  caption?: string;
}

export interface IdentifierEntry {
  type: 'IdentifierEntry';
  identifier: string;
  identifierType: string;
}

export interface Profile {
  id: string;
  type: ['Profile'];
  name: string;
  url?: string;
  email?: string;
  phone?: string;
  description?: string;
  image?: Image;
  otherIdentifier?: IdentifierEntry[];
}

export interface Alignment {
  type: ['Alignment'];
  targetName: string;
  targetUrl: string;
  targetType?: AlignmentTargetType;
  targetCode?: string;
  targetFramework?: string;
  targetDescription?: string;
}

export interface Criteria {
  id?: string;
  narrative: string;
}

export interface Achievement {
  id: string;
  type: ['Achievement'];
  achievementType: AchievementType;
  name: string;
  description: string;
  criteria: Criteria;
  image?: Image;
  alignment?: Alignment[];
  tag?: string[];
  version?: string;
  otherIdentifier?: IdentifierEntry[];
}

export interface IdentityObject {
  type: 'IdentityObject';
  hashed: true;
  /** `sha256$<hex of sha256(identity + salt)>`. */
  identityHash: string;
  identityType: 'emailAddress';
  salt: string;
}

export interface AchievementSubject {
  id: string;
  type: ['AchievementSubject'];
  achievement: Achievement;
  identifier?: IdentityObject[];
}

export interface Evidence {
  id: string;
  type: ['Evidence'];
  name: string;
  narrative?: string;
  description?: string;
  genre?: string;
}

export interface BitstringStatusListEntry {
  /** `<statusListCredential>#<statusListIndex>`. */
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: 'revocation';
  /** A decimal integer as a string, per the Bitstring Status List spec. */
  statusListIndex: string;
  statusListCredential: string;
}

/** An OpenBadgeCredential (AchievementCredential) on the VC Data Model 2.0. */
export interface AchievementCredential {
  '@context': [typeof VC_V2_CONTEXT, typeof OB_V3_CONTEXT];
  id: string;
  type: ['VerifiableCredential', 'OpenBadgeCredential'];
  issuer: Profile;
  validFrom: string;
  validUntil?: string;
  awardedDate: string;
  name: string;
  description?: string;
  image?: Image;
  credentialSubject: AchievementSubject;
  evidence?: Evidence[];
  credentialStatus: BitstringStatusListEntry;
}
