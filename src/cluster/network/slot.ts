// A host-wide lease on a network slot, so two clusters on one machine (different data dirs)
// get different supernets, bridges and nft tables. The lease is an abstract unix socket bound
// under a per-slot name: the kernel frees it when the holder exits, even after kill -9, so a
// crashed cluster never leaves a slot taken. The chosen slot is remembered in the data dir and
// preferred on restart, so re-adopted pods keep their addresses.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { NETWORK_SLOTS } from './names.js';

/** A held slot; `release` frees it for other clusters. */
export interface NetworkSlot {
  readonly slot: number;
  release(): Promise<void>;
}

/** The abstract socket name leasing `slot`. */
export const slotSocketName = (slot: number): string => `\0kubevirt-ts-network-slot-${slot}`;

function tryBind(slot: number): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(undefined) : reject(e)));
    srv.listen({ path: slotSocketName(slot) }, () => resolve(srv));
  });
}

/** The order slots are tried in: the remembered one first, then the rest ascending. */
export function slotOrder(remembered: number | undefined): number[] {
  const all = Array.from({ length: NETWORK_SLOTS }, (_, i) => i);
  return remembered === undefined || !all.includes(remembered) ? all : [remembered, ...all.filter((s) => s !== remembered)];
}

/** Slots this process holds, by memo file: node agents restarted in-process keep their slot. */
const held = new Map<string, { slot: number; srv: Server; refs: number }>();

function lease(memoFile: string, h: { slot: number; srv: Server; refs: number }): NetworkSlot {
  h.refs++;
  let released = false;
  return {
    slot: h.slot,
    release: async () => {
      if (released) return;
      released = true;
      if (--h.refs > 0) return;
      held.delete(memoFile);
      await new Promise<void>((resolve) => h.srv.close(() => resolve()));
    },
  };
}

/** Leases a free slot, preferring the one recorded in `memoFile`, and records the choice there. */
export async function acquireNetworkSlot(memoFile: string): Promise<NetworkSlot> {
  const mine = held.get(memoFile);
  if (mine) return lease(memoFile, mine);
  let remembered: number | undefined;
  try {
    remembered = Number.parseInt(readFileSync(memoFile, 'utf8').trim(), 10);
  } catch {
    remembered = undefined;
  }
  for (const slot of slotOrder(Number.isInteger(remembered) ? remembered : undefined)) {
    const srv = await tryBind(slot);
    if (!srv) continue;
    writeFileSync(memoFile, `${slot}\n`);
    srv.unref();
    const h = { slot, srv, refs: 0 };
    held.set(memoFile, h);
    return lease(memoFile, h);
  }
  throw new Error(`all ${NETWORK_SLOTS} pod network slots of this host are in use by other kubevirt-ts clusters`);
}
