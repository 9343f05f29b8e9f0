// Reads what a dynamically linked ELF64 (little-endian) program needs at run time: its
// interpreter (PT_INTERP) and its shared libraries (DT_NEEDED). Pure: bytes in, names out.

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;

/** The run-time needs of one ELF file; both empty for a static one. */
export interface ElfNeeds {
  readonly interpreter?: string;
  readonly needed: readonly string[];
}

interface Segment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
}

function cString(buf: Buffer, at: number): string {
  const end = buf.indexOf(0, at);
  return buf.subarray(at, end < 0 ? buf.length : end).toString('latin1');
}

function segments(elf: Buffer): Segment[] {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  if (elf[4] !== 2 || elf[5] !== 1) throw new Error('only 64-bit little-endian ELF files are supported');
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  const out: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    out.push({ type: elf.readUInt32LE(p), offset: Number(elf.readBigUInt64LE(p + 8)), vaddr: Number(elf.readBigUInt64LE(p + 16)), filesz: Number(elf.readBigUInt64LE(p + 32)) });
  }
  return out;
}

/** The interpreter and DT_NEEDED libraries of an ELF64 LE file; throws on anything else. */
export function elfNeeds(elf: Buffer): ElfNeeds {
  const segs = segments(elf);
  const interp = segs.find((s) => s.type === PT_INTERP);
  const interpreter = interp ? cString(elf, interp.offset) : undefined;
  const dyn = segs.find((s) => s.type === PT_DYNAMIC);
  if (!dyn) return interpreter === undefined ? { needed: [] } : { interpreter, needed: [] };
  const tags: [bigint, bigint][] = [];
  for (let p = dyn.offset; p + 16 <= dyn.offset + dyn.filesz; p += 16) {
    const tag = elf.readBigUInt64LE(p);
    if (tag === DT_NULL) break;
    tags.push([tag, elf.readBigUInt64LE(p + 8)]);
  }
  const strtabAddr = Number(tags.find(([t]) => t === DT_STRTAB)?.[1] ?? -1n);
  const load = segs.find((s) => s.type === PT_LOAD && strtabAddr >= s.vaddr && strtabAddr < s.vaddr + s.filesz);
  if (!load) throw new Error('ELF file has no loaded string table');
  const strtab = strtabAddr - load.vaddr + load.offset;
  const needed = tags.filter(([t]) => t === DT_NEEDED).map(([, v]) => cString(elf, strtab + Number(v)));
  return interpreter === undefined ? { needed } : { interpreter, needed };
}
