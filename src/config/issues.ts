/** Turns the schema library's issues into one line each: `field.path: what was expected, got what`. */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') || '(top level)';
}

export function describeIssue(issue: Issue): { path: PropertyKey[]; text: string } {
  const path = [...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return {
        path,
        text: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
      };
    case 'invalid_type':
      return issue.input === undefined
        ? { path, text: `is required (expected ${issue.expected})` }
        : { path, text: `expected ${issue.expected}, got ${kindOf(issue.input)}` };
    case 'invalid_value':
      return { path, text: `expected ${orList(issue.values.map((v) => JSON.stringify(v)))}, got ${show(issue.input)}` };
    case 'invalid_key':
      return { path, text: `key ${show(issue.input)} ${issue.issues[0]?.message ?? 'is not valid'}` };
    case 'invalid_element':
      return { path: [...path, String(issue.key)], text: issue.issues[0]?.message ?? 'is not valid' };
    case 'invalid_union':
      return { path, text: `${issue.message}, got ${show(issue.input)}` };
    default:
      return { path, text: issue.input === undefined ? issue.message : `${issue.message}, got ${show(issue.input)}` };
  }
}

function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? 'nothing') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${show(v)}`;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
