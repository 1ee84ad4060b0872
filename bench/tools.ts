/**
 * Installing a tool cold (download from a loopback mirror, verify, cache) against warm (a
 * tool-cache hit, which must need no network and stay under 50 ms), side by side.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentPlatform } from '../src/tools/platform.js';
import { installKind } from '../src/tools/tools.js';
import { median, report, timeIt } from './util.js';

export async function benchTools(): Promise<void> {
  const body = readFileSync(process.execPath); // a real, large executable: the node binary itself
  const sha = createHash('sha256').update(body).digest('hex');
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    res.end(req.url!.endsWith('.sha256sum') ? `${sha}  kind\n` : body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/{version}/kind-{os}-{arch}`;
  const root = mkdtempSync(join(tmpdir(), 'bench-tools-'));
  process.env.RUNNER_TOOL_CACHE = join(root, 'tc');
  process.env.RUNNER_TEMP = join(root, 'tmp');
  const ctx = { platform: currentPlatform(), tempDir: join(root, 'dl') };
  try {
    const cold = await timeIt(() => installKind({ version: 'v0.0.1', urlTemplate: url }, ctx));
    const before = requests;
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) warm.push((await timeIt(() => installKind({ version: 'v0.0.1', urlTemplate: url }, ctx))).ms);
    const w = median(warm);
    report(
      'tool install (kind)',
      { cold_ms: cold.ms, warm_ms: w, 'warm/cold': w / cold.ms, warm_requests: requests - before, MB: body.length / 1e6 },
      { ok: w < 50 && requests === before, text: 'warm < 50 ms with no request' },
    );
  } finally {
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
