// Bundles the three entry points with ncc into dist/ (committed: it is what runners execute),
// marks dist/ as ES modules, and regenerates the JSON Schema and docs/configuration.md so all
// of them always match src/.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { writeSchema } from './gen-schema.mjs';
import { writeReference } from './gen-reference.mjs';

const entries = { main: 'src/main.ts', post: 'src/post.ts', cli: 'src/cli.ts' };
rmSync('dist', { recursive: true, force: true });
for (const [name, file] of Object.entries(entries)) {
  execFileSync(
    'npx',
    ['ncc', 'build', file, '-o', `dist/${name}`, '--target', 'es2022', '--minify', '--no-source-map-register', '--license', 'licenses.txt', '--quiet'],
    { stdio: 'inherit' },
  );
}
writeFileSync('dist/package.json', `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
await writeSchema();
await writeReference();
