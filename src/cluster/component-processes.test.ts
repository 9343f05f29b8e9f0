import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { virtApiProcess, virtControllerProcess } from './component-processes.js';
import { createCa, identityOf, loadOrCreatePki, verifiedBy } from './pki/index.js';

/** The client certificate (PEM) a kubeconfig file's only user presents. */
function kubeconfigCert(path: string): string {
  const kc = parse(readFileSync(path, 'utf8')) as { users: { user: Record<string, string> }[] };
  return Buffer.from(kc.users[0]?.user['client-certificate-data'] ?? '', 'base64').toString();
}

const mode = (p: string): number => statSync(p).mode & 0o777;

test('virt-api and virt-controller processes: own ServiceAccount identities, key files 0600 under components/', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kvts-components-'));
  try {
    const pki = await loadOrCreatePki(join(dataDir, 'pki'));
    const kubevirtCa = await createCa('test-kubevirt-ca');
    const o = { pki, server: 'https://127.0.0.1:1', dataDir, repoDir: dataDir, namespace: 'kubevirt', log: () => undefined };
    const api = await virtApiProcess(o, {
      host: '127.0.0.1', port: 41000, kubevirtCa, kubevirtCaFile: '/x/kubevirt-ca.crt', handlerClientName: 'kubevirt.io:system:client:virt-api',
      handlerEndpoints: new Map([['node01', { host: '127.0.0.1', port: 41001 }]]),
    });
    const ctl = await virtControllerProcess(o, { useEmulation: true, heartbeatSeconds: 60 });
    assert.equal(api.pid, undefined, 'not spawned before start()');
    assert.equal(ctl.pid, undefined);

    const components = join(dataDir, 'components');
    assert.equal(mode(components), 0o700);
    assert.equal(mode(join(components, 'virt-api')), 0o700);
    for (const f of readdirSync(join(components, 'virt-api'))) assert.equal(mode(join(components, 'virt-api', f)), 0o600, f);
    for (const [account, file] of [['kubevirt-apiserver', 'kubevirt-apiserver.kubeconfig'], ['kubevirt-controller', 'kubevirt-controller.kubeconfig']] as const) {
      const path = join(components, file);
      assert.equal(mode(path), 0o600, file);
      const id = identityOf(kubeconfigCert(path));
      assert.equal(id.user, `system:serviceaccount:kubevirt:${account}`);
      assert.ok(!id.groups.includes('system:masters'), `${account} is not an admin`);
    }
    const dir = join(components, 'virt-api');
    assert.ok(await verifiedBy(readFileSync(join(dir, 'tls.crt'), 'utf8'), pki.ca), 'serving certificate from the cluster CA (the webhooks caBundle)');
    assert.ok(await verifiedBy(readFileSync(join(dir, 'handler-client.crt'), 'utf8'), kubevirtCa), 'client certificate toward virt-handler from the KubeVirt CA');
    assert.equal(identityOf(readFileSync(join(dir, 'handler-client.crt'), 'utf8')).user, 'kubevirt.io:system:client:virt-api');
    assert.equal(readFileSync(join(dir, 'requestheader-ca.crt'), 'utf8'), pki.frontProxyCa.certPem);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
