/**
 * The request-header authentication protocol between the aggregator and a backend: the caller's
 * identity in X-Remote-User / X-Remote-Uid / X-Remote-Group / X-Remote-Extra-<key> headers.
 */
import type { UserInfo } from '../contracts.js';

export const USER_HEADER = 'x-remote-user';
export const UID_HEADER = 'x-remote-uid';
export const GROUP_HEADER = 'x-remote-group';
export const EXTRA_PREFIX = 'x-remote-extra-';

/** Header-token characters that stay unescaped in an extra key ('%' is always escaped). */
const LEGAL = /^[A-Za-z0-9!#$&'*+\-.^_`|~]$/;

/** Percent-encodes an extra key for use in a header name, as kube-apiserver does (`/` -> `%2F`). */
export function escapeExtraKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && LEGAL.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Inverse of escapeExtraKey; lower-cases the key as upstream does. */
export function unescapeExtraKey(escaped: string): string {
  try {
    return decodeURIComponent(escaped).toLowerCase();
  } catch {
    return escaped.toLowerCase();
  }
}

/** Drops any identity, Authorization or Impersonate-* header a caller sent (they must never reach the backend). */
export function stripCallerCredentials(headers: Record<string, string | string[] | undefined>): void {
  for (const name of Object.keys(headers)) {
    const l = name.toLowerCase();
    if (
      l === 'authorization' ||
      l === USER_HEADER ||
      l === UID_HEADER ||
      l === GROUP_HEADER ||
      l.startsWith(EXTRA_PREFIX) ||
      l.startsWith('impersonate-')
    ) {
      delete headers[name];
    }
  }
}

/** Adds the identity headers of `user` (one X-Remote-Group value per group). */
export function setIdentityHeaders(headers: Record<string, string | string[] | undefined>, user: UserInfo): void {
  headers[USER_HEADER] = user.name;
  if (user.uid) headers[UID_HEADER] = user.uid;
  if (user.groups.length > 0) headers[GROUP_HEADER] = [...user.groups];
  for (const [key, values] of Object.entries(user.extra ?? {})) {
    if (values.length > 0) headers[EXTRA_PREFIX + escapeExtraKey(key)] = [...values];
  }
}

/** The user named by identity headers (Node's `headersDistinct`); undefined without X-Remote-User. */
export function userFromIdentityHeaders(headers: Readonly<Record<string, readonly string[] | undefined>>): UserInfo | undefined {
  const name = headers[USER_HEADER]?.find((v) => v.length > 0);
  if (!name) return undefined;
  const uid = headers[UID_HEADER]?.[0];
  const groups = [...(headers[GROUP_HEADER] ?? [])].filter((g) => g.length > 0);
  const extra: Record<string, string[]> = {};
  for (const [h, values] of Object.entries(headers)) {
    if (!h.startsWith(EXTRA_PREFIX) || !values) continue;
    const key = unescapeExtraKey(h.slice(EXTRA_PREFIX.length));
    extra[key] = [...(extra[key] ?? []), ...values];
  }
  return {
    name,
    ...(uid ? { uid } : {}),
    groups,
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}
