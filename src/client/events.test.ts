import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/meta/index.js';
import { EventRecorder, MAX_QUEUED_EVENTS } from './events.js';
import type { KubeClient } from './kube-client.js';

/** A client whose calls wait until released, recording what was sent and how many were in flight at most. */
function heldClient() {
  const sent: { verb: string; path: string; body: Record<string, unknown> }[] = [];
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const call = (verb: string) => async (path: string, body: Record<string, unknown>): Promise<unknown> => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    sent.push({ verb, path, body });
    await new Promise<void>((r) => waiting.push(r));
    inFlight -= 1;
    return body;
  };
  const client = { create: call('create'), patch: call('patch') } as unknown as KubeClient;
  /** Releases calls one by one until `n` were sent and none waits (bounded). */
  const releaseUntil = async (n: number): Promise<void> => {
    for (let i = 0; i < 100_000 && (sent.length < n || waiting.length > 0 || inFlight > 0); i++) {
      waiting.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { client, sent, releaseUntil, maxInFlight: () => maxInFlight };
}

const vmi = (name: string): KubeObject => ({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '5' } });

test('EventRecorder: one event in flight at a time, sent in the order recorded; a repeat becomes a count patch', async () => {
  const h = heldClient();
  const rec = new EventRecorder(h.client, 'virt-controller', '', () => new Date('2026-01-02T03:04:05.678Z'));
  const a = vmi('a');
  const done = Promise.all([
    rec.record(a, 'Normal', 'SuccessfulCreate', 'Created pod p-a'),
    rec.record(vmi('b'), 'Normal', 'SuccessfulCreate', 'Created pod p-b'),
    rec.record(a, 'Normal', 'SuccessfulCreate', 'Created pod p-a'),
  ]);
  // The caller changes its object after recording: the event keeps what it was.
  a.metadata = { ...a.metadata, resourceVersion: '6' };
  await h.releaseUntil(3);
  await done;
  assert.equal(h.maxInFlight(), 1, 'never two sends at once');
  assert.deepEqual(h.sent.map((s) => [s.verb, s.path]), [
    ['create', '/api/v1/namespaces/ns/events'],
    ['create', '/api/v1/namespaces/ns/events'],
    ['patch', `/api/v1/namespaces/ns/events/${String((h.sent[0]?.body.metadata as { name: string }).name)}`],
  ]);
  assert.deepEqual(h.sent[0]?.body.involvedObject, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name: 'a', namespace: 'ns', uid: 'uid-a', resourceVersion: '5' });
  assert.equal(h.sent[0]?.body.firstTimestamp, '2026-01-02T03:04:05Z');
  assert.deepEqual(h.sent[2]?.body, { count: 2, lastTimestamp: '2026-01-02T03:04:05Z' });
});

test('EventRecorder: past MAX_QUEUED_EVENTS unsent events, new ones are dropped and reported', async () => {
  const h = heldClient();
  const rec = new EventRecorder(h.client, 'kubelet', 'node01');
  const errors: unknown[] = [];
  const all: Promise<void>[] = [];
  for (let i = 0; i < MAX_QUEUED_EVENTS + 2; i++) all.push(rec.record(vmi(`v${i}`), 'Normal', 'Started', 'Started container', (e) => errors.push(e)));
  assert.equal(errors.length, 2);
  assert.match(String(errors[0]), /event queue full \(1000\): dropped Normal Started of v1000/);
  await h.releaseUntil(MAX_QUEUED_EVENTS);
  await Promise.all(all);
  assert.equal(h.sent.length, MAX_QUEUED_EVENTS);
  // Once the queue drained, recording works again.
  const again = rec.record(vmi('late'), 'Normal', 'Started', 'Started container', (e) => errors.push(e));
  await h.releaseUntil(MAX_QUEUED_EVENTS + 1);
  await again;
  assert.equal(h.sent.length, MAX_QUEUED_EVENTS + 1);
  assert.equal(errors.length, 2);
});
