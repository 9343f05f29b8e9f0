import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from './json-patch.js';
import { pod, rejects } from './test-helpers.js';

test('JSON patch operations apply as RFC 6902 and evanphx/json-patch v4 define them', () => {
  const table: [string, unknown[], (p: ReturnType<typeof pod>) => unknown, unknown][] = [
    ['add key', [{ op: 'add', path: '/metadata/labels/tier', value: 'fe' }], (p) => p.metadata.labels, { app: 'web', tier: 'fe' }],
    ['add escaped key', [{ op: 'add', path: '/metadata/labels/a~1b~0c', value: '1' }], (p) => p.metadata.labels, { app: 'web', 'a/b~c': '1' }],
    ['add at index', [{ op: 'add', path: '/spec/containers/1', value: { name: 'm' } }], (p) => p.spec.containers.map((c) => c.name), ['a', 'm', 'b']],
    ['add at end', [{ op: 'add', path: '/spec/containers/-', value: { name: 'z' } }], (p) => p.spec.containers.map((c) => c.name), ['a', 'b', 'z']],
    ['add at len', [{ op: 'add', path: '/spec/containers/2', value: { name: 'z' } }], (p) => p.spec.containers.map((c) => c.name), ['a', 'b', 'z']],
    ['add negative', [{ op: 'add', path: '/spec/containers/-1', value: { name: 'n' } }], (p) => p.spec.containers.map((c) => c.name), ['a', 'b', 'n']],
    ['remove key', [{ op: 'remove', path: '/metadata/labels/app' }], (p) => p.metadata.labels, {}],
    ['remove index', [{ op: 'remove', path: '/spec/containers/0' }], (p) => p.spec.containers.map((c) => c.name), ['b']],
    ['remove negative', [{ op: 'remove', path: '/spec/containers/-1' }], (p) => p.spec.containers.map((c) => c.name), ['a']],
    ['replace', [{ op: 'replace', path: '/spec/containers/1/image', value: 'z' }], (p) => p.spec.containers[1]?.image, 'z'],
    ['replace missing key adds it (v4)', [{ op: 'replace', path: '/metadata/labels/new', value: 'v' }], (p) => p.metadata.labels, { app: 'web', new: 'v' }],
    ['test then replace', [{ op: 'test', path: '/metadata/labels/app', value: 'web' }, { op: 'replace', path: '/metadata/labels/app', value: 'api' }], (p) => p.metadata.labels.app, 'api'],
    ['test missing against null', [{ op: 'test', path: '/metadata/labels/none', value: null }], (p) => p.metadata.labels, { app: 'web' }],
    ['move', [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/role' }], (p) => p.metadata.labels, { role: 'web' }],
    ['move list item', [{ op: 'move', from: '/spec/containers/0', path: '/spec/containers/-' }], (p) => p.spec.containers.map((c) => c.name), ['b', 'a']],
    ['copy', [{ op: 'copy', from: '/spec/containers/0', path: '/spec/containers/-' }], (p) => p.spec.containers.map((c) => c.name), ['a', 'b', 'a']],
    ['copy missing key copies null (v4)', [{ op: 'copy', from: '/metadata/labels/none', path: '/metadata/labels/x' }], (p) => p.metadata.labels, { app: 'web', x: null }],
    ['null patch', null as unknown as unknown[], (p) => p.metadata.name, 'p'],
  ];
  for (const [name, ops, pick, want] of table) {
    const live = pod();
    const out = applyJsonPatch(live, ops);
    assert.deepEqual(pick(out), want, name);
    assert.deepEqual(live, pod(), `${name}: input left untouched`);
  }
});


test('JSON patch failures are the 422s kube-apiserver returns, with evanphx/json-patch texts', () => {
  const rejected = 'the server rejected our request due to an error in our request';
  const table: [unknown[], string][] = [
    [[{ op: 'test', path: '/metadata/labels/app', value: 'api' }], 'testing value /metadata/labels/app failed: test failed'],
    [[{ op: 'test', path: '/metadata/labels/none', value: 'x' }], 'testing value /metadata/labels/none failed: test failed'],
    [[{ op: 'test', path: '/nope/x', value: 'x' }], 'test operation does not apply: is missing path: /nope/x: missing value'],
    [[{ op: 'remove', path: '/metadata/labels/none' }], "error in remove for path: '/metadata/labels/none': Unable to remove nonexistent key: none: missing value"],
    [[{ op: 'remove', path: '/spec/nodeSelector/a' }], 'remove operation does not apply: doc is missing path: "/spec/nodeSelector/a": missing value'],
    [[{ op: 'remove', path: '/spec/containers/5' }], "error in remove for path: '/spec/containers/5': Unable to access invalid index: 5: invalid index referenced"],
    [[{ op: 'add', path: '/spec/affinity/nodeAffinity', value: {} }], 'add operation does not apply: doc is missing path: "/spec/affinity/nodeAffinity": missing value'],
    [[{ op: 'add', path: '/spec/containers/7', value: {} }], "error in add for path: '/spec/containers/7': Unable to access invalid index: 7: invalid index referenced"],
    [
      [{ op: 'add', path: '/spec/containers/x', value: {} }],
      `error in add for path: '/spec/containers/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
    ],
    [[{ op: 'replace', path: '/status/phase', value: 'x' }], 'replace operation does not apply: doc is missing path: /status/phase: missing value'],
    [[{ op: 'replace', path: '/spec/containers/9', value: {} }], 'replace operation does not apply: doc is missing key: /spec/containers/9: missing value'],
    [[{ op: 'move', from: '/status/x', path: '/a' }], 'move operation does not apply: doc is missing from path: /status/x: missing value'],
    [[{ op: 'move', from: '/metadata/labels/none', path: '/a' }], "error in move for path: 'none': Unable to remove nonexistent key: none: missing value"],
    [[{ op: 'copy', from: '/metadata/name', path: '/x/y' }], 'copy operation does not apply: doc is missing destination path: /x/y: missing value'],
    [[{ op: 'frob', path: '/a' }], 'Unexpected kind: frob'],
    [[{ op: 'add', value: 1 }], 'add operation failed to decode path: missing value'],
    [[{ op: 'replace', value: 1 }], 'replace operation failed to decode path: operation missing path field: missing value'],
  ];
  for (const [ops, msg] of table) rejects(() => applyJsonPatch(pod(), ops), 422, 'Invalid', rejected, msg);
});

test('JSON patch bodies that do not decode are 400s; too many operations is 413', () => {
  rejects(() => applyJsonPatch(pod(), { op: 'add' }), 400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  rejects(() => applyJsonPatch(pod(), ['x']), 400, 'BadRequest', 'json: cannot unmarshal string into Go value of type jsonpatch.Operation');
  const many = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Pod' }));
  rejects(() => applyJsonPatch(pod(), many), 413, 'RequestEntityTooLarge', 'The allowed maximum operations in a JSON patch is 10000, got 10001');
});
