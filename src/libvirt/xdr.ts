/**
 * XDR (RFC 4506) encoding and decoding, the wire format of libvirt's RPC protocol.
 * Big-endian, every item padded to a multiple of 4 bytes. Only what libvirt's .x files use.
 */

/** Thrown when bytes do not decode as the expected XDR type (truncated, oversized, bad bool). */
export class XdrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XdrError';
  }
}

const MAX_UINT32 = 0xffffffff;

function pad(len: number): number {
  return (4 - (len % 4)) % 4;
}

/** Appends XDR items to a growable buffer; `finish()` returns the encoded bytes. */
export class XdrWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.alloc(initialSize);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  int(v: number): this {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new XdrError(`int out of range: ${v}`);
    this.reserve(4);
    this.buf.writeInt32BE(v, this.len);
    this.len += 4;
    return this;
  }

  uint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > MAX_UINT32) throw new XdrError(`unsigned int out of range: ${v}`);
    this.reserve(4);
    this.buf.writeUInt32BE(v, this.len);
    this.len += 4;
    return this;
  }

  hyper(v: number | bigint): this {
    const b = BigInt(v);
    if (b < -(1n << 63n) || b >= 1n << 63n) throw new XdrError(`hyper out of range: ${v}`);
    this.reserve(8);
    this.buf.writeBigInt64BE(b, this.len);
    this.len += 8;
    return this;
  }

  uhyper(v: number | bigint): this {
    const b = BigInt(v);
    if (b < 0n || b >= 1n << 64n) throw new XdrError(`unsigned hyper out of range: ${v}`);
    this.reserve(8);
    this.buf.writeBigUInt64BE(b, this.len);
    this.len += 8;
    return this;
  }

  double(v: number): this {
    this.reserve(8);
    this.buf.writeDoubleBE(v, this.len);
    this.len += 8;
    return this;
  }

  bool(v: boolean): this {
    return this.int(v ? 1 : 0);
  }

  /** Fixed-length opaque (e.g. a 16-byte UUID): bytes plus padding, no length word. */
  fixedOpaque(data: Uint8Array, size: number): this {
    if (data.length !== size) throw new XdrError(`fixed opaque must be ${size} bytes, got ${data.length}`);
    this.reserve(size + pad(size));
    Buffer.from(data.buffer, data.byteOffset, data.length).copy(this.buf, this.len);
    this.len += size;
    this.buf.fill(0, this.len, this.len + pad(size));
    this.len += pad(size);
    return this;
  }

  /** Variable-length opaque: length word, bytes, padding. */
  opaque(data: Uint8Array, max = MAX_UINT32): this {
    if (data.length > max) throw new XdrError(`opaque longer than ${max} bytes: ${data.length}`);
    this.uint(data.length);
    return this.fixedOpaque(data, data.length);
  }

  string(s: string, max = MAX_UINT32): this {
    return this.opaque(Buffer.from(s, 'utf8'), max);
  }

  /** Optional data (`T *`): a bool word, then the value when present. */
  optional<T>(v: T | null | undefined, enc: (w: this, v: T) => void): this {
    if (v === null || v === undefined) return this.bool(false);
    this.bool(true);
    enc(this, v);
    return this;
  }

  /** Variable-length array (`T name<max>`): count word, then each element. */
  array<T>(items: readonly T[], enc: (w: this, v: T) => void, max = MAX_UINT32): this {
    if (items.length > max) throw new XdrError(`array longer than ${max} elements: ${items.length}`);
    this.uint(items.length);
    for (const it of items) enc(this, it);
    return this;
  }

  /** Raw bytes already XDR-encoded. */
  raw(data: Uint8Array): this {
    this.reserve(data.length);
    Buffer.from(data.buffer, data.byteOffset, data.length).copy(this.buf, this.len);
    this.len += data.length;
    return this;
  }

  get length(): number {
    return this.len;
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

/** Reads XDR items from a buffer in order; every read checks bounds and throws XdrError. */
export class XdrReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new XdrError(`truncated XDR data reading ${what} at offset ${this.pos} (${this.buf.length} bytes)`);
    }
  }

  int(): number {
    this.need(4, 'int');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint(): number {
    this.need(4, 'unsigned int');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  hyper(): bigint {
    this.need(8, 'hyper');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  uhyper(): bigint {
    this.need(8, 'unsigned hyper');
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A hyper as a JS number (exact below 2^53, which covers sizes, counters and times). */
  hyperNumber(): number {
    return Number(this.hyper());
  }

  uhyperNumber(): number {
    return Number(this.uhyper());
  }

  double(): number {
    this.need(8, 'double');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  bool(): boolean {
    const v = this.int();
    if (v !== 0 && v !== 1) throw new XdrError(`invalid XDR bool ${v}`);
    return v === 1;
  }

  fixedOpaque(size: number): Buffer {
    this.need(size + pad(size), 'fixed opaque');
    const v = Buffer.from(this.buf.subarray(this.pos, this.pos + size));
    this.pos += size + pad(size);
    return v;
  }

  opaque(max = MAX_UINT32): Buffer {
    const len = this.uint();
    if (len > max) throw new XdrError(`opaque length ${len} exceeds maximum ${max}`);
    return this.fixedOpaque(len);
  }

  string(max = MAX_UINT32): string {
    return this.opaque(max).toString('utf8');
  }

  optional<T>(dec: (r: this) => T): T | null {
    return this.bool() ? dec(this) : null;
  }

  array<T>(dec: (r: this) => T, max = MAX_UINT32): T[] {
    const n = this.uint();
    if (n > max) throw new XdrError(`array length ${n} exceeds maximum ${max}`);
    // Each element takes at least 4 bytes: reject counts the remaining data cannot hold.
    if (n * 4 > this.remaining) throw new XdrError(`array length ${n} exceeds remaining data`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(dec(this));
    return out;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Throws unless every byte was consumed: catches struct layout mistakes early. */
  end(): void {
    if (this.pos !== this.buf.length) {
      throw new XdrError(`${this.buf.length - this.pos} unread bytes after XDR data`);
    }
  }
}
