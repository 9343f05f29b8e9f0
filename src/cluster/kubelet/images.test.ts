import { test } from 'node:test';
import assert from 'node:assert/strict';
import { componentOf, defaultPullPolicy, dockerConfigCredentials, ImageResolveError, resolveImage } from './images.js';

test('componentOf recognises kubevirt-ts component images', () => {
  const cases: [string, string | undefined][] = [
    ['kubevirt-ts/virt-launcher:latest', 'virt-launcher'],
    ['registry.local:5000/kubevirt-ts/virt-handler:v1', 'virt-handler'],
    ['kubevirt-ts/host', 'host'],
    ['docker.io/library/busybox:1.36', undefined],
    ['quay.io/kubevirt/virt-launcher:v1.3.0', undefined],
  ];
  for (const [image, want] of cases) assert.equal(componentOf(image), want, image);
});

test('defaultPullPolicy is Always for latest or untagged images', () => {
  const cases: [string, string][] = [['busybox', 'Always'], ['busybox:latest', 'Always'], ['busybox:1.36', 'IfNotPresent'], ['localhost:5000/busybox', 'Always'], [`busybox@sha256:${'a'.repeat(64)}`, 'IfNotPresent']];
  for (const [image, want] of cases) assert.equal(defaultPullPolicy(image), want, image);
});

test('dockerConfigCredentials reads auths with username/password or auth', () => {
  const json = JSON.stringify({ auths: { 'https://127.0.0.1:5000/v2/': { auth: Buffer.from('u:p:w').toString('base64') }, 'reg.example': { username: 'a', password: 'b' } } });
  assert.deepEqual(dockerConfigCredentials(json), [{ registry: '127.0.0.1:5000', username: 'u', password: 'p:w' }, { registry: 'reg.example', username: 'a', password: 'b' }]);
  assert.deepEqual(dockerConfigCredentials('not json'), []);
});

test('resolveImage maps components to the local build and reports pull errors with kubelet reasons', async () => {
  await assert.rejects(resolveImage('kubevirt-ts/no-such-component:1', undefined, { repoDir: '/nonexistent' }), (e: unknown) => e instanceof ImageResolveError && e.reason === 'ErrImagePull');
  await assert.rejects(resolveImage('busybox:1', undefined, { repoDir: '/' }), (e: unknown) => e instanceof ImageResolveError && /no image store/.test(e.message));
  const puller = { pull: () => Promise.reject(Object.assign(new Error('never pull'), { reason: 'ErrImageNeverPull' })) };
  await assert.rejects(resolveImage('busybox:1', 'Never', { repoDir: '/', puller }), (e: unknown) => e instanceof ImageResolveError && e.reason === 'ErrImageNeverPull');
  const ok = { pull: () => Promise.resolve({ digest: 'sha256:1', rootfs: '/r', config: { entrypoint: ['/bin/sh'], env: ['A=1'] } }) };
  assert.deepEqual(await resolveImage('busybox:1', undefined, { repoDir: '/', puller: ok }), { imageID: 'sha256:1', rootfs: '/r', entrypoint: ['/bin/sh'], cmd: undefined, env: ['A=1'], workingDir: undefined });
  assert.equal((await resolveImage('kubevirt-ts/host:latest', undefined, { repoDir: '/' })).rootfs, undefined);
});

test('resolveImage reports Pulling/Pulled, or already present for local and IfNotPresent images', async () => {
  const img = { digest: 'sha256:1', rootfs: '/r', config: {} };
  const cases: [string, 'Always' | 'IfNotPresent' | undefined, boolean, string[], string[]][] = [
    // [image, policy, present locally, policies the puller saw, event reasons]
    ['busybox:1', undefined, true, ['Never'], ['Pulled:present']],
    ['busybox:1', undefined, false, ['Never', 'IfNotPresent'], ['Pulling', 'Pulled:pulled']],
    ['busybox:1', 'Always', true, ['Always'], ['Pulling', 'Pulled:pulled']],
    ['kubevirt-ts/host:latest', undefined, false, [], ['Pulled:present']],
  ];
  for (const [image, policy, present, wantPolicies, wantEvents] of cases) {
    const seen: string[] = [];
    const puller = { pull: (_r: string, o: { policy: string }) => (seen.push(o.policy), o.policy === 'Never' && !present ? Promise.reject(new Error('absent')) : Promise.resolve(img)) };
    const events: string[] = [];
    await resolveImage(image, policy, { repoDir: '/', puller }, undefined, (e) => events.push(e.reason === 'Pulled' ? `Pulled:${e.message.includes('already present') ? 'present' : 'pulled'}` : e.reason));
    assert.deepEqual(seen, wantPolicies, `${image} ${String(policy)} ${String(present)}`);
    assert.deepEqual(events, wantEvents, `${image} ${String(policy)} ${String(present)}`);
  }
});
