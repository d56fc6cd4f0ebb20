import { request as httpRequest, Agent } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ID_PATTERN } from '@laurel/progression';
import { REPO_ROOT } from './test-engine';

/**
 * Generates malformed and hostile HTTP requests for Laurel's write endpoints,
 * reproducibly: request `i` of seed `s` is always the same request, whatever
 * order or concurrency the requests are sent in.
 */

export type Rng = () => number;

/** mulberry32: small, fast, good enough to pick test inputs. */
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator for request `index` of `seed`. */
export function rngFor(seed: number, index: number): Rng {
  return mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}

const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const chance = (r: Rng, p: number) => r() < p;
const uuid = (r: Rng) => 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => (c === 'x' ? int(r, 16) : 8 + int(r, 4)).toString(16));

const UNICODE = [
  '\ud800',
  '\udfff',
  'a\ud800b',
  '\udc00\ud800',
  '\u202eexe.fdp',
  'שלום\u200fעולם',
  '\u200b',
  'a\u200d\u200cb',
  '\ufeff',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31mred',
  '\u2028\u2029',
  'Z\u0301'.repeat(300),
  '２０２３１２３４',
  'ｓｔｕｄｅｎｔ',
  '\uffff\ufffe',
  '\u{10ffff}',
  'İstanbul',
  'Žalgirio',
  '😀👩‍👩‍👧‍👦',
];
const TRAVERSAL = [
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '....//....//',
  '/etc/passwd',
  '..',
  '.',
  '~root',
  'file:///etc/passwd',
  '\\\\server\\share',
  '..%00',
  '%252e%252e%252f',
  'student-../../x',
];
const INJECTION = [
  "' OR '1'='1",
  '"; DROP TABLE events; --',
  '1; DELETE FROM events WHERE 1=1; --',
  "') UNION SELECT * FROM sqlite_master --",
  'FLUSHALL',
  '*\r\nFLUSHALL\r\n',
  '\r\nDEL laurel:*\r\n',
  'EVAL "redis.call(\'flushall\')" 0',
  'laurel:*',
  'student-*',
  '$(reboot)',
  '`id`',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '%s%s%s%n',
  'javascript:alert(1)',
  '\r\nSet-Cookie: a=b',
  '{"$gt": ""}',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf'];
const STRINGS = [...UNICODE, ...TRAVERSAL, ...INJECTION, ...PROTO_KEYS, '', ' ', '\t\n'];
const ODD_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, [], {}, [null], ['a'], { a: 1 }, { $gt: '' }];

const huge = (r: Rng) => pick(r, ['A'.repeat(70_000), 'é'.repeat(5000), '😀'.repeat(2500), 'x'.repeat(4001), '\u0000'.repeat(600)]);
const hostileString = (r: Rng) => (chance(r, 0.1) ? huge(r) : pick(r, STRINGS));
const hostileValue = (r: Rng): unknown => (chance(r, 0.35) ? pick(r, ODD_VALUES) : hostileString(r));

/** A string that can never pass as an id (student, activity, badge, program). */
function badId(r: Rng): unknown {
  for (;;) {
    const v = chance(r, 0.2) ? pick(r, ODD_VALUES) : chance(r, 0.1) ? 'a'.repeat(65 + int(r, 200)) : hostileString(r);
    if (typeof v !== 'string' || !ID_PATTERN.test(v)) return v;
  }
}

/** Free text that breaks a rule: not a string, too long, or unprintable. */
function badText(r: Rng, max: number): unknown {
  return pick(r, [
    () =>
      pick(
        r,
        ODD_VALUES.filter((v) => typeof v !== 'string'),
      ),
    () => 'y'.repeat(max + 1 + int(r, 100)),
    () => `note ${pick(r, ['\u0000', '\ud800', '\udfff', '\u0007', '\u001b', '\u007f'])} end`,
    () => huge(r),
  ])();
}

function nested(r: Rng, depth: number): string {
  const open = pick(r, ['[', '{"a":']);
  return `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`;
}

