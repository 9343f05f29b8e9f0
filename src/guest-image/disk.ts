// The bootable disk: an MBR (syslinux's mbr.bin plus one active FAT16 partition) followed by a
// FAT file system holding syslinux, the kernel and the initramfs; built without root or loop
// mounts (mkfs.fat on a file, mtools' mcopy, the mtools flavour of `syslinux --install`).
import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './exec.js';

/** Sector where the partition starts (1 MiB, as partitioning tools align). */
export const PARTITION_START = 2048;
const SECTOR = 512;
const SYSLINUX_MBR = '/usr/lib/syslinux/mbr/mbr.bin';

/** The 512-byte master boot record: boot code, one active partition entry of the given type
 *  (0x0e = FAT16 LBA) covering `sectors` sectors from PARTITION_START, and the 0x55AA signature. */
export function masterBootRecord(bootCode: Buffer, sectors: number, type = 0x0e): Buffer {
  if (bootCode.length > 440) throw new Error(`MBR boot code is ${bootCode.length} bytes, more than 440`);
  const mbr = Buffer.alloc(SECTOR);
  bootCode.copy(mbr, 0);
  const entry = Buffer.alloc(16);
  entry[0] = 0x80; // active
  entry.set([0xfe, 0xff, 0xff], 1); // CHS start: beyond CHS, use LBA
  entry[4] = type;
  entry.set([0xfe, 0xff, 0xff], 5); // CHS end
  entry.writeUInt32LE(PARTITION_START, 8);
  entry.writeUInt32LE(sectors, 12);
  entry.copy(mbr, 446);
  mbr.writeUInt16LE(0xaa55, 510);
  return mbr;
}

/** The syslinux.cfg that boots straight into the kernel with the given command line. */
export function syslinuxConfig(cmdline: string): string {
  return ['DEFAULT linux', 'PROMPT 0', 'TIMEOUT 0', 'LABEL linux', '  KERNEL /vmlinuz', '  INITRD /initrd.img', `  APPEND ${cmdline}`, ''].join('\n');
}

/** Inputs of buildBootDisk: kernel and initramfs paths, kernel command line, work directory. */
export interface BootDiskInput {
  readonly kernel: string;
  readonly initrd: string;
  readonly cmdline: string;
  readonly workDir: string;
}

/** Builds the raw bootable disk image in workDir and returns its path. */
export async function buildBootDisk(input: BootDiskInput): Promise<string> {
  const fs = join(input.workDir, 'fs.img');
  const raw = join(input.workDir, 'disk.raw');
  const cfg = join(input.workDir, 'syslinux.cfg');
  const payload = (await stat(input.kernel)).size + (await stat(input.initrd)).size;
  const mib = Math.ceil(payload / 2 ** 20) + 1; // one MiB left for syslinux and FAT overhead
  const sectors = (mib * 2 ** 20) / SECTOR;
  await writeFile(cfg, syslinuxConfig(input.cmdline));
  await rm(fs, { force: true });
  await run('mkfs.fat', ['-C', '-F', '16', '-n', 'KVTSBOOT', '-h', String(PARTITION_START), '-i', '6b767473', fs, String(sectors / 2)]);
  await run('mcopy', ['-i', fs, input.kernel, '::/vmlinuz']);
  await run('mcopy', ['-i', fs, input.initrd, '::/initrd.img']);
  await run('mcopy', ['-i', fs, cfg, '::/syslinux.cfg']);
  await run('syslinux', ['--install', fs]);
  const mbr = masterBootRecord(await readFile(SYSLINUX_MBR), sectors);
  const fsBytes = await readFile(fs);
  const out = await open(raw, 'w');
  try {
    await out.write(mbr, 0, mbr.length, 0);
    await out.write(fsBytes, 0, fsBytes.length, PARTITION_START * SECTOR);
  } finally {
    await out.close();
  }
  await rm(fs, { force: true });
  return raw;
}

/** Converts a raw image to qcow2 (sparse). Not compressed: that would save 3 MB but cost
 *  1.5-2 s of boot under TCG, as the bootloader's small reads each inflate a whole cluster. */
export async function toQcow2(raw: string, qcow2: string): Promise<void> {
  await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
}
