import { Command } from 'commander';
import { connectRedis, loadConfig } from '@laurel/platform';
import { adminToken, engineUrl, requestEngine } from '../engine-request';

/**
 * `laurel projections status|rebuild`: asks the running engine (admin token
 * from `$LAUREL_TOKEN` or the local key); `rebuild --offline` only drops the
 * checkpoint in Redis, so the worker rebuilds every read model when it next
 * starts.
 */
export function projectionsCommand(): Command {
  const command = new Command('projections').description('inspect or rebuild the read models');
  const url = (options: { url: string }, path: string) => engineUrl(options.url, path);
  /** Prints the answer in words, or as the engine sent it with --json. */
  const call = async (method: string, target: URL, json: boolean | undefined, words: (body: Record<string, string | null>) => string) => {
    const body = await requestEngine(target, { method, headers: { authorization: `Bearer ${await adminToken()}` } }, 'admin');
    process.stdout.write(json ? `${body}\n` : `${words(JSON.parse(body) as Record<string, string | null>)}\n`);
  };
  const status = ({ checkpoint, head, lag }: Record<string, string | null>) =>
    checkpoint === null
      ? `rule projection: no checkpoint yet, rebuilding from the start of the log (head at position ${head})`
      : `rule projection: at position ${checkpoint} of ${head}, ${lag === '0' ? 'up to date' : `${lag} behind`}`;
  command
    .command('status')
    .description('checkpoint, log head and lag')
    .option('--url <url>', 'the engine', process.env.LAUREL_URL ?? 'http://127.0.0.1:3000')
    .option('--json', 'the answer as the engine sends it')
    .action((options: { url: string; json?: boolean }) => call('GET', url(options, '/admin/projections'), options.json, status));
  command
    .command('rebuild')
    .description('rebuild every read model from the event log')
    .option('--url <url>', 'the engine', process.env.LAUREL_URL ?? 'http://127.0.0.1:3000')
    .option('--offline', 'the engine is stopped: drop the checkpoint so the next start rebuilds')
    .option('--json', 'the answer as the engine sends it')
    .action(async (options: { url: string; offline?: boolean; json?: boolean }) => {
      if (!options.offline)
        return call('POST', url(options, '/admin/projections/rebuild'), options.json, ({ startedAt }) => `rebuild started at ${startedAt}: follow it with \`laurel projections status\``);
      const config = loadConfig();
      const redis = await connectRedis(config.redisUrl);
      try {
        await redis.del(`${config.redisPrefix}:projection:rules:checkpoint`);
        process.stdout.write('checkpoint dropped: the read models are rebuilt from the log when the engine next starts\n');
      } finally {
        redis.disconnect();
      }
    });
  return command;
}
