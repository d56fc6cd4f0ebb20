import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Res, UnprocessableEntityException } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@laurel/event-store';
import { LAUREL_CONFIG, REDIS, RuleSetRegistry, RuleSetRejected, type LaurelConfig } from '@laurel/platform';
import { foldStudent, ID_PATTERN, ID_RULE, primaryFacts, readModelKeys, type ReviewItem } from '@laurel/progression';
import { loadRuleSet, noLongerAwarded, ruleSetDiffer, runExamples, type RuleSet } from '@laurel/rules';
import { Roles } from '../auth/access';
import { Metadata } from '../http/request-metadata';
import { chooseType } from '../http/negotiate';
import { HasCome, HasTimeZone, IsIsoInstant, plusRestored } from '../http/validators';
import { instantOf } from '../students/students.dto';
import { PreviewAnswerDto, PublishAnswerDto, ReviewAnswerDto, RuleFileRejectedDto, type PreviewAnswer, type ReviewApplication } from './programs.dto';
import { studentStreams } from './student-streams';
import { unknownProgram } from './unknown-ids';

/** The longest the preview replays before letting other requests run (ms). */
const PREVIEW_SLICE_MS = 10;

export class PreviewQueryDto {
  @ApiPropertyOptional({
    description: 'Compare as of this instant (default now): only what was recorded by then is replayed. A date alone means the end of that day.',
    example: '2026-06-30',
  })
  @IsOptional()
  @Transform(({ value }) => plusRestored(value))
  @IsIsoInstant('at must be an ISO-8601 date or date-time, e.g. 2026-06-30 or 2026-06-30T12:00:00Z')
  @HasTimeZone()
  @HasCome()
  at?: string;
}

/** Rule files arrive as YAML text (`text/yaml`) or as JSON `{ content, fileName? }`. */
function ruleFile(body: unknown, programId: string): { content: string; fileName: string } {
  if (typeof body === 'string' && body.trim() !== '') return { content: body, fileName: `${programId}.yaml` };
  if (body && typeof body === 'object' && typeof (body as { content?: unknown }).content === 'string') {
    const { content, fileName } = body as { content: string; fileName?: unknown };
    return { content, fileName: typeof fileName === 'string' && /^[\w.-]{1,100}$/.test(fileName) ? fileName : `${programId}.yaml` };
  }
  throw new UnprocessableEntityException('send the rule file as text/yaml, or as JSON { "content": "<yaml>", "fileName": "x.yaml" }');
}

function programIdOf(id: string): string {
  if (!ID_PATTERN.test(id)) throw new NotFoundException(`program id must be ${ID_RULE}`);
  return id;
}

@ApiTags('programs')
@ApiBearerAuth()
@Controller('programs')
export class ProgramsController {
  constructor(
    private readonly registry: RuleSetRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
  ) {}

  @Get(':id/rules')
  @Roles('designer', 'coordinator', 'student')
  @ApiOperation({
    summary: 'The active rule set: version, sha256 and the file (the YAML file itself for Accept: text/yaml; 406 for an Accept that takes neither)',
  })
  rules(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const programId = programIdOf(id);
    const active = this.registry.get(programId);
    if (!active) throw unknownProgram(this.registry, programId);
    const type = chooseType(reply.request.headers.accept, ['application/json', 'text/yaml', 'application/yaml', 'application/x-yaml'], 'a rule set');
    void reply.header('vary', 'accept');
    if (type !== 'application/json') {
      void reply.header('content-type', `${type}; charset=utf-8`);
      return active.content;
    }
    const { ruleSet } = active;
    return {
      programId: ruleSet.programId,
      version: active.version,
      sha256: ruleSet.sha256,
      publishedAt: active.publishedAt,
      title: ruleSet.title,
      levels: ruleSet.levels.map((l) => ({ id: l.id, name: l.name })),
      badges: ruleSet.badges.map((b) => ({ id: b.id, name: b.name, level: b.level, award: b.award, onRuleChange: b.onRuleChange })),
      activities: ruleSet.activities.map((a) => ({ id: a.id, name: a.name, category: a.category, competencies: a.competencies })),
      content: active.content,
    };
  }

