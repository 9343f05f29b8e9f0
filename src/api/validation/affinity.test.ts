import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldPath } from '../meta/index.js';
import type { Affinity } from '../kubevirt/core.js';
import { validateAffinity } from './affinity.js';
import { validateVMI } from './vmi.js';
import { assertCauses, configWith, validVMI, type Want } from './testing.js';

const F = FieldPath.root('spec', 'affinity');
const NA = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms';
const PAA = 'spec.affinity.podAntiAffinity';
const term = (expr: object) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr] }] } } });

test('affinity: node and pod (anti-)affinity rules with Kubernetes field error texts', () => {
  const table: [string, unknown, Want[]][] = [
    ['valid node and pod affinity', {
      ...term({ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }),
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' } }] },
    }, []],
    ['no node selector terms', { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
      [[NA, `${NA}: Required value: must have at least one node selector term`]]],
    ['In without values', term({ key: 'zone', operator: 'In' }),
      [[`${NA}[0].matchExpressions[0].values`, `${NA}[0].matchExpressions[0].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`]]],
    ['Exists with values', term({ key: 'zone', operator: 'Exists', values: ['a'] }),
      [[`${NA}[0].matchExpressions[0].values`, `${NA}[0].matchExpressions[0].values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`]]],
    ['Gt with two values', term({ key: 'cpus', operator: 'Gt', values: ['1', '2'] }),
      [[`${NA}[0].matchExpressions[0].values`, `${NA}[0].matchExpressions[0].values: Required value: must be specified single value when \`operator\` is 'Lt' or 'Gt'`]]],
    ['bad operator', term({ key: 'zone', operator: 'Near', values: ['a'] }),
      [[`${NA}[0].matchExpressions[0].operator`, `${NA}[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`]]],
    ['bad key', term({ key: '-zone', operator: 'Exists' }),
      [[`${NA}[0].matchExpressions[0].key`, `${NA}[0].matchExpressions[0].key: Invalid value: "-zone": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`]]],
    ['match field with a bad key', { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['x'] }] }] } } },
      [[`${NA}[0].matchFields[0].key`, `${NA}[0].matchFields[0].key: Invalid value: "metadata.uid": not a valid field selector key`]]],
    ['preferred weight out of range', { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, preference: {} }] } },
      [['spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight', 'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: must be in the range 1-100']]],
    ['pod anti-affinity without topologyKey', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } } }] } }, [
      [`${PAA}.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey`, `${PAA}.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty`],
      [`${PAA}.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey`, `${PAA}.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must be non-empty`],
    ]],
    ['pod affinity with a bad namespace', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ namespaces: ['Bad_NS'], topologyKey: 'zone' }] } },
      [['spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].namespace', `spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].namespace: Invalid value: "Bad_NS": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`]]],
  ];
  for (const [name, aff, want] of table) assertCauses(validateAffinity(F, aff as Affinity), want, name);
});

test('affinity problems reach the VMI validation as FieldValueInvalid causes', () => {
  const errs = validateVMI(validVMI((v) => { v.spec.affinity = term({ key: 'zone', operator: 'In' }); }), configWith());
  assertCauses(errs.filter((e) => e.field.startsWith('spec.affinity')), [[`${NA}[0].matchExpressions[0].values`, `${NA}[0].matchExpressions[0].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`]], 'vmi');
  assert.ok(errs.filter((e) => e.field.startsWith('spec.affinity')).every((e) => e.type === 'FieldValueInvalid'));
});
