/**
 * Rules of the house (ARCHITECTURE.md §2), checked by `npm test`:
 * a line of code knows its room.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'functions/domain holds pure O2C rules: no adapters, handlers, platforms, runtime, CDK or AWS SDK.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: {
        path: [
          '^functions/(adapters|handlers|platforms|runtime)/',
          '^lib/',
          '^local/',
          'node_modules/(@aws-sdk|@smithy|aws-cdk-lib|constructs|@aws-lambda-powertools|@middy)/',
        ],
      },
    },
    {
      name: 'domain-no-node-io',
      comment: 'Domain code does no I/O.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|dgram|node:fs|node:net|node:http|node:https|node:child_process)' },
    },
    {
      name: 'platforms-no-adapters',
      comment: 'Platform modules verify and map payloads; they do not talk to AWS.',
      severity: 'error',
      from: { path: '^functions/platforms/' },
      to: { path: ['^functions/(adapters|handlers)/', 'node_modules/@aws-sdk/'] },
    },
    {
      name: 'adapters-not-handlers',
      comment: 'Adapters are called by handlers, never the other way round.',
      severity: 'error',
      from: { path: '^functions/(adapters|runtime)/' },
      to: { path: '^functions/handlers/' },
    },
    {
      name: 'lambda-code-not-infra',
      comment: 'Code that runs in Lambda never imports the CDK app or the local runtime.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: ['^lib/', '^bin/', '^local/', 'node_modules/(aws-cdk-lib|constructs|cdk-nag)/'] },
    },
    {
      name: 'infra-not-function-code',
      comment: 'lib/ never imports functions/ (entry paths are strings); the shared table schema is the one exception.',
      severity: 'error',
      from: { path: '^(lib|bin)/' },
      to: { path: '^functions/', pathNot: '^functions/adapters/table-schema\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
