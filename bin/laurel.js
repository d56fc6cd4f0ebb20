#!/usr/bin/env node
// The `laurel` command. In a checkout with dev dependencies it runs the
// TypeScript sources through SWC, so it never runs a stale build; in a
// production install (no sources or no SWC) it runs the compiled CLI.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'apps', 'cli', 'src', 'main.ts');

function canRunSource() {
  if (!existsSync(source) || process.env.NODE_ENV === 'production') return false;
  try {
    require.resolve('@swc-node/register');
    return true;
  } catch {
    return false;
  }
}

if (canRunSource()) {
  process.env.SWC_NODE_PROJECT ??= join(root, 'tsconfig.json');
  require('@swc-node/register');
  require('tsconfig-paths').register({
    baseUrl: root,
    paths: require('../tsconfig.json').compilerOptions.paths,
  });
  require(source);
} else {
  require(join(root, 'dist', 'apps', 'cli', 'src', 'main.js'));
}
