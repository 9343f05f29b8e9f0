/**
 * Shared TLS client contexts for the API server's outgoing calls (admission webhooks, aggregated
 * APIs): node parses the CA, certificate and key again for every new connection unless it is
 * given a SecureContext, so one is made per distinct set and kept.
 */
import { createSecureContext, type SecureContext } from 'node:tls';

/** PEM material a client context is built from. */
export interface ContextMaterial {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

const contexts = new Map<string, SecureContext>();
/** A few webhooks and APIServices at most; past this the cache starts over. */
const MAX_CONTEXTS = 64;

/** The one SecureContext for this material, made on first use and kept. */
export function secureContextFor(m: ContextMaterial): SecureContext {
  const key = `${m.ca ?? ''}\u0000${m.cert ?? ''}\u0000${m.key ?? ''}`;
  let ctx = contexts.get(key);
  if (!ctx) {
    if (contexts.size >= MAX_CONTEXTS) contexts.clear();
    const opts = { ...(m.ca ? { ca: m.ca } : {}), ...(m.cert ? { cert: m.cert } : {}), ...(m.key ? { key: m.key } : {}) };
    contexts.set(key, (ctx = createSecureContext(opts)));
  }
  return ctx;
}