/** JSON text of `value` with a prototype-pollution key spliced into its first object. */
function withPollution(r: Rng, value: object): string {
  const json = JSON.stringify(value);
  const key = pick(r, [
    '"__proto__":{"polluted":"yes"}',
    '"constructor":{"prototype":{"polluted":"yes"}}',
    '"__proto__":{"__proto__":{"polluted":"yes"}}',
    '"prototype":{"polluted":"yes"}',
  ]);
  const at = json.indexOf('{');
  return at < 0 ? `{${key}}` : `${json.slice(0, at + 1)}${key}${json[at + 1] === '}' ? '' : ','}${json.slice(at + 1)}`;
}

/** Broken JSON text, near enough to JSON to reach the parser. */
function brokenJson(r: Rng, value: object): string {
  const json = JSON.stringify(value);
  return pick(r, [
    () => json.slice(0, int(r, json.length)),
    () => json.replace(/"/g, "'"),
    () => `${json.slice(0, -1)},}`,
    () => `// comment\n${json}`,
    () => json.replace(/:/, ': NaN, "x":'),
    () => `${json}${json}`,
    () => `{"a": 1 "b": 2}`,
    () => '\ufeff' + json.slice(1),
    () => '{"a":"\\ud800\\u12"}',
    () => '{"a":"\\x41"}',
    () => 'undefined',
  ])();
}

export type Caller = 'coordinator' | 'designer';

export interface HostileRequest {
  label: string;
  method: 'POST' | 'DELETE' | 'GET';
  path: string;
  caller: Caller;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Outcomes other than a 4xx that are fine for this request (e.g. a batch whose every row is rejected answers 200). */
  allows2xx: boolean;
}

/** Like encodeURIComponent, but a lone surrogate becomes its (invalid) WTF-8 bytes instead of an exception. */
function encodeSegment(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out +=
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('')
        : encodeURIComponent(ch);
  }
  return out;
}

/** A path segment holding a hostile id, encoded one of the ways a client or an attacker might. */
function hostileSegment(r: Rng, id: unknown): string {
  const text = typeof id === 'string' ? id : (JSON.stringify(id) ?? 'undefined');
  return pick(r, [
    () => encodeSegment(text),
    () => encodeSegment(text),
    // Raw where the HTTP client allows it: traversal and percent signs reach the router as they are.
    () => (/^[\x21-\x7e]*$/.test(text) && !/[?#]/.test(text) && text !== '' ? text : encodeSegment(text)),
    () => encodeSegment(encodeSegment(text)),
    () => pick(r, ['%', '%E0%A4%A', '%ff%fe', '%00', '%c0%ae%c0%ae', 'a'.repeat(150), 'a'.repeat(5000)]),
  ])();
}

const CONTENT_TYPES = [
  'text/plain',
  'text/yaml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/jsonx',
  'application/jwt',
  '*/*',
  'application/json, text/plain',
];

type Body = { text: string | Buffer; contentType: string };
const json = (value: unknown): Body => ({ text: JSON.stringify(value) ?? 'null', contentType: 'application/json' });

/**
 * A body for a JSON endpoint that fails validation: `valid()` makes a good
 * body, `field` breakers make each field bad, and the rest are the hostile
 * shapes every endpoint must refuse.
 */
function hostileJsonBody(r: Rng, valid: () => Record<string, unknown>, breakers: Record<string, (r: Rng) => unknown>, optional: string[] = []): Body {
  const kind = int(r, 100);
  if (kind < 45) {
    // One to three fields made bad; sometimes an extra hostile decoration in a field left valid.
    const body = valid();
    const fields = Object.keys(breakers);
    for (let n = 1 + int(r, 3); n > 0; n--) {
      const field = pick(r, fields);
      body[field] = breakers[field]!(r);
    }
    const required = fields.filter((f) => !optional.includes(f));
    if (required.length > 0 && chance(r, 0.2)) delete body[pick(r, required)];
    return json(body);
  }
  if (kind < 55) {
    const body = valid();
    // defineProperty: a plain assignment to "__proto__" would set the prototype instead of adding a key.
    const key = chance(r, 0.5) ? pick(r, ['actor', 'metadata', 'role2', 'isAdmin', 'studentID']) : hostileString(r);
    Object.defineProperty(body, key, { value: hostileValue(r), enumerable: true, configurable: true, writable: true });
    return json(body);
  }
  if (kind < 65) return { text: withPollution(r, valid()), contentType: 'application/json' };
  if (kind < 72) return { text: brokenJson(r, valid()), contentType: 'application/json' };
  if (kind < 78) return { text: nested(r, pick(r, [33, 64, 1000, 100_000])), contentType: 'application/json' };
  if (kind < 84) return json(pick(r, [null, 0, 'text', [], [valid()], true, ...ODD_VALUES]));
  if (kind < 92) {
    // The wrong content type: a good body sent as text arrives as a string and is refused; JSON look-alike types get a bad body.
    return chance(r, 0.5)
      ? {
          text: JSON.stringify(valid()),
          contentType: pick(
            r,
            CONTENT_TYPES.filter((t) => !/json/i.test(t)),
          ),
        }
      : { text: JSON.stringify({ x: hostileValue(r) }), contentType: pick(r, CONTENT_TYPES) };
  }
  if (kind < 95) return { text: '', contentType: pick(r, ['application/json', 'text/plain']) };
  if (kind < 98)
    return { text: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d]), contentType: 'application/json' };
  return { text: JSON.stringify({ ...valid(), evidence: 'z'.repeat(1_100_000) }), contentType: 'application/json' };
}

