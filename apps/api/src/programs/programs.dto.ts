import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DiffEntry, RuleIssue, RuleIssueCode, RuleSetDiff, StudentDiff } from '@laurel/rules';
import type { PublishOutcome } from '@laurel/platform';
import type { ReviewItem } from '@laurel/progression';

/** Every code a rule issue can carry: a code added to RuleIssueCode fails the typecheck here until it is listed. */
const ISSUE_CODES: Record<RuleIssueCode, true> = {
  'yaml-syntax': true,
  'missing-field': true,
  'unknown-field': true,
  'wrong-type': true,
  'invalid-value': true,
  'duplicate-id': true,
  'unknown-reference': true,
  'prerequisite-cycle': true,
  'unreachable-level': true,
  'unsatisfiable-threshold': true,
  'empty-condition': true,
  'contradictory-condition': true,
  'always-true-condition': true,
  'past-valid-until': true,
  'missing-schema-comment': true,
  'example-failed': true,
};

/**
 * One problem `laurel rules check` (or `laurel rules test`) finds in a rule file, as the API answers it: an error in
 * a 422's `errors`, a warning in `warnings` of a publication or a preview, a failed example in a preview's
 * `examples.failed`. The answers carry the RuleIssue objects the checks produce; this class only describes them.
 */
export class RuleIssueDto implements RuleIssue {
  @ApiProperty({ description: 'The file name sent (`fileName`, or `<program id>.yaml` for a YAML body)', example: 'vilnius-tech.yaml' })
  file!: string;

  @ApiProperty({ description: 'Line in the file, from 1', example: 209 })
  line!: number;

  @ApiProperty({ description: 'Column in the line, from 1', example: 39 })
  column!: number;

  @ApiProperty({ description: 'Stable code of the kind of problem', enum: Object.keys(ISSUE_CODES), example: 'always-true-condition' })
  code!: RuleIssueCode;

  @ApiProperty({
    description: 'What is wrong and how to fix it',
    example: '`at-least: 0` always holds, so this condition changes nothing; use at least 1 or remove it.',
  })
  message!: string;

  @ApiProperty({ description: 'An error stops publishing; a warning does not', enum: ['error', 'warning'], example: 'warning' })
  severity!: 'error' | 'warning';
}

/** The answer to `POST /programs/:id/rules`: 201 when a version was published, 200 with `published: false` when not. */
export class PublishAnswerDto implements PublishOutcome {
  @ApiProperty({ description: 'false when the active version already has this content: nothing was published, and `reason` says why' })
  published!: boolean;

  @ApiProperty({ example: 'vilnius-tech' })
  programId!: string;

  @ApiProperty({ description: 'The version published, or the version that stays active', example: 2 })
  version!: number;

  @ApiProperty({ description: 'sha256 of the file content', example: '3f0c6a52e1d4…' })
  sha256!: string;

  @ApiPropertyOptional({
    description: 'Only with `published: false`: which version has this content already',
    example:
      'version 2 of vilnius-tech, active since 2026-11-02T10:00:00.000Z, has this content already (sha256 3f0c6a52e1d4...); nothing was published: change the rule file to publish a new version',
  })
  reason?: string;

  @ApiProperty({
    type: [RuleIssueDto],
    description: 'What the checks warn about (`laurel rules check` prints the same); they do not stop publishing. Empty when there are none',
  })
  warnings!: RuleIssueDto[];
}

/** The 422 body when a rule file fails the checks or its own examples (`errors`), or is no rule file at all (no `errors`). */
export class RuleFileRejectedDto {
  @ApiProperty({ example: 422 })
  statusCode!: number;

  @ApiProperty({ example: 'Unprocessable Entity' })
  error!: string;

  @ApiProperty({ example: 'the rule file has 1 error(s); nothing was published' })
  message!: string;

  @ApiPropertyOptional({
    type: [RuleIssueDto],
    description: 'One per error or unmet expectation of an example, each with its file, line and column; absent when the body is no rule file at all',
  })
  errors?: RuleIssueDto[];
}

type RuleSetRef = RuleSetDiff['after'];
type PublishEffects = RuleSetDiff['onPublish'];

class RuleSetRefDto implements RuleSetRef {
  @ApiProperty({ example: 'vilnius-tech' })
  programId!: string;

  @ApiProperty()
  sha256!: string;

  @ApiProperty({ example: 'vilnius-tech.yaml' })
  fileName!: string;
}

class DiffEntryDto implements DiffEntry {
  @ApiProperty({ description: 'Badge or level id', example: 'sports-participant' })
  id!: string;

  @ApiProperty({ type: [String], description: 'Students who would hold it under the draft and do not under the rules compared with' })
  gained!: string[];

  @ApiProperty({ type: [String], description: 'Students who hold it under the rules compared with and would not under the draft' })
  lost!: string[];
}

class StudentDiffDto implements StudentDiff {
  @ApiProperty()
  studentId!: string;

  @ApiProperty({ type: [String] })
  gainedBadges!: string[];

  @ApiProperty({ type: [String] })
  lostBadges!: string[];

  @ApiProperty({ type: [String] })
  gainedLevels!: string[];

  @ApiProperty({ type: [String] })
  lostLevels!: string[];
}

class StudentsOfDto {
  @ApiProperty({ description: 'Badge or level id' })
  id!: string;

  @ApiProperty({ type: [String] })
  students!: string[];
}

class PublishEffectsDto implements PublishEffects {
  @ApiProperty({ type: [StudentsOfDto], description: 'Badges publishing would award' })
  awarded!: StudentsOfDto[];

  @ApiProperty({ type: [StudentsOfDto], description: 'Levels publishing would reach' })
  levelsReached!: StudentsOfDto[];

