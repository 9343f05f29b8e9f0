import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameJSON } from './common.js';

test('sameJSON: equal exactly when the JSON texts are equal', () => {
  const cond = { type: 'Ready', status: 'False', reason: 'GuestNotRunning' };
  const cases: [unknown, unknown][] = [
    [{}, {}],
    [{ phase: 'Pending' }, { phase: 'Pending' }],
    [{ phase: 'Pending' }, { phase: 'Scheduling' }],
    [{ a: 1, b: 2 }, { b: 2, a: 1 }],
    [{ a: 1, b: undefined }, { a: 1 }],
    [{ a: undefined }, {}],
    [{ conditions: [cond] }, { conditions: [{ ...cond }] }],
    [{ conditions: [cond] }, { conditions: [{ ...cond, message: 'm' }] }],
    [{ conditions: [cond, cond] }, { conditions: [cond] }],
    [[1, undefined], [1, null]],
    [[1, 2], [2, 1]],
    [{ a: [] }, { a: {} }],
    [{ a: null }, { a: {} }],
    [{ a: 0 }, { a: '0' }],
    [{ a: NaN }, { a: null }],
    [{ t: new Date(0) }, { t: '1970-01-01T00:00:00.000Z' }],
    [undefined, {}],
    [{ a: { b: { c: [1, { d: 'x' }] } } }, { a: { b: { c: [1, { d: 'x' }] } } }],
    [{ a: { b: { c: [1, { d: 'x' }] } } }, { a: { b: { c: [1, { d: 'y' }] } } }],
  ];
  for (const [a, b] of cases) {
    assert.equal(sameJSON(a, b), JSON.stringify(a) === JSON.stringify(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    assert.equal(sameJSON(b, a), JSON.stringify(a) === JSON.stringify(b), `${JSON.stringify(b)} vs ${JSON.stringify(a)}`);
  }
});
