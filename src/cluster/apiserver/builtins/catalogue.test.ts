import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { apiVersionOf, builtinGroupVersions, builtinResources, findBuiltin, findBuiltinByKind } from './catalogue.js';
import type { ResourceInfo, Verb } from '../contracts.js';

// @kubernetes/client-node is generated from the real kube-apiserver OpenAPI spec: its API classes
// name every path and operation, its models every kind, so they are our reference catalogue.
const genDir = join(dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')), 'gen');

function apiFile(info: ResourceInfo): string {
  const g = info.group === '' ? 'Core' : info.group.replace(/\.k8s\.io$/, '').split('.').map((s) => s[0]!.toUpperCase() + s.slice(1)).join('');
  const v = info.version[0]!.toUpperCase() + info.version.slice(1);
  return readFileSync(join(genDir, 'apis', `${g}${v}Api.js`), 'utf8');
}

function operations(src: string): Set<string> {
  return new Set([...src.matchAll(/async (\w+)\(/g)].map((m) => m[1]!));
}

const verbOps: Record<Verb, string> = {
  create: 'create', get: 'read', list: 'list', update: 'replace', patch: 'patch', delete: 'delete', deletecollection: 'deleteCollection', watch: 'list',
};

for (const info of builtinResources) {
  test(`${info.plural}.${info.group || 'core'}/${info.version} matches the upstream API`, () => {
    const src = apiFile(info);
    const prefix = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
    const base = info.namespaced ? `${prefix}/namespaces/{namespace}/${info.plural}` : `${prefix}/${info.plural}`;
    assert.ok(src.includes(`'${base}'`), `path ${base}`);
    for (const sub of info.subresources) assert.ok(src.includes(`'${base}/{name}/${sub}'`), `subresource ${sub}`);
    const ops = operations(src);
    const scope = info.namespaced ? 'Namespaced' : '';
    for (const [verb, op] of Object.entries(verbOps) as [Verb, string][]) {
      const has = ops.has(`${op}${scope}${info.kind}`);
      assert.equal(has, info.verbs.includes(verb), `verb ${verb} (${op}${scope}${info.kind})`);
    }
    const groupPrefix = info.group === '' ? 'Core' : info.group.split('.')[0]!.replace(/^./, (c) => c.toUpperCase());
    const models = [`V1${info.kind}`, `${groupPrefix}V1${info.kind}`].filter((m) => existsSync(join(genDir, 'models', `${m}.js`)));
    assert.ok(models.length > 0, `model for kind ${info.kind}`);
    assert.equal(info.listKind, `${info.kind}List`);
  });
}

test('names are unique per group-version and lookups find them', () => {
  const keys = builtinResources.map((r) => `${r.group}/${r.version}/${r.plural}`);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(findBuiltin('', 'v1', 'pods')?.kind, 'Pod');
  assert.equal(findBuiltin('apps', 'v1', 'deployments')?.shortNames[0], 'deploy');
  assert.equal(findBuiltin('apps', 'v1', 'pods'), undefined);
  assert.equal(findBuiltinByKind('events.k8s.io', 'v1', 'Event')?.plural, 'events');
  assert.equal(apiVersionOf({ group: '', version: 'v1' }), 'v1');
  assert.equal(apiVersionOf({ group: 'apps', version: 'v1' }), 'apps/v1');
  assert.deepEqual(builtinGroupVersions()[0], { group: '', version: 'v1' });
});

test('`kubectl get all` categories cover the workload kinds', () => {
  const all = builtinResources.filter((r) => r.categories.includes('all')).map((r) => r.plural).sort();
  assert.deepEqual(all, ['cronjobs', 'daemonsets', 'deployments', 'jobs', 'pods', 'replicasets', 'services', 'statefulsets']);
});

test('review kinds are create-only and virtual', () => {
  for (const r of builtinResources.filter((x) => x.kind.endsWith('Review'))) {
    assert.deepEqual(r.verbs, ['create'], r.kind);
    assert.equal(r.virtual, true, r.kind);
  }
});
