/**
 * An event recorder: core/v1 Events about an object, with repeats of the same reason and
 * message folded into one Event whose count and lastTimestamp grow (as client-go's recorder).
 */
import type { KubeObject } from '../api/meta/index.js';
import type { KubeClient } from './kube-client.js';

export type EventType = 'Normal' | 'Warning';

interface Folded {
  name: string;
  count: number;
}

export class EventRecorder {
  private readonly seen = new Map<string, Folded>();

  constructor(
    private readonly client: KubeClient,
    private readonly component: string,
    private readonly host = '',
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records an event; failures are reported to `onError` and never thrown (events are best effort). */
  async record(obj: KubeObject, type: EventType, reason: string, message: string, onError?: (e: unknown) => void): Promise<void> {
    const ns = obj.metadata?.namespace || 'default';
    const key = `${obj.metadata?.uid ?? ''}|${type}|${reason}|${message}`;
    const ts = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const prior = this.seen.get(key);
    try {
      if (prior) {
        prior.count += 1;
        await this.client.patch(`/api/v1/namespaces/${ns}/events/${prior.name}`, { count: prior.count, lastTimestamp: ts });
        return;
      }
      const name = `${obj.metadata?.name ?? 'unknown'}.${(Date.now() * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`;
      await this.client.create(`/api/v1/namespaces/${ns}/events`, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: obj.metadata?.name,
          namespace: obj.metadata?.namespace,
          uid: obj.metadata?.uid,
          resourceVersion: obj.metadata?.resourceVersion,
        },
        reason,
        message,
        type,
        count: 1,
        firstTimestamp: ts,
        lastTimestamp: ts,
        source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
        reportingComponent: this.component,
        reportingInstance: this.host || this.component,
      });
      this.seen.set(key, { name, count: 1 });
      if (this.seen.size > 4096) this.seen.delete(this.seen.keys().next().value as string);
    } catch (e) {
      onError?.(e);
    }
  }
}
