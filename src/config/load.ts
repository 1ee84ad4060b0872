/**
 * Loads an environment file: YAML, then the schema, then the checks that need the disk
 * (paths exist, manifests use only known placeholders). Every problem found is reported at
 * once, each naming its field; nothing is started before this has passed.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ConfigError } from './errors.js';
import { describeIssue, fieldPath } from './issues.js';
import { normalize, type Config } from './normalize.js';
import { displayPath } from './paths.js';
import { envFileSchema } from './schema.js';

export interface LoadOptions {
  /** Where relative paths point: GITHUB_WORKSPACE, else the current folder. */
  workspace?: string;
}

export function defaultWorkspace(): string {
  return process.env.GITHUB_WORKSPACE || process.cwd();
}

export function loadConfig(file: string, opts: LoadOptions = {}): Config {
  const workspace = resolve(opts.workspace ?? defaultWorkspace());
  const abs = isAbsolute(file) ? file : resolve(workspace, file);
  const shown = displayPath(abs, workspace);
  const data = parseYaml(abs, shown);
  const result = envFileSchema.safeParse(data.value, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(
      shown,
      result.error.issues.map((issue) => {
        const { path, text } = describeIssue(issue);
        const line = data.lineOf(path);
        return `${line ? `line ${line}: ` : ''}${fieldPath(path)}: ${text}`;
      }),
    );
  }
  return normalize(result.data, { file: abs, shown, workspace, lineOf: data.lineOf });
}

function parseYaml(abs: string, shown: string): { value: unknown; lineOf: (path: PropertyKey[]) => number | undefined } {
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(shown, [code === 'ENOENT' ? 'the environment file does not exist' : `cannot be read: ${(e as Error).message}`]);
  }
  if (text.trim() === '') throw new ConfigError(shown, ['the file is empty: an environment needs at least `name`']);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      shown,
      doc.errors.map((e) => {
        const line = lines.linePos(e.pos[0]).line;
        if (e.code === 'DUPLICATE_KEY') {
          const path = keyPathAt(doc, e.pos[0]);
          const key = path?.pop() ?? text.slice(e.pos[0]).split(/[:\n]/)[0].trim();
          const field = path && path.length > 0 ? `${path.join('.')}: ` : '';
          return `line ${line}: ${field}duplicate name "${key}": each key may appear once in its mapping`;
        }
        return `not valid YAML${line ? ` at line ${line}` : ''}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) throw new ConfigError(shown, ['the file is empty: an environment needs at least `name`']);
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(shown, [`not an environment file: expected a YAML mapping at the top level, got ${Array.isArray(value) ? 'a list' : typeof value}`]);
  }
  const lineOf = (path: PropertyKey[]): number | undefined => {
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
      const at = node?.range?.[0];
      if (at !== undefined) return lines.linePos(at).line;
    }
    return undefined;
  };
  return { value, lineOf };
}

/** The key path (e.g. ["images", "api"]) of the mapping key that starts at `offset`. */
function keyPathAt(doc: Document, offset: number): string[] | undefined {
  let found: string[] | undefined;
  visit(doc, {
    Pair(_key, pair, ancestors) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        found = [
          ...ancestors.flatMap((a) => ('key' in a && isScalar(a.key) ? [String(a.key.value)] : [])),
          String(pair.key.value),
        ];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
