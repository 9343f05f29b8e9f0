// The console session: ^] handling, retry while the VMI is not ready, and how a session ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Duplex } from 'node:stream';
import { StatusError } from '../api/meta/index.js';
import { attach, openWithRetry, splitAtEscape } from './console.js';
import { runFake } from './testing.js';

test('splitAtEscape sends what precedes ^] and leaves', () => {
  assert.deepEqual(splitAtEscape(Buffer.from('ls\r')), { send: Buffer.from('ls\r'), leave: false });
  assert.deepEqual(splitAtEscape(Buffer.from('ab\x1dcd')), { send: Buffer.from('ab'), leave: true });
  assert.deepEqual(splitAtEscape(Buffer.from('\x1d')), { send: Buffer.alloc(0), leave: true });
});

test('openWithRetry retries 400 (not ready) until it connects, and gives up on other errors or the deadline', async () => {
  const signal = new AbortController().signal;
  let calls = 0;
  const s = await openWithRetry(
    async () => {
      calls++;
      if (calls < 3) throw new StatusError(400, 'BadRequest', 'Unable to connect to VM because phase is Scheduling instead of Running');
      return new PassThrough();
    },
    60_000,
    signal,
    1,
  );
  assert.ok(s instanceof Duplex);
  assert.equal(calls, 3);
  await assert.rejects(openWithRetry(async () => { throw new StatusError(403, 'Forbidden', 'forbidden'); }, 60_000, signal, 1), /forbidden/);
  await assert.rejects(openWithRetry(async () => { throw new StatusError(400, 'BadRequest', 'not ready'); }, 5, signal, 10), /Timeout trying to connect to the virtual machine instance/);
});

/** A fake websocket: what the client writes goes to `sent`, `remote` pushes output. */
function fakeConsole(): { stream: Duplex; sent: Buffer[]; remote: PassThrough } {
  const sent: Buffer[] = [];
  const remote = new PassThrough();
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      sent.push(chunk);
      cb();
    },
    final(cb) {
      cb();
    },
  });
  remote.on('data', (b: Buffer) => stream.push(b));
  remote.on('end', () => stream.push(null));
  return { stream, sent, remote };
}

test('piped (non-TTY) session: input goes out, output comes back, end of input ends it', async () => {
  const { stream, sent, remote } = fakeConsole();
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  const done = attach({ stdin, stdout, stderr: new PassThrough() }, stream, new AbortController().signal);
  stdin.write('echo hi\n\x1d');
  remote.write('hi\n/ # ');
  await new Promise((r) => setImmediate(r));
  stdin.end();
  assert.equal(await done, 'input-closed');
  assert.equal(Buffer.concat(sent).toString(), 'echo hi\n\x1d', 'without a TTY ^] is just a byte');
  assert.equal(out, 'hi\n/ # ');
  assert.ok(stream.destroyed);
});

test('raw TTY session: ^] leaves and restores the terminal; the server closing ends it too', async () => {
  const { stream, sent } = fakeConsole();
  const modes: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (m: boolean) => modes.push(m) });
  const done = attach({ stdin, stdout: new PassThrough(), stderr: new PassThrough() }, stream, new AbortController().signal);
  stdin.write('ls\r\x1dignored');
  assert.equal(await done, 'escape');
  assert.equal(Buffer.concat(sent).toString(), 'ls\r');
  assert.deepEqual(modes, [true, false]);

  const second = fakeConsole();
  const ended = attach({ stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() }, second.stream, new AbortController().signal);
  second.remote.end();
  assert.equal(await ended, 'disconnected');
});

test('virtctl console connects to the console subresource and reports the escape sequence', async () => {
  const fake = fakeConsole();
  const r = await runFake(['console', 'v1', '-n', 'ns'], { stream: () => fake.stream, stdin: 'uname\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.streams, ['/apis/subresources.kubevirt.io/v1/namespaces/ns/virtualmachineinstances/v1/console']);
  assert.match(r.stderr, /Successfully connected to v1 console\. The escape sequence is \^\]/);
  assert.equal(Buffer.concat(fake.sent).toString(), 'uname\n');
  const refused = await runFake(['console', 'v1'], { stream: () => { throw new StatusError(403, 'Forbidden', 'virtualmachineinstances.subresources.kubevirt.io "v1" is forbidden'); } });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /is forbidden/);
});
