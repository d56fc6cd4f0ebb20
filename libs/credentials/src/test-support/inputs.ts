import type {
  AchievementCredentialInput,
  AchievementInput,
} from '../achievement-credential/build-achievement-credential';
import type { IssuerConfig } from '../achievement-credential/profile';

/** A realistic issuer, as configured in laurel.yaml. */
export const ISSUER: IssuerConfig = {
  id: 'https://badges.vilniustech.lt/issuers/vilnius-tech',
  name: 'Vilnius Gediminas Technical University',
  url: 'https://vilniustech.lt',
  email: 'badges@vilniustech.lt',
  image: {
    id: 'https://badges.vilniustech.lt/assets/vilnius-tech-logo.png',
    caption: 'VILNIUS TECH',
  },
};

export const STUDENT_URN = 'urn:laurel:student:badges.vilniustech.lt:20231234';
export const STATUS_LIST_URL = 'https://badges.vilniustech.lt/status-lists/1';

export const FIRST_STEPS: AchievementInput = {
  id: 'https://badges.vilniustech.lt/programs/erasmus-buddies/badges/first-steps',
  achievementType: 'CoCurricular',
  name: 'First Steps',
  description:
    'Welcomed incoming exchange students during their first week in Vilnius.',
  criteria: {
    narrative:
      'Take part in at least three welcome activities as a buddy or volunteer within one semester.',
  },
  image: 'https://badges.vilniustech.lt/assets/badges/first-steps.png',
  alignments: [
    {
      targetName: 'show intercultural awareness',
      targetUrl:
        'http://data.europa.eu/esco/skill/ebc4ac5b-f4a1-43a9-a1fb-a56f8d1fbd66',
      targetFramework: 'ESCO',
      targetCode: 'S1.0.2',
    },
  ],
  tags: ['erasmus', 'volunteering'],
};

/** A realistic award: what the worker gets from BadgeEarned plus configuration. */
export const AWARD: AchievementCredentialInput = {
  id: 'urn:uuid:0b7c3a52-3a4f-4a39-9a51-1d2c4e3f5a6b',
  issuer: ISSUER,
  student: {
    id: STUDENT_URN,
    email: 'Ona.Jonaite@stud.vilniustech.lt',
    salt: 'f3a9c1d2e4b5',
  },
  achievement: FIRST_STEPS,
  awardedAt: '2025-03-01T10:00:00Z',
  validUntil: '2028-03-01T10:00:00Z',
  evidence: [
    {
      id: 'urn:uuid:7f1e2d3c-0000-4000-8000-000000000001',
      name: 'Airport pick-up (participant)',
      narrative: 'Met two incoming students at Vilnius airport on 2025-02-10.',
      genre: 'Participation',
    },
    {
      id: 'urn:uuid:7f1e2d3c-0000-4000-8000-000000000002',
      name: 'Welcome fair (volunteer, 4 h)',
      narrative:
        'Staffed the Erasmus Buddies stand at the welcome fair on 2025-02-14.',
      genre: 'Participation',
    },
    {
      id: 'urn:uuid:7f1e2d3c-0000-4000-8000-000000000003',
      name: 'City tour (organiser)',
      genre: 'Participation',
    },
  ],
  status: { statusListCredential: STATUS_LIST_URL, statusListIndex: 94_567 },
  provenance: {
    ruleSetHash:
      'sha256:3e1f0c7a9b2d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f',
    ruleSetVersion: 3,
  },
};

/** Times relative to AWARD. */
export const DURING = new Date('2026-01-15T12:00:00Z');
export const BEFORE = new Date('2025-03-01T09:59:59Z');
export const AFTER = new Date('2028-03-01T10:00:00Z');
