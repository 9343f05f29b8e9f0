/**
 * `kubevirt-ts up` as a process: writes DATA_DIR/kubeconfig once ready, stops cleanly on SIGTERM,
 * and a restart on the same data dir keeps the CA, the objects and their resourceVersions.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { waitFor } from './harness.js';

const root = new URL('../..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'kvts-up-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function up(port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cmd/kubevirt-ts.ts'), 'up', '--data-dir', dataDir, '--port', String(port), '--control-plane-only'], { cwd: root, stdio: 'ignore' });
}

async function stop(p: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
  p.kill('SIGTERM');
  return exited;
}

test('up serves, writes a kubeconfig, stops on SIGTERM and restarts with its state', async () => {
  const port = await freePort();
  const kubeconfig = join(dataDir, 'kubeconfig');
  let p = up(port);
  await waitFor('kubeconfig', () => existsSync(kubeconfig), 60_000);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const created = await kc.makeApiClient(k8s.CoreV1Api).createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'survivor' }, data: { a: 'b' } } });
  const caBefore = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
  assert.equal(await stop(p), 0);
  p = up(port);
  try {
    const again = await waitFor(
      'restarted server',
      async () => {
        const kc2 = new k8s.KubeConfig();
        kc2.loadFromFile(kubeconfig);
        return kc2.makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({ name: 'survivor', namespace: 'default' });
      },
      60_000,
    );
    assert.equal(again.metadata?.resourceVersion, created.metadata?.resourceVersion);
    assert.equal(again.metadata?.uid, created.metadata?.uid);
    assert.equal(readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8'), caBefore);
  } finally {
    assert.equal(await stop(p), 0);
  }
});
