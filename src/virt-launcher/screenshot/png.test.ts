import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync, crc32 } from 'node:zlib';
import { encodePng } from './png.js';
import { parsePpm } from './ppm.js';

/** Decodes our own PNGs (RGB, 8-bit, filters None/Sub) back to pixels, checking every CRC. */
function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let pos = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (;;) {
    const len = png.readUInt32BE(pos);
    const type = png.subarray(pos + 4, pos + 8).toString('latin1');
    const data = png.subarray(pos + 8, pos + 8 + len);
    assert.equal(png.readUInt32BE(pos + 8 + len), crc32(png.subarray(pos + 4, pos + 8 + len)) >>> 0, `${type} crc`);
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
    if (type === 'IEND') break;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] ?? 0;
      const left = filter === 1 && x >= 3 ? (pixels[y * stride + x - 3] ?? 0) : 0;
      pixels[y * stride + x] = (v + left) & 0xff;
    }
  }
  return { width, height, pixels };
}

test('PPM (P6) parses with comments and 16-bit samples; PNG round-trips the pixels', () => {
  const pixels = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 200, 100, 50, 1, 2, 3]);
  const ppm = Buffer.concat([Buffer.from('P6\n# QEMU\n3 2\n255\n'), pixels]);
  const img = parsePpm(ppm);
  assert.deepEqual([img.width, img.height], [3, 2]);
  assert.deepEqual(img.pixels, pixels);
  assert.deepEqual(decodePng(encodePng(img)), { width: 3, height: 2, pixels });

  const wide = Buffer.alloc(6);
  wide.writeUInt16BE(65535, 0);
  wide.writeUInt16BE(0, 2);
  wide.writeUInt16BE(32768, 4);
  assert.deepEqual([...parsePpm(Buffer.concat([Buffer.from('P6 1 1 65535 '), wide])).pixels], [255, 0, 128]);
});

test('malformed PPMs are refused', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['ascii ppm', Buffer.from('P3\n1 1\n255\n0 0 0\n'), /not a binary PPM/],
    ['bad size', Buffer.from('P6\n0 1\n255\n'), /bad size/],
    ['short data', Buffer.from('P6\n2 2\n255\nabc'), /bytes of pixel data/],
    ['bad maxval', Buffer.from('P6\n1 1\n70000\nabc'), /bad maxval/],
  ];
  for (const [name, data, re] of cases) assert.throws(() => parsePpm(data), re, name);
});