  @ApiProperty({ type: [StudentsOfDto], description: 'Awards that no longer meet the draft, kept by their policy' })
  kept!: StudentsOfDto[];

  @ApiProperty({ type: [StudentsOfDto], description: "Awards that no longer meet the draft, flagged for a coordinator's review" })
  flagged!: StudentsOfDto[];

  @ApiProperty({ type: [StudentsOfDto], description: 'Awards that no longer meet the draft, revoked by their policy' })
  revoked!: StudentsOfDto[];

  @ApiProperty({ type: [StudentsOfDto], description: 'Awards that had lost their support and would have it again' })
  restored!: StudentsOfDto[];

  @ApiProperty({
    type: [StudentsOfDto],
    description:
      "Applications waiting for review that an approval would take now and refuse once published (the students no longer meet the badge's criteria, or its valid-until has come): a coordinator will have to reject them",
  })
  applicationsRefused!: StudentsOfDto[];
}

class ExamplesRunDto {
  @ApiProperty({ description: "How many of the draft's own examples ran" })
  run!: number;

  @ApiProperty({ type: [RuleIssueDto], description: 'Unmet expectations of its examples; publishing would refuse the draft while there are any' })
  failed!: RuleIssueDto[];
}

/** What `POST /programs/:id/rules/preview` answers: the diff, the draft's examples, its warnings. */
export type PreviewAnswer = RuleSetDiff & { examples: { run: number; failed: RuleIssue[] }; warnings: RuleIssue[] };

/** The answer to `POST /programs/:id/rules/preview`; `implements` keeps the description in step with the diff. */
export class PreviewAnswerDto implements PreviewAnswer {
  @ApiProperty({ description: 'The instant compared as of', format: 'date-time' })
  at!: string;

  @ApiProperty({ type: RuleSetRefDto, nullable: true, description: 'The rules compared with; null for a program never published' })
  before!: RuleSetRefDto | null;

  @ApiProperty({ type: RuleSetRefDto, description: 'The draft' })
  after!: RuleSetRefDto;

  @ApiProperty({ description: 'Students with at least one fact recorded by `at`' })
  students!: number;

  @ApiProperty({ description: 'Facts recorded by `at`: the ones replayed' })
  facts!: number;

  @ApiProperty({ type: [DiffEntryDto], description: 'Badges someone would gain or lose had the draft applied all along' })
  badges!: DiffEntryDto[];

  @ApiProperty({ type: [DiffEntryDto], description: 'Levels someone would gain or lose had the draft applied all along' })
  levels!: DiffEntryDto[];

  @ApiProperty({ type: [StudentDiffDto], description: 'Only students with a change' })
  changed!: StudentDiffDto[];

  @ApiProperty({ type: PublishEffectsDto, description: 'What publishing the draft now would do' })
  onPublish!: PublishEffectsDto;

  @ApiProperty({ type: ExamplesRunDto })
  examples!: ExamplesRunDto;

  @ApiProperty({
    type: [RuleIssueDto],
    description:
      'What the checks warn about in the draft (`laurel rules check` prints the same); publishing would not stop for them. Empty when there are none',
  })
  warnings!: RuleIssueDto[];
}

/** An application in the review list: `reason` says why an approval would be refused when it is not `eligible`. */
export type ReviewApplication = Extract<ReviewItem, { kind: 'application' }> & { reason?: string };

/** An application waiting for a coordinator, as `GET /programs/:id/review` lists it. */
export class ReviewApplicationDto implements ReviewApplication {
  @ApiProperty({ enum: ['application'] })
  kind!: 'application';

  @ApiProperty({ example: '20231234' })
  studentId!: string;

  @ApiProperty({ example: 'meta-leadership' })
  badgeId!: string;

  @ApiProperty({ format: 'uuid', description: 'Approve or reject it at POST /applications/{applicationId}/approve or /reject' })
  applicationId!: string;

  @ApiProperty({ format: 'date-time', description: 'When the student applied' })
  since!: string;

  @ApiProperty({ description: 'Whether an approval would go through now; false: it would be refused, and `reason` says why' })
  eligible!: boolean;

  @ApiPropertyOptional({
    description:
      "Why an approval would be refused (only when `eligible` is false): the badge's valid-until has come, or the student no longer meets its criteria",
    example:
      '«META Leadership» stopped being valid on 2026-06-30 (its `valid-until`), so it can no longer be awarded: reject it with a comment saying so',
  })
  reason?: string;
}

/** An award flagged when it lost its support (a `flag` policy), waiting for a coordinator to keep or revoke it. */
export class ReviewFlaggedAwardDto implements Extract<ReviewItem, { kind: 'flagged-award' }> {
  @ApiProperty({ enum: ['flagged-award'] })
  kind!: 'flagged-award';

  @ApiProperty({ example: '20231234' })
  studentId!: string;

  @ApiProperty({ example: 'mentor' })
  badgeId!: string;

  @ApiProperty({ format: 'uuid', description: 'Keep or revoke it at POST /students/{studentId}/awards/{badgeId}/keep or /revoke' })
  awardId!: string;

  @ApiProperty({ format: 'date-time', description: 'When it lost its support' })
  since!: string;

  @ApiProperty({ description: 'What it lost, and when' })
  cause!: string;
}

/** What `GET /programs/:id/review` answers, oldest first in each list. */
export class ReviewAnswerDto {
  @ApiProperty({ example: 'vilnius-tech' })
  programId!: string;

  @ApiProperty({ type: [ReviewApplicationDto] })
  applications!: ReviewApplicationDto[];

  @ApiProperty({ type: [ReviewFlaggedAwardDto] })
  flaggedAwards!: ReviewFlaggedAwardDto[];
}
