// Tests are tiered by file suffix (STYLE.md): *.unit.spec.ts run in parallel
// with no I/O; *.int.spec.ts touch SQLite files, Redis or child processes;
// *.e2e.spec.ts drive the HTTP API. SWC transpiles TypeScript (with Nest's
// decorator metadata) and the ES-module-only packages jose and uuid.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const aliases = {
  '^@laurel/(event-store|rules|credentials|progression|platform)$':
    '<rootDir>/libs/$1/src/index.ts',
};

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
  moduleNameMapper: aliases,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
  ],
};
