// virt-api behind the embedded API server's webhook dispatcher: the configurations from
// webhookConfigurations() route a VMI create to the real HTTPS server (its self-signed CA as
// caBundle); the mutator's patch is applied and a bad VMI is denied with upstream's cause.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KubeObject } from '../../src/api/meta/index.js';
import { WebhookDispatcher } from '../../src/cluster/apiserver/admission/index.js';
import type { ResourceInfo } from '../../src/cluster/apiserver/contracts.js';
import { close, createVirtApiServer, listen } from '../../src/virt-api/server.js';
import { selfSignedServingCert, servingNames } from '../../src/virt-api/serving-cert.js';
import { webhookConfigurations } from '../../src/virt-api/webhook-config.js';
import { memoryDeps } from '../../src/virt-api/testing.js';

const vmis: ResourceInfo = {
  group: 'kubevirt.io', version: 'v1', kind: 'VirtualMachineInstance', listKind: 'VirtualMachineInstanceList', plural: 'virtualmachineinstances',
  singular: 'virtualmachineinstance', namespaced: true, shortNames: ['vmi'], categories: ['all'], verbs: [], subresources: [],
};

const vmi = (disks: unknown[]): KubeObject => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstance',
  metadata: { name: 'demo', namespace: 'default' },
  spec: { domain: { resources: { requests: { memory: '64Mi' } }, devices: { disks } }, volumes: [{ name: 'root', containerDisk: { image: 'img' } }] },
});

test('the API server dispatcher calls virt-api over HTTPS: defaults applied, bad VMIs denied with field paths', async () => {
  const cert = await selfSignedServingCert(servingNames('kubevirt'));
  const server = createVirtApiServer({ ...cert, deps: memoryDeps() });
  const port = await listen(server, 0, '127.0.0.1');
  try {
    const [mutating, validating] = webhookConfigurations(Buffer.from(cert.certPem).toString('base64'), { service: { namespace: 'kubevirt', name: 'virt-api' } });
    const dispatcher = new WebhookDispatcher({
      mutatingConfigurations: () => [mutating],
      validatingConfigurations: () => [validating],
      namespaceLabels: () => ({}),
      resolveService: (ns, name, p) => (ns === 'kubevirt' && name === 'virt-api' && p === 443 ? Promise.resolve({ host: '127.0.0.1', port }) : Promise.reject(new Error(`no service ${ns}/${name}`))),
    });
    const user = { name: 'alice', groups: ['system:authenticated'] };
    const attrs = (object: KubeObject) => ({ operation: 'CREATE' as const, resource: vmis, namespace: 'default', name: 'demo', object, user });

    const defaulted = await dispatcher.mutate(attrs(vmi([{ name: 'root' }])));
    assert.ok(defaulted);
    const spec = defaulted.spec as { networks?: unknown[]; domain: { machine?: { type?: string } } };
    assert.deepEqual(spec.networks, [{ name: 'default', pod: {} }]);
    assert.equal(spec.domain.machine?.type, 'q35');
    await dispatcher.validate(attrs(defaulted));

    const bad = await dispatcher.mutate(attrs(vmi([{ name: 'root', bootOrder: 0 }])));
    await assert.rejects(dispatcher.validate(attrs(bad!)), (err: unknown) => {
      assert.ok(err instanceof StatusError);
      assert.equal(err.code, 422);
      assert.match(err.message, /virtualmachineinstances-create-validator\.kubevirt\.io/);
      assert.match(err.message, /spec\.domain\.devices\.disks\[0\] must have a boot order > 0, if supplied/);
      assert.equal(err.details?.causes?.[0]?.field, 'spec.domain.devices.disks[0].bootOrder');
      return true;
    });
  } finally {
    await close(server);
  }
});
