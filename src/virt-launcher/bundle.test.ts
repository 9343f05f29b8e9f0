import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleLauncher } from './bundle.js';
import * as source from './main.js';

test('the one-file launcher bundle holds the whole launcher and behaves as main.ts does', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vl-bundle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'main.bundle.js');
  const made = await bundleLauncher(new URL('./main.ts', import.meta.url).pathname, out);
  assert.equal(made, true, 'esbuild (a tsx dependency) is installed');
  const text = readFileSync(out, 'utf8');
  // Everything is inside: no relative import is left to resolve at launcher start.
  assert.doesNotMatch(text, /from ['"]\.\.?\//);
  const bundled = (await import(pathToFileURL(out).href)) as typeof source;
  assert.equal(bundled.LAUNCHER_USAGE, source.LAUNCHER_USAGE);
  const argv = ['--name', 'vm1', '--namespace', 'ns1', '--private-dir', '/p', '--network', 'user'];
  assert.deepEqual(bundled.parseLauncherFlags(argv), source.parseLauncherFlags(argv));
  assert.throws(() => bundled.parseLauncherFlags(['--name', 'vm1']), /--namespace: Required value/);
  assert.equal(typeof bundled.main, 'function');
});
