/**
 * An event recorder: core/v1 Events about an object, with repeats of the same reason and
 * message folded into one Event whose count and lastTimestamp grow (as client-go's recorder).
 * Like client-go's broadcaster sink, it sends one event at a time, in order, from a bounded
 * queue: a burst of events never competes with the component's real work for API connections.
 */
import type { KubeObject } from '../api/meta/index.js';
import type { KubeClient } from './kube-client.js';

export type EventType = 'Normal' | 'Warning';

/** Event writes are fire-and-forget: their answers are never read. */
const DISCARD = { discardResponse: true } as const;

/** The object an event is about, taken when the event is recorded (the caller may change obj afterwards). */
interface Ref {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

interface Folded {
  name: string;
  count: number;
}

/** client-go's maxQueuedEvents: past this many unsent events, new ones are dropped. */
export const MAX_QUEUED_EVENTS = 1000;

export class EventRecorder {
  private readonly seen = new Map<string, Folded>();
  /** The send of the last queued event (each send starts when the one before it ends). */
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly component: string,
    private readonly host = '',
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Records an event: resolves once it is sent (after those recorded before it). Failures, and
   * events dropped from a full queue, are reported to `onError` and never thrown (events are best effort).
   */
  record(obj: KubeObject, type: EventType, reason: string, message: string, onError?: (e: unknown) => void): Promise<void> {
    if (this.queued >= MAX_QUEUED_EVENTS) {
      onError?.(new Error(`event queue full (${MAX_QUEUED_EVENTS}): dropped ${type} ${reason} of ${obj.metadata?.name ?? ''}`));
      return Promise.resolve();
    }
    this.queued += 1;
    const m = obj.metadata;
    const ref: Ref = { apiVersion: obj.apiVersion, kind: obj.kind, name: m?.name, namespace: m?.namespace, uid: m?.uid, resourceVersion: m?.resourceVersion };
    const at = this.now();
    const sent = this.tail.then(() => this.send(ref, type, reason, message, at, onError)).finally(() => {
      this.queued -= 1;
    });
    this.tail = sent;
    return sent;
  }

  private async send(ref: Ref, type: EventType, reason: string, message: string, at: Date, onError?: (e: unknown) => void): Promise<void> {
    const ns = ref.namespace || 'default';
    const key = `${ref.uid ?? ''}|${type}|${reason}|${message}`;
    const ts = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const prior = this.seen.get(key);
    try {
      if (prior) {
        prior.count += 1;
        await this.client.patch(`/api/v1/namespaces/${ns}/events/${prior.name}`, { count: prior.count, lastTimestamp: ts }, DISCARD);
        return;
      }
      const name = `${ref.name ?? 'unknown'}.${(Date.now() * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`;
      await this.client.create(`/api/v1/namespaces/${ns}/events`, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: { ...ref },
        reason,
        message,
        type,
        count: 1,
        firstTimestamp: ts,
        lastTimestamp: ts,
        source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
        reportingComponent: this.component,
        reportingInstance: this.host || this.component,
      }, DISCARD);
      this.seen.set(key, { name, count: 1 });
      if (this.seen.size > 4096) this.seen.delete(this.seen.keys().next().value as string);
    } catch (e) {
      onError?.(e);
    }
  }
}
