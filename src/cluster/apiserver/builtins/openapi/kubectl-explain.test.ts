// Real kubectl against a minimal discovery + OpenAPI server built from our catalogue and documents:
// `kubectl explain` must resolve built-in kinds and print upstream's field descriptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipWithoutKubectl, withKubectl } from '../testing/kubectl-server.js';

test('kubectl explain reads our OpenAPI documents (v3 and v2 protobuf)', { skip: skipWithoutKubectl }, async () => {
  await withKubectl(() => undefined, async (kubectl) => {
    const containers = await kubectl('explain', 'pods.spec.containers');
    assert.match(containers, /KIND:\s+Pod/);
    assert.match(containers, /A single application container that you want to run within a pod\./);
    assert.match(containers, /imagePullPolicy/);
    const deploy = await kubectl('explain', 'deploy.spec.replicas');
    assert.match(deploy, /GROUP:\s+apps/);
    assert.match(deploy, /replicas\s+<integer>/);
    assert.match(await kubectl('explain', 'configmap.data'), /Data contains the configuration data/);
    assert.match(await kubectl('explain', 'configmap.data', '--output=plaintext-openapiv2'), /Data contains the configuration data/);
    assert.match(await kubectl('explain', 'pod.spec.containers.ports', '--output=plaintext-openapiv2'), /containerPort\s+<integer> -required-/);
    assert.match(await kubectl('explain', 'validatingwebhookconfigurations.webhooks.sideEffects'), /GROUP:\s+admissionregistration\.k8s\.io/);
  });
});
