/**
 * Shared setup of the node agent suites: an in-process API server and an admin KubeClient for
 * the file's tests, a state dir outside the pod-private directories, all removed afterwards.
 */
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { startTestServer, type TestServer } from '../apiserver/harness.js';
import { KubeClient } from '../../src/client/kube-client.js';
import { removeNodeCgroups } from '../../src/cluster/kubelet/cgroups.js';

/** Registers before/after hooks; `client()` is valid inside tests unless `skip`. */
export function useCluster(opts: { skip: string | false; prefix: string; nodes: readonly string[] }): { client: () => KubeClient; server: () => TestServer['server']; dir: string } {
  const dir = mkdtempSync(`/var/tmp/${opts.prefix}-`);
  let ts: TestServer | undefined;
  let client: KubeClient | undefined;
  before(async () => {
    if (opts.skip) return;
    ts = await startTestServer();
    client = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
  });
  after(async () => {
    client?.close();
    await ts?.close();
    rmSync(dir, { recursive: true, force: true });
    for (const n of opts.nodes) removeNodeCgroups(n);
  });
  return {
    dir,
    server: () => {
      if (!ts) throw new Error('cluster not started');
      return ts.server;
    },
    client: () => {
      if (!client) throw new Error('cluster not started');
      return client;
    },
  };
}
