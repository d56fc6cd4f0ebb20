import { Controller, Get, Headers, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/access';
import { Definitions, type AchievementDocument, type CompetencyDocument } from './definitions';
import { chooseType } from '../http/negotiate';
import { competencyPage } from './html';
import { ID_PATTERN, ID_RULE } from '@laurel/progression';

/** Every path segment here is an id from a rule file; anything else cannot name a definition. */
function idOf(value: string, what: string): string {
  if (!ID_PATTERN.test(value)) throw new NotFoundException(`${what} id must be ${ID_RULE}`);
  return value;
}

/**
 * The definitions that issued credentials link to, without a token:
 * `credentialSubject.achievement.id` (a badge), the portfolio's levels, and
 * the alignments' `targetUrl` (a competency). These URLs are in credentials
 * already issued, so their shape never changes.
 */
@ApiTags('credentials')
@Controller('programs')
export class AchievementsController {
  constructor(private readonly definitions: Definitions) {}

  @Get(':programId/badges/:badgeId')
  @Public()
  @ApiOperation({
    summary: "A badge's definition: the OB 3.0 Achievement a credential's `credentialSubject.achievement.id` names (JSON-LD)",
    description:
      'The Achievement as credentials carry it (criteria, image, competency alignments, `version` and the rule set hash as `otherIdentifier`), from the latest rule set version that defines the badge. `application/ld+json` when asked for, JSON otherwise; 406 for an Accept that takes neither.',
  })
  badge(
    @Param('programId') programId: string,
    @Param('badgeId') badgeId: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): AchievementDocument {
    const found = this.definitions.badge(idOf(programId, 'program'), idOf(badgeId, 'badge'));
    if (!found) throw new NotFoundException(`program ${programId} has never defined a badge ${badgeId}`);
    return this.jsonLd(found, accept, reply);
  }

  @Get(':programId/levels/:levelId')
  @Public()
  @ApiOperation({
    summary: "A level's definition: the OB 3.0 Achievement a portfolio lists for it (JSON-LD)",
    description: 'What reaching the level takes, as the portfolio (CLR) carries it, from the latest rule set version that defines the level.',
  })
  level(
    @Param('programId') programId: string,
    @Param('levelId') levelId: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): AchievementDocument {
    const found = this.definitions.level(idOf(programId, 'program'), idOf(levelId, 'level'));
    if (!found) throw new NotFoundException(`program ${programId} has never defined a level ${levelId}`);
    return this.jsonLd(found, accept, reply);
  }

  @Get(':programId/competencies/:competencyId')
  @Public()
  @ApiOperation({
    summary:
      'A competency: what an alignment `targetUrl` in a credential names, described for an employer (HTML for browsers, JSON otherwise; 406 for an Accept that takes neither)',
    description: 'Its names, a description, the activities that develop it and the badges aligned to it (each at its achievement URL).',
  })
  competency(
    @Param('programId') programId: string,
    @Param('competencyId') competencyId: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): CompetencyDocument | string {
    const found = this.definitions.competency(idOf(programId, 'program'), idOf(competencyId, 'competency'));
    if (!found) throw new NotFoundException(`program ${programId} has never defined a competency ${competencyId}`);
    const type = chooseType(accept, ['application/json', 'text/html'], 'a competency');
    void reply.header('cache-control', 'public, max-age=300').header('vary', 'accept');
    if (type === 'text/html') {
      void reply.header('content-type', 'text/html; charset=utf-8');
      return competencyPage(found);
    }
    void reply.header('content-type', 'application/json; charset=utf-8');
    return found;
  }

  private jsonLd(document: AchievementDocument, accept: string | undefined, reply: FastifyReply): AchievementDocument {
    const type = chooseType(accept, ['application/json', 'application/ld+json'], 'an achievement');
    void reply.header('content-type', `${type}; charset=utf-8`).header('cache-control', 'public, max-age=300').header('vary', 'accept');
    return document;
  }
}
