// Names and addresses of the pod network (pure): one bridge and /24 per node index, one
// network namespace and veth pair per pod, all prefixed `kvts` so cleanup can find them.
// Several clusters may run on one host (different data dirs): each holds a network slot, and
// the slot picks its supernet, bridge names and nft table so they never touch each other's.

/** How many clusters can have a pod network on one host at once. */
export const NETWORK_SLOTS = 16;
/** Matches the bridges of every slot (the host-wide ip_forward change is undone after the last). */
export const ANY_BRIDGE = /^kvts\d*-br\d+$/;

/** The host-level names of one cluster's pod network. */
export interface ClusterNet {
  readonly slot: number;
  /** 10.<244 - slot>.0.0/16: every node's /24 comes from it. */
  readonly supernet: string;
  /** The nftables table holding the NAT and forward rules. */
  readonly table: string;
  /** Prefix of the cluster's node bridges (`kvts-br` for slot 0, `kvts<slot>-br` otherwise). */
  readonly bridgePrefix: string;
}

/** The names of network slot `slot` (0 keeps the historical names). */
export function clusterNet(slot = 0): ClusterNet {
  if (!Number.isInteger(slot) || slot < 0 || slot >= NETWORK_SLOTS) throw new RangeError(`network slot must be an integer in 0..${NETWORK_SLOTS - 1}, got ${slot}`);
  const suffix = slot === 0 ? '' : String(slot);
  return { slot, supernet: `10.${244 - slot}.0.0/16`, table: `kubevirt_ts${suffix ? `_${suffix}` : ''}`, bridgePrefix: `kvts${suffix}-br` };
}

/** A node's pod network: bridge name, its address, and the /24 it hands out. */
export interface NodeNet {
  readonly bridge: string;
  readonly gateway: string;
  readonly prefix: string;
  readonly cidr: string;
}

/** The bridge and 10.<244 - slot>.N.0/24 of node index N (0..255). */
export function nodeNet(index: number, slot = 0): NodeNet {
  if (!Number.isInteger(index) || index < 0 || index > 255) throw new RangeError(`node index must be an integer in 0..255, got ${index}`);
  const c = clusterNet(slot);
  const prefix = `10.${244 - slot}.${index}`;
  return { bridge: `${c.bridgePrefix}${index}`, gateway: `${prefix}.1`, prefix, cidr: `${prefix}.0/24` };
}

function uidHex(podUid: string): string {
  const h = podUid.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (h.length < 12) throw new RangeError(`pod uid "${podUid}" is too short to name its network namespace`);
  return h;
}

/** The pod's network namespace name (`kvts-<uid prefix>`) and host-side veth (15 chars max). */
export function podNames(podUid: string): { netns: string; hostVeth: string } {
  const h = uidHex(podUid);
  return { netns: `kvts-${h.slice(0, 16)}`, hostVeth: `kvv${h.slice(0, 12)}` };
}

/** The nft script (for `nft -f -`) that (re)creates the table: masquerade pod traffic leaving
 *  through anything but the pod bridges, and accept forwarding to and from pods. */
export function nftRuleset(slot = 0): string {
  const { table, supernet, bridgePrefix } = clusterNet(slot);
  return [
    `table ip ${table} {}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    `  chain postrouting {`,
    `    type nat hook postrouting priority srcnat; policy accept;`,
    `    ip saddr ${supernet} oifname != "${bridgePrefix}*" masquerade`,
    `  }`,
    `  chain forward {`,
    `    type filter hook forward priority filter; policy accept;`,
    `    ip saddr ${supernet} accept`,
    `    ip daddr ${supernet} accept`,
    `  }`,
    `}`,
    '',
  ].join('\n');
}
