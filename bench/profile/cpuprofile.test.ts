import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appCallers, shortFile, summarise, timeline, type CpuProfile } from './cpuprofile.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// root -> main -> (a -> b, recursive main), idle and GC beside; each sample lasts 1 ms.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 6, 7] },
    { id: 2, callFrame: frame('main', 'file:///w/x/dist/cmd/up.js', 9), children: [3, 5] },
    { id: 3, callFrame: frame('a', 'file:///w/x/node_modules/ws/lib/a.js', 0), children: [4] },
    { id: 4, callFrame: frame('b', 'file:///w/x/dist/cluster/b.js', 1) },
    { id: 5, callFrame: frame('main', 'file:///w/x/dist/cmd/up.js', 9) },
    { id: 6, callFrame: frame('(idle)') },
    { id: 7, callFrame: frame('(garbage collector)') },
  ],
  samples: [4, 4, 3, 5, 6, 6, 6, 7, 2],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  startTime: 0,
  endTime: 9000,
};

test('summarise: self, total (recursion counted once), per file, idle excluded', () => {
  const s = summarise(profile, 10);
  assert.equal(s.wallMs, 9);
  assert.equal(s.busyMs, 6);
  assert.equal(s.gcMs, 1);
  const self = Object.fromEntries(s.selfByFunction.map((r) => [r.name, r.ms]));
  assert.deepEqual(self, { 'b dist/cluster/b.js:2': 2, 'main dist/cmd/up.js:10': 2, 'a node_modules/ws/lib/a.js:1': 1, '(garbage collector)': 1 });
  const total = Object.fromEntries(s.totalByFunction.map((r) => [r.name, r.ms]));
  assert.equal(total['main dist/cmd/up.js:10'], 5);
  assert.equal(total['a node_modules/ws/lib/a.js:1'], 3);
  assert.equal(s.selfByFile[0]?.name, 'dist/cluster/b.js');
  assert.equal(summarise(profile, 1).selfByFunction.length, 1);
});

test('shortFile', () => {
  const cases: [string, string][] = [
    ['file:///work/wt/a/dist/cluster/apiserver/http/handler.js', 'dist/cluster/apiserver/http/handler.js'],
    ['file:///work/main/node_modules/ws/lib/sender.js', 'node_modules/ws/lib/sender.js'],
    ['node:internal/streams/readable', 'node:internal/streams/readable'],
    ['', '(native)'],
  ];
  for (const [url, want] of cases) assert.equal(shortFile(url), want, url);
});

test('appCallers: nearest project frames above a leaf', () => {
  assert.deepEqual(appCallers(profile, 'b', 5, 2), [{ name: 'main dist/cmd/up.js:10', ms: 2 }]);
  assert.deepEqual(appCallers(profile, 'nothing', 5, 2), []);
});

test('timeline and windows: busy ms per bucket, summaries of a time range', () => {
  // Samples are 1 ms apart: ids 4,4,3,5 | 6,6,6,7 | 2 in 4 ms buckets.
  assert.deepEqual(timeline(profile, 0.004), [4, 1, 1]);
  const w = summarise(profile, 10, { fromS: 0.0035, toS: 0.0085 });
  assert.equal(w.busyMs, 2, 'GC at 7 ms and main at 8 ms');
  assert.equal(w.wallMs, 5);
});
