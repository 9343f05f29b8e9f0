import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity } from './quantity.js';

test('quantities parse to their values: decimal and binary suffixes, exponents, numbers', () => {
  const cases: [unknown, number | undefined][] = [
    ['500m', 0.5],
    ['1Gi', 2 ** 30],
    ['1.5', 1.5],
    ['2e3', 2000],
    ['64Mi', 64 * 2 ** 20],
    ['1k', 1000],
    ['-2', -2],
    ['.5', 0.5],
    [3, 3],
    [Infinity, undefined],
    ['1Gb', undefined],
    ['', undefined],
    [{}, undefined],
  ];
  for (const [q, want] of cases) assert.equal(parseQuantity(q), want, String(q));
});

test('a quantity parses the same every time, across the cache being emptied when full', () => {
  assert.equal(parseQuantity('x1'), undefined);
  for (let i = 0; i < 3000; i++) assert.equal(parseQuantity(`${i}Mi`), i * 2 ** 20);
  assert.equal(parseQuantity('x1'), undefined);
  assert.equal(parseQuantity('100m'), 0.1);
  assert.equal(parseQuantity('100m'), 0.1);
});
