// The resolv.conf pods get: the host's, or systemd-resolved's upstream file when the host's
// only lists a loopback resolver such as systemd-resolved's (unreachable from a pod's network namespace), as kubelet does.
import { readFile } from 'node:fs/promises';

/** Nameserver addresses listed in a resolv.conf text. */
export function nameservers(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((s): s is string => s !== undefined);
}

/** Path of the resolv.conf to give pods. */
export async function podResolvConf(host = '/etc/resolv.conf', upstream = '/run/systemd/resolve/resolv.conf'): Promise<string> {
  const text = await readFile(host, 'utf8').catch(() => '');
  const servers = nameservers(text);
  const loopbackOnly = servers.length > 0 && servers.every((s) => s.startsWith('127.') || s === '::1');
  if (loopbackOnly && (await readFile(upstream, 'utf8').then(() => true, () => false))) return upstream;
  return host;
}
