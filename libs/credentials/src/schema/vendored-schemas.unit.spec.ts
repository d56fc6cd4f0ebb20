import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedOb3 } from '../test-support/shared-ob3';

const shared = sharedOb3('schema');

describe('when the vendored schemas are compared with shared/ob3/schema', () => {
  it.each([
    'ob_v3p0_achievementcredential_schema.json',
    'clr_v2p0_clrcredential_schema_draft4.json',
  ])('%s is an unchanged copy', (file) => {
    const vendored = readFileSync(path.join(__dirname, file), 'utf8');
    const original = readFileSync(path.join(shared, file), 'utf8');
    expect(vendored).toBe(original);
  });
});
