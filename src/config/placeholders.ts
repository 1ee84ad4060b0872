/**
 * The `${NAME}` placeholders that manifests and `migrateCommand` may use. Which ones exist
 * depends on the environment: POSTGRES_* only with a `postgres` key, IMAGE_<NAME> per image.
 */
export interface PlaceholderSource {
  images: Record<string, unknown>;
  postgres?: unknown;
  redis?: unknown;
  deploy?: { expose: Record<string, unknown> };
}

const PATTERN = /\$\{([^}]*)\}/g;

/** `data-storage` -> `DATA_STORAGE`: the form names take in environment variables. */
export function envKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export function knownPlaceholders(env: PlaceholderSource): Set<string> {
  const known = new Set(['NAMESPACE', 'CLUSTER_NAME']);
  for (const name of Object.keys(env.images)) known.add(`IMAGE_${envKey(name)}`);
  if (env.postgres) {
    for (const k of ['HOST', 'PORT', 'USER', 'PASSWORD', 'DB', 'URL']) known.add(`POSTGRES_${k}`);
  }
  if (env.redis) for (const k of ['HOST', 'PORT', 'URL']) known.add(`REDIS_${k}`);
  return known;
}

/**
 * `migrateCommand` runs as soon as PostgreSQL answers, before any image is built or Redis is up:
 * only what is known by then can fill it.
 */
export function migrateCommandPlaceholders(): Set<string> {
  const known = new Set(['NAMESPACE', 'CLUSTER_NAME']);
  for (const k of ['HOST', 'PORT', 'USER', 'PASSWORD', 'DB', 'URL']) known.add(`POSTGRES_${k}`);
  return known;
}

/** Each placeholder in `text`, with its 1-based line. */
export function findPlaceholders(text: string): { name: string; line: number }[] {
  const found: { name: string; line: number }[] = [];
  for (const m of text.matchAll(PATTERN)) {
    found.push({ name: m[1], line: text.slice(0, m.index).split('\n').length });
  }
  return found;
}

/** Fills every placeholder; an unknown one is a programming error here, since load refused it. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(PATTERN, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for placeholder ${whole}`);
    return v;
  });
}
