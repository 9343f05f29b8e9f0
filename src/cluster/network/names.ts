// Names and addresses of the pod network (pure): one bridge and /24 per node index, one
// network namespace and veth pair per pod, all prefixed `kvts` so cleanup can find them.

/** The pod supernet every node's /24 comes from. */
export const POD_SUPERNET = '10.244.0.0/16';
/** The nftables table holding the pod network's NAT and forward rules. */
export const NFT_TABLE = 'kubevirt_ts';
/** Prefix of every bridge this module creates. */
export const BRIDGE_PREFIX = 'kvts-br';

/** A node's pod network: bridge name, its address, and the /24 it hands out. */
export interface NodeNet {
  readonly bridge: string;
  readonly gateway: string;
  readonly prefix: string;
  readonly cidr: string;
}

/** The bridge and 10.244.N.0/24 of node index N (0..255). */
export function nodeNet(index: number): NodeNet {
  if (!Number.isInteger(index) || index < 0 || index > 255) throw new RangeError(`node index must be an integer in 0..255, got ${index}`);
  const prefix = `10.244.${index}`;
  return { bridge: `${BRIDGE_PREFIX}${index}`, gateway: `${prefix}.1`, prefix, cidr: `${prefix}.0/24` };
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
export function nftRuleset(): string {
  return [
    `table ip ${NFT_TABLE} {}`,
    `delete table ip ${NFT_TABLE}`,
    `table ip ${NFT_TABLE} {`,
    `  chain postrouting {`,
    `    type nat hook postrouting priority srcnat; policy accept;`,
    `    ip saddr ${POD_SUPERNET} oifname != "${BRIDGE_PREFIX}*" masquerade`,
    `  }`,
    `  chain forward {`,
    `    type filter hook forward priority filter; policy accept;`,
    `    ip saddr ${POD_SUPERNET} accept`,
    `    ip daddr ${POD_SUPERNET} accept`,
    `  }`,
    `}`,
    '',
  ].join('\n');
}
