import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdPrinter, evalJsonPath, humanDuration, toTable } from './table.js';

test('humanDuration matches apimachinery', () => {
  const cases: [number, string][] = [
    [5, '5s'], [119, '119s'], [125, '2m5s'], [600, '10m'], [3 * 3600 + 120, '3h2m'], [10 * 3600, '10h'],
    [3 * 86400 + 3600, '3d1h'], [30 * 86400, '30d'], [3 * 365 * 86400, '3y'],
  ];
  for (const [s, want] of cases) assert.equal(humanDuration(s * 1000), want, String(s));
});

test('jsonPath subset used by printer columns', () => {
  const o = { spec: { replicas: 3, ports: [{ port: 80 }, { port: 443 }] }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'X', status: 'False' }] } };
  assert.deepEqual(evalJsonPath(o, '.spec.replicas'), [3]);
  assert.deepEqual(evalJsonPath(o, '.spec.ports[1].port'), [443]);
  assert.deepEqual(evalJsonPath(o, '.spec.ports[*].port'), [80, 443]);
  assert.deepEqual(evalJsonPath(o, '.status.conditions[?(@.type=="Ready")].status'), ['True']);
  assert.deepEqual(evalJsonPath(o, '.spec.missing'), []);
});

test('CRD printer columns render NAME first, values by type, and Table rows carry metadata', () => {
  const now = new Date('2024-01-01T00:10:00Z');
  const p = crdPrinter(
    [
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
    () => now,
  );
  const obj = { metadata: { name: 'vm1', creationTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Running' } };
  const t = toTable(p, [obj], { resourceVersion: '5' }, 'Metadata');
  assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Phase', 'Age']);
  assert.deepEqual(t.rows[0]?.cells, ['vm1', 'Running', '10m']);
  assert.deepEqual((t.rows[0]?.object as { kind: string }).kind, 'PartialObjectMetadata');
});
