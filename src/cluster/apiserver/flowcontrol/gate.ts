/**
 * The HTTP side of flow control: classifies a request and, unless it is exempt or long-running,
 * waits for its turn; its seat is freed when the response closes (finished or aborted).
 */
import type { ServerResponse } from 'node:http';
import type { UserInfo } from '../contracts.js';
import type { RequestInfo } from '../http/request-info.js';
import { classify, isLongRunning } from './classify.js';
import type { FlowControl } from './dispatcher.js';

/** Undefined when the request may run now; otherwise a promise of its turn (throws 429 when its queue is full). */
export function awaitTurn(fc: FlowControl, info: RequestInfo, user: UserInfo, res: ServerResponse): Promise<void> | undefined {
  if (isLongRunning(info)) return undefined;
  const c = classify(info, user);
  if (c.priorityLevel === 'exempt') return undefined;
  const admission = fc.admit(c);
  res.once('close', admission.done);
  return admission.ready;
}