const validParticipation = (r: Rng) => ({
  participationId: uuid(r),
  studentId: `fz-${int(r, 50)}`,
  activityId: pick(r, ['robotics-club', 'university-choir', 'basketball-league']),
  occurredAt: '2026-10-14T16:00:00Z',
  role: pick(r, ['participant', 'volunteer', 'organiser', 'leader']),
  hours: int(r, 10),
  evidence: pick(r, ['https://example.edu/e/1', 'שלום\u200f', "' OR 1=1 --", '\u202eexe', '../../etc/passwd']),
});
const participationBreakers: Record<string, (r: Rng) => unknown> = {
  participationId: (r) =>
    pick(r, [() => hostileValue(r), () => `${uuid(r)}\u0000`, () => `{${uuid(r)}}`, () => uuid(r).replace(/-/g, ''), () => ` ${uuid(r)}`])(),
  studentId: badId,
  activityId: (r) => (chance(r, 0.3) ? pick(r, ['FLUSHALL', 'constructor', 'toString', 'NaN', 'robotics-club2', 'Robotics-Club']) : badId(r)),
  occurredAt: (r) =>
    pick(r, [
      'yesterday',
      '2026-13-45T25:61:00Z',
      '2026-10-14 16:00:00',
      '+275760-09-13T00:00:00.001Z',
      '0000-00-00T00:00:00Z',
      '1e12',
      '',
      ...INJECTION,
      null,
      1760457600000,
      [],
    ]),
  role: (r) => pick(r, ['admin', 'ADMIN', 'Participant', '__proto__', 'constructor', '', null, 1, ['participant'], ...UNICODE]),
  hours: (r) => pick(r, [-1, -0.001, 1000.01, 1e308, 1.234, '2', 'NaN', null, true, [], {}, 'Infinity']),
  evidence: (r) => badText(r, 2000),
};

/** What a broken RSA/EC header or payload in a compact JWS might say. */
function hostileJws(r: Rng): string {
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const header = pick(r, [
    { alg: 'none', typ: 'JWT' },
    { alg: 'HS256', typ: 'JWT', kid: 'x' },
    { alg: 'RS256', kid: '../../etc/passwd' },
    { alg: 'ES256', jku: 'http://169.254.169.254/latest/meta-data/' },
    { alg: 'RS256', x5u: 'http://127.0.0.1:6379/' },
    { alg: 'RS256', kid: 'http://127.0.0.1:6379/FLUSHALL' },
    { alg: 'RS256', crit: ['exp'], kid: "' OR 1=1 --" },
    { alg: 'RS256', jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } },
    { alg: ['RS256'] },
    { alg: 'RS256', kid: '\ud800' },
    '{"alg":"RS256","__proto__":{"polluted":"yes"}}',
    'not json',
    nested(r, 5000),
  ]);
  const payload = pick(r, [
    { iss: 'https://evil.example.com', sub: 'x', '@context': hostileValue(r), credentialSubject: hostileValue(r) },
    {
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      credentialStatus: {
        statusListCredential: pick(r, ['http://169.254.169.254/', 'file:///etc/passwd', 'http://laurel.test/status-lists/../../x']),
        statusListIndex: '-1',
      },
    },
    { validFrom: 'not a date', validUntil: 1e308, nbf: 'x', exp: [] },
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
    nested(r, 200),
    hostileString(r),
  ]);
  const signature = pick(r, ['', 'AAAA', 'x'.repeat(2000), b64(hostileString(r))]);
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