  @Post(':id/rules')
  @HttpCode(201)
  @Roles('designer')
  @ApiConsumes('text/yaml', 'application/json')
  @ApiBody({ description: 'The rule file' })
  @ApiOperation({
    summary:
      'Publish a rule set after the same checks as `laurel rules check` (422 with file:line:column); the content of the active version again is 200 with `published: false` and the `reason`; either answer lists the warnings of the checks (`warnings`, file:line:column each), which do not stop publishing',
  })
  @ApiResponse({
    status: 201,
    type: PublishAnswerDto,
    description: 'Published as a new version; `warnings` lists what the checks warn about, empty when nothing',
  })
  @ApiResponse({
    status: 200,
    type: PublishAnswerDto,
    description: 'The active version has this content already: `published: false`, the `reason`, and the `warnings`',
  })
  @ApiUnprocessableEntityResponse({
    type: RuleFileRejectedDto,
    description: 'The file fails the checks or its own examples: `errors`, file:line:column each; nothing was published',
  })
  async publish(
    @Param('id') id: string,
    @Body() body: unknown,
    @Metadata() metadata: EventMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { content, fileName } = ruleFile(body, programIdOf(id));
    try {
      const outcome = await this.registry.publish(content, fileName, metadata, id);
      if (!outcome.published) void reply.status(200);
      return outcome;
    } catch (err) {
      if (err instanceof RuleSetRejected) {
        throw new UnprocessableEntityException({
          error: 'Unprocessable Entity',
          message: `the rule file ${RuleSetRejected.summary(err.issues, err.examples)}; nothing was published`,
          errors: err.issues,
        });
      }
      throw err;
    }
  }

