/**
 * A generated goose folder shaped like a real service's: one measured service's schema had 17
 * files and about 1,200 lines (about 70 a file) of tables, partitioned tables, triggers,
 * functions and extensions. Each file here is about that size and holds the same kinds of
 * objects, so the migrations cost what a service's do, not a few milliseconds.
 */

/**
 * The i-th migration (1-based): a table with its indexes, trigger, functions, view, a tag table and
 * seed rows, a change to the table before it, and on even i a partitioned table.
 */
export function gooseFile(i: number): string {
  const t = `t${i}`;
  const up: string[] = [];
  // contrib ships with Debian's postgresql package and with the official image
  if (i === 1) up.push('CREATE EXTENSION IF NOT EXISTS pgcrypto;', 'CREATE EXTENSION IF NOT EXISTS pg_trgm;', 'CREATE EXTENSION IF NOT EXISTS citext;', '');
  up.push(
    `CREATE TABLE ${t} (`,
    '  id bigserial PRIMARY KEY,',
    '  public_id uuid NOT NULL DEFAULT gen_random_uuid(),',
    ...(i > 1 ? [`  parent_id bigint REFERENCES t${i - 1} (id) ON DELETE SET NULL,`] : []),
    '  name text NOT NULL,',
    '  email citext,',
    "  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'closed')),",
    '  amount numeric(12, 2) NOT NULL DEFAULT 0 CHECK (amount >= 0),',
    "  payload jsonb NOT NULL DEFAULT '{}',",
    '  created_at timestamptz NOT NULL DEFAULT now(),',
    '  updated_at timestamptz NOT NULL DEFAULT now()',
    ');',
    `CREATE UNIQUE INDEX ${t}_public_id ON ${t} (public_id);`,
    `CREATE UNIQUE INDEX ${t}_email ON ${t} (email) WHERE email IS NOT NULL;`,
    `CREATE INDEX ${t}_name_trgm ON ${t} USING gin (name gin_trgm_ops);`,
    `CREATE INDEX ${t}_active ON ${t} (created_at) WHERE status = 'active';`,
    `CREATE INDEX ${t}_payload ON ${t} USING gin (payload);`,
    `COMMENT ON TABLE ${t} IS 'generated table ${i}';`,
    '',
    '-- +goose StatementBegin',
    `CREATE FUNCTION ${t}_touch() RETURNS trigger AS $$`,
    'BEGIN',
    '  NEW.updated_at := now();',
    '  RETURN NEW;',
    'END;',
    '$$ LANGUAGE plpgsql;',
    '-- +goose StatementEnd',
    `CREATE TRIGGER ${t}_touch BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${t}_touch();`,
    '',
    '-- +goose StatementBegin',
    `CREATE FUNCTION ${t}_total(since timestamptz) RETURNS numeric AS $$`,
    'BEGIN',
    `  RETURN (SELECT coalesce(sum(amount), 0) FROM ${t} WHERE created_at >= since);`,
    'END;',
    '$$ LANGUAGE plpgsql STABLE;',
    '-- +goose StatementEnd',
    `CREATE VIEW ${t}_open AS SELECT id, name, amount FROM ${t} WHERE status <> 'closed';`,
    '',
    `CREATE TYPE ${t}_tag_kind AS ENUM ('label', 'flag', 'note');`,
    `CREATE TABLE ${t}_tags (`,
    `  ${t}_id bigint NOT NULL REFERENCES ${t} (id) ON DELETE CASCADE,`,
    '  tag text NOT NULL,',
    `  kind ${t}_tag_kind NOT NULL DEFAULT 'label',`,
    `  PRIMARY KEY (${t}_id, tag)`,
    ');',
    `CREATE INDEX ${t}_tags_tag ON ${t}_tags (tag);`,
    `INSERT INTO ${t} (name, status, amount) VALUES`,
    "  ('first', 'active', 1.50),",
    "  ('second', 'new', 0),",
    "  ('third', 'closed', 12.00);",
    // later migrations change earlier tables, as a service's do
    ...(i > 1 ? [`ALTER TABLE t${i - 1} ADD COLUMN note_${i} text;`, `ALTER TABLE t${i - 1} ALTER COLUMN name SET STATISTICS 500;`] : []),
  );
  if (i % 2 === 0) {
    up.push(
      '',
      `CREATE TABLE ${t}_events (`,
      '  id bigint GENERATED ALWAYS AS IDENTITY,',
      `  ${t}_id bigint NOT NULL,`,
      '  kind text NOT NULL,',
      '  at timestamptz NOT NULL,',
      '  body jsonb',
      ') PARTITION BY RANGE (at);',
      `CREATE INDEX ${t}_events_owner ON ${t}_events (${t}_id, at);`,
      `CREATE INDEX ${t}_events_kind ON ${t}_events (kind);`,
    );
    for (let q = 0; q < 8; q++) {
      const from = `${2025 + Math.floor(q / 4)}-${String((q % 4) * 3 + 1).padStart(2, '0')}-01`;
      const to = q === 7 ? '2027-01-01' : `${2025 + Math.floor((q + 1) / 4)}-${String(((q + 1) % 4) * 3 + 1).padStart(2, '0')}-01`;
      up.push(`CREATE TABLE ${t}_events_q${q} PARTITION OF ${t}_events FOR VALUES FROM ('${from}') TO ('${to}');`);
    }
    up.push(`CREATE TABLE ${t}_events_rest PARTITION OF ${t}_events DEFAULT;`);
  }
  const down = [
    ...(i % 2 === 0 ? [`DROP TABLE ${t}_events;`] : []),
    ...(i > 1 ? [`ALTER TABLE t${i - 1} ALTER COLUMN name SET STATISTICS -1;`, `ALTER TABLE t${i - 1} DROP COLUMN note_${i};`] : []),
    `DROP TABLE ${t}_tags;`,
    `DROP TYPE ${t}_tag_kind;`,
    `DROP VIEW ${t}_open;`,
    `DROP TABLE ${t};`,
    `DROP FUNCTION ${t}_total(timestamptz);`,
    `DROP FUNCTION ${t}_touch();`,
    ...(i === 1 ? ['DROP EXTENSION citext;', 'DROP EXTENSION pg_trgm;', 'DROP EXTENSION pgcrypto;'] : []),
  ];
  return ['-- +goose Up', ...up, '', '-- +goose Down', ...down, ''].join('\n');
}
