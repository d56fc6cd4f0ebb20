import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig, loadOrCreateLocalAuthKey, mintLocalToken, ROLE_NAMES, type Role } from '@laurel/platform';
import { CliError } from '../cli-error';

/** Parses `30m`, `1h`, `7d` or plain seconds. */
export function parseTtl(value: string): number {
  const match = /^(\d+)(s|m|h|d)?$/.exec(value.trim());
  if (!match?.[1]) throw new InvalidArgumentError('use a duration like 30m, 1h, 7d or a number of seconds');
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/**
 * `laurel token --role coordinator --sub <id> [--ttl 1h]`: a bearer token
 * signed with the engine's local key (the embedded default). With a
 * university identity provider configured, get tokens from it instead.
 */
export function tokenCommand(): Command {
  return new Command('token')
    .description('mint a bearer token with the local key (embedded default)')
    .addOption(new Option('--role <role...>', 'role(s) the token carries').choices(ROLE_NAMES as string[]).makeOptionMandatory())
    .requiredOption('--sub <id>', 'the subject: a student id for students, a staff id otherwise')
    .option('--ttl <duration>', 'lifetime, e.g. 30m, 1h, 7d', parseTtl, 3600)
    .action(async (options: { role: Role[]; sub: string; ttl: number }) => {
      const config = loadConfig();
      if (config.auth.kind !== 'local') {
        throw new CliError('LAUREL_AUTH_JWKS_URL is set: tokens come from your identity provider, not from `laurel token`');
      }
      const key = await loadOrCreateLocalAuthKey(config.auth.keyFile);
      process.stdout.write(`${await mintLocalToken(key, config.auth, { sub: options.sub, roles: options.role, ttlSeconds: options.ttl })}\n`);
    });
}
