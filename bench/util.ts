/** Small helpers shared by the benchmarks: timing, docker calls, readiness and one aligned line per result. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { poll } from '../src/core/poll.js';
import type { Preset } from '../src/deps/presets.js';
import { Docker } from '../src/docker/docker.js';
import { ProcessRunner } from '../src/exec/runner.js';

const run = promisify(execFile);

/** A docker call that does not block the event loop, so that calls and polls can run side by side. */
export const docker = async (args: string[]): Promise<string> => (await run('docker', args, { encoding: 'utf8' })).stdout;

/** The host port a container publishes for `port`, as the action reads it. */
export const hostPort = (container: string, port: number): Promise<number> => new Docker(new ProcessRunner()).hostPort(container, port);

/** Polls the preset's own readiness check (`SELECT 1`, `PING`) on 127.0.0.1, as the action does, at the baseline's interval. */
export async function pollReady(preset: Preset, port: number, intervalMs: number): Promise<void> {
  await poll(`${preset.role} on ${port}`, () => preset.probe('127.0.0.1', port), { intervalMs, timeoutMs: 60_000 });
}

export async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function report(name: string, fields: Record<string, string | number>, target?: { ok: boolean; text: string }): void {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'number' ? round(v) : v}`);
  const verdict = target ? `  [${target.ok ? 'ok' : 'MISSED'}: ${target.text}]` : '';
  process.stdout.write(`${name.padEnd(28)} ${parts.join('  ')}${verdict}\n`);
}

function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}
