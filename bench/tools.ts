/**
 * Installing a tool cold (download from a loopback mirror, verify, cache) against warm (a
 * tool-cache hit, which must need no network and stay under 50 ms), side by side.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mirror } from '../__tests__/helpers/mirror.js';
import { currentPlatform } from '../src/tools/platform.js';
import { installKind } from '../src/tools/tools.js';
import { median, report, timeIt } from './util.js';

export async function benchTools(): Promise<void> {
  const platform = currentPlatform();
  const mirror = await new Mirror().start();
  // a real, large executable: the node binary itself
  const body = readFileSync(process.execPath);
  mirror.bodies.set(`/kind/v0.0.1/kind-${platform.os}-${platform.arch}`, body);
  const root = mkdtempSync(join(tmpdir(), 'bench-tools-'));
  process.env.RUNNER_TOOL_CACHE = join(root, 'tc');
  process.env.RUNNER_TEMP = join(root, 'tmp');
  const ctx = { platform, tempDir: join(root, 'dl') };
  const install = () => installKind({ version: 'v0.0.1', urlTemplate: mirror.kindUrl }, ctx);
  try {
    const cold = await timeIt(install);
    const before = mirror.requests.length;
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) warm.push((await timeIt(install)).ms);
    const w = median(warm);
    const requests = mirror.requests.length - before;
    report(
      'tool install (kind)',
      { cold_ms: cold.ms, warm_ms: w, 'warm/cold': w / cold.ms, warm_requests: requests, MB: body.length / 1e6 },
      { ok: w < 50 && requests === 0, text: 'warm < 50 ms with no request' },
    );
  } finally {
    await mirror.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
