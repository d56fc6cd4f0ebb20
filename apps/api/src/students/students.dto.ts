import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { HasCome, HasTimeZone, IsIsoInstant, IsOmittable, IsPlainText, plusRestored } from '../http/validators';
import { ID_PATTERN, ID_RULE } from '@laurel/progression';

/**
 * The instant an `asOf` / `at` query names. A date alone means the end of
 * that day (UTC), as `laurel rules explain --at` reads it: asking for
 * today's date includes what was recorded today, and is now (not tonight,
 * when badges may have expired).
 *
 * @example
 * instantOf('2026-06-30') // 2026-06-30T23:59:59.999Z
 */
export const instantOf = (value: string, now = new Date()): Date => {
  const t = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : value);
  return t.getTime() > now.getTime() ? now : t;
};

export class ProgressionQueryDto {
  @ApiPropertyOptional({ description: "The student's state at this instant, computed from the log", example: '2026-06-30T00:00:00Z' })
  @IsOptional()
  @Transform(({ value }) => plusRestored(value))
  @IsIsoInstant('asOf must be an ISO-8601 date or date-time, e.g. 2026-06-30 or 2026-06-30T12:00:00Z')
  @HasTimeZone()
  @HasCome()
  asOf?: string;

  @ApiPropertyOptional({ description: 'Needed only when several programs are published' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: `programId must be ${ID_RULE}` })
  programId?: string;
}

export class SubmitApplicationDto {
  @ApiProperty({ example: 'meta-leadership' })
  @IsString()
  @Matches(ID_PATTERN, { message: `badgeId must be ${ID_RULE}` })
  badgeId!: string;

  @ApiPropertyOptional({ maxLength: 4000, description: "The student's statement for the reviewer" })
  @IsOmittable()
  @IsString()
  @MaxLength(4000, { message: 'statement must be at most 4000 characters' })
  @IsPlainText()
  statement?: string;
}

export class ReasonDto {
  @ApiProperty({ maxLength: 500 })
  @IsString({ message: 'reason must be a string saying why' })
  @IsNotEmpty({ message: 'reason must say why' })
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  @IsPlainText()
  reason!: string;
}

export class ReviewDto {
  @ApiPropertyOptional({ maxLength: 2000, description: 'Required when rejecting: tell the student why' })
  @IsOmittable()
  @IsString()
  @MaxLength(2000, { message: 'comment must be at most 2000 characters' })
  @IsPlainText()
  comment?: string;
}
