/**
 * From start to "PostgreSQL and Redis ready, migrations applied" on the no-cluster example,
 * images present (target: at most 5 s here), run by the real engine; printed beside the sum of
 * its task times, i.e. what the same tasks cost one after another.
 */
import { ProcessRunner } from '../src/exec/runner.js';
import { Secrets } from '../src/exec/secrets.js';
import { down } from '../src/setup/down.js';
import { prepare } from '../src/setup/prepare.js';
import { up } from '../src/setup/up.js';
import { median, report } from './util.js';

export async function benchDeps(): Promise<void> {
  const runs = 3;
  const walls: number[] = [];
  const sums: number[] = [];
  for (let i = 0; i < runs; i++) {
    const inputs = { config: 'examples/datastorage/integration.yaml', cache: false, cleanup: 'always' as const, matrix: JSON.stringify({ bench: i }) };
    const { config, identity, state } = prepare(inputs);
    const secrets = new Secrets();
    const services = { runner: new ProcessRunner(secrets), secrets, logger: { info() {}, warn() {} }, addPath() {} };
    const started = performance.now();
    const { result } = await up(config, identity, inputs, services);
    walls.push(performance.now() - started);
    await down(state, services, { failed: false, diagnostics: false });
    if (!result.ok) throw new Error(`bench run failed: ${result.failure?.message}`);
    sums.push(result.timings.reduce((s, t) => s + (t.end! - t.start!), 0));
  }
  const wall = median(walls);
  const seq = median(sums);
  report(
    'deps ready + migrated',
    { wall_ms: wall, sequential_ms: seq, 'wall/sequential': wall / seq, runs },
    { ok: wall <= 5000, text: 'wall <= 5 s' },
  );
}
