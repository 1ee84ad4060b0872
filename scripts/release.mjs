#!/usr/bin/env node
// Releases follow the convention of actions/checkout and docker/build-push-action: an immutable
// vX.Y.Z tag per release, and moving vX and vX.Y tags that point at the newest release of their
// line, so `uses: org/ds-e2e-setup@v1` gets every compatible fix.
//
//   node scripts/release.mjs check vX.Y.Z    refuse a tag that is not vX.Y.Z or whose major is not package.json's
//   node scripts/release.mjs notes vX.Y.Z    the release notes: the commits since the previous release tag
//   node scripts/release.mjs move vX.Y.Z     point vX and vX.Y at it (each only when it is the newest of its line)
//
// It works on the git repository in the current folder; pushing the moved tags is the caller's.
import { execFileSync } from 'node:child_process';

const git = (...args) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const SEMVER = /^v(\d+)\.(\d+)\.(\d+)$/;

function parse(tag) {
  const m = SEMVER.exec(tag ?? '');
  if (!m) throw new Error(`tag "${tag}": expected vX.Y.Z, e.g. v1.2.3`);
  return m.slice(1).map(Number);
}

const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Every release tag in the repository, oldest first. */
function releases() {
  return git('tag', '--list', 'v*')
    .split('\n')
    .filter((t) => SEMVER.test(t))
    .sort((a, b) => compare(parse(a), parse(b)));
}

function check(tag) {
  const [major] = parse(tag);
  let version;
  try {
    version = JSON.parse(git('show', `${tag}:package.json`)).version;
  } catch (err) {
    throw new Error(`tag "${tag}": cannot read package.json at that tag (${err.message.split('\n')[0]})`);
  }
  const pkgMajor = Number(String(version).split('.')[0]);
  if (pkgMajor !== major) throw new Error(`tag "${tag}": its major (${major}) differs from package.json's version ${version} at that commit; bump package.json or tag v${pkgMajor}.x.y`);
  return parse(tag);
}

function notes(tag) {
  const v = check(tag);
  const previous = releases().filter((t) => compare(parse(t), v) < 0).pop();
  const range = previous ? `${previous}..${tag}` : tag;
  const log = git('log', '--no-merges', '--format=- %s (%h)', range);
  return `## ${tag}\n\n${previous ? `Changes since ${previous}:` : 'The first release:'}\n\n${log || '- no changes'}\n`;
}

function move(tag) {
  const v = check(tag);
  const commit = git('rev-parse', `${tag}^{commit}`);
  const all = releases().map(parse);
  const moved = [];
  for (const [name, same] of [
    [`v${v[0]}`, (o) => o[0] === v[0]],
    [`v${v[0]}.${v[1]}`, (o) => o[0] === v[0] && o[1] === v[1]],
  ]) {
    const newest = all.filter(same).sort(compare).pop();
    if (newest && compare(newest, v) > 0) continue; // a newer release of this line keeps it
    git('tag', '--force', name, commit);
    moved.push(name);
  }
  return moved;
}

const [command, tag] = process.argv.slice(2);
try {
  if (command === 'check') check(tag);
  else if (command === 'notes') process.stdout.write(notes(tag));
  else if (command === 'move') process.stdout.write(`${move(tag).join(' ')}\n`);
  else throw new Error('usage: release.mjs check|notes|move vX.Y.Z');
} catch (err) {
  process.stderr.write(`release: ${err.message}\n`);
  process.exit(1);
}
