/** Names upstream fixes: the domain name `<namespace>_<name>`, device aliases `ua-<name>`, and disk dev names per bus. */
import type { DiskBus } from '../../api/kubevirt/index.js';

/** The libvirt domain name of VMI `name` in `namespace`. */
export const domainNameFor = (namespace: string, name: string): string => `${namespace}_${name}`;

/** The namespace and name of a domain named by domainNameFor (namespaces hold no `_`); undefined for other domains. */
export function parseDomainName(domain: string): { namespace: string; name: string } | undefined {
  const i = domain.indexOf('_');
  if (i <= 0 || i === domain.length - 1) return undefined;
  return { namespace: domain.slice(0, i), name: domain.slice(i + 1) };
}

/** The alias of a user-named device: `ua-<name>` ("user alias", as libvirt requires). */
export const userAlias = (name: string): string => `ua-${name}`;

/** The device-name prefix of a disk bus: vd for virtio, sd for sata, scsi and usb (they share one letter sequence). */
export const devPrefix = (bus: DiskBus): 'vd' | 'sd' => (bus === 'virtio' ? 'vd' : 'sd');

/** Letters of the `index`th disk, as Linux names them: a..z, aa..az, ba... */
export function diskLetters(index: number): string {
  let n = index;
  let s = '';
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}

/** Hands out dev names in disk order, one sequence per prefix: vda, vdb... and sda, sdb... */
export class DevNameAllocator {
  private readonly next = new Map<string, number>();

  /** The next dev name for `bus`. */
  allocate(bus: DiskBus): string {
    const prefix = devPrefix(bus);
    const n = this.next.get(prefix) ?? 0;
    this.next.set(prefix, n + 1);
    return `${prefix}${diskLetters(n)}`;
  }
}
