import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rememberJson } from '../store/json-memo.js';
import type { WatchEventType as EventType } from '../watch/watch.js';
import { eventBytes, eventLine } from './watch-lines.js';

test('eventLine: the JSON of { type, object } and a newline, using a known serialisation', () => {
  const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'é' } } };
  const cases: [EventType, unknown][] = [['ADDED', obj], ['BOOKMARK', { metadata: { resourceVersion: '7' } }], ['ERROR', 'text'], ['DELETED', null]];
  for (const [type, object] of cases) assert.equal(eventLine(type, object), `${JSON.stringify({ type, object })}\n`);
  const known = { kind: 'X' };
  rememberJson(known, '{"kind":"X","fromMemo":true}');
  assert.equal(eventLine('MODIFIED', known), '{"type":"MODIFIED","object":{"kind":"X","fromMemo":true}}\n');
});

test('eventBytes: every watcher of one event gets the same bytes; other events their own', () => {
  const a = { kind: 'Pod', metadata: { name: 'a', annotations: { note: 'ü' } } };
  const b = { kind: 'Pod', metadata: { name: 'b' } };
  const first = eventBytes('MODIFIED', a);
  assert.equal(first.toString('utf8'), `${JSON.stringify({ type: 'MODIFIED', object: a })}\n`);
  assert.equal(eventBytes('MODIFIED', a), first, 'encoded once for a fan-out');
  assert.notEqual(eventBytes('DELETED', a), first, 'another type is another line');
  assert.equal(eventBytes('DELETED', a).toString('utf8'), `${JSON.stringify({ type: 'DELETED', object: a })}\n`);
  assert.equal(eventBytes('MODIFIED', b).toString('utf8'), `${JSON.stringify({ type: 'MODIFIED', object: b })}\n`);
  assert.equal(eventBytes('ERROR', 'x').toString('utf8'), `${JSON.stringify({ type: 'ERROR', object: 'x' })}\n`);
});
