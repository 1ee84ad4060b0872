/**
 * The direction of imports between folders, enforced by `npm run deps` (part of scripts/test.sh).
 * Data flows one way: front ends -> setup -> plan / engine / adapters -> config -> core.
 * Each rule names a folder and the folders it may import; anything else under src/ is refused.
 */
const layer = (name, from, allowed, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: { path: '^src/', pathNot: `^src/(${[from, ...allowed].join('|')})/` },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'No import cycle, of values or of types.', severity: 'error', from: {}, to: { circular: true } },
    layer('core-is-dependency-free', 'core', [], 'core holds the shared basics every room may use; it uses none.'),
    layer('config-is-pure', 'config', ['core'], 'config reads and checks the environment file; it knows no adapter and no setup.'),
    layer('engine-knows-no-tools', 'engine', ['core'], 'The engine runs any task graph and knows nothing of docker or kind.'),
    layer('exec', 'exec', ['core'], 'The one command runner.'),
    layer('host', 'host', ['core'], 'Host-wide state: locks and port reservations.'),
    layer('plan', 'plan', ['config', 'core', 'engine'], 'plan turns a config into tasks; it decides nothing about how commands run.'),
    layer('cache', 'cache', ['core', 'host'], '@actions/cache behind an interface.'),
    layer('migrate', 'migrate', ['core', 'config'], 'Migrations know SQL, PostgreSQL and the migration tools, nothing else.'),
    layer('tools', 'tools', ['core', 'config'], 'kind and kubectl installs.'),
    layer('docker', 'docker', ['core', 'config', 'exec', 'cache', 'host'], 'The docker CLI, builds and image archives.'),
    layer('kube', 'kube', ['core', 'config', 'exec'], 'kind and kubectl wrappers; not docker, not the presets.'),
    layer('deps', 'deps', ['core', 'config', 'plan', 'docker', 'exec'], 'The PostgreSQL and Redis presets and their containers.'),
    layer('matrix', 'matrix', ['core', 'config', 'exec'], 'Matrix planning.'),
    layer('report', 'report', ['core', 'engine', 'cache', 'setup'], 'Outputs and the summary; reads the setup result types.'),
    layer('setup', 'setup', ['core', 'config', 'plan', 'engine', 'exec', 'host', 'cache', 'tools', 'docker', 'kube', 'deps', 'migrate'], 'The core both front ends call; never a front end or report.'),
    {
      name: 'front-ends-are-leaves',
      comment: 'Nothing imports main, post or cli.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/(main|post|cli)\\.ts$' },
    },
    {
      name: 'only-front-ends-and-report-touch-actions-core',
      comment: 'The rest takes small interfaces (a logger, a command runner), so the CLI and the tests share it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts|post\\.ts|report/)' },
      to: { path: '@actions/core' , dependencyTypes: ['npm'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
