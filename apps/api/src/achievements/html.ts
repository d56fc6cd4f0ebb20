import type { CompetencyDocument } from './definitions';

/**
 * Which of `offered` (the first is the default) the `Accept` header prefers:
 * the highest q wins, the earlier offer on a tie; wildcards match anything.
 */
export function preferredType<T extends string>(accept: string | undefined, offered: readonly [T, ...T[]]): T {
  let best: { type: T; q: number; rank: number } | undefined;
  for (const part of (accept ?? '').split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    if (!Number.isFinite(q) || q <= 0) continue;
    offered.forEach((type, rank) => {
      const matches = range === type || range === '*/*' || (range.endsWith('/*') && type.startsWith(range.slice(0, -1)));
      // An exact match outranks a wildcard at the same q.
      const score = q + (range === type ? 0.0001 : 0);
      if (matches && (!best || score > best.q || (score === best.q && rank < best.rank))) best = { type, q: score, rank };
    });
  }
  return best?.type ?? offered[0];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** A competency as a small self-contained page: what an employer following an alignment's targetUrl in a browser reads. */
export function competencyPage(c: CompetencyDocument): string {
  const items = (rows: string[]) => (rows.length === 0 ? '<p>None yet.</p>' : `<ul>${rows.map((r) => `<li>${r}</li>`).join('')}</ul>`);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(c.name)} (${escape(c.framework.name)})</title></head>
<body>
<h1>${escape(c.name)}</h1>
<p lang="lt">${escape(c.names.lt)}</p>
<p>${escape(c.description)}</p>
<h2>Activities that develop it</h2>
${items(c.activities.map((a) => `${escape(a.name)} (${escape(a.category)})`))}
<h2>Badges aligned to it</h2>
${items(c.badges.map((b) => `<a href="${escape(b.id)}">${escape(b.name)}</a> (${escape(b.level)} level)`))}
<p>Competency code <code>${escape(c.code)}</code> of ${escape(c.framework.name)}, rule set version ${c.version}. JSON: request this URL with <code>Accept: application/json</code>.</p>
</body>
</html>
`;
}
