/** Checks on the shape of a task graph, made before anything runs, and the longest path through it. */
import type { CriticalPath } from './types.js';

export interface Node {
  id: string;
  needs: readonly string[];
}

export class GraphError extends Error {
  override name = 'GraphError';
}

/** Refuses duplicate ids, unknown needs and cycles. Returns the ids in an order where needs come first. */
export function topoOrder(nodes: readonly Node[]): string[] {
  const byId = new Map<string, Node>();
  for (const n of nodes) {
    if (byId.has(n.id)) throw new GraphError(`task "${n.id}" is defined twice`);
    byId.set(n.id, n);
  }
  for (const n of nodes) {
    for (const need of n.needs) {
      if (!byId.has(need)) throw new GraphError(`task "${n.id}" needs unknown task "${need}"`);
    }
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(id)), id];
      throw new GraphError(`the tasks form a cycle: ${cycle.join(' -> ')}`);
    }
    state.set(id, 'visiting');
    for (const need of byId.get(id)!.needs) visit(need, [...trail, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const n of nodes) visit(n.id, []);
  return order;
}

/**
 * The chain of needs with the largest total duration. Used both on estimates (`plan`) and on
 * measured durations (after a run), so the two can be compared.
 */
export function longestPath(nodes: readonly Node[], duration: (id: string) => number): CriticalPath {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const best = new Map<string, { ms: number; prev?: string }>();
  for (const id of topoOrder(nodes)) {
    let prev: string | undefined;
    let before = 0;
    for (const need of byId.get(id)!.needs) {
      const b = best.get(need)!.ms;
      if (b > before || prev === undefined) {
        before = b;
        prev = need;
      }
    }
    best.set(id, { ms: before + duration(id), prev });
  }
  let last: string | undefined;
  for (const [id, b] of best) if (last === undefined || b.ms > best.get(last)!.ms) last = id;
  const tasks: string[] = [];
  for (let id = last; id !== undefined; id = best.get(id)!.prev) tasks.unshift(id);
  return { tasks, ms: last === undefined ? 0 : best.get(last)!.ms };
}
