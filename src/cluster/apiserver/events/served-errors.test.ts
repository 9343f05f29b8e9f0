import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, alreadyExists, badRequest, conflict, notFound } from '../../../api/meta/index.js';
import type { ServedResource } from '../registry/registry.js';
import { servedStatusError } from './served-errors.js';

const shared = { info: { group: 'events.k8s.io', plural: 'events' }, sharedStorage: { group: '', resource: 'events' } } as unknown as ServedResource;
const own = { info: { group: '', plural: 'events' } } as unknown as ServedResource;
const storage = { group: '', resource: 'events' };

test('servedStatusError rewords storage errors for the served resource only', () => {
  const cases: { name: string; r: ServedResource; err: StatusError; message: string; group?: string }[] = [
    { name: 'shared 404', r: shared, err: notFound(storage, 'x'), message: 'events.events.k8s.io "x" not found', group: 'events.k8s.io' },
    { name: 'shared 409', r: shared, err: alreadyExists(storage, 'x'), message: 'events.events.k8s.io "x" already exists', group: 'events.k8s.io' },
    { name: 'core 404 unchanged', r: own, err: notFound(storage, 'x'), message: 'events "x" not found', group: '' },
    { name: 'other resource unchanged', r: shared, err: notFound({ group: '', resource: 'namespaces' }, 'ns'), message: 'namespaces "ns" not found', group: '' },
    { name: 'no details unchanged', r: shared, err: badRequest('bad'), message: 'bad' },
  ];
  for (const c of cases) {
    const out = servedStatusError(c.r, c.err) as StatusError;
    assert.equal(out.message, c.message, c.name);
    assert.equal(out.details?.group, c.group, c.name);
    assert.equal(out.code, c.err.code, c.name);
  }
  const stale = servedStatusError(shared, conflict(storage, 'x', 'the object has been modified')) as StatusError;
  assert.match(stale.message, /^Operation cannot be fulfilled on events\.events\.k8s\.io "x": /);
  const plain = new Error('boom');
  assert.equal(servedStatusError(shared, plain), plain);
});