const RULE_FILE = readFileSync(join(REPO_ROOT, 'rules', 'vilnius-tech.yaml'), 'utf8');

/** YAML that must never publish: malformed, hostile, or a real file made wrong. */
function hostileYaml(r: Rng): string | Buffer {
  return pick<() => string | Buffer>(r, [
    () => '['.repeat(pick(r, [100, 10_000, 200_000])),
    () => '{a: '.repeat(5000),
    () =>
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
    () => 'fn: !!js/function "function () { process.exit(1) }"\nbin: !!binary aGVsbG8=\nre: !!js/regexp /a/\n',
    () => `__proto__:\n  polluted: yes\nconstructor:\n  prototype:\n    polluted: yes\n`,
    () => `${RULE_FILE}\n__proto__:\n  polluted: yes\n`,
    () => `${RULE_FILE}\nconstructor:\n  prototype:\n    polluted: yes\n`,
    () => RULE_FILE.replace(/^( {2}id: )vilnius-tech$/m, `$1${JSON.stringify(badId(r))}`),
    () => RULE_FILE.replace(/^( {2}- id: )basketball-league$/m, `$1${JSON.stringify(badId(r))}`),
    () => RULE_FILE.slice(0, Math.floor(RULE_FILE.length / 2)) + '\n  - : : :\n\t\tbad',
    () => `x: ${'y'.repeat(900_000)}`,
    () => '---\n---\n...\n%YAML 9.9\n',
    () => 'a: 1\na: 2\n<<: *missing\n',
    () => Buffer.from([0xff, 0xfe, 0x00, 0x61, 0x3a, 0x20, 0xc0, 0xaf]),
    () => '\u0000\u0000\u0000',
    () => `programId: ${pick(r, INJECTION)}\n`,
    () => hostileString(r),
    () => ' ',
  ])();
}

