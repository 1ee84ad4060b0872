import { parseAllDocuments, visit } from 'yaml';

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

/**
 * `${NAME}`, or `$${NAME}`: the escape, for text that must keep a literal `${NAME}` (a shell
 * script in a third-party manifest, as in a CNI's DaemonSet), which becomes `${NAME}` and is no
 * placeholder. Docker Compose escapes the same way.
 */
const PATTERN = /(\$?)\$\{([^}]*)\}/g;

/** The YAML version kubectl reads manifests with (sigs.k8s.io/yaml converts through go-yaml v2). */
export const KUBECTL_YAML = '1.1' as const;

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
    if (m[1] === '') found.push({ name: m[2], line: text.slice(0, m.index).split('\n').length });
  }
  return found;
}

/** Fills every placeholder; an unknown one is a programming error here, since load refused it. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(PATTERN, (whole, escaped: string, name: string) => {
    if (escaped) return whole.slice(1);
    const v = values[name];
    if (v === undefined) throw new Error(`no value for placeholder ${whole}`);
    return v;
  });
}

/**
 * Fills the placeholders of a YAML manifest on its parsed form, not its text: a placeholder that
 * is a whole scalar stays a string (`value: ${POSTGRES_PORT}` becomes `value: "5432"`, as a
 * string field such as EnvVar.value requires), and one inside a longer string is replaced in it.
 * Comments and layout are kept; keys are left alone.
 *
 * `${X}` is not valid YAML inside a flow collection (`{ value: ${X} }`), so each placeholder is
 * first swapped for a plain token that is valid anywhere, the text is parsed, and the tokens are
 * filled in on the scalars (and, last, in comments).
 *
 * kubectl reads YAML 1.1 (sigs.k8s.io/yaml, on go-yaml v2), so the text is parsed as 1.1 too:
 * `defaultMode: 0644` is the octal mode 420 there, and stays written as `0644`. Read as YAML 1.2
 * it would be the decimal 644, which the API server refuses (a mode is at most 0777). A text with
 * no placeholder is handed on exactly as written.
 */
export function substituteYaml(text: string, values: Record<string, string>): string {
  if (!new RegExp(PATTERN.source).test(text)) return text;
  // each distinct `${X}` or `$${X}` gets one token, filled in (or unescaped) once parsed
  const found: string[] = [];
  const tokenFor = (whole: string): string => {
    const at = found.indexOf(whole);
    return `ds_e2e_placeholder_${at >= 0 ? at : found.push(whole) - 1}_`;
  };
  const tokenized = text.replace(PATTERN, (whole: string) => tokenFor(whole));
  const TOKEN = /ds_e2e_placeholder_(\d+)_/g;
  const fill = (t: string): string => t.replace(TOKEN, (_m, i: string) => substitute(found[Number(i)], values));
  const docs = parseAllDocuments(tokenized, { version: KUBECTL_YAML });
  if (!Array.isArray(docs)) return ''; // an empty file: nothing to apply
  return joinDocuments(
    docs.map((doc) => {
      if (doc.errors.length > 0) throw new Error(`not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
      visit(doc, {
        Scalar(key, node) {
          if (key === 'key' || typeof node.value !== 'string' || !TOKEN.test(node.value)) return;
          TOKEN.lastIndex = 0;
          const whole = new RegExp(`^${TOKEN.source}$`).test(node.value);
          node.value = fill(node.value);
          // quoted, so that YAML reads it back as a string whatever it looks like
          if (whole && node.type === 'PLAIN') node.type = 'QUOTE_DOUBLE';
        },
      });
      return fill(doc.toString());
    }),
  );
}

/** YAML documents as one text: a document that had its own `---` keeps it; the others get one. */
export function joinDocuments(texts: string[]): string {
  return texts.map((t, i) => (i === 0 || t.startsWith('---') ? t : `---\n${t}`)).join('');
}