  @Post(':id/rules/preview')
  @HttpCode(200)
  @Roles('designer')
  @ApiConsumes('text/yaml', 'application/json')
  @ApiBody({ description: 'The draft rule file (YAML as text/yaml, or JSON { "content": "<yaml>" })' })
  @ApiOperation({
    summary:
      "What-if: replay the real history under a draft rule file and list who would gain or lose what, and (onPublish) what publishing it now would do: badges and levels awarded, awards kept, flagged or revoked by policy; `examples.failed` lists the draft's own examples that fail (publishing would refuse it); `warnings` what the checks warn about (publishing would not stop for them)",
  })
  @ApiOkResponse({ type: PreviewAnswerDto })
  @ApiUnprocessableEntityResponse({
    type: RuleFileRejectedDto,
    description: 'The draft fails the checks (`errors`, file:line:column each), or is for another program',
  })
  async preview(@Param('id') id: string, @Body() body: unknown, @Query() query: PreviewQueryDto): Promise<PreviewAnswer> {
    const programId = programIdOf(id);
    const { content, fileName } = ruleFile(body, programId);
    const draft = loadRuleSet(content, fileName);
    if (!draft.ok)
      throw new UnprocessableEntityException({
        error: 'Unprocessable Entity',
        message: `the draft has ${draft.errors.length} error(s)`,
        errors: draft.errors,
      });
    if (draft.ruleSet.programId !== programId)
      throw new UnprocessableEntityException(
        `the draft is for program ${draft.ruleSet.programId}, not ${programId}; preview it at /programs/${draft.ruleSet.programId}/rules/preview`,
      );
    const when = query.at ? instantOf(query.at) : new Date();
    // Compared with the rules in force at `at`; a program not published by then is compared with nothing: what its first
    // publication would award over the real history.
    const active = query.at ? this.registry.activeAt(programId, when) : this.registry.get(programId);
    // Replaying a program's whole history twice takes seconds: the students' streams are read one at a time (not the
    // whole log at once) and replayed in slices, so other requests are served in between.
    const differ = ruleSetDiffer(active?.ruleSet, draft.ruleSet, when);
    let sliceStart = performance.now();
    for await (const { studentId, events: stream } of studentStreams(this.store)) {
      differ.add({
        studentId,
        facts: primaryFacts(stream, programId),
        // onPublish starts from what the student holds now (as of `at`): awards made, flagged or revoked under earlier rule sets.
        ...(active && {
          current: foldStudent(
            studentId,
            active.ruleSet,
            stream.filter((e) => e.recordedAt.getTime() <= when.getTime()),
          ),
        }),
      });
      if (performance.now() - sliceStart >= PREVIEW_SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
    const examples = runExamples(draft.ruleSet);
    return {
      ...differ.result(),
      // Publishing refuses a draft whose own examples fail: say so before the designer tries.
      examples: { run: examples.length, failed: examples.flatMap((r) => r.failures) },
      warnings: draft.warnings,
    };
  }

  @Get(':id/stats')
  @Roles('coordinator', 'designer')
  @ApiOperation({ summary: 'Students per level and badges awarded, from the read models' })
  async stats(@Param('id') id: string) {
    const programId = programIdOf(id);
    const active = this.registry.get(programId);
    if (!active) throw unknownProgram(this.registry, programId);
    const keys = readModelKeys(this.config.redisPrefix);
    const pipeline = this.redis.pipeline();
    pipeline.scard(keys.students);
    for (const l of active.ruleSet.levels) pipeline.scard(keys.roster(programId, l.id));
    for (const b of active.ruleSet.badges) pipeline.scard(keys.holders(programId, b.id));
    const counts = ((await pipeline.exec()) ?? []).map(([, n]) => Number(n));
    const levels = active.ruleSet.levels.map((l, i) => ({ levelId: l.id, students: counts[1 + i] ?? 0 }));
    const badges = active.ruleSet.badges.map((b, i) => ({ badgeId: b.id, holders: counts[1 + levels.length + i] ?? 0 }));
    return { programId, ruleSetVersion: active.version, students: counts[0] ?? 0, levels, badges };
  }

  @Get(':id/review')
  @Roles('coordinator')
  @ApiOperation({
    summary:
      'What waits for a coordinator, oldest first: applications to approve or reject, and awards flagged when they lost their support, to keep or revoke (from the read models)',
  })
  @ApiOkResponse({ type: ReviewAnswerDto })
  async review(@Param('id') id: string): Promise<{ programId: string; applications: ReviewApplication[]; flaggedAwards: ReviewItem[] }> {
    const programId = programIdOf(id);
    const active = this.registry.get(programId);
    if (!active) throw unknownProgram(this.registry, programId);
    const byStudent = await this.redis.hgetall(readModelKeys(this.config.redisPrefix).review(programId));
    const items = Object.values(byStudent)
      .flatMap((json) => JSON.parse(json) as ReviewItem[])
      .sort((a, b) => a.since.localeCompare(b.since) || a.studentId.localeCompare(b.studentId));
    const now = new Date();
    return {
      programId,
      applications: items.flatMap((i) => (i.kind === 'application' ? [reviewApplication(i, active.ruleSet, now)] : [])),
      flaggedAwards: items.filter((i) => i.kind === 'flagged-award'),
    };
  }
}

/**
 * An application as the review list shows it at `now`. The read model is
 * written when one of the student's events comes, so a `valid-until` date
 * that has come since is judged here: an approval would be refused.
 */
function reviewApplication(item: Extract<ReviewItem, { kind: 'application' }>, ruleSet: RuleSet, now: Date): ReviewApplication {
  const closed = noLongerAwarded(ruleSet, item.badgeId, now);
  if (closed) return { ...item, eligible: false, reason: `${closed}: reject it with a comment saying so` };
  if (item.eligible) return item;
  return {
    ...item,
    reason: `approving it would be refused: the student no longer meets its criteria (a participation or badge it rested on was voided or revoked, or the rules changed); GET /students/${item.studentId}/progression says what is missing`,
  };
}