function rulesBody(r: Rng): Body {
  const kind = int(r, 10);
  if (kind < 5) return { text: hostileYaml(r), contentType: pick(r, ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain']) };
  if (kind < 8) {
    const content = chance(r, 0.7) ? hostileYaml(r).toString() : hostileValue(r);
    const fileName = chance(r, 0.5) ? pick(r, [...TRAVERSAL, 'x'.repeat(300), '\u0000.yaml', 'rules.yaml']) : undefined;
    return chance(r, 0.3) ? { text: withPollution(r, { content, fileName }), contentType: 'application/json' } : json({ content, fileName });
  }
  return hostileJsonBody(r, () => ({ content: 42 }), { content: (r) => hostileValue(r) });
}

interface Endpoint {
  name: string;
  weight: number;
  make(r: Rng): Omit<HostileRequest, 'label' | 'headers' | 'body'> & { body?: Body };
}

const reason = (r: Rng) => (chance(r, 0.6) ? badText(r, 500) : pick(r, ['recorded twice', ...INJECTION.filter((s) => !s.includes('\r'))]));

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /participations',
    weight: 26,
    make: (r) => ({
      method: 'POST',
      path: '/participations',
      caller: 'coordinator',
      allows2xx: false,
      body: hostileJsonBody(r, () => validParticipation(r), participationBreakers, ['role', 'hours', 'evidence']),
    }),
  },
  {
    name: 'POST /participations/batch',
    weight: 12,
    make: (r) => {
      const kind = int(r, 10);
      let body: Body;
      if (kind < 4) {
        // Every row broken: the batch answers 200 with each row rejected, and writes nothing.
        const rows = Array.from({ length: 1 + int(r, 20) }, () => {
          const b = hostileJsonBody(r, () => validParticipation(r), participationBreakers, ['role', 'hours', 'evidence']);
          // Very deep rows would overflow the stack of JSON.stringify here rather than test the server.
          if (b.text.length > 100_000) return hostileValue(r);
          try {
            const row: unknown = JSON.parse(b.text.toString());
            return b.contentType === 'application/json' && row && typeof row === 'object' && !Array.isArray(row) && Object.keys(row).length > 0
              ? row
              : hostileValue(r);
          } catch {
            return hostileValue(r);
          }
        });
        body = chance(r, 0.2)
          ? { text: withPollution(r, { participations: rows }), contentType: 'application/json' }
          : json({ participations: rows });
      } else if (kind < 5) {
        body = json({ participations: Array.from({ length: 1001 }, () => validParticipation(r)) });
      } else if (kind < 6) {
        body = json({ participations: Array.from({ length: 3 }, () => validParticipation(r)), dryRun: true });
      } else {
        body = hostileJsonBody(
          r,
          () => ({ participations: [validParticipation(r)] }),
          {
            participations: (r) => pick(r, [null, {}, 'rows', 1, [], { 0: validParticipation(r), length: 1 }]),
            dryRun: (r) => pick(r, ['true', 1, null, [], 'yes']),
          },
          ['dryRun'],
        );
      }
      return { method: 'POST', path: '/participations/batch', caller: 'coordinator', allows2xx: true, body };
    },
  },
  {
    name: 'DELETE /participations/:id',
    weight: 10,
    make: (r) => ({
      method: 'DELETE',
      path: `/participations/${chance(r, 0.6) ? hostileSegment(r, hostileValue(r)) : uuid(r)}`,
      caller: 'coordinator',
      allows2xx: false,
      body: chance(r, 0.8) ? hostileJsonBody(r, () => ({ reason: 'recorded twice' }), { reason }) : undefined,
    }),
  },
  {
    name: 'POST /students/:id/applications',
    weight: 9,
    make: (r) => ({
      method: 'POST',
      path: `/students/${chance(r, 0.5) ? hostileSegment(r, badId(r)) : `fz-${int(r, 50)}`}/applications`,
      caller: 'coordinator',
      allows2xx: false,
      body: hostileJsonBody(
        r,
        () => ({ badgeId: 'meta-leadership', statement: 'I led the robotics club' }),
        {
          badgeId: (r) => (chance(r, 0.3) ? pick(r, ['constructor', '__proto__', 'toString', 'FLUSHALL']) : badId(r)),
          statement: (r) => badText(r, 4000),
        },
        ['statement'],
      ),
    }),
  },
  {
    name: 'POST /applications/:id/approve|reject',
    weight: 9,
    make: (r) => ({
      method: 'POST',
      path: `/applications/${chance(r, 0.6) ? hostileSegment(r, hostileValue(r)) : uuid(r)}/${pick(r, ['approve', 'reject'])}`,
      caller: 'coordinator',
      allows2xx: false,
      body: hostileJsonBody(r, () => ({ comment: 'well done' }), { comment: (r) => badText(r, 2000) }, ['comment']),
    }),
  },
  {
    name: 'POST /students/:id/awards/:badgeId/revoke',
    weight: 9,
    make: (r) => ({
      method: 'POST',
      path: `/students/${hostileSegment(r, chance(r, 0.5) ? badId(r) : `fz-${int(r, 50)}`)}/awards/${hostileSegment(r, chance(r, 0.5) ? badId(r) : 'meta-leadership')}/revoke`,
      caller: 'coordinator',
      allows2xx: false,
      body: hostileJsonBody(r, () => ({ reason: 'plagiarism' }), { reason }),
    }),
  },
  {
    name: 'POST /students/:id/awards/:badgeId/keep',
    weight: 5,
    make: (r) => ({
      method: 'POST',
      path: `/students/${hostileSegment(r, chance(r, 0.5) ? badId(r) : `fz-${int(r, 50)}`)}/awards/${hostileSegment(r, chance(r, 0.5) ? badId(r) : 'meta-leadership')}/keep`,
      caller: 'coordinator',
      allows2xx: false,
      body: hostileJsonBody(r, () => ({ reason: 'checked with the organisers' }), { reason }),
    }),
  },
  {
    name: 'POST /credentials/:id/revoke',
    weight: 5,
    make: (r) => ({
      method: 'POST',
      path: `/credentials/${chance(r, 0.6) ? hostileSegment(r, hostileValue(r)) : uuid(r)}/revoke`,
      caller: 'coordinator',
      allows2xx: false,
      body: hostileJsonBody(r, () => ({ reason: 'plagiarism' }), { reason }),
    }),
  },
  {
    name: 'POST /programs/:id/rules',
    weight: 9,
    make: (r) => ({
      method: 'POST',
      path: `/programs/${chance(r, 0.3) ? hostileSegment(r, badId(r)) : 'vilnius-tech'}/rules`,
      caller: 'designer',
      allows2xx: false,
      body: rulesBody(r),
    }),
  },
  {
    name: 'POST /programs/:id/rules/preview',
    weight: 8,
    make: (r) => ({
      method: 'POST',
      path: `/programs/${chance(r, 0.3) ? hostileSegment(r, badId(r)) : 'vilnius-tech'}/rules/preview${chance(r, 0.3) ? `?at=${encodeSegment(hostileString(r).slice(0, 500))}` : ''}`,
      caller: 'designer',
      allows2xx: false,
      body: rulesBody(r),
    }),
  },
  {
    // Public reads, but their ids come from the URL: the definitions every issued credential links to.
    name: 'GET /programs/:id/badges|levels|competencies/:id',
    weight: 3,
    make: (r) => ({
      method: 'GET',
      path: `/programs/${chance(r, 0.4) ? hostileSegment(r, badId(r)) : 'vilnius-tech'}/${pick(r, ['badges', 'levels', 'competencies'])}/${
        chance(r, 0.7) ? hostileSegment(r, badId(r)) : pick(r, ['sports-participant', 'participation', 'teamwork'])
      }`,
      caller: 'coordinator',
      allows2xx: true,
    }),
  },
  {
    name: 'POST /credentials/verify',
    weight: 8,
    make: (r) => {
      const kind = int(r, 4);
      const body: Body =
        kind === 0
          ? { text: hostileJws(r), contentType: pick(r, ['application/jwt', 'application/vc+jwt']) }
          : kind === 1
            ? json({ jwt: hostileJws(r) })
            : hostileJsonBody(r, () => ({ jwt: 'a.b.c' }), { jwt: (r) => hostileValue(r) });
      // A well-formed JWS that fails its checks is answered 200 { verified: false }.
      return { method: 'POST', path: '/credentials/verify', caller: 'coordinator', allows2xx: true, body };
    },
  },
];

