/**
 * Writes deploy/crds/*.yaml from the TypeBox types. The only I/O in src/api.
 * Run: node --import tsx src/api/crds/generate.ts [outDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubevirtCrds } from './definitions.js';
import { crdFileName, renderCrd } from './render.js';

const root = new URL('../../../', import.meta.url).pathname;
const outDir = process.argv[2] ?? join(root, 'deploy', 'crds');
mkdirSync(outDir, { recursive: true });
for (const crd of kubevirtCrds()) {
  const file = join(outDir, crdFileName(crd));
  writeFileSync(file, renderCrd(crd));
  console.log(`wrote ${file}`);
}
