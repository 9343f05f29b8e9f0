/**
 * Who is calling: virt-api trusts the X-Remote-* identity headers only on a TLS connection whose
 * client certificate the request-header CA signed (with an allowed front-proxy CN), as
 * kube-apiserver's request-header authenticator does; the protocol lives in common/request-header.
 */
import type { IncomingMessage } from 'node:http';
import { verifyFrontProxyRequest } from '../../common/request-header.js';

/** The authenticated caller. */
export interface Caller {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** Where the request-header CA and allowed names come from (the extension-apiserver-authentication ConfigMap upstream). */
export interface RequestHeaderConfig {
  /** PEM bundle of the request-header client CA. */
  readonly caPem: string;
  /** Allowed CNs of the front proxy's certificate; empty allows any CN the CA signed. */
  readonly allowedNames: readonly string[];
}

/** The caller of `req`, or undefined when the connection is not a trusted front proxy's. */
export function authenticate(req: Pick<IncomingMessage, 'socket' | 'headersDistinct'>, cfg: RequestHeaderConfig): Caller | undefined {
  const user = verifyFrontProxyRequest(req, cfg.caPem, cfg.allowedNames);
  return user ? { ...user, extra: user.extra ?? {} } : undefined;
}
