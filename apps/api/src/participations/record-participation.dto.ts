import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsString,
  IsUUID,
  isUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ID_PATTERN, ID_RULE, ROLES, type Role } from '@laurel/progression';
import { nearMatches } from '@laurel/rules';
import { HasAtMostDecimals, HasHappened, hasHappened, IsOccurredAt, isOccurredAt, IsOmittable, IsPlainText, isPlainText } from '../http/validators';

/**
 * What is wrong with a role: the roles, and the one a mistyped or capitalised
 * value most likely means ('role "Volunteer" is not a role; did you mean
 * "volunteer"? ...').
 */
export function roleProblem(value: unknown): string {
  const roles = `role must be one of ${ROLES.join(', ')}`;
  if (typeof value !== 'string') return roles;
  const near = nearMatches(value.toLowerCase(), ROLES);
  return near.length > 0 ? `role "${value}" is not a role; did you mean "${near[0]}"? (${roles})` : `role "${value}" is not a role; ${roles}`;
}

export class RecordParticipationDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Chosen by the caller; sending the same request again is safe.',
  })
  @IsUUID('all', {
    message: 'participationId must be a UUID, e.g. 3f0c6a52-2d8e-4c1e-9a51-2b8f1f0c9d11',
  })
  participationId!: string;

  @ApiProperty({ example: '20231234' })
  @IsString()
  @Matches(ID_PATTERN, { message: `studentId must be ${ID_RULE}` })
  studentId!: string;

  @ApiProperty({ example: 'robotics-club' })
  @IsString()
  @Matches(ID_PATTERN, { message: `activityId must be ${ID_RULE}` })
  activityId!: string;

  @ApiProperty({
    example: '2026-10-14T16:00:00Z',
    description:
      'When it took place: a date-time with Z or an offset (a date alone is refused: send the time, or T00:00:00Z), from 2000 on, and not in the future',
  })
  @IsOccurredAt()
  @HasHappened()
  occurredAt!: string;

  @ApiPropertyOptional({ enum: ROLES, default: 'participant' })
  @IsOmittable()
  @IsIn(ROLES, { message: ({ value }) => roleProblem(value) })
  role?: Role;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000, example: 2.5 })
  @IsOmittable()
  @HasAtMostDecimals(2)
  @Min(0, { message: 'hours must not be negative' })
  @Max(1000, { message: 'hours must be at most 1000' })
  hours?: number;

  @ApiPropertyOptional({
    maxLength: 2000,
    description: 'A URL or a short note pointing at evidence.',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(2000, { message: 'evidence must be at most 2000 characters' })
  @IsPlainText()
  evidence?: string;
}

const PARTICIPATION_FIELDS = new Set(['participationId', 'studentId', 'activityId', 'occurredAt', 'role', 'hours', 'evidence']);

/**
 * Whether class-validator would accept `body` as a {@link RecordParticipationDto},
 * for the bodies clients send (whole hours, no evidence, or evidence of at
 * most 2,000 UTF-16 units), checked with class-validator's own rule functions
 * without its metadata walk. False means "let class-validator decide": it
 * is never a refusal. record-participation.dto.unit.spec.ts holds it to the
 * decorators.
 */
export function isWellFormedParticipation(body: Record<string, unknown>): boolean {
  for (const key in body) if (!PARTICIPATION_FIELDS.has(key)) return false;
  const { participationId, studentId, activityId, occurredAt, role, hours, evidence } = body;
  return (
    isUUID(participationId, 'all') &&
    typeof studentId === 'string' &&
    ID_PATTERN.test(studentId) &&
    typeof activityId === 'string' &&
    ID_PATTERN.test(activityId) &&
    isOccurredAt(occurredAt) &&
    hasHappened(occurredAt) &&
    (role === undefined || ROLES.some((r) => r === role)) &&
    (hours === undefined || (Number.isInteger(hours) && (hours as number) >= 0 && (hours as number) <= 1000)) &&
    (evidence === undefined || (typeof evidence === 'string' && evidence.length <= 2000 && isPlainText(evidence)))
  );
}

export class VoidParticipationDto {
  @ApiProperty({ example: 'recorded for the wrong student', maxLength: 500 })
  @IsString({
    message: 'reason must be a string saying why the participation is void',
  })
  @IsNotEmpty({ message: 'reason must say why the participation is void' })
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  @IsPlainText()
  reason!: string;
}

/** Most rows one batch request may carry. */
export const MAX_BATCH_ROWS = 1000;

export class RecordBatchDto {
  @ApiProperty({ type: [RecordParticipationDto], maxItems: MAX_BATCH_ROWS })
  @IsArray({
    message: 'participations must be an array of participation objects',
  })
  @ArrayMinSize(1, { message: 'participations must hold at least one row' })
  @ArrayMaxSize(MAX_BATCH_ROWS, {
    message: `participations must hold at most ${MAX_BATCH_ROWS} rows; split the batch`,
  })
  participations!: unknown[];

  @ApiPropertyOptional({
    description: 'Check every row and report what would happen, writing nothing.',
  })
  @IsOmittable()
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;
}
