#!/usr/bin/env node
// Finds *.test.ts files (unit tests beside the code in src/, end-to-end suites in test/)
// and runs them with node's built-in test runner, TypeScript loaded through tsx.
// Usage: node scripts/run-tests.mjs [--unit] [path-prefix ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const prefixes = args.filter((a) => !a.startsWith('--'));

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const dirs = unitOnly ? ['src'] : ['src', 'test', 'bench'];
let files = dirs.flatMap((d) => walk(join(root, d), [])).sort();
if (prefixes.length > 0) files = files.filter((f) => prefixes.some((p) => f.startsWith(p.replace(/^\.\//, ''))));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '1';
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root },
);
process.exit(res.status ?? 1);
