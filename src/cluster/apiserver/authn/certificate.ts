/**
 * Client-certificate authentication: the identity kube-apiserver derives from a verified x509
 * client certificate (CommonName = user name, each Organization = a group).
 */
import type { PeerCertificate } from 'node:tls';
import type { UserInfo } from '../contracts.js';

/** The group every authenticated identity belongs to. */
export const AUTHENTICATED_GROUP = 'system:authenticated';

/** All values of one subject attribute; Node gives a string for one value and an array for several. */
function values(v: string | readonly string[] | undefined): string[] {
  if (v === undefined) return [];
  return (typeof v === 'string' ? [v] : [...v]).filter((s) => s.length > 0);
}

/**
 * The user a (already chain-verified) client certificate names: CN is the user, every O a group,
 * plus `system:authenticated`. Undefined without a CommonName (kube-apiserver does not authenticate those).
 */
export function userFromCertificate(cert: PeerCertificate): UserInfo | undefined {
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined> | undefined;
  const name = values(subject?.CN)[0];
  if (name === undefined) return undefined;
  const groups = values(subject?.O).filter((g) => g !== AUTHENTICATED_GROUP);
  return { name, groups: [...groups, AUTHENTICATED_GROUP] };
}
