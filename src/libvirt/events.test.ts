import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDomainEvent } from './events.js';
import { RemoteProc } from './protocol.js';
import { writeDomain, writeString, writeTypedParams } from './remote-types.js';
import { XdrReader, XdrWriter } from './xdr.js';

const DOM = { name: 'tiny', uuid: '6138d945-8fd8-4f23-995d-8a58ae3f8ae5', id: 3 };

function msg(enc: (w: XdrWriter) => void): XdrReader {
  const w = new XdrWriter();
  enc(w);
  return new XdrReader(w.finish());
}

test('decodeDomainEvent names lifecycle events and details', () => {
  const cases = [
    { event: 2, detail: 0, want: ['Started', 'Booted'] },
    { event: 3, detail: 0, want: ['Suspended', 'Paused'] },
    { event: 4, detail: 0, want: ['Resumed', 'Unpaused'] },
    { event: 5, detail: 0, want: ['Stopped', 'Shutdown'] },
    { event: 5, detail: 1, want: ['Stopped', 'Destroyed'] },
    { event: 5, detail: 2, want: ['Stopped', 'Crashed'] },
    { event: 5, detail: 5, want: ['Stopped', 'Failed'] },
    { event: 6, detail: 1, want: ['Shutdown', 'Guest'] },
    { event: 8, detail: 0, want: ['Crashed', 'Panicked'] },
    { event: 42, detail: 9, want: ['Unknown', 'Unknown(9)'] },
  ];
  for (const c of cases) {
    const r = msg((w) => {
      w.int(7);
      writeDomain(w, DOM);
      w.int(c.event).int(c.detail);
    });
    const got = decodeDomainEvent(RemoteProc.DOMAIN_EVENT_CALLBACK_LIFECYCLE, r);
    r.end();
    assert.equal(got?.callbackId, 7);
    assert.equal(got?.event.kind, 'lifecycle');
    if (got?.event.kind !== 'lifecycle') continue;
    assert.deepEqual([got.event.eventName, got.event.detailName], c.want, `${c.event}/${c.detail}`);
    assert.deepEqual(got.event.domain, DOM);
  }
});

test('decodeDomainEvent decodes reboot, agent, device and job events', () => {
  const cases = [
    {
      proc: RemoteProc.DOMAIN_EVENT_CALLBACK_REBOOT,
      enc: (w: XdrWriter) => writeDomain(w, DOM),
      want: { kind: 'reboot', domain: DOM },
    },
    {
      proc: RemoteProc.DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE,
      enc: (w: XdrWriter) => {
        writeDomain(w, DOM);
        w.int(1).int(2);
      },
      want: { kind: 'agentLifecycle', domain: DOM, state: 1, stateName: 'Connected', reason: 2, reasonName: 'Channel' },
    },
    {
      proc: RemoteProc.DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
      enc: (w: XdrWriter) => {
        writeDomain(w, DOM);
        writeString(w, 'virtio-disk1');
      },
      want: { kind: 'deviceRemoved', domain: DOM, devAlias: 'virtio-disk1' },
    },
    {
      proc: RemoteProc.DOMAIN_EVENT_CALLBACK_JOB_COMPLETED,
      enc: (w: XdrWriter) => {
        writeDomain(w, DOM);
        writeTypedParams(w, [{ field: 'downtime', type: 'ULLONG', value: 12 }]);
      },
      want: { kind: 'jobCompleted', domain: DOM, params: [{ field: 'downtime', type: 'ULLONG', value: 12 }] },
    },
  ];
  for (const c of cases) {
    const r = msg((w) => {
      w.int(3);
      c.enc(w);
    });
    const got = decodeDomainEvent(c.proc, r);
    r.end();
    assert.deepEqual(got, { callbackId: 3, event: c.want }, c.want.kind);
  }
});

test('decodeDomainEvent ignores procedures it does not know', () => {
  assert.equal(decodeDomainEvent(RemoteProc.DOMAIN_GET_STATE, msg((w) => w.int(1))), null);
});
