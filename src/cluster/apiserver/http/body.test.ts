import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { StatusError } from '../../../api/meta/index.js';
import { readBody } from './body.js';

/** A request whose body arrives in the given chunks. */
const request = (chunks: string[], headers: Record<string, string> = {}): IncomingMessage =>
  Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers }) as unknown as IncomingMessage;

test('readBody returns the whole body however it was chunked', async () => {
  const cases: [string, string[]][] = [
    ['empty', []],
    ['one chunk', ['{"kind":"Event"}']],
    ['several chunks', ['{"ki', 'nd":', '"Event"}']],
  ];
  for (const [name, chunks] of cases) assert.equal((await readBody(request(chunks))).toString('utf8'), chunks.join(''), name);
});

test('readBody rejects a body over the limit with 413, declared or streamed', async () => {
  const tooLarge = (e: unknown) => e instanceof StatusError && e.code === 413;
  await assert.rejects(readBody(request(['x'], { 'content-length': '11' }), 10), tooLarge);
  await assert.rejects(readBody(request(['12345', '678901']), 10), tooLarge);
  assert.equal((await readBody(request(['12345', '67890']), 10)).length, 10);
});
