import { loadConfig, loadOrCreateLocalAuthKey, mintLocalToken } from '@laurel/platform';
import { CliError } from './cli-error';

/** The engine's URL for `path`; `base` comes from `--url` or `$LAUREL_URL`. */
export function engineUrl(base: string, path: string): URL {
  const url = URL.canParse(base) ? new URL(path, base) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new CliError(`the engine's address "${base}" (--url or $LAUREL_URL) is not an http(s) URL: pass e.g. --url http://127.0.0.1:3000`);
  return url;
}

/** Why fetch could not reach the engine, in words. */
function unreachable(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'timed out';
    default:
      return typeof cause?.message === 'string' ? cause.message : String(err);
  }
}

/** The engine's own words from an error body (`{ message }`), else the start of whatever answered. */
function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body?.message === 'string') return body.message;
  } catch {
    // Not JSON: something other than the engine answers at --url.
  }
  return text.trim().slice(0, 200) || 'no details';
}

/**
 * Sends one request and returns the answer when it is a 2xx, its body not
 * yet read (to stream a large one). What the user can fix comes back as a
 * CliError saying how: nothing answering at the address, a token the engine
 * refuses (401) or that lacks the `role` (403).
 *
 * @example
 * const res = await openEngine(engineUrl(options.url, '/admin/events'), { headers }, 'admin');
 */
export async function openEngine(url: URL, init: RequestInit, role: 'coordinator' | 'admin'): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    throw new CliError(`cannot reach the engine at ${url.origin} (${unreachable(e)}): is it running? start it with \`npm start\`, or pass --url`, {
      cause: e,
    });
  }
  if (res.ok) return res;
  const text = await res.text();
  const mint = `\`laurel token --role ${role} --sub <your id>\` (in the engine's folder) and pass it in $LAUREL_TOKEN`;
  if (res.status === 401) throw new CliError(`the engine refused the token (401: ${messageOf(text)}): mint one with ${mint}`);
  if (res.status === 403) throw new CliError(`the engine refused the request (403: ${messageOf(text)}): mint a token with ${mint}`);
  throw new CliError(`the engine answered ${res.status}: ${messageOf(text)}`);
}

/**
 * Sends one request and returns the body of a 2xx answer; errors as {@link openEngine}.
 *
 * @example
 * const body = await requestEngine(engineUrl(options.url, '/admin/projections'), { headers }, 'admin');
 */
export async function requestEngine(url: URL, init: RequestInit, role: 'coordinator' | 'admin'): Promise<string> {
  return (await openEngine(url, init, role)).text();
}

/**
 * An admin token: `$LAUREL_TOKEN`, or one minted for five minutes with the
 * engine's local key when the engine issues its own tokens (run in its folder).
 */
export async function adminToken(): Promise<string> {
  if (process.env.LAUREL_TOKEN) return process.env.LAUREL_TOKEN;
  const config = loadConfig();
  if (config.auth.kind !== 'local') throw new CliError('set LAUREL_TOKEN to an admin token from your identity provider');
  return mintLocalToken(await loadOrCreateLocalAuthKey(config.auth.keyFile), config.auth, { sub: process.env.USER ?? 'cli', roles: ['admin'], ttlSeconds: 300 });
}
