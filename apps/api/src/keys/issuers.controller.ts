import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { buildIssuerProfile, OB_V3_CONTEXT, VC_V2_CONTEXT, type Profile } from '@laurel/credentials';
import { LAUREL_CONFIG, type LaurelConfig } from '@laurel/platform';
import { issuerOf } from '../../../worker/src/awards/award-credential';
import { Public } from '../auth/access';

/** The issuer Profile every credential's `issuer.id` points at. */
@ApiTags('keys')
@Controller('issuers')
export class IssuersController {
  constructor(@Inject(LAUREL_CONFIG) private readonly config: LaurelConfig) {}

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'The issuer Profile (Open Badges 3.0)' })
  profile(@Param('id') id: string): Profile & { '@context': string[] } {
    if (id !== this.config.issuer.slug)
      throw new NotFoundException(`no issuer ${id.slice(0, 80)} here; this engine issues as ${this.config.issuer.id}`);
    return { '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT], ...buildIssuerProfile(issuerOf(this.config)) };
  }
}
