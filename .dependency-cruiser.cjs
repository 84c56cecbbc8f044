/**
 * The layering, checked by dependency-cruiser inside `npm test` (tests/architecture/layers.test.ts:
 * its CLI refuses Node 20, its API does not). Each rule says why it exists.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'adapters-use-the-public-api',
      comment: 'A channel adapter imports colloquy only through its public entry points (src/index.ts, src/training.ts), as a package user would; reaching into src/ internals ties a channel to code that may change under it.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^src/', pathNot: '^src/(index|training)\\.ts$' },
    },
    {
      name: 'model-is-pure',
      comment: 'The model (weights, layers, model directories) knows nothing of conversations: it must not import the engine or the storage.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^src/(engine|storage)/' },
    },
    {
      name: 'engine-knows-no-channels-or-training',
      comment: 'The engine is what every channel calls; it must not import a channel (src/channels, adapters/) or the training and retraining code.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^(src/channels|src/training|src/learning|adapters)/' },
    },
    {
      name: 'only-the-cli-starts-channels',
      comment: 'Inside src/, only the command line (the composition root) may import adapters/.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^adapters/' },
    },
    {
      name: 'no-cycles',
      comment: 'Import cycles make load order matter and modules impossible to read alone. A cycle made only of `import type` is erased when compiled, so it is allowed (an interface may name the context that uses it).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|tests|bench|scripts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
