/**
 * The stable firmware UUID upstream derives from a VM's name: a name-based (v5, SHA-1) UUID in a
 * fixed namespace, so a VM keeps its SMBIOS UUID across restarts.
 */
import { createHash } from 'node:crypto';

/** Upstream's namespace for firmware UUIDs (pkg/virt-controller/watch/vm firmware code). */
export const FIRMWARE_UUID_NAMESPACE = '6a1a24a1-4061-4607-8bf4-a3963d0c5895';

/** RFC 4122 version 5 UUID of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const hash = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The firmware UUID of the VM (and its VMIs) named `name`. */
export const firmwareUUID = (name: string): string => uuidV5(name, FIRMWARE_UUID_NAMESPACE);
