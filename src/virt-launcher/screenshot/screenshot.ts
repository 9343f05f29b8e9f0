/**
 * A screenshot of a domain's display: QMP `screendump` (through libvirt's monitor passthrough)
 * into a PPM file in the launcher's private directory, read back, converted to PNG, removed.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DomainRef, LibvirtConnection } from '../../libvirt/index.js';
import { encodePng } from './png.js';
import { parsePpm } from './ppm.js';

/** Takes a PNG screenshot of `dom`; the PPM goes through `dir` (QEMU must be able to write there). */
export async function screenshotPng(conn: LibvirtConnection, dom: DomainRef, dir: string): Promise<Buffer> {
  const file = join(dir, `screenshot-${randomBytes(6).toString('hex')}.ppm`);
  try {
    const reply = await conn.domainQemuMonitorCommand(dom, JSON.stringify({ execute: 'screendump', arguments: { filename: file } }));
    const parsed = JSON.parse(reply) as { error?: { desc?: string } };
    if (parsed.error) throw new Error(`screendump: ${parsed.error.desc ?? 'failed'}`);
    return encodePng(parsePpm(await readFile(file)));
  } finally {
    await rm(file, { force: true });
  }
}
