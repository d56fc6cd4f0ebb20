import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig, loadOrCreateLocalAuthKey, mintLocalToken, ROLE_NAMES, type Role } from '@laurel/platform';
import { ID_PATTERN, ID_RULE } from '@laurel/progression';
import { CliError } from '../cli-error';

/** The longest lifetime a locally minted token may have: it cannot be revoked before it expires. */
const MAX_TTL_SECONDS = 365 * 86400;
const TTL_RULE = 'use a duration from 1s to 365d, e.g. 30m, 1h, 7d, or a number of seconds';

/** Parses `30m`, `1h`, `7d` or plain seconds, from 1 second to 365 days. */
export function parseTtl(value: string): number {
  const match = /^(\d+)(s|m|h|d)?$/.exec(value.trim());
  if (!match?.[1]) throw new InvalidArgumentError(TTL_RULE);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  if (seconds < 1) throw new InvalidArgumentError(`a token that lives ${value.trim()} expires as it is minted; ${TTL_RULE}`);
  if (seconds > MAX_TTL_SECONDS)
    throw new InvalidArgumentError(`${value.trim()} is longer than 365 days, and a local token cannot be revoked before it expires; ${TTL_RULE}`);
  return seconds;
}

/**
 * What is wrong with `sub` for a token with `roles`, or `undefined`. A
 * student's token reaches only the student whose id is its `sub`, so it must
 * be a student id; staff subjects only name the person in the events'
 * `actor`, so anything printable will do.
 */
export function subProblem(sub: string, roles: Role[]): string | undefined {
  const shown = JSON.stringify(sub.length > 80 ? `${sub.slice(0, 80)}...` : sub);
  if (roles.includes('student') && !ID_PATTERN.test(sub)) {
    return `--sub ${shown} is not a student id: a student's token carries their student id (${ID_RULE})`;
  }
  if (!/^[^\s\p{C}]{1,128}$/u.test(sub)) {
    return `--sub ${shown} is not valid: use the person's id, 1 to 128 characters without spaces or control characters`;
  }
  return undefined;
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
    .option('--ttl <duration>', 'lifetime from 1s to 365d, e.g. 30m, 1h, 7d', parseTtl, 3600)
    .action(async (options: { role: Role[]; sub: string; ttl: number }) => {
      const problem = subProblem(options.sub, options.role);
      if (problem) throw new CliError(problem);
      const config = loadConfig();
      if (config.auth.kind !== 'local') {
        throw new CliError('LAUREL_AUTH_JWKS_URL is set: tokens come from your identity provider, not from `laurel token`');
      }
      const key = await loadOrCreateLocalAuthKey(config.auth.keyFile);
      process.stdout.write(`${await mintLocalToken(key, config.auth, { sub: options.sub, roles: options.role, ttlSeconds: options.ttl })}\n`);
    });
}
