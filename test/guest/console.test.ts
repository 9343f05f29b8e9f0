import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { GuestConsole, PROMPT } from './console.js';

/** A stream standing in for the serial line: what the console writes is kept, and a
 *  responder may answer it the way a shell would. */
function fakeSerial(respond?: (input: string, push: (s: string) => void) => void): { stream: Duplex; push: (s: string) => void; written: string[] } {
  const written: string[] = [];
  const stream: Duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk.toString());
      respond?.(chunk.toString(), (s) => stream.push(s));
      cb();
    },
  });
  return { stream, push: (s) => stream.push(s), written };
}

test('waitFor resolves on text that arrives later, ignoring CRs and terminal queries', async () => {
  const serial = fakeSerial();
  const c = new GuestConsole(serial.stream);
  const waiting = c.waitFor('kubevirt-ts-guest: ready', 2000);
  serial.push('kubevirt-ts-guest: rea');
  serial.push('dy\r\n\x1b[6ntestvm:~ # ');
  const m = await waiting;
  assert.equal(m.index, 0);
  await c.waitFor(PROMPT, 2000);
  assert.equal(c.text, 'kubevirt-ts-guest: ready\ntestvm:~ # ');
});

test('waitFor rejects after its deadline, quoting the console', async () => {
  const serial = fakeSerial();
  const c = new GuestConsole(serial.stream);
  serial.push('booting\n');
  await assert.rejects(c.waitFor(/never/, 50), /timed out after 50 ms; console tail:\nbooting/);
});

test('run returns the output and exit status of a command, not its echo', async () => {
  const serial = fakeSerial((input, push) => {
    const n = /BEGIN-(\d+)/.exec(input)?.[1];
    push(`${input.replace(/\n/g, '\r\n')}`); // the tty echoes the typed line
    push(`@@KVTS-BEGIN-${n}@@\r\ntestvm\r\n@@KVTS-END-${n}@@3\r\ntestvm:~ # `);
  });
  const c = new GuestConsole(serial.stream);
  const r = await c.run('hostname; (exit 3)', 2000);
  assert.deepEqual(r, { output: 'testvm\n', status: 3 });
  assert.match(serial.written[0] ?? '', /hostname; \(exit 3\); echo "@@KVTS-""END-1@@\$\?"\n$/);
});
