import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareQuantities, formatQuantity, parseQuantity, quantityMilliValue, quantityValue } from './quantity.js';

test('parses quantities to values and formats', () => {
  const table: [string | number, number | undefined, string | undefined][] = [
    ['1Gi', 2 ** 30, 'BinarySI'],
    ['512Mi', 512 * 2 ** 20, 'BinarySI'],
    ['100m', 0.1, 'DecimalSI'],
    ['2', 2, 'DecimalSI'],
    [3, 3, 'DecimalSI'],
    ['1G', 1e9, 'DecimalSI'],
    ['1.5Gi', 1.5 * 2 ** 30, 'BinarySI'],
    ['1e3', 1000, 'DecimalExponent'],
    ['abc', undefined, undefined],
    ['1Gb', undefined, undefined],
    ['', undefined, undefined],
  ];
  for (const [q, value, format] of table) {
    const p = parseQuantity(q);
    assert.equal(p?.value, value, String(q));
    assert.equal(p?.format, format, String(q));
  }
});

test('Value() and MilliValue() round up like apimachinery', () => {
  assert.equal(quantityValue('100m'), 1);
  assert.equal(quantityValue('2'), 2);
  assert.equal(quantityValue('1500m'), 2);
  assert.equal(quantityMilliValue('100m'), 100);
  assert.equal(quantityMilliValue('1'), 1000);
  assert.equal(compareQuantities('1Gi', '1024Mi'), 0);
  assert.ok(compareQuantities('1G', '1Gi') < 0);
});

test('formats like resource.NewQuantity(v, format).String()', () => {
  const table: [number, 'BinarySI' | 'DecimalSI', string][] = [
    [2 ** 30, 'BinarySI', '1Gi'],
    [3 * 2 ** 20, 'BinarySI', '3Mi'],
    [715827882, 'BinarySI', '715827882'],
    [1e9, 'DecimalSI', '1G'],
    [1500, 'DecimalSI', '1500'],
    [0, 'BinarySI', '0'],
  ];
  for (const [v, f, want] of table) assert.equal(formatQuantity(v, f), want, `${v} ${f}`);
});
