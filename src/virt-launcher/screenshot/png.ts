/** A minimal PNG encoder (8-bit RGB, no interlace, zlib from node:zlib). Pure apart from zlib. */
import { crc32, deflateSync } from 'node:zlib';
import type { RgbImage } from './ppm.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes an RGB image as PNG, each row with the Sub filter (small output for flat screens). */
export function encodePng(img: RgbImage): Buffer {
  const { width, height, pixels } = img;
  if (pixels.length !== width * height * 3) throw new Error(`PNG: ${pixels.length} bytes of pixels for ${width}x${height} RGB`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1);
    const row = y * stride;
    raw[out] = 1; // Sub
    for (let x = 0; x < stride; x++) {
      const left = x >= 3 ? (pixels[row + x - 3] ?? 0) : 0;
      raw[out + 1 + x] = ((pixels[row + x] ?? 0) - left) & 0xff;
    }
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
