import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const dir = new URL('../../deploy/rbac/', import.meta.url).pathname;
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string> }; rules?: Rule[] };
const load = (file: string): Obj[] => parseAllDocuments(readFileSync(`${dir}${file}`, 'utf8')).map((d) => d.toJS() as Obj);
const allows = (role: Obj, group: string, resource: string, verb: string): boolean =>
  (role.rules ?? []).some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

test('kubevirt.io user roles aggregate into admin, edit and view; view cannot open consoles', () => {
  const roles = new Map(load('kubevirt-user-roles.yaml').filter((o) => o.kind === 'ClusterRole').map((o) => [o.metadata.name, o] as const));
  for (const level of ['admin', 'edit', 'view']) {
    const role = roles.get(`kubevirt.io:${level}`)!;
    assert.equal(role.metadata.labels?.[`rbac.authorization.k8s.io/aggregate-to-${level}`], 'true', level);
    assert.equal(allows(role, 'kubevirt.io', 'virtualmachines', 'get'), true, level);
    assert.equal(allows(role, 'kubevirt.io', 'virtualmachines', 'create'), level !== 'view', level);
    assert.equal(allows(role, 'subresources.kubevirt.io', 'virtualmachineinstances/console', 'get'), level !== 'view', level);
    assert.equal(allows(role, 'subresources.kubevirt.io', 'virtualmachineinstances/vnc', 'get'), level !== 'view', level);
  }
  assert.equal(allows(roles.get('kubevirt.io:admin')!, 'kubevirt.io', 'virtualmachines', 'deletecollection'), true);
});

test("virt-api's role covers the reads of its cluster deps and only the writes the subresource API makes", () => {
  const role = load('virt-api.yaml').find((o) => o.kind === 'ClusterRole')!;
  const reads: [string, string, string][] = [
    ['kubevirt.io', 'kubevirts', 'list'], ['kubevirt.io', 'kubevirts', 'watch'], ['kubevirt.io', 'virtualmachineinstances', 'get'],
    ['kubevirt.io', 'virtualmachineinstancemigrations', 'list'], ['kubevirt.io', 'virtualmachineinstancepresets', 'list'], ['kubevirt.io', 'virtualmachineinstancepresets', 'watch'],
    ['', 'limitranges', 'list'], ['', 'limitranges', 'watch'],
    ['kubevirt.io', 'virtualmachines', 'get'], ['', 'pods', 'list'],
  ];
  for (const [g, r, v] of reads) assert.equal(allows(role, g, r, v), true, `${v} ${r}`);
  const writes = new Set(['kubevirt.io virtualmachines patch', 'kubevirt.io virtualmachines/status patch', 'kubevirt.io virtualmachineinstances patch', ' pods delete', 'authorization.k8s.io subjectaccessreviews create']);
  for (const w of writes) {
    const [g, r, v] = w.split(' ') as [string, string, string];
    assert.equal(allows(role, g, r, v), true, w);
  }
  for (const rule of role.rules!) {
    for (const verb of rule.verbs.filter((v) => !['get', 'list', 'watch'].includes(v))) {
      for (const g of rule.apiGroups) for (const r of rule.resources) assert.ok(writes.has(`${g} ${r} ${verb}`), `${verb} on ${g}/${r}`);
    }
  }
});
