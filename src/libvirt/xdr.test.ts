import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrError, XdrReader, XdrWriter } from './xdr.js';

const hex = (b: Buffer): string => b.toString('hex');

test('XdrWriter encodes each type big-endian and padded to 4 bytes', () => {
  const cases: { name: string; enc: (w: XdrWriter) => void; want: string }[] = [
    { name: 'int -1', enc: (w) => w.int(-1), want: 'ffffffff' },
    { name: 'int 42', enc: (w) => w.int(42), want: '0000002a' },
    { name: 'uint max', enc: (w) => w.uint(0xffffffff), want: 'ffffffff' },
    { name: 'hyper -2', enc: (w) => w.hyper(-2), want: 'fffffffffffffffe' },
    { name: 'uhyper 2^40', enc: (w) => w.uhyper(2 ** 40), want: '0000010000000000' },
    { name: 'uhyper bigint max', enc: (w) => w.uhyper((1n << 64n) - 1n), want: 'ffffffffffffffff' },
    { name: 'bool true', enc: (w) => w.bool(true), want: '00000001' },
    { name: 'double 1.5', enc: (w) => w.double(1.5), want: '3ff8000000000000' },
    { name: 'string tiny (4 bytes, no pad)', enc: (w) => w.string('tiny'), want: '0000000474696e79' },
    { name: 'string nope', enc: (w) => w.string('nope'), want: '000000046e6f7065' },
    { name: 'string qemu:///system (pad 2)', enc: (w) => w.string('qemu:///system'), want: '0000000e71656d753a2f2f2f73797374656d0000' },
    { name: 'empty string', enc: (w) => w.string(''), want: '00000000' },
    { name: 'opaque 1 byte', enc: (w) => w.opaque(Buffer.from([7])), want: '0000000107000000' },
    { name: 'fixed opaque 3', enc: (w) => w.fixedOpaque(Buffer.from([1, 2, 3]), 3), want: '01020300' },
    { name: 'optional absent', enc: (w) => w.optional(null, (x, v: number) => x.int(v)), want: '00000000' },
    { name: 'optional present', enc: (w) => w.optional(5, (x, v) => x.int(v)), want: '0000000100000005' },
    { name: 'array of ints', enc: (w) => w.array([1, 2], (x, v) => x.int(v)), want: '000000020000000100000002' },
  ];
  for (const c of cases) {
    const w = new XdrWriter(1);
    c.enc(w);
    assert.equal(hex(w.finish()), c.want, c.name);
  }
});

test('XdrReader decodes what XdrWriter encodes', () => {
  const w = new XdrWriter();
  w.int(-7).uint(3_000_000_000).hyper(-(2n ** 40n)).uhyper(12345678901234n).double(-0.25).bool(false);
  w.string('héllo').opaque(Buffer.from('abcde')).fixedOpaque(Buffer.alloc(16, 0xab), 16);
  w.optional('x', (x, v) => x.string(v)).optional(undefined, (x, v: string) => x.string(v));
  w.array(['a', 'bb'], (x, v) => x.string(v));
  const r = new XdrReader(w.finish());
  assert.equal(r.int(), -7);
  assert.equal(r.uint(), 3_000_000_000);
  assert.equal(r.hyper(), -(2n ** 40n));
  assert.equal(r.uhyperNumber(), 12345678901234);
  assert.equal(r.double(), -0.25);
  assert.equal(r.bool(), false);
  assert.equal(r.string(), 'héllo');
  assert.equal(r.opaque().toString(), 'abcde');
  assert.deepEqual(r.fixedOpaque(16), Buffer.alloc(16, 0xab));
  assert.equal(r.optional((x) => x.string()), 'x');
  assert.equal(r.optional((x) => x.string()), null);
  assert.deepEqual(r.array((x) => x.string()), ['a', 'bb']);
  r.end();
});

test('XdrWriter rejects values outside the XDR type', () => {
  const cases: { name: string; enc: (w: XdrWriter) => void }[] = [
    { name: 'int too big', enc: (w) => w.int(2 ** 31) },
    { name: 'int fraction', enc: (w) => w.int(1.5) },
    { name: 'uint negative', enc: (w) => w.uint(-1) },
    { name: 'uhyper negative', enc: (w) => w.uhyper(-1) },
    { name: 'hyper too big', enc: (w) => w.hyper(1n << 63n) },
    { name: 'string over max', enc: (w) => w.string('abcdef', 4) },
    { name: 'fixed opaque wrong size', enc: (w) => w.fixedOpaque(Buffer.alloc(15), 16) },
    { name: 'array over max', enc: (w) => w.array([1, 2, 3], (x, v) => x.int(v), 2) },
  ];
  for (const c of cases) assert.throws(() => c.enc(new XdrWriter()), XdrError, c.name);
});

test('XdrReader rejects truncated, oversized and malformed data', () => {
  const cases: { name: string; bytes: string; dec: (r: XdrReader) => unknown }[] = [
    { name: 'short int', bytes: '000000', dec: (r) => r.int() },
    { name: 'short hyper', bytes: '00000000000000', dec: (r) => r.hyper() },
    { name: 'string longer than data', bytes: '0000000861626364', dec: (r) => r.string() },
    { name: 'string longer than max', bytes: '0000000861626364616263640000', dec: (r) => r.string(4) },
    { name: 'missing padding', bytes: '0000000561626364', dec: (r) => r.string() },
    { name: 'bool 2', bytes: '00000002', dec: (r) => r.bool() },
    { name: 'array count beyond data', bytes: '7fffffff', dec: (r) => r.array((x) => x.int()) },
    { name: 'array over max', bytes: '000000030000000100000002', dec: (r) => r.array((x) => x.int(), 2) },
  ];
  for (const c of cases) assert.throws(() => c.dec(new XdrReader(Buffer.from(c.bytes, 'hex'))), XdrError, c.name);
});

test('XdrReader.end reports unread bytes', () => {
  const r = new XdrReader(Buffer.from('0000000100000002', 'hex'));
  r.int();
  assert.throws(() => r.end(), /4 unread bytes/);
  r.int();
  r.end();
});
