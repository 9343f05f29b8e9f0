/**
 * The backend's side of aggregation (virt-api and other extension servers): trust the
 * X-Remote-* identity headers only on a connection whose client certificate the request-header
 * CA signed (and whose CN is an allowed front-proxy name). A bare header is never trusted.
 */
import type { IncomingMessage } from 'node:http';
import { fromFrontProxy } from '../../pki/front-proxy.js';
import type { UserInfo } from '../contracts.js';
import { userFromIdentityHeaders } from './identity-headers.js';

export { isFrontProxyCertificate } from '../../pki/front-proxy.js';

/**
 * The caller's identity as the aggregator forwarded it, or undefined when the request did not
 * come over a connection authenticated by a request-header-CA client certificate (or names no user).
 */
export function verifyFrontProxyRequest(
  req: Pick<IncomingMessage, 'socket' | 'headersDistinct'>,
  requestHeaderCaPem: string,
  allowedNames: readonly string[],
): UserInfo | undefined {
  return fromFrontProxy(req.socket, requestHeaderCaPem, allowedNames) ? userFromIdentityHeaders(req.headersDistinct) : undefined;
}
