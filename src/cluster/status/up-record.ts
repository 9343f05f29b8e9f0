/**
 * The record `kubevirt-ts up` keeps in its data dir (`up.json`) while it runs: its pid (with the
 * process start time, so a re-used pid is not mistaken for it), the API server URL and what it
 * started. `kubevirt-ts status` reads it; a clean stop removes it.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { procStartTime } from '../kubelet/procs.js';

/** What a running `up` wrote about itself. */
export interface UpRecord {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat when written. */
  readonly processStartTime: string;
  /** Starting while the stack comes up; Running once every component is ready. */
  readonly phase: 'Starting' | 'Running';
  readonly startedAt: string;
  readonly url?: string;
  readonly kubeconfig: string;
  readonly nodes: number;
  readonly controlPlaneOnly: boolean;
  /** virt-handler's heartbeat period: a handler silent for longer than 5 of them is not ready. */
  readonly heartbeatSeconds: number;
}

/** The record's path in a data dir. */
export const upRecordPath = (dataDir: string): string => join(dataDir, 'up.json');

/** Writes the record atomically (a reader never sees half of it). */
export function writeUpRecord(dataDir: string, r: UpRecord): void {
  const path = upRecordPath(dataDir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(r, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** Removes the record, if it is still this process's. */
export function removeUpRecord(dataDir: string, pid = process.pid): void {
  if (readUpRecord(dataDir)?.pid === pid) rmSync(upRecordPath(dataDir), { force: true });
}

/** The record, or undefined when there is none (or it cannot be parsed). */
export function readUpRecord(dataDir: string): UpRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(upRecordPath(dataDir), 'utf8')) as UpRecord;
    return typeof r.pid === 'number' && typeof r.kubeconfig === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process the record names still runs (same pid and start time). */
export function upAlive(r: UpRecord): boolean {
  return r.pid > 0 && procStartTime(r.pid) === r.processStartTime;
}

/** This process's record fields (pid and start time). */
export function selfIdentity(): Pick<UpRecord, 'pid' | 'processStartTime'> {
  return { pid: process.pid, processStartTime: procStartTime(process.pid) ?? '' };
}
