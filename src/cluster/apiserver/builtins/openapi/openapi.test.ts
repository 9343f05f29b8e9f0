import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { builtinResources } from '../catalogue.js';
import { builtinOpenApiV2, builtinOpenApiV3, builtinOpenApiV3Paths, encodeDocument, encodeOpenApiV2Protobuf, openApiV2Protobuf, openApiV3Path } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking parsed JSON documents
type Obj = Record<string, any>;
const v2doc = (): Obj => builtinOpenApiV2();
const v3doc = (path: string): Obj => builtinOpenApiV3(path) ?? {};

function refsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) refsOf(x, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsOf(v, out);
    }
  }
  return out;
}

function findByGVK(defs: Obj, group: string, version: string, kind: string): [string, Obj] | undefined {
  return Object.entries(defs).find(([, d]) =>
    (d['x-kubernetes-group-version-kind'] ?? []).some((g: Obj) => g.group === group && g.version === version && g.kind === kind),
  ) as [string, Obj] | undefined;
}

test('v2 has a definition, with upstream names, for every built-in kind and list', () => {
  const doc = v2doc();
  assert.equal(doc.swagger, '2.0');
  for (const r of builtinResources) {
    const hit = findByGVK(doc.definitions, r.group, r.version, r.kind);
    assert.ok(hit, `${r.group}/${r.version} ${r.kind}`);
    assert.ok(hit[0].endsWith(`.${r.version}.${r.kind}`), hit[0]);
    if (!r.virtual) assert.ok(findByGVK(doc.definitions, r.group, r.version, r.listKind), r.listKind);
  }
  assert.ok(doc.definitions['io.k8s.api.core.v1.Pod']);
  assert.ok(doc.definitions['io.k8s.api.apps.v1.Deployment']);
  assert.ok(doc.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  assert.ok(doc.definitions['io.k8s.api.core.v1.PodTemplateSpec'], 'core types keep their package even when reached from apps');
  assert.ok(doc.definitions['io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService']);
  assert.ok(doc.definitions['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition']);
});

test('every $ref resolves, in v2 and in each v3 document', () => {
  const v2 = v2doc();
  for (const ref of refsOf(v2)) assert.ok(v2.definitions[ref.replace('#/definitions/', '')], ref);
  for (const path of builtinOpenApiV3Paths()) {
    const v3 = v3doc(path);
    assert.equal(v3.openapi, '3.0.0');
    for (const ref of refsOf(v3)) assert.ok(v3.components.schemas[ref.replace('#/components/schemas/', '')], `${path} ${ref}`);
  }
});

test('schemas carry what kubectl explain and validation read', () => {
  const defs = v2doc().definitions;
  const container = defs['io.k8s.api.core.v1.Container'];
  assert.match(container.description, /single application container/);
  assert.deepEqual(container.required, ['name']);
  assert.equal(container.properties.name.type, 'string');
  assert.deepEqual(container.properties.ports.items, { $ref: '#/definitions/io.k8s.api.core.v1.ContainerPort' });
  assert.equal(container.properties.ports['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.deepEqual(defs['io.k8s.api.core.v1.PodSpec'].properties.containers.items, { $ref: '#/definitions/io.k8s.api.core.v1.Container' });
  assert.equal(defs['io.k8s.api.core.v1.PodSpec'].properties.containers['x-kubernetes-patch-merge-key'], 'name');
  assert.deepEqual(defs['io.k8s.api.core.v1.ServicePort'].properties.targetPort, { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' });
  assert.deepEqual(defs['io.k8s.api.core.v1.Secret'].properties.data, { type: 'object', additionalProperties: { type: 'string', format: 'byte' }, description: defs['io.k8s.api.core.v1.Secret'].properties.data.description });
  assert.equal(defs['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties.creationTimestamp.format, 'date-time');
  assert.equal(defs['io.k8s.api.apps.v1.DeploymentSpec'].properties.replicas.type, 'integer');
});

test('v3 documents per group-version, addressed in every accepted form', () => {
  assert.deepEqual(builtinOpenApiV3Paths().slice(0, 2), ['api/v1', 'apis/events.k8s.io/v1']);
  assert.equal(openApiV3Path('', 'v1'), 'api/v1');
  const apps = v3doc('apps/v1');
  assert.equal(builtinOpenApiV3('apis/apps/v1'), apps);
  assert.equal(builtinOpenApiV3('/openapi/v3/apis/apps/v1'), apps);
  assert.equal(builtinOpenApiV3('v1'), builtinOpenApiV3('api/v1'));
  assert.equal(builtinOpenApiV3('apis/nothing.io/v1'), undefined);
  assert.ok(findByGVK(apps.components.schemas, 'apps', 'v1', 'Deployment'));
  assert.equal(findByGVK(apps.components.schemas, '', 'v1', 'Pod'), undefined, 'only the group-version\'s kinds carry a GVK');
});

test('PATCH operations advertise fieldValidation and dryRun for their kind', () => {
  const v3 = v3doc('api/v1');
  const patch = v3.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
  const names = patch.parameters.map((p: Obj) => p.name);
  for (const n of ['dryRun', 'fieldManager', 'fieldValidation']) assert.ok(names.includes(n), n);
  assert.equal(patch.parameters[0].in, 'query');
  assert.ok(v3.paths['/api/v1/nodes/{name}/status'].patch);
  assert.equal(v3.paths['/api/v1/namespaces/{namespace}/pods'].delete['x-kubernetes-action'], 'deletecollection');
  assert.equal(v3.paths['/api/v1/namespaces'].delete, undefined, 'namespaces have no deletecollection');
  const authz = v3doc('authorization.k8s.io/v1');
  assert.deepEqual(Object.keys(authz.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']), ['post']);
});

test('encoded documents are cached and gzip round-trips', () => {
  const doc = builtinOpenApiV3('coordination.k8s.io/v1')!;
  const a = encodeDocument(doc);
  assert.equal(encodeDocument(doc), a);
  assert.deepEqual(JSON.parse(gunzipSync(a.gzip).toString()), doc);
  assert.match(a.hash, /^[0-9A-F]{128}$/);
});

test('the v2 protobuf encoding follows gnostic field numbers', () => {
  const bytes = encodeOpenApiV2Protobuf({ swagger: '2.0', info: { title: 'T', version: 'v' } });
  assert.equal(bytes.toString('hex'), '0a03322e30' + '1206' + '0a0154' + '120176' + '4200' + '4a00');
  const withDef = encodeOpenApiV2Protobuf({ definitions: { A: { type: 'string', 'x-k': 1 } } });
  // definitions(9) { NamedSchema(1) { name(1) "A", value(2) Schema { type(22) {value(1) "string"}, vendor_extension(31) {name "x-k", value Any{yaml "1"}} } } }
  assert.equal(withDef.toString('hex'), '1200' + '4200' + '4a1f' + '0a1d' + '0a0141' + '1218' + 'b20108' + '0a06737472696e67' + 'fa010a' + '0a03782d6b' + '1203' + '120131');
  assert.ok(openApiV2Protobuf(builtinOpenApiV2()).length > 100_000);
});
