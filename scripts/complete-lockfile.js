#!/usr/bin/env node
// Usage: node scripts/complete-lockfile.js [package-lock.json] -- run after every dependency change.
// Adds lockfile entries for platform-specific optional packages that this
// machine's registry mirror does not serve (npm leaves them out, then `npm ci`
// refuses the lockfile). Each entry is marked optional; npm skips it on other
// platforms and tolerates its absence here.
const fs = require('fs');
const file = process.argv[2] || 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies || {})) {
    const base = path === '' ? '' : path + '/';
    const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
    if (candidates.some((c) => pkgs[c])) continue;
    pkgs[`node_modules/${name}`] = { version, optional: true };
    added++;
  }
}
const sorted = {};
for (const k of Object.keys(pkgs).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))) sorted[k] = pkgs[k];
lock.packages = sorted;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} optional platform entries`);
