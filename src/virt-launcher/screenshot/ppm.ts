/** Parses binary PPM (P6), the format QEMU's screendump writes, into 8-bit RGB pixels. Pure. */

/** An RGB image, 3 bytes per pixel, rows top to bottom. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Buffer;
}

/** Decodes a P6 image (maxval up to 65535; 16-bit samples are scaled to 8 bits). Throws on malformed input. */
export function parsePpm(data: Buffer): RgbImage {
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < data.length && /\s/.test(String.fromCharCode(data[pos] ?? 0))) pos++;
      if (data[pos] !== 0x23) break; // '#': comment to end of line
      while (pos < data.length && data[pos] !== 0x0a) pos++;
    }
    const start = pos;
    while (pos < data.length && !/\s/.test(String.fromCharCode(data[pos] ?? 0))) pos++;
    return data.subarray(start, pos).toString('latin1');
  };
  if (token() !== 'P6') throw new Error('not a binary PPM (P6) image');
  const [width, height, maxval] = [Number(token()), Number(token()), Number(token())];
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) throw new Error(`PPM: bad size ${width}x${height}`);
  if (!Number.isInteger(maxval) || maxval <= 0 || maxval > 65535) throw new Error(`PPM: bad maxval ${maxval}`);
  pos++; // the single whitespace after maxval
  const samples = width * height * 3;
  const wide = maxval > 255;
  const body = data.subarray(pos);
  if (body.length < samples * (wide ? 2 : 1)) throw new Error(`PPM: ${body.length} bytes of pixel data, want ${samples * (wide ? 2 : 1)}`);
  if (!wide && maxval === 255) return { width, height, pixels: Buffer.from(body.subarray(0, samples)) };
  const pixels = Buffer.alloc(samples);
  for (let i = 0; i < samples; i++) {
    const v = wide ? body.readUInt16BE(i * 2) : (body[i] ?? 0);
    pixels[i] = Math.round((v * 255) / maxval);
  }
  return { width, height, pixels };
}
