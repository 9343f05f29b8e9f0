import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeOciLayout } from '../guest-image/oci.js';
import { ImageStore } from '../cluster/images/store.js';
import { buildCli } from './kubevirt-ts-cli.js';

/** Runs the CLI in-process on `args`; commander's exits and output are captured, not taken. */
async function kubevirtTs(args: string[]): Promise<{ ok: boolean; out: string; code?: number }> {
  let out = '';
  let code: number | undefined;
  const cli = buildCli((l) => (out += `${l}\n`), (c) => (code = c));
  const quiet = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
    c.commands.forEach(quiet);
  };
  quiet(cli);
  try {
    await cli.parseAsync(['node', 'kubevirt-ts', ...args]);
    return { ok: true, out, code };
  } catch (e) {
    return { ok: false, out: `${out}${e instanceof Error ? e.message : String(e)}` };
  }
}

test('kubevirt-ts images import side-loads a layout into the data dir\'s node image cache', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kv-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'disk.img'), 'disk');
  const layout = (await writeOciLayout(join(dir, 'oci'), join(dir, 'disk.img'), 'disk.img')).dir;
  const data = join(dir, 'data');

  const ok = await kubevirtTs(['images', 'import', layout, '--name', 'localhost/kubevirt-ts/demo:latest', '--data-dir', data]);
  assert.ok(ok.ok, ok.out);
  assert.match(ok.out, /^imported localhost\/kubevirt-ts\/demo:latest \(sha256:[a-f0-9]{64}\)$/m);
  const local = await new ImageStore({ dir: join(data, 'images') }).local('localhost/kubevirt-ts/demo:latest');
  assert.ok(local, 'the node image store finds the imported reference');

  const cases = [
    { args: ['images', 'import', join(dir, 'missing'), '--name', 'x', '--data-dir', data], err: /missing: no such image layout or tar/ },
    { args: ['images', 'import', layout, '--data-dir', data], err: /required option '--name <ref>' not specified/ },
    { args: ['images', 'import', layout, '--name', 'Not/Valid', '--data-dir', data], err: /repository name must be lowercase/ },
  ];
  for (const c of cases) {
    const r = await kubevirtTs(c.args);
    assert.equal(r.ok, false, r.out);
    assert.match(r.out, c.err);
  }
});

test('kubevirt-ts up offers --demo and --no-demo', async () => {
  const r = await kubevirtTs(['up', '--help']);
  assert.match(r.out, /--demo\s/);
  assert.match(r.out, /--no-demo\s/);
});

test('kubevirt-ts status on a data dir with no up running says so, as text or JSON, with exit status 3', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kv-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const text = await kubevirtTs(['status', '--data-dir', dir]);
  assert.equal(text.code, 3, text.out);
  assert.equal(text.out, `kubevirt-ts: not running (no kubevirt-ts up runs for ${dir})\ndata dir:   ${dir}\n`);
  const json = await kubevirtTs(['status', '--data-dir', dir, '-o', 'json']);
  assert.equal(json.code, 3);
  const report = JSON.parse(json.out) as { state: string; kubeconfig: string };
  assert.equal(report.state, 'NotRunning');
  assert.equal(report.kubeconfig, join(dir, 'kubeconfig'));
  const bad = await kubevirtTs(['status', '--data-dir', dir, '--output', 'yaml']);
  assert.equal(bad.ok, false);
  assert.match(bad.out, /must be text or json/);
});
