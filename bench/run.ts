/** `npm run bench`: every benchmark, each printing ratios measured side by side in this run. */
import { benchBuild } from './build.js';
import { benchOverhead } from './overhead.js';
import { benchReplay } from './replay.js';
import { benchStartup } from './startup.js';
import { benchDeps } from './deps.js';
import { benchTools } from './tools.js';
import { benchMigrate } from './migrate.js';
import { benchWarm } from './warm.js';
import { benchSeed } from './seed.js';

// @actions/* libraries log `::debug::` lines for the runner; they are noise here.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
  String(chunk).startsWith('::debug::') ? true : write(chunk, ...rest)) as typeof process.stdout.write;

const benches: Record<string, () => Promise<void>> = {
  replay: benchReplay,
  overhead: benchOverhead,
  startup: benchStartup,
  tools: benchTools,
  deps: benchDeps,
  build: benchBuild,
  migrate: benchMigrate,
  warm: benchWarm,
  seed: benchSeed,
};
const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (only.length === 0 || only.includes(name)) await run();
}
