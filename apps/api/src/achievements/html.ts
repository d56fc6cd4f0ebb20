import type { CompetencyDocument } from './definitions';

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