const TOTAL_WEIGHT = ENDPOINTS.reduce((n, e) => n + e.weight, 0);

/** Request `index` of the run seeded with `seed`. */
export function hostileRequest(seed: number, index: number): HostileRequest & { endpoint: string } {
  const r = rngFor(seed, index);
  let w = int(r, TOTAL_WEIGHT);
  const endpoint = ENDPOINTS.find((e) => (w -= e.weight) < 0)!;
  const { body, ...rest } = endpoint.make(r);
  const headers: Record<string, string> = {};
  if (body) headers['content-type'] = body.contentType;
  if (chance(r, 0.1)) headers['x-correlation-id'] = pick(r, ['../../x', "' OR 1=1 --", 'a'.repeat(300), 'FLUSHALL *', '%00']);
  let path = rest.path;
  if (chance(r, 0.1)) {
    path += `${path.includes('?') ? '&' : '?'}${pick(r, ['__proto__[polluted]=yes', 'constructor[prototype][polluted]=yes', '__proto__.polluted=yes', `q=${encodeSegment(hostileString(r).slice(0, 300))}`, 'a=1&a=2&a=3'])}`;
  }
  return {
    ...rest,
    path,
    headers,
    body: body?.text,
    endpoint: endpoint.name,
    label: `#${index} ${rest.method} ${path.slice(0, 120)} (${body?.contentType ?? 'no body'})`,
  };
}

export interface RawResponse {
  status: number;
  body: string;
}

/** Sends a request byte for byte as given (no client-side encoding or JSON handling). */
export function sendRaw(base: { host: string; port: number }, agent: Agent, req: HostileRequest, auth: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    const outgoing = httpRequest(
      {
        host: base.host,
        port: base.port,
        method: req.method,
        path: req.path,
        agent,
        headers: { ...req.headers, authorization: auth, ...(body && { 'content-length': String(body.length) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
